// The op-state document of one account (`opstate#<account>`): unknown-order escalation per symbol and the
// stored kill switch (spec 9.1.5), kept through the versioned DocumentStore. Every change re-reads and
// re-applies its rule when another writer got in first (the cycle and reconcile both write it).
//
// Reading fails CLOSED: a document that cannot be read or parsed makes the stored kill switch read on.
import * as z from 'zod';
import { ConcurrentUpdateError, TradingError, ValidationError } from '../domain/errors';
import {
  clearKillSwitch,
  clearSymbol,
  EMPTY_OP_STATE,
  type EscalationThresholds,
  killSwitchOn,
  type OpState,
  observeOnlySymbols,
  recordExhausted,
  recordReconcile,
  type StoredKillSwitch,
} from '../domain/escalation';
import type { DocumentStore } from '../ports/state-store';
import { CanonicalPairSchema, parseJsonInput } from './parse-input';

export const opStateKey = (account: string) => `opstate#${account}`;

/** Attempts of one change when other writers keep moving the version */
export const OP_STATE_WRITE_ATTEMPTS = 5;

const ms = z.number().int().nonnegative();
const OpStateSchema = z.strictObject({
  // observe-only is looked up by the canonical symbol of an intent: a key stored in any other spelling
  // would block nothing, so it makes the document unreadable (kill switch on) rather than silently inert
  symbols: z.record(
    CanonicalPairSchema,
    z.strictObject({
      consecutiveFailures: z.number().int().nonnegative(),
      observeOnlySinceMs: ms.optional(),
      lastClientOrderId: z.string().min(1).optional(),
    }),
  ),
  killSwitch: z.strictObject({ on: z.literal(true), reason: z.string().min(1), sinceMs: ms }).optional(),
});

/** The op-state document exists but is not valid (or could not be read): its kill switch counts as on */
export class OpStateUnreadableError extends TradingError {
  constructor(
    readonly key: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`op-state document ${key} is unreadable: ${detail}`, options);
  }
}

export interface StoredOpState {
  readonly state: OpState;
  /** The document version (0 = no document yet, -1 in a snapshot of an unreadable one) */
  readonly version: number;
}

/** What a stage 3 cycle acts on: the stored kill switch and the observe-only symbols */
export interface OpStateSnapshot extends StoredOpState {
  readonly key: string;
  /** On when set, and on when the document could not be read or parsed (fail closed) */
  readonly killSwitchOn: boolean;
  /** The stored reason, or `op_state_unreadable` */
  readonly killSwitchReason?: string;
  readonly killSwitchSinceMs?: number;
  /** Symbols no new order may be sent for */
  readonly observeOnlySymbols: readonly string[];
  /** Why the document could not be used; the kill switch then reads on */
  readonly unreadable?: OpStateUnreadableError;
}

export interface OpStateChange {
  readonly before: OpState;
  readonly after: OpState;
}

/** @throws OpStateUnreadableError the stored text is not a valid op-state document */
export function parseOpState(key: string, text: string): OpState {
  try {
    return parseJsonInput(OpStateSchema, `op-state document ${key}`, text);
  } catch (e) {
    if (e instanceof ValidationError) throw new OpStateUnreadableError(key, e.message, { cause: e });
    throw e;
  }
}

/**
 * The document as stored, validated.
 * @throws OpStateUnreadableError the document is corrupt; the store's own errors as they come
 */
export async function readOpState(documents: DocumentStore, account: string): Promise<StoredOpState> {
  const key = opStateKey(account);
  const stored = await documents.get(key);
  if (!stored) return { state: EMPTY_OP_STATE, version: 0 };
  return { state: parseOpState(key, stored.value), version: stored.version };
}

/**
 * The op-state for a cycle, failing closed: never throws; a corrupt document or a failed read gives the
 * kill switch on (reason `op_state_unreadable`) with `unreadable` saying why, and no observe-only symbols.
 */
export async function loadOpState(documents: DocumentStore, account: string): Promise<OpStateSnapshot> {
  const key = opStateKey(account);
  try {
    const { state, version } = await readOpState(documents, account);
    return {
      key,
      state,
      version,
      killSwitchOn: killSwitchOn(state),
      ...(state.killSwitch
        ? { killSwitchReason: state.killSwitch.reason, killSwitchSinceMs: state.killSwitch.sinceMs }
        : {}),
      observeOnlySymbols: observeOnlySymbols(state),
    };
  } catch (e) {
    const unreadable =
      e instanceof OpStateUnreadableError
        ? e
        : new OpStateUnreadableError(key, `${(e as Error).name}: ${(e as Error).message}`, { cause: e });
    return {
      key,
      state: EMPTY_OP_STATE,
      version: -1,
      killSwitchOn: true,
      killSwitchReason: 'op_state_unreadable',
      observeOnlySymbols: [],
      unreadable,
    };
  }
}

/**
 * Applies `change` to the stored document with a versioned put; on a lost race re-reads and re-applies.
 * No write when `change` returns the state it was given.
 * @throws OpStateUnreadableError the document is corrupt (it is never overwritten)
 * @throws ConcurrentUpdateError after OP_STATE_WRITE_ATTEMPTS lost races
 */
export async function updateOpState(
  documents: DocumentStore,
  account: string,
  change: (state: OpState) => OpState,
): Promise<OpStateChange> {
  const key = opStateKey(account);
  let lost: ConcurrentUpdateError | undefined;
  for (let attempt = 0; attempt < OP_STATE_WRITE_ATTEMPTS; attempt += 1) {
    const { state, version } = await readOpState(documents, account);
    const next = change(state);
    if (next === state) return { before: state, after: state };
    try {
      await documents.put(key, JSON.stringify(next), version);
      return { before: state, after: next };
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError)) throw e;
      lost = e;
    }
  }
  throw lost ?? new ConcurrentUpdateError(key, 'no attempt made');
}

/** One reconcile of an order of `symbol` (settled or not) through the escalation rules */
export const recordReconcileOutcome = (
  documents: DocumentStore,
  account: string,
  symbol: string,
  settled: boolean,
  nowMs: number,
  thresholds: EscalationThresholds,
  clientOrderId?: string,
): Promise<OpStateChange> =>
  updateOpState(documents, account, (s) => recordReconcile(s, symbol, settled, nowMs, thresholds, clientOrderId));

/** A reconcile message used its last delivery: symbol observe-only (when known), stored kill switch on */
export const escalateExhausted = (
  documents: DocumentStore,
  account: string,
  symbol: string | undefined,
  clientOrderId: string,
  nowMs: number,
): Promise<OpStateChange> => updateOpState(documents, account, (s) => recordExhausted(s, symbol, clientOrderId, nowMs));

/** The operator's clear of the stored kill switch; @returns what it was (undefined: it was already off) */
export async function clearStoredKillSwitch(
  documents: DocumentStore,
  account: string,
): Promise<StoredKillSwitch | undefined> {
  const { before } = await updateOpState(documents, account, clearKillSwitch);
  return before.killSwitch;
}

/** The operator's clear of one symbol's escalation; @returns whether it had any */
export async function clearStoredSymbol(documents: DocumentStore, account: string, symbol: string): Promise<boolean> {
  const { before, after } = await updateOpState(documents, account, (s) => clearSymbol(s, symbol));
  return before !== after;
}

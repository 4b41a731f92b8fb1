// Stage 4 replace transactions (spec 3.18): a replace group's cancels, then its replacement SUBMIT, as one
// persisted state machine that later cycles resume. The invariant that keeps one live order per group:
// SUBMIT_SENT is entered only from CANCEL_CONFIRMED, CANCEL_CONFIRMED only from CANCEL_SENT (once the
// confirmation rule held, replace-transaction-confirmation.ts), and SUBMIT_SENT is left only for a terminal
// state, so the replacement is sent at most once and never before every old order is closed.
import { CorruptStateError, type ValidationIssue } from '../errors';
import type { Side } from '../exchange-rules';
import { sha256Hex } from '../hashing';
import { CLIENT_ORDER_ID_MAX_LENGTH } from '../ids';
import { type Dec, toPlain } from '../money';
import { machine } from '../order-state';
import { isCanonicalPair } from '../symbols';

export const REPLACE_TX_STATES = [
  'INIT',
  'CANCEL_SENT',
  'CANCEL_CONFIRMED',
  'SUBMIT_SENT',
  'SUBMIT_CONFIRMED',
  'BLOCKED_UNKNOWN',
  'BLOCKED_RECONCILE',
  'FAILED',
] as const;
export type ReplaceTxState = (typeof REPLACE_TX_STATES)[number];

export const REPLACE_TX_EVENTS = [
  'CANCELS_SENT',
  'CANCELS_CONFIRMED',
  'CANCELS_UNCONFIRMED',
  'FROZEN',
  'SUBMIT_SENT',
  'SUBMIT_CONFIRMED',
  'SUBMIT_FAILED',
  'ABANDONED',
] as const;
export type ReplaceTxEvent = (typeof REPLACE_TX_EVENTS)[number];

// CANCELS_SENT is recorded before the cancels go out (and again when a resumed cycle re-sends them: cancels
// of closed orders are skipped, so re-sending is safe). FROZEN (unknown-order freeze) and BLOCKED_RECONCILE
// send the transaction back through CANCEL_SENT: whatever was confirmed before is confirmed again. ABANDONED
// ends a transaction whose replacement was never sent (the plan moved on); after SUBMIT_SENT only the
// replacement's own outcome ends it.
const TABLE: Record<ReplaceTxState, Partial<Record<ReplaceTxEvent, ReplaceTxState>>> = {
  INIT: { CANCELS_SENT: 'CANCEL_SENT', FROZEN: 'BLOCKED_UNKNOWN', ABANDONED: 'FAILED' },
  CANCEL_SENT: {
    CANCELS_SENT: 'CANCEL_SENT',
    CANCELS_CONFIRMED: 'CANCEL_CONFIRMED',
    CANCELS_UNCONFIRMED: 'BLOCKED_RECONCILE',
    FROZEN: 'BLOCKED_UNKNOWN',
    ABANDONED: 'FAILED',
  },
  CANCEL_CONFIRMED: { SUBMIT_SENT: 'SUBMIT_SENT', FROZEN: 'BLOCKED_UNKNOWN', ABANDONED: 'FAILED' },
  SUBMIT_SENT: { SUBMIT_CONFIRMED: 'SUBMIT_CONFIRMED', SUBMIT_FAILED: 'FAILED' },
  BLOCKED_RECONCILE: { CANCELS_SENT: 'CANCEL_SENT', FROZEN: 'BLOCKED_UNKNOWN', ABANDONED: 'FAILED' },
  BLOCKED_UNKNOWN: { CANCELS_SENT: 'CANCEL_SENT', ABANDONED: 'FAILED' },
  SUBMIT_CONFIRMED: {},
  FAILED: {},
};

export const replaceTxMachine = machine<ReplaceTxState, ReplaceTxEvent>('replace transaction', TABLE);

/** The states that say why a transaction is stuck or ended: they carry reasons, and only they do */
const REASONED: ReadonlySet<ReplaceTxState> = new Set(['BLOCKED_UNKNOWN', 'BLOCKED_RECONCILE', 'FAILED']);

/** What a cycle asks to be recorded for one replace group */
export interface NewReplaceTransaction {
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  /** The replacement SUBMIT's client order id */
  readonly newClientOrderId: string;
  /** The orders the group cancels (any order; stored sorted, without repeats) */
  readonly oldClientOrderIds: readonly string[];
  /** The replacement's limit price and quantity, so a resumed cycle submits what was planned */
  readonly price: Dec;
  readonly qty: Dec;
  /** The cycle that opened the transaction */
  readonly cycleId: string;
}

export interface ReplaceTransaction extends NewReplaceTransaction {
  /** `rpl:` + 24 hex digits of sha256 (replaceTxId) */
  readonly id: string;
  readonly state: ReplaceTxState;
  /** Why it is blocked or failed (non-empty exactly in BLOCKED_UNKNOWN, BLOCKED_RECONCILE and FAILED) */
  readonly reasons: readonly string[];
  /** Starts at 1; every write increments it */
  readonly version: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

const sortedUnique = (ids: readonly string[]): string[] => [...new Set(ids)].sort();

/** Spec 3.18: `rpl:` + sha256("{symbol}|{side}|{new coid}|{sorted old coids...}")[:24], whatever the old ids' order */
export const replaceTxId = (
  symbol: string,
  side: Side,
  newClientOrderId: string,
  oldClientOrderIds: readonly string[],
) => `rpl:${sha256Hex([symbol, side, newClientOrderId, ...sortedUnique(oldClientOrderIds)].join('|')).slice(0, 24)}`;

/** The transaction as created: INIT, version 1, old ids sorted and unique (not validated: the store does that) */
export function newReplaceTransaction(request: NewReplaceTransaction, nowMs: number): ReplaceTransaction {
  const oldClientOrderIds = sortedUnique(request.oldClientOrderIds);
  return {
    ...request,
    oldClientOrderIds,
    id: replaceTxId(request.symbol, request.side, request.newClientOrderId, oldClientOrderIds),
    state: 'INIT',
    reasons: [],
    version: 1,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
}

/**
 * True when a stored transaction under the same id records another group than `wanted` (spec 3.18: the
 * cycle then takes no action, decision `replace_tx_metadata_mismatch`)
 */
export function replaceTxMetadataMismatch(stored: ReplaceTransaction, wanted: NewReplaceTransaction): boolean {
  const old = sortedUnique(wanted.oldClientOrderIds);
  return (
    stored.account !== wanted.account ||
    stored.symbol !== wanted.symbol ||
    stored.side !== wanted.side ||
    stored.newClientOrderId !== wanted.newClientOrderId ||
    stored.oldClientOrderIds.length !== old.length ||
    stored.oldClientOrderIds.some((id, i) => id !== old[i]) ||
    !stored.price.eq(wanted.price) ||
    !stored.qty.eq(wanted.qty)
  );
}

/** Printable ASCII without `|`, the id's separator: no two groups can hash the same text */
const CLIENT_ID = new RegExp(`^[!-{}~]{1,${CLIENT_ORDER_ID_MAX_LENGTH}}$`);

function clientIdIssue(path: string, id: string): ValidationIssue[] {
  return CLIENT_ID.test(id)
    ? []
    : [{ path, message: `expected 1 to 50 printable characters without "|", was ${JSON.stringify(id)}` }];
}

/** What makes a transaction one the protocol could not have written (empty when it is sound) */
export function replaceTransactionIssues(tx: ReplaceTransaction): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!isCanonicalPair(tx.symbol))
    issues.push({ path: 'symbol', message: `expected a canonical pair, was ${JSON.stringify(tx.symbol)}` });
  issues.push(...clientIdIssue('newClientOrderId', tx.newClientOrderId));
  tx.oldClientOrderIds.forEach((id, i) => {
    issues.push(...clientIdIssue(`oldClientOrderIds.${i}`, id));
  });
  if (tx.oldClientOrderIds.length === 0)
    issues.push({ path: 'oldClientOrderIds', message: 'expected at least one order to cancel, was none' });
  if (tx.oldClientOrderIds.some((id, i) => i > 0 && (tx.oldClientOrderIds[i - 1] as string) >= id))
    issues.push({ path: 'oldClientOrderIds', message: `expected sorted unique ids, was ${tx.oldClientOrderIds}` });
  if (tx.oldClientOrderIds.includes(tx.newClientOrderId))
    issues.push({
      path: 'newClientOrderId',
      message: `expected an id not among the old ones, was ${tx.newClientOrderId}`,
    });
  const id = replaceTxId(tx.symbol, tx.side, tx.newClientOrderId, tx.oldClientOrderIds);
  if (tx.id !== id) issues.push({ path: 'id', message: `expected ${id} (its group's id), was ${tx.id}` });
  if (!tx.price.gt(0)) issues.push({ path: 'price', message: `expected a decimal > 0, was ${toPlain(tx.price)}` });
  if (!tx.qty.gt(0)) issues.push({ path: 'qty', message: `expected a decimal > 0, was ${toPlain(tx.qty)}` });
  if (REASONED.has(tx.state) !== tx.reasons.length > 0)
    issues.push({
      path: 'reasons',
      message: `expected ${REASONED.has(tx.state) ? 'a reason' : 'no reason'} in ${tx.state}, was [${tx.reasons}]`,
    });
  if (tx.reasons.some((r) => r.length === 0)) issues.push({ path: 'reasons', message: 'expected no empty reason' });
  if (tx.cycleId.length === 0) issues.push({ path: 'cycleId', message: 'expected a cycle id, was empty' });
  if (!Number.isSafeInteger(tx.version) || tx.version < 1)
    issues.push({ path: 'version', message: `expected a version >= 1, was ${tx.version}` });
  if (tx.updatedAtMs < tx.createdAtMs)
    issues.push({ path: 'updatedAtMs', message: `expected >= createdAtMs ${tx.createdAtMs}, was ${tx.updatedAtMs}` });
  return issues;
}

/** @throws CorruptStateError naming the transaction and each bad field */
export function assertReplaceTransaction(tx: ReplaceTransaction): ReplaceTransaction {
  const issues = replaceTransactionIssues(tx);
  if (issues.length > 0) throw new CorruptStateError(`replace transaction ${tx.id}`, issues);
  return tx;
}

/**
 * The transaction after `event`. A terminal transaction is returned as it is: replaying it is a no-op.
 * @throws InvalidTransitionError the table has no such transition (nothing may be written)
 * @throws CorruptStateError the result would be unsound, e.g. a block without a reason (nothing may be written)
 */
export function nextReplaceTransaction(
  tx: ReplaceTransaction,
  event: ReplaceTxEvent,
  reasons: readonly string[],
  nowMs: number,
): ReplaceTransaction {
  if (replaceTxMachine.isTerminal(tx.state)) return tx;
  const state = replaceTxMachine.next(tx.state, event, tx.id);
  return assertReplaceTransaction({ ...tx, state, reasons: [...reasons], version: tx.version + 1, updatedAtMs: nowMs });
}

/** What holds a cycle's hand this time (spec 3.7, 3.17) */
export interface ReplaceGates {
  /** The unknown-order freeze is active */
  readonly freezeActive: boolean;
  /** The effective kill switch is on: no SUBMIT */
  readonly killSwitchActive: boolean;
  /** KILL_SWITCH_FREEZE_ALL: under the kill switch, CANCELs stop too */
  readonly freezeAll: boolean;
}

/**
 * What a cycle does next with a stored transaction:
 * - `none`: terminal, a replay is a no-op;
 * - `await_submit`: SUBMIT_SENT, the replacement's journal entry decides (SUBMIT_CONFIRMED or SUBMIT_FAILED);
 * - `block_unknown`: record FROZEN (the group's cancels still go out as plain cancels: spec 3.17);
 * - `hold`: nothing this cycle (frozen, cancels stopped, or the replacement waits out the kill switch);
 * - `cancel`: record CANCELS_SENT, cancel every old order not yet closed, then apply the confirmation rule;
 * - `submit`: record SUBMIT_SENT, then submit the replacement through the journal.
 */
export type ReplaceStep = 'none' | 'await_submit' | 'block_unknown' | 'hold' | 'cancel' | 'submit';

export function nextReplaceStep(state: ReplaceTxState, gates: ReplaceGates): ReplaceStep {
  if (replaceTxMachine.isTerminal(state)) return 'none';
  if (state === 'SUBMIT_SENT') return 'await_submit';
  if (gates.freezeActive) return state === 'BLOCKED_UNKNOWN' ? 'hold' : 'block_unknown';
  if (state === 'CANCEL_CONFIRMED') return gates.killSwitchActive ? 'hold' : 'submit';
  return gates.killSwitchActive && gates.freezeAll ? 'hold' : 'cancel';
}

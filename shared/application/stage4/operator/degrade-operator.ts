// The operator's side of the degrade decision (spec 3.16, `btcbot degrade status|clear|override`): reads
// the cycle's degrade state with its override, and sets or clears the override. Only the override document
// is written (never the degrade state the cycle saves), each write over the version it read: a concurrent
// change is a ConcurrentUpdateError, not an overwrite. An override only ever makes the mode stricter, and
// the level a cycle entered under it keeps its cooldown after the override is cleared.
import * as z from 'zod';
import {
  DEGRADE_POLICIES,
  type DegradePolicy,
  type DegradeState,
  INITIAL_DEGRADE_STATE,
  type OperatorOverride,
  REQUIRED_STABILITY_STREAK,
} from '../../../domain/risk/degrade';
import { MODES, type Mode } from '../../../domain/risk/mode';
import type { DocumentStore } from '../../../ports/state-store';
import { parseInput } from '../../parse-input';
import { loadDegradeOverride, saveDegradeOverride } from '../state/degrade-override';
import { loadDegradeState, saveDegradeState } from '../state/degrade-state';
import { operatorText } from './operator-input';

export const DEFAULT_OVERRIDE_SECONDS = 900;
/** A longer override is a configuration change, not an operator's intervention */
export const MAX_OVERRIDE_SECONDS = 30 * 86_400;

export const DegradeOverrideRequestSchema = z.strictObject({
  mode: z.enum(MODES, {
    error: (i) => `expected ${MODES.slice(0, -1).join(', ')} or ${MODES.at(-1)}, was ${JSON.stringify(i.input)}`,
  }),
  cooldownSeconds: z
    .string()
    .regex(/^\d{1,8}$/, { error: (i) => `expected a whole number of seconds, was ${JSON.stringify(i.input)}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, { error: (i) => `expected at least 1 second, was ${i.input}` })
        .max(MAX_OVERRIDE_SECONDS, {
          error: (i) => `expected at most ${MAX_OVERRIDE_SECONDS} seconds, was ${i.input}`,
        }),
    ),
  reason: operatorText('why the override is set'),
});

export type DegradeOverrideRequest = z.output<typeof DegradeOverrideRequestSchema>;

/** @throws ValidationError naming each bad option */
export const parseDegradeOverrideRequest = (input: {
  readonly mode?: string | undefined;
  readonly cooldownSeconds?: string | undefined;
  readonly reason?: string | undefined;
}): DegradeOverrideRequest =>
  parseInput(DegradeOverrideRequestSchema, 'degrade override', {
    ...input,
    cooldownSeconds: input.cooldownSeconds ?? String(DEFAULT_OVERRIDE_SECONDS),
  });

export interface DegradeView {
  readonly state: DegradeState;
  readonly policy: DegradePolicy;
  /** Milliseconds left of the level's cooldown; 0 when it is over or there is none */
  readonly cooldownLeftMs: number;
  /** Stable decisions still needed, once the cooldown is over, to step down one level; 0 at level 0 */
  readonly stableCyclesToStepDown: number;
  readonly override: OperatorOverride | undefined;
  /** The override still raises the level (decideDegrade's rule: until `untilMs`, exclusive) */
  readonly overrideActive: boolean;
}

/** @throws CorruptStateError the degrade state or the override document is not valid */
export async function readDegrade(documents: DocumentStore, account: string, nowMs: number): Promise<DegradeView> {
  const [{ value: state }, { value: override }] = await Promise.all([
    loadDegradeState(documents, account),
    loadDegradeOverride(documents, account),
  ]);
  return {
    state,
    policy: DEGRADE_POLICIES[state.level],
    cooldownLeftMs: Math.max(0, (state.cooldownUntilMs ?? 0) - nowMs),
    stableCyclesToStepDown:
      state.level === 0 ? 0 : Math.max(0, REQUIRED_STABILITY_STREAK[state.level] - state.stabilityStreak),
    override,
    overrideActive: override !== undefined && nowMs < override.untilMs,
  };
}

export interface OverrideChange {
  /** What the document held before (an expired override included) */
  readonly previous: OperatorOverride | undefined;
  /** What it holds now */
  readonly override: OperatorOverride | undefined;
  /** False when there was nothing to clear (nothing written) */
  readonly written: boolean;
}

/**
 * Sets the override to `mode` until `nowMs` + the request's seconds, replacing any previous one.
 * @throws ConcurrentUpdateError the document changed since it was read; nothing was written
 * @throws ValidationError the end time is no plausible epoch ms; nothing was written
 */
export async function setDegradeOverride(
  documents: DocumentStore,
  account: string,
  request: { readonly mode: Mode; readonly cooldownSeconds: number; readonly reason?: string },
  nowMs: number,
): Promise<OverrideChange> {
  const { value: previous, version } = await loadDegradeOverride(documents, account);
  const override = {
    mode: request.mode,
    untilMs: nowMs + request.cooldownSeconds * 1000,
    ...(request.reason === undefined ? {} : { reason: request.reason }),
  };
  await saveDegradeOverride(documents, account, override, version);
  return { previous, override, written: true };
}

/**
 * Removes the override (the document stays, holding none). The degrade level is left to the cycle unless the
 * operator also resets it (resetDegradeLevel).
 * @throws ConcurrentUpdateError the document changed since it was read; nothing was written
 */
export async function clearDegradeOverride(documents: DocumentStore, account: string): Promise<OverrideChange> {
  const { value: previous, version } = await loadDegradeOverride(documents, account);
  if (previous === undefined) return { previous, override: undefined, written: false };
  await saveDegradeOverride(documents, account, undefined, version);
  return { previous, override: undefined, written: true };
}

/**
 * Puts the degrade state back to level 0 with no cooldown, after the operator repaired what raised it (a
 * cleared freeze, a cleared override): the next cycle re-enters whatever level its anomalies still call for,
 * so a reset never hides a live condition. Version-guarded against a cycle saving the state meanwhile.
 * @returns the state it replaced, or undefined when it was already level 0 (nothing written)
 * @throws ConcurrentUpdateError the state changed since it was read; nothing was written
 */
export async function resetDegradeLevel(documents: DocumentStore, account: string): Promise<DegradeState | undefined> {
  const { value: previous, version } = await loadDegradeState(documents, account);
  if (previous.level === 0 && previous.cooldownUntilMs === undefined) return undefined;
  await saveDegradeState(documents, account, INITIAL_DEGRADE_STATE, version);
  return previous;
}

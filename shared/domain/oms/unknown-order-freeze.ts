// The stage 4 unknown-order freeze (spec 3.7): an order on the exchange this bot cannot account for stops
// every new submit until an operator has looked. Triggers, checked once per cycle after reconcile:
//   1. an exchange open order without a client id;
//   2. STAGE4_UNKNOWN_FREEZE_THRESHOLD or more external orders imported this cycle;
//   3. one local/exchange mismatch seen in STAGE4_UNKNOWN_FREEZE_PERSIST_CYCLES cycles in a row, or for
//      STAGE4_UNKNOWN_FREEZE_PERSIST_SECONDS or longer (0 seconds: on first sight).
// Invariant: once active, no observation deactivates it (disabling the knob included); only clearFreeze,
// the operator's command, does. A clear keeps the mismatch streaks: a mismatch still there on the next
// cycle freezes again at once, so clearing without repairing buys nothing.
import { ValidationError, type ValidationIssue } from '../errors';

export interface FreezeSettings {
  readonly STAGE4_UNKNOWN_FREEZE_ENABLED: boolean;
  readonly STAGE4_UNKNOWN_FREEZE_THRESHOLD: number;
  readonly STAGE4_UNKNOWN_FREEZE_PERSIST_CYCLES: number;
  readonly STAGE4_UNKNOWN_FREEZE_PERSIST_SECONDS: number;
}

/** The triggers in the spec's order: when several fire at once the first names the freeze */
export const FREEZE_REASONS = ['order_without_client_id', 'imported_external_orders', 'mismatch_persisted'] as const;
export type FreezeReason = (typeof FREEZE_REASONS)[number];

export interface ActiveFreeze {
  readonly reason: FreezeReason;
  readonly sinceMs: number;
  /** What fired, e.g. `order_without_client_id:123`; at most MAX_FREEZE_DETAILS entries */
  readonly details: readonly string[];
}

/** One local/exchange mismatch: when it was first seen and in how many cycles in a row */
export interface MismatchStreak {
  readonly firstSeenMs: number;
  readonly cycles: number;
}

export interface FreezeClear {
  readonly operator: string;
  readonly atMs: number;
  /** The reason of the freeze that was cleared */
  readonly reason: FreezeReason;
  /** The operator's own words: what was repaired, why the freeze may lift */
  readonly note: string;
}

export interface FreezeState {
  /** Undefined while not frozen */
  readonly active: ActiveFreeze | undefined;
  /** Mismatch key -> streak; a key not seen in the latest cycle is dropped (its streak is broken) */
  readonly mismatches: ReadonlyMap<string, MismatchStreak>;
  /** The latest operator clear, for the status command and the audit */
  readonly lastClear: FreezeClear | undefined;
}

export const INITIAL_FREEZE_STATE: FreezeState = { active: undefined, mismatches: new Map(), lastClear: undefined };

/** Keeps the stored document small whatever the exchange shows: the count of the rest is said instead */
export const MAX_FREEZE_DETAILS = 20;

export interface FreezeObservation {
  readonly nowMs: number;
  /** Exchange order ids of open orders without a client id */
  readonly ordersWithoutClientId: readonly string[];
  /** Client ids of the external orders reconcile imported this cycle */
  readonly importedExternal: readonly string[];
  /** A key per local/exchange mismatch seen this cycle (e.g. the client order id); empty when they agree */
  readonly mismatches: readonly string[];
}

export interface FreezeEvaluation {
  readonly state: FreezeState;
  /** True only in the cycle the freeze became active */
  readonly activated: boolean;
}

/** @throws ValidationError a `nowMs` that is no epoch ms, an empty id or mismatch key */
export function evaluateFreeze(
  previous: FreezeState,
  observation: FreezeObservation,
  settings: FreezeSettings,
): FreezeEvaluation {
  checkObservation(observation);
  const { nowMs } = observation;
  const mismatches = new Map<string, MismatchStreak>();
  for (const key of new Set(observation.mismatches)) {
    const before = previous.mismatches.get(key);
    mismatches.set(
      key,
      before ? { firstSeenMs: before.firstSeenMs, cycles: before.cycles + 1 } : { firstSeenMs: nowMs, cycles: 1 },
    );
  }
  const tracked = { ...previous, mismatches };
  if (previous.active !== undefined || !settings.STAGE4_UNKNOWN_FREEZE_ENABLED) {
    return { state: tracked, activated: false };
  }
  const fired = triggers(observation, mismatches, settings);
  const first = fired[0];
  if (first === undefined) return { state: tracked, activated: false };
  const details = fired.map(([, detail]) => detail).sort();
  const shown =
    details.length > MAX_FREEZE_DETAILS
      ? [...details.slice(0, MAX_FREEZE_DETAILS - 1), `+${details.length - MAX_FREEZE_DETAILS + 1} more`]
      : details;
  return { state: { ...tracked, active: { reason: first[0], sinceMs: nowMs, details: shown } }, activated: true };
}

/** Every trigger that fires, in the spec's order, each with its detail */
function triggers(
  o: FreezeObservation,
  mismatches: ReadonlyMap<string, MismatchStreak>,
  s: FreezeSettings,
): [FreezeReason, string][] {
  const fired: [FreezeReason, string][] = [];
  for (const id of new Set(o.ordersWithoutClientId))
    fired.push(['order_without_client_id', `order_without_client_id:${id}`]);
  const imported = [...new Set(o.importedExternal)];
  if (imported.length >= s.STAGE4_UNKNOWN_FREEZE_THRESHOLD) {
    for (const id of imported) fired.push(['imported_external_orders', `imported_external:${id}`]);
  }
  for (const [key, streak] of mismatches) {
    // a clock stepping back never makes a mismatch younger than 0 s
    const seconds = Math.max(0, Math.floor((o.nowMs - streak.firstSeenMs) / 1000));
    if (streak.cycles >= s.STAGE4_UNKNOWN_FREEZE_PERSIST_CYCLES || seconds >= s.STAGE4_UNKNOWN_FREEZE_PERSIST_SECONDS) {
      fired.push(['mismatch_persisted', `mismatch:${key}:cycles=${streak.cycles}:seconds=${seconds}`]);
    }
  }
  return fired;
}

export const isFrozen = (state: FreezeState): boolean => state.active !== undefined;

/**
 * The operator's clear (`btcbot freeze clear`): the only way out of a freeze.
 * @returns the state unchanged (the same object) when no freeze is active: nothing to write
 * @throws ValidationError an empty operator name or a `nowMs` that is no epoch ms
 */
export function clearFreeze(state: FreezeState, operator: string, note: string, nowMs: number): FreezeState {
  const issues: ValidationIssue[] = [];
  if (operator.trim().length === 0)
    issues.push({ path: 'operator', message: `expected who clears, was ${JSON.stringify(operator)}` });
  if (note.trim().length === 0)
    issues.push({ path: 'note', message: `expected why the freeze may lift, was ${JSON.stringify(note)}` });
  if (!isEpochMs(nowMs)) issues.push({ path: 'nowMs', message: `expected epoch milliseconds, was ${nowMs}` });
  if (issues.length > 0) throw new ValidationError('freeze clear', issues);
  if (state.active === undefined) return state;
  return { ...state, active: undefined, lastClear: { operator, atMs: nowMs, reason: state.active.reason, note } };
}

const isEpochMs = (ms: number): boolean => Number.isSafeInteger(ms) && ms >= 0;

function checkObservation(o: FreezeObservation): void {
  const issues: ValidationIssue[] = [];
  if (!isEpochMs(o.nowMs)) issues.push({ path: 'nowMs', message: `expected epoch milliseconds, was ${o.nowMs}` });
  const lists: [string, readonly string[]][] = [
    ['ordersWithoutClientId', o.ordersWithoutClientId],
    ['importedExternal', o.importedExternal],
    ['mismatches', o.mismatches],
  ];
  for (const [path, ids] of lists)
    if (ids.some((id) => id.length === 0)) issues.push({ path, message: 'expected non-empty ids, was an empty one' });
  if (issues.length > 0) throw new ValidationError('freeze observation', issues);
}

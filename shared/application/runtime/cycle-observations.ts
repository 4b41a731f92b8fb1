// What each cycle function's real outcome means to the runtime machine (spec 9.2.11). The walk itself is
// cycle-walk.ts; this file only reads the results:
//
// | outcome (stage)                                              | observation            | ends in            |
// |--------------------------------------------------------------|------------------------|--------------------|
// | `expired` (3, 4, 7), `already_saved` (7)                     | nothing recorded       | unchanged          |
// | `blocked` by MONITOR role, LIVE_TRADING or its ack (3, 4);   | settings invalid       | ERROR_FATAL        |
// |   Stage7RefusedError (7)                                     |                        |                    |
// | `blocked` by the kill switch alone (3: config, SSM, op-state)| safety closed, no lock | PAUSED_SAFETY (1,2)|
// | `locked` (3, 4, 7), `lease_lost` (3, 4)                      | lock held elsewhere    | PAUSED_LOCKED      |
// | `stale_market_data` (3, 4); 3 observe-only for missing marks;| stale data             | PAUSED_DATA        |
// |   7 STALE_DATA reason or no mark at all                      |                        |                    |
// | live kill switch, unknown-order freeze, DRAWDOWN_LIMIT (4);  | safety closed          | PAUSED_SAFETY (2)  |
// |   KILL_SWITCH reason (7: the kill chain's stored switch)     |                        |                    |
// | `completed`, intents approved (3), actions planned (4),      | approved               | READY, or          |
// |   intents planned (7)                                        |                        | DEGRADED_RECOVERY  |
// |   ... with PENDING_SUBMIT/UNKNOWN journal entries at the end,| in flight              |   when in flight   |
// |   or uncertain submits, cancels or open replace transactions |                        |                    |
// | `completed` with nothing approved                            | no intents             | READY              |
// | any other exception                                          | exception              | ERROR_RETRYABLE    |
//
// (1) from INIT or PAUSED_LOCKED the run waits, unchanged, for a cycle that takes its lock (cycle-walk.ts).
// (2) from DEGRADED_RECOVERY through the spec's `threshold_breach` (unknown-order escalation sets the stored
//     kill switch), from READY through `safety_gate_closed` while evaluating.
// Stage 7 simulates: its OMS settles every order inside the cycle, so nothing of it is ever in flight.

import type { JournalStatus } from '../../domain/order-state';
import type { CycleObservation } from '../../domain/runtime/cycle-walk';
import type { Stage3CycleResult } from '../stage3/run-stage3-cycle';
import type { Stage4CycleResult } from '../stage4/cycle-audit';
import { Stage7RefusedError } from '../stage7/cycle-preconditions';
import type { Stage7CycleResult } from '../stage7/run-stage7-cycle';
import type { LockSeen } from './cycle-runtime';

const SETTINGS_INVALID: CycleObservation = {
  settingsValid: false,
  lock: 'not_tried',
  safetyClosed: false,
  data: 'not_read',
  approved: false,
  inFlight: undefined,
  exception: false,
};
const VALID: CycleObservation = { ...SETTINGS_INVALID, settingsValid: true };
const HELD_ELSEWHERE: CycleObservation = { ...VALID, lock: 'held_elsewhere' };
const STALE: CycleObservation = { ...VALID, lock: 'acquired', data: 'stale' };

/** The arming reasons that are the settings' own: no cycle runs until the operator changes them */
const SETTINGS_BLOCKS = ['policy_block:monitor_role', 'policy_block:not_armed', 'policy_block:ack_missing'];

type JournalCounts = Readonly<Record<JournalStatus, number>>;

const inFlightOf = (counts: JournalCounts | undefined, uncertainThisCycle: number): boolean =>
  uncertainThisCycle > 0 || (counts !== undefined && counts.PENDING_SUBMIT + counts.UNKNOWN > 0);

/** A cycle function's exception: settings refused, else retryable */
export const observeError = (error: unknown, lock: LockSeen): CycleObservation =>
  error instanceof Stage7RefusedError ? SETTINGS_INVALID : { ...VALID, lock, exception: true };

export function stage3Observation(r: Stage3CycleResult): CycleObservation | undefined {
  switch (r.status) {
    case 'expired':
      return undefined;
    case 'blocked':
      return r.decisions.some((d) => SETTINGS_BLOCKS.includes(d)) ? SETTINGS_INVALID : { ...VALID, safetyClosed: true };
    case 'locked':
    case 'lease_lost':
      return HELD_ELSEWHERE;
    case 'stale_market_data':
      return STALE;
    case 'completed':
      return {
        ...VALID,
        lock: 'acquired',
        data: r.decisions.includes('observe_only:missing_mark_prices') ? 'stale' : 'fresh',
        approved: r.counters.approved > 0,
        inFlight: inFlightOf(r.journalCounts, r.counters.unknown + r.counters.cancelUncertain),
      };
  }
}

/** What a stage 4 cycle returns, with what its result leaves out */
export interface Stage4Run {
  readonly result: Stage4CycleResult;
  /** The kill switch suppressed this live cycle's submits */
  readonly killSwitchApplied: boolean;
  readonly journalCounts?: JournalCounts;
}

export function stage4Observation({
  result: r,
  killSwitchApplied,
  journalCounts,
}: Stage4Run): CycleObservation | undefined {
  switch (r.status) {
    case 'expired':
      return undefined;
    case 'blocked':
      // stage 4's arming leaves the kill switch out (it suppresses submits only): every block is the settings'
      return SETTINGS_INVALID;
    case 'locked':
    case 'lease_lost':
      return HELD_ELSEWHERE;
    case 'stale_market_data':
      return STALE;
    case 'completed': {
      const e = r.execution;
      return {
        ...VALID,
        lock: 'acquired',
        safetyClosed: killSwitchApplied || r.freezeActive || r.decisions.includes('risk_budget:DRAWDOWN_LIMIT'),
        data: 'fresh',
        approved: r.counters.actions > 0,
        inFlight: inFlightOf(journalCounts, e ? e.unknown + e.cancelUncertain + e.replaceOpen : 0),
      };
    }
  }
}

export function stage7Observation(r: Stage7CycleResult): CycleObservation | undefined {
  switch (r.status) {
    case 'expired':
    case 'already_saved':
      return undefined;
    case 'locked':
      return HELD_ELSEWHERE;
    case 'completed':
      return {
        ...VALID,
        lock: 'acquired',
        safetyClosed: r.riskReasons.includes('KILL_SWITCH'),
        data: r.riskReasons.includes('STALE_DATA') || r.marks.size === 0 ? 'stale' : 'fresh',
        approved: r.row.counts.planned > 0,
        inFlight: false,
      };
  }
}

// What stage 4 execution did (spec 3.18 execution report): counters for the cycle summary and one decision
// per action that was not simply sent, each with its reason code. Regular actions and replace transactions
// add to the same result.
import { actionDecision, type Decision, type DecisionAction } from '../../domain/decision';
import type { Side } from '../../domain/exchange-rules';
import type { CancelOutcome } from '../cancel-order';
import type { PlaceOutcome } from '../place-order';

export interface Stage4ExecutionCounters {
  submitted: number;
  canceled: number;
  simulated: number;
  rejected: number;
  /** Venue min-total (1123) rejects */
  rejectedMinNotional: number;
  /** Rejects per reason code: `exchange_reject_1123`, `exchange_reject_1123_cooldown_gate`, venue tokens... */
  rejectedByCode: Record<string, number>;
  notPlaced: number;
  unknown: number;
  replayed: number;
  gateBlocked: number;
  cancelUncertain: number;
  replaceCommitted: number;
  replaceBlocked: number;
  replaceFailed: number;
  /** Replace transactions still open when the execution ended (resumed by later cycles) */
  replaceOpen: number;
}

export interface Stage4ExecutionResult {
  readonly counters: Stage4ExecutionCounters;
  readonly decisions: Decision[];
}

export const newExecutionResult = (): Stage4ExecutionResult => ({
  counters: {
    submitted: 0,
    canceled: 0,
    simulated: 0,
    rejected: 0,
    rejectedMinNotional: 0,
    rejectedByCode: {},
    notPlaced: 0,
    unknown: 0,
    replayed: 0,
    gateBlocked: 0,
    cancelUncertain: 0,
    replaceCommitted: 0,
    replaceBlocked: 0,
    replaceFailed: 0,
    replaceOpen: 0,
  },
  decisions: [],
});

export interface Subject {
  readonly symbol: string;
  readonly side: Side;
  readonly clientOrderId: string;
}

export const LAYER = 'execution';

export function decide(result: Stage4ExecutionResult, subject: Subject, action: DecisionAction, code: string): void {
  result.decisions.push(actionDecision(LAYER, subject, action, code));
}

/** A reject: counted in total and by its code, with its decision */
export function reject(result: Stage4ExecutionResult, subject: Subject, code: string): void {
  result.counters.rejected += 1;
  result.counters.rejectedByCode[code] = (result.counters.rejectedByCode[code] ?? 0) + 1;
  decide(result, subject, 'REJECT', code);
}

/** The venue code of the min-total reject that feeds the symbol cooldown (spec 3.18 step 10, 6.6) */
export const MIN_TOTAL_REJECT_CODE = 1123;

/**
 * Counts a placement as stage 3's countPlacement does; a 1123 reject is counted by the caller, which also
 * records it against the symbol
 */
export function countPlacement(result: Stage4ExecutionResult, subject: Subject, outcome: PlaceOutcome): void {
  const c = result.counters;
  switch (outcome.kind) {
    case 'accepted':
      c.submitted += 1;
      return;
    case 'rejected':
      reject(result, subject, `exchange_reject:${outcome.reason}`);
      return;
    case 'not_placed':
      c.notPlaced += 1;
      decide(result, subject, 'REJECT', 'exchange_unavailable');
      return;
    case 'unknown':
      c.unknown += 1;
      decide(result, subject, 'DEFER', 'submit_uncertain_outcome');
      return;
    case 'replayed':
      c.replayed += 1;
      return;
    case 'blocked':
      c.gateBlocked += 1;
      decide(result, subject, 'BLOCK', 'gate_closed');
      return;
  }
}

/** Counts a cancel's outcome (stage 3's cancel outcomes, spec 3.18 Cancel) */
export function countCancel(result: Stage4ExecutionResult, subject: Subject, outcome: CancelOutcome): void {
  const c = result.counters;
  switch (outcome.kind) {
    case 'requested':
      c.canceled += 1;
      return;
    case 'refused':
      decide(result, subject, 'REJECT', `cancel_refused:${outcome.reason}`);
      return;
    case 'unavailable':
      decide(result, subject, 'DEFER', 'cancel_exchange_unavailable');
      return;
    case 'uncertain':
      c.cancelUncertain += 1;
      decide(result, subject, 'DEFER', 'cancel_uncertain_outcome');
      return;
    case 'blocked':
      c.gateBlocked += 1;
      decide(result, subject, 'BLOCK', 'gate_closed');
      return;
    case 'settled_elsewhere':
      decide(result, subject, 'DROP', 'cancel_order_already_closed');
      return;
  }
}

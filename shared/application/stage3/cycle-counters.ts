// What one cycle did, counted: the per-cycle line, the audit record and the summary log all read these
import { NO_REQUESTS, type RequestCounters } from '../exchange-read-monitor';

export interface CycleCounters extends RequestCounters {
  intents: number;
  approved: number;
  submitted: number;
  simulated: number;
  rejected: number;
  /** Approved intents the live balance precheck stopped (spec 2.8 step 3: nothing journaled or sent) */
  rejectedPrecheck: number;
  notPlaced: number;
  unknown: number;
  replayed: number;
  frozenSkips: number;
  recovered: number;
  refreshed: number;
  /** Foreign open orders imported into the journal (spec 2.11 step 5) */
  imported: number;
  /** Orders closed as missing on the exchange after the grace window */
  closedMissing: number;
  /** Submits and cancels not sent because a gate closed after the cycle started */
  gateBlocked: number;
  cancelRequested: number;
  cancelUncertain: number;
  fillsInserted: number;
}

export const newCounters = (): CycleCounters => ({
  intents: 0,
  approved: 0,
  submitted: 0,
  simulated: 0,
  rejected: 0,
  rejectedPrecheck: 0,
  notPlaced: 0,
  unknown: 0,
  replayed: 0,
  frozenSkips: 0,
  recovered: 0,
  refreshed: 0,
  imported: 0,
  closedMissing: 0,
  gateBlocked: 0,
  cancelRequested: 0,
  cancelUncertain: 0,
  fillsInserted: 0,
  ...NO_REQUESTS,
});

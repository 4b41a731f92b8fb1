// The vocabulary stage 7's pieces share (spec 4.8-4.11): the LIMIT order intent the order builder makes and
// the simulated OMS processes, and what the simulated market answers a submit with. Stage 7 never reaches a
// venue: every answer here comes from the seeded market simulator.

import type { Side } from '../exchange-rules';
import type { Dec } from '../money';

/** One LIMIT order the stage 7 order builder planned (spec 4.8); skipped ones carry why and are never sent */
export interface Stage7Intent {
  readonly cycleId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly orderType: 'LIMIT';
  readonly price: Dec;
  readonly qty: Dec;
  readonly notionalTry: Dec;
  /** `s7:{cycle}:{SYMBOL}:{SIDE}:<12 hex>`: the same inputs give the same id */
  readonly clientOrderId: string;
  readonly reason: string;
  readonly skipped: boolean;
  readonly skipReason?: string;
}

/** A slice of a simulated fill: quantity and price, both > 0 */
export interface SimulatedFillSlice {
  readonly qty: Dec;
  readonly price: Dec;
}

/** What the simulated market did with one submit (spec 4.11) */
export type SimulatedSubmitOutcome =
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'filled'; readonly slices: readonly SimulatedFillSlice[] };

/** Failures the simulated market can be told to inject per client id (spec 4.11); the first three are retryable */
export const SIMULATED_FAILURES = ['RATE_LIMIT', 'TIMEOUT', 'UNAVAILABLE', 'NON_RETRYABLE'] as const;
export type SimulatedFailure = (typeof SIMULATED_FAILURES)[number];
export const isRetryableFailure = (f: SimulatedFailure): boolean => f !== 'NON_RETRYABLE';

/**
 * The market a stage 7 OMS submits to. `submit` answers at once in simulated time, or reports an injected
 * failure for this attempt (the OMS retries the retryable ones, spec 4.12).
 */
export interface Stage7Market {
  submit(
    intent: Stage7Intent,
    attempt: number,
  ): { readonly failure: SimulatedFailure } | { readonly outcome: SimulatedSubmitOutcome };
}

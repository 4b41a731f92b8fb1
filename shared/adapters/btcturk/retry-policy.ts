// When a failed attempt is tried again (FUNCTIONAL_SPEC 5.3, 9.1.9). Only reads are: a write (POST,
// DELETE) is never sent twice by the HTTP layer, whatever the failure (a 429 too: ARCHITECTURE 5.3). A GET
// answered 429 waits the venue's Retry-After when it fits the per-delay cap; 5xx and transient transport
// failures back off exponentially with jitter from a seeded PRNG; a total sleep budget bounds a call.

import { mulberry32 } from '../../domain/prng';
import type { Failure } from './classify-error';

export interface RetryOptions {
  /** Attempts per call including the first (BTCTURK_REST_MAX_RETRIES, default 4) */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Sleep budget per call (MAX_RETRY_TOTAL_SLEEP_S, default 8 s) */
  readonly maxTotalSleepMs: number;
  /** Seeds the jitter PRNG: the same seed gives the same delays */
  readonly jitterSeed: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 400,
  maxDelayMs: 4000,
  maxTotalSleepMs: 8000,
  jitterSeed: 17,
};

export class RetryPolicy {
  readonly #options: RetryOptions;
  readonly #random: () => number;

  constructor(options: RetryOptions = DEFAULT_RETRY) {
    if (options.maxAttempts < 1 || options.baseDelayMs < 0 || options.maxDelayMs < 0) {
      throw new RangeError(`expected maxAttempts >= 1 and delays >= 0, was ${JSON.stringify(options)}`);
    }
    this.#options = options;
    this.#random = mulberry32(options.jitterSeed);
  }

  /** The longest single wait a read accepts: a Retry-After beyond it is not waited out */
  get maxWaitMs(): number {
    return this.#options.maxDelayMs;
  }

  /** Backoff before attempt `attempt + 1`: min(max, base * 2^(attempt-1)) * (0.5 + r), whole ms */
  backoffMs(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.#options;
    return Math.floor(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + this.#random()));
  }

  /** Delay before trying again, or undefined to give up; `sleptMs` is what this call already slept */
  delayMs(failure: Failure, method: string, attempt: number, sleptMs: number): number | undefined {
    const { maxAttempts, maxTotalSleepMs } = this.#options;
    if (method !== 'GET' || attempt >= maxAttempts || failure.retry === 'never') return undefined;
    let delay: number;
    if (failure.retry === 'rate_limited' && failure.retryAfterMs !== undefined) {
      if (failure.retryAfterMs > this.maxWaitMs) return undefined;
      delay = failure.retryAfterMs;
    } else {
      delay = this.backoffMs(attempt);
    }
    return sleptMs + delay > maxTotalSleepMs ? undefined : delay;
  }
}

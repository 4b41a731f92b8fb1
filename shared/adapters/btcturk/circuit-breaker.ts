// A per-group circuit breaker (FUNCTIONAL_SPEC 9.1.3). CLOSED -> OPEN on N consecutive failures or a
// failure rate >= threshold over the last `windowSize` calls (only once the window is full); OPEN for a
// cool-off (at least the venue's Retry-After); then HALF_OPEN lets `halfOpenProbes` calls through:
// a success closes it, a failure re-opens it. Time comes from the injected clock. A refusal says whether
// a 429 opened the breaker: the caller then reports the group as rate limited, not merely unavailable.
import type { Clock } from '../../ports/clock';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface BreakerOptions {
  readonly consecutiveFailures: number;
  readonly windowSize: number;
  /** 0..1; opens when failures / windowSize reaches it */
  readonly failureRateThreshold: number;
  readonly cooldownMs: number;
  readonly halfOpenProbes: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  consecutiveFailures: 3,
  windowSize: 20,
  failureRateThreshold: 0.5,
  cooldownMs: 3000,
  halfOpenProbes: 1,
};

export interface BreakerSnapshot {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  readonly recentFailures: number;
  readonly recentCalls: number;
  readonly openUntilMs: number | undefined;
}

export type Admission =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly rateLimited: boolean };

export class CircuitBreaker {
  readonly #clock: Clock;
  readonly #options: BreakerOptions;
  #state: BreakerState = 'CLOSED';
  #consecutive = 0;
  #window: boolean[] = [];
  #openUntilMs = 0;
  #probesInFlight = 0;
  #openedByRateLimit = false;

  constructor(clock: Clock, options: BreakerOptions = DEFAULT_BREAKER) {
    this.#clock = clock;
    this.#options = options;
  }

  get state(): BreakerState {
    if (this.#state === 'OPEN' && this.#clock.nowMs() >= this.#openUntilMs) this.#toHalfOpen();
    return this.#state;
  }

  /** Asks to make one call; every allowed call must end in onSuccess, onFailure or release */
  admit(): Admission {
    const state = this.state;
    const rateLimited = this.#openedByRateLimit;
    if (state === 'OPEN') return { allowed: false, retryAfterMs: this.#openUntilMs - this.#clock.nowMs(), rateLimited };
    if (state === 'HALF_OPEN') {
      if (this.#probesInFlight >= this.#options.halfOpenProbes) return { allowed: false, retryAfterMs: 0, rateLimited };
      this.#probesInFlight += 1;
    }
    return { allowed: true };
  }

  /** The venue answered (a 4xx rejection counts: the venue is up) */
  onSuccess(): void {
    if (this.#state === 'HALF_OPEN') {
      this.#close();
      return;
    }
    this.#consecutive = 0;
    this.#record(false);
  }

  /**
   * A 5xx, transport failure or 429 (`rateLimited`); `retryAfterMs` lengthens the cool-off when the
   * breaker opens
   */
  onFailure(retryAfterMs = 0, rateLimited = false): void {
    this.#consecutive += 1;
    if (this.#state === 'HALF_OPEN') {
      this.#open(retryAfterMs, rateLimited);
      return;
    }
    this.#record(true);
    const failures = this.#window.filter(Boolean).length;
    const rateTripped =
      this.#window.length >= this.#options.windowSize &&
      failures / this.#window.length >= this.#options.failureRateThreshold;
    if (this.#consecutive >= this.#options.consecutiveFailures || rateTripped) this.#open(retryAfterMs, rateLimited);
  }

  /**
   * An admitted call that never reached the venue (refused before sending): it says nothing about the
   * venue, so nothing is recorded, but a half-open probe slot it held is freed (else the breaker would
   * wait for that probe forever)
   */
  release(): void {
    if (this.#state === 'HALF_OPEN' && this.#probesInFlight > 0) this.#probesInFlight -= 1;
  }

  snapshot(): BreakerSnapshot {
    const state = this.state;
    return {
      state,
      consecutiveFailures: this.#consecutive,
      recentFailures: this.#window.filter(Boolean).length,
      recentCalls: this.#window.length,
      openUntilMs: state === 'OPEN' ? this.#openUntilMs : undefined,
    };
  }

  #record(failed: boolean): void {
    this.#window.push(failed);
    if (this.#window.length > this.#options.windowSize) this.#window.shift();
  }

  #open(retryAfterMs: number, rateLimited: boolean): void {
    this.#state = 'OPEN';
    this.#openedByRateLimit = rateLimited;
    this.#openUntilMs = this.#clock.nowMs() + Math.max(this.#options.cooldownMs, retryAfterMs);
    this.#probesInFlight = 0;
  }

  #toHalfOpen(): void {
    this.#state = 'HALF_OPEN';
    this.#probesInFlight = 0;
  }

  #close(): void {
    this.#state = 'CLOSED';
    this.#consecutive = 0;
    this.#window = [];
    this.#probesInFlight = 0;
  }
}

import { describe, expect, it } from 'vitest';
import { CircuitBreaker, DEFAULT_BREAKER } from '../../../../shared/adapters/btcturk/circuit-breaker';
import { ManualClock } from '../../../../shared/adapters/clock/manual-clock';

const failTimes = (b: CircuitBreaker, n: number, retryAfterMs?: number) => {
  for (let i = 0; i < n; i++) {
    expect(b.admit().allowed).toBe(true);
    b.onFailure(retryAfterMs);
  }
};

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures and refuses calls while open', () => {
    const b = new CircuitBreaker(new ManualClock(0), DEFAULT_BREAKER);
    failTimes(b, 2);
    expect(b.state).toBe('CLOSED');
    failTimes(b, 1);
    expect(b.state).toBe('OPEN');
    expect(b.admit()).toEqual({ allowed: false, retryAfterMs: 3000, rateLimited: false });
  });

  it('opens when half of the last 20 calls failed, even without a consecutive run', () => {
    const b = new CircuitBreaker(new ManualClock(0), { ...DEFAULT_BREAKER, consecutiveFailures: 100 });
    for (let i = 0; i < 19; i++) {
      b.admit();
      if (i % 2 === 1) b.onFailure();
      else b.onSuccess();
    }
    expect(b.snapshot()).toMatchObject({ state: 'CLOSED', recentFailures: 9, recentCalls: 19 });
    b.admit();
    b.onFailure();
    expect(b.state).toBe('OPEN');
  });

  it('goes half-open after the cool-off, allows one probe, and closes on its success', () => {
    const clock = new ManualClock(0);
    const b = new CircuitBreaker(clock, DEFAULT_BREAKER);
    failTimes(b, 3);
    clock.advance(2999);
    expect(b.state).toBe('OPEN');
    clock.advance(1);
    expect(b.state).toBe('HALF_OPEN');
    expect(b.admit().allowed).toBe(true);
    expect(b.admit()).toEqual({ allowed: false, retryAfterMs: 0, rateLimited: false });
    b.onSuccess();
    expect(b.snapshot()).toMatchObject({ state: 'CLOSED', consecutiveFailures: 0, recentCalls: 0 });
  });

  it('re-opens when the half-open probe fails', () => {
    const clock = new ManualClock(0);
    const b = new CircuitBreaker(clock, DEFAULT_BREAKER);
    failTimes(b, 3);
    clock.advance(3000);
    expect(b.admit().allowed).toBe(true);
    b.onFailure();
    expect(b.snapshot()).toMatchObject({ state: 'OPEN', openUntilMs: 6000 });
  });

  it('stays open for the venue Retry-After when it is longer than the cool-off', () => {
    const clock = new ManualClock(0);
    const b = new CircuitBreaker(clock, DEFAULT_BREAKER);
    failTimes(b, 3, 49_000);
    clock.advance(48_999);
    expect(b.state).toBe('OPEN');
    clock.advance(1);
    expect(b.state).toBe('HALF_OPEN');
  });

  it('says a refusal is rate limited when a 429 opened it, until a success closes it', () => {
    const clock = new ManualClock(0);
    const b = new CircuitBreaker(clock, DEFAULT_BREAKER);
    failTimes(b, 2);
    expect(b.admit().allowed).toBe(true);
    b.onFailure(5_000, true);
    expect(b.admit()).toEqual({ allowed: false, retryAfterMs: 5_000, rateLimited: true });
    clock.advance(5_000);
    expect(b.admit().allowed).toBe(true);
    expect(b.admit()).toEqual({ allowed: false, retryAfterMs: 0, rateLimited: true });
    b.onSuccess();
    failTimes(b, 3);
    expect(b.admit()).toMatchObject({ allowed: false, rateLimited: false });
  });

  // A call refused before it was sent ended in neither onSuccess nor onFailure: its half-open probe slot
  // stayed taken and the breaker refused every later call for good
  it('frees a half-open probe released without a verdict, recording nothing', () => {
    const clock = new ManualClock(0);
    const b = new CircuitBreaker(clock, DEFAULT_BREAKER);
    failTimes(b, 3);
    clock.advance(3000);
    expect(b.admit().allowed).toBe(true);
    b.release();
    expect(b.snapshot()).toMatchObject({ state: 'HALF_OPEN', consecutiveFailures: 3 });
    expect(b.admit().allowed).toBe(true);
    b.onSuccess();
    expect(b.state).toBe('CLOSED');
  });
});

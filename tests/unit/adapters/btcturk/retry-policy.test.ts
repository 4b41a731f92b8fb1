import { describe, expect, it } from 'vitest';
import type { Failure } from '../../../../shared/adapters/btcturk/classify-error';
import { DEFAULT_RETRY, RetryPolicy } from '../../../../shared/adapters/btcturk/retry-policy';
import { ExchangeUnavailableError } from '../../../../shared/domain/errors';

const transient: Failure = { error: new ExchangeUnavailableError('503'), retry: 'transient', health: 'failure' };
const limited = (retryAfterMs?: number): Failure => ({
  error: new ExchangeUnavailableError('429', retryAfterMs),
  retry: 'rate_limited',
  retryAfterMs,
  health: 'failure',
});

describe('RetryPolicy', () => {
  it('draws the same jittered backoff for the same seed, capped and growing', () => {
    const delays = (seed: number) => {
      const p = new RetryPolicy({ ...DEFAULT_RETRY, jitterSeed: seed });
      return [1, 2, 3, 4, 5].map((n) => p.backoffMs(n));
    };
    const a = delays(17);
    expect(a).toEqual(delays(17));
    expect(a).not.toEqual(delays(23));
    a.forEach((d, i) => {
      const nominal = Math.min(4000, 400 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(nominal * 0.5);
      expect(d).toBeLessThan(nominal * 1.5);
    });
  });

  it('retries transient failures for GET only', () => {
    const p = new RetryPolicy();
    expect(p.delayMs(transient, 'GET', 1, 0)).toBeGreaterThan(0);
    expect(p.delayMs(transient, 'POST', 1, 0)).toBeUndefined();
    expect(p.delayMs(transient, 'DELETE', 1, 0)).toBeUndefined();
  });

  it('waits a 429 Retry-After on a GET when it fits the per-delay cap, else gives up', () => {
    const p = new RetryPolicy();
    expect(p.delayMs(limited(3000), 'GET', 1, 0)).toBe(3000);
    expect(p.delayMs(limited(49_000), 'GET', 1, 0)).toBeUndefined();
  });

  it('never sends a write again, not even after a 429 with a short Retry-After', () => {
    const p = new RetryPolicy();
    expect(p.delayMs(limited(3000), 'POST', 1, 0)).toBeUndefined();
    expect(p.delayMs(limited(), 'DELETE', 1, 0)).toBeUndefined();
  });

  it('stops at the attempt limit and at the total sleep budget', () => {
    const p = new RetryPolicy();
    expect(p.delayMs(transient, 'GET', 4, 0)).toBeUndefined();
    expect(p.delayMs(limited(3000), 'GET', 2, 6000)).toBeUndefined();
  });

  it('never retries a permanent failure', () => {
    const p = new RetryPolicy();
    expect(p.delayMs({ ...transient, retry: 'never' }, 'GET', 1, 0)).toBeUndefined();
  });
});

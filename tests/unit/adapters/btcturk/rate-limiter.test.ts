import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS, TokenBucketLimiter } from '../../../../shared/adapters/btcturk/rate-limiter';
import { ManualClock } from '../../../../shared/adapters/clock/manual-clock';

/** Lets resolved promises run their callbacks */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TokenBucketLimiter', () => {
  it('hands out the burst at once, then waits for a refill on the clock', async () => {
    const clock = new ManualClock(0);
    const limiter = new TokenBucketLimiter(clock, DEFAULT_BUDGETS);
    await limiter.acquire('orders');
    await limiter.acquire('orders');
    let third = false;
    const pending = limiter.acquire('orders').then((waited) => {
      third = true;
      return waited;
    });
    await settle();
    expect(third).toBe(false);
    clock.advance(499);
    await settle();
    expect(third).toBe(false);
    clock.advance(1);
    expect(await pending).toBe(500);
  });

  it('keeps groups apart', async () => {
    const limiter = new TokenBucketLimiter(new ManualClock(0), DEFAULT_BUDGETS);
    await limiter.acquire('orders');
    await limiter.acquire('orders');
    expect(limiter.waitMs('orders')).toBe(500);
    expect(limiter.waitMs('market_data')).toBe(0);
  });

  it('empties the bucket and holds it for the cool-down after a 429', async () => {
    const clock = new ManualClock(0);
    const limiter = new TokenBucketLimiter(clock, DEFAULT_BUDGETS);
    limiter.penalize('account', 3000);
    expect(limiter.waitMs('account')).toBe(3000);
    clock.advance(3000);
    expect(limiter.waitMs('account')).toBe(250);
    clock.advance(250);
    expect(limiter.waitMs('account')).toBe(0);
  });

  it('derives the spec cool-down when a 429 has no Retry-After: min(1.5 s, max(0.25 s, 1 / rate))', () => {
    const limiter = new TokenBucketLimiter(new ManualClock(0), DEFAULT_BUDGETS);
    expect([limiter.defaultCooldownMs('orders'), limiter.defaultCooldownMs('market_data')]).toEqual([500, 250]);
  });

  it('refuses a budget without a positive rate', () => {
    const budgets = { ...DEFAULT_BUDGETS, orders: { ratePerSecond: 0, burst: 2 } };
    expect(() => new TokenBucketLimiter(new ManualClock(0), budgets)).toThrow('orders: expected rate > 0');
  });
});

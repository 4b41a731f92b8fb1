// Spec 4.12's token bucket in simulated time: the worked example, refill up to burst, cool-downs, the shared
// default bucket, serializable state, and every refusal (no NaN or Infinity gets in).
import { describe, expect, it } from 'vitest';
import { CorruptStateError, ValidationError } from '../../../shared/domain/errors';
import { type BucketBudgets, stage7Budgets, TokenBucket } from '../../../shared/domain/token-bucket';

const T0 = 1_700_000_000_000;
const one = (ratePerSecond: number, burst: number): BucketBudgets => ({ default: { ratePerSecond, burst } });

function expectValidation(run: () => unknown, path: string, type: typeof ValidationError = ValidationError): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
    return;
  }
  expect.fail(`expected a ${type.name} naming ${path}`);
}

describe('the spec example', () => {
  it('"burst 1, rps 1 → second immediate consume fails; after 1.2 s it succeeds"', () => {
    const bucket = new TokenBucket(one(1, 1));
    expect(bucket.consume('default', 1, T0)).toBe(true);
    expect(bucket.consume('default', 1, T0)).toBe(false);
    expect(bucket.consume('default', 1, T0 + 1200)).toBe(true);
  });
});

describe('TokenBucket', () => {
  it('starts at burst, then hands out tokens as they refill at rps', () => {
    const bucket = new TokenBucket(one(5, 5));
    for (let i = 0; i < 5; i++) expect(bucket.consume('default', 1, T0)).toBe(true);
    expect(bucket.consume('default', 1, T0)).toBe(false);
    expect(bucket.msUntilAvailable('default', 1, T0)).toBe(200);
    expect(bucket.secondsUntilAvailable('default', 1, T0)).toBe(0.2);
    expect(bucket.consume('default', 1, T0 + 199)).toBe(false);
    expect(bucket.consume('default', 1, T0 + 200)).toBe(true);
  });

  it('says (n − tokens)/rps for n tokens', () => {
    const bucket = new TokenBucket(one(2, 4));
    expect(bucket.consume('default', 4, T0)).toBe(true);
    expect(bucket.secondsUntilAvailable('default', 3, T0)).toBe(1.5);
    expect(bucket.consume('default', 3, T0 + 1500)).toBe(true);
    expect(bucket.tokens('default', T0 + 1500)).toBe(0);
  });

  it('refills no further than burst', () => {
    const bucket = new TokenBucket(one(10, 3));
    bucket.consume('default', 3, T0);
    expect(bucket.tokens('default', T0 + 3_600_000)).toBe(3);
    expect(bucket.consume('default', 3, T0 + 3_600_000)).toBe(true);
    expect(bucket.consume('default', 1, T0 + 3_600_000)).toBe(false);
  });

  it('reports throttling as the next eligible time, and consumes there (THROTTLED, then completed on reconcile)', () => {
    const bucket = new TokenBucket(stage7Budgets({ STAGE7_RATE_LIMIT_RPS: 5, STAGE7_RATE_LIMIT_BURST: 1 }));
    expect(bucket.tryConsume('default', 1, T0)).toEqual({ ok: true });
    const throttled = bucket.tryConsume('default', 1, T0 + 50);
    expect(throttled).toEqual({ ok: false, nextEligibleMs: T0 + 200 });
    expect(bucket.tryConsume('default', 1, T0 + 200)).toEqual({ ok: true });
  });

  it('penalize empties the bucket and holds it closed, refilling only after the cool-down', () => {
    const bucket = new TokenBucket(one(1, 1));
    bucket.penalize('default', 2, T0);
    expect(bucket.tokens('default', T0)).toBe(0);
    expect(bucket.consume('default', 1, T0 + 1999)).toBe(false);
    expect(bucket.msUntilAvailable('default', 1, T0)).toBe(3000); // 2 s closed, then 1 s to refill one token
    expect(bucket.consume('default', 1, T0 + 2999)).toBe(false);
    expect(bucket.consume('default', 1, T0 + 3000)).toBe(true);
  });

  it('a shorter later penalty never shortens a running cool-down; refill starts when it ends', () => {
    const bucket = new TokenBucket(one(1, 2));
    bucket.penalize('default', 0.5, T0);
    bucket.penalize('default', 0, T0 + 100); // never shortens a running cool-down
    expect(bucket.consume('default', 1, T0 + 400)).toBe(false);
    expect(bucket.msUntilAvailable('default', 1, T0 + 400)).toBe(1100);
  });

  it('sends unknown groups to the default bucket', () => {
    const budgets: BucketBudgets = { default: { ratePerSecond: 1, burst: 1 }, orders: { ratePerSecond: 1, burst: 2 } };
    const bucket = new TokenBucket(budgets);
    expect(bucket.consume('market_data', 1, T0)).toBe(true);
    expect(bucket.consume('default', 1, T0)).toBe(false);
    expect(bucket.consume('orders', 2, T0)).toBe(true);
    expect(Object.keys(bucket.snapshot())).toEqual(['default', 'orders']);
  });

  it('refills nothing when the clock goes back, and refuses nothing', () => {
    const bucket = new TokenBucket(one(1, 1));
    bucket.consume('default', 1, T0);
    expect(bucket.consume('default', 1, T0 - 5000)).toBe(false);
    expect(bucket.msUntilAvailable('default', 1, T0 - 5000)).toBe(6000);
    expect(bucket.consume('default', 1, T0 + 1000)).toBe(true);
  });

  it('maps the stage 7 knobs onto the default budget', () => {
    expect(stage7Budgets({ STAGE7_RATE_LIMIT_RPS: 5, STAGE7_RATE_LIMIT_BURST: 5 })).toEqual({
      default: { ratePerSecond: 5, burst: 5 },
    });
  });
});

describe('state a cycle persists', () => {
  it('is plain numbers that survive JSON and restore to the same behaviour', () => {
    const bucket = new TokenBucket(one(3, 4));
    bucket.consume('default', 3, T0);
    bucket.penalize('default', 0.25, T0 + 10);
    const stored = JSON.parse(JSON.stringify(bucket.snapshot()));
    expect(stored).toEqual({ default: { tokens: 0, updatedAtMs: T0 + 10, cooldownUntilMs: T0 + 260 } });
    const restored = new TokenBucket(one(3, 4), stored);
    for (const t of [T0 + 100, T0 + 600, T0 + 900, T0 + 2000]) {
      expect(restored.msUntilAvailable('default', 1, t)).toBe(bucket.msUntilAvailable('default', 1, t));
      expect(restored.consume('default', 1, t)).toBe(bucket.consume('default', 1, t));
    }
    expect(restored.snapshot()).toEqual(bucket.snapshot());
  });

  it('does not change when only queried', () => {
    const bucket = new TokenBucket(one(1, 1));
    bucket.consume('default', 1, T0);
    const before = JSON.stringify(bucket.snapshot());
    bucket.msUntilAvailable('default', 1, T0 + 5000);
    bucket.tokens('orders', T0 + 9000);
    expect(JSON.stringify(bucket.snapshot())).toBe(before);
  });

  it('drops a group no longer budgeted and clamps tokens to a lowered burst', () => {
    const stored = {
      default: { tokens: 5, updatedAtMs: T0, cooldownUntilMs: 0 },
      gone: { tokens: 1, updatedAtMs: T0, cooldownUntilMs: 0 },
    };
    const bucket = new TokenBucket(one(1, 2), stored);
    expect(bucket.snapshot()).toEqual({ default: { tokens: 2, updatedAtMs: T0, cooldownUntilMs: 0 } });
  });

  it.each([
    ['default.tokens', { tokens: Number.NaN, updatedAtMs: T0, cooldownUntilMs: 0 }],
    ['default.tokens', { tokens: -1, updatedAtMs: T0, cooldownUntilMs: 0 }],
    ['default.updatedAtMs', { tokens: 1, updatedAtMs: Number.POSITIVE_INFINITY, cooldownUntilMs: 0 }],
    ['default.cooldownUntilMs', { tokens: 1, updatedAtMs: T0 }],
    ['default.cooldownUntilMs', { tokens: 1, updatedAtMs: T0, cooldownUntilMs: '0' }],
  ])('refuses a stored bucket with a bad %s as CorruptStateError', (path, stored) => {
    expectValidation(() => new TokenBucket(one(1, 1), { default: stored as never }), path, CorruptStateError);
  });
});

describe('refusals (typed ValidationError naming the field)', () => {
  it('refuses budgets without a default', () => {
    expectValidation(() => new TokenBucket({ orders: { ratePerSecond: 1, burst: 1 } }), 'default');
  });

  it.each([
    ['default.ratePerSecond', { ratePerSecond: 0, burst: 1 }],
    ['default.ratePerSecond', { ratePerSecond: Number.NaN, burst: 1 }],
    ['default.ratePerSecond', { ratePerSecond: Number.POSITIVE_INFINITY, burst: 1 }],
    ['default.burst', { ratePerSecond: 1, burst: 0.5 }],
    ['default.burst', { ratePerSecond: 1, burst: Number.POSITIVE_INFINITY }],
    ['default.burst', { ratePerSecond: 1, burst: Number.NaN }],
  ])('refuses a budget with a bad %s', (path, budget) => {
    expectValidation(() => new TokenBucket({ default: budget }), path);
  });

  it('refuses a token count that is not in (0, burst] (more than burst would never be available)', () => {
    const bucket = new TokenBucket(one(1, 2));
    for (const n of [0, -1, 3, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectValidation(() => bucket.consume('default', n, T0), 'n');
      expectValidation(() => bucket.msUntilAvailable('default', n, T0), 'n');
    }
  });

  it('refuses a negative or non-finite time', () => {
    const bucket = new TokenBucket(one(1, 2));
    for (const t of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectValidation(() => bucket.consume('default', 1, t), 'nowMs');
      expectValidation(() => bucket.tokens('default', t), 'nowMs');
      expectValidation(() => bucket.penalize('default', 1, t), 'nowMs');
    }
  });

  it('refuses a negative or non-finite cool-down', () => {
    const bucket = new TokenBucket(one(1, 2));
    for (const s of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      expectValidation(() => bucket.penalize('default', s, T0), 'seconds');
    expect(bucket.snapshot()).toEqual({});
  });
});

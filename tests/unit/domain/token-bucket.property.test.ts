// Invariants of the token bucket over random operation sequences in simulated time: tokens stay within
// [0, burst]; consume succeeds exactly when msUntilAvailable is 0, and succeeds at the time it names;
// the same calls give the same snapshots byte for byte; a snapshot restored mid-way changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BucketBudgets, TokenBucket, type TokenBucketState } from '../../../shared/domain/token-bucket';

const T0 = 1_700_000_000_000;
const GROUPS = ['default', 'orders', 'other'] as const;

const budgetArb = fc.record({
  ratePerSecond: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.05, max: 100, noNaN: true })),
  burst: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.double({ min: 1, max: 10, noNaN: true })),
});
const budgetsArb: fc.Arbitrary<BucketBudgets> = fc.record({ default: budgetArb, orders: budgetArb });

type Op =
  | { kind: 'advance'; ms: number }
  | { kind: 'consume'; group: string; fraction: number }
  | { kind: 'penalize'; group: string; seconds: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: -500, max: 3000 }) }),
  fc.record({
    kind: fc.constant('consume' as const),
    group: fc.constantFrom(...GROUPS),
    fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('penalize' as const),
    group: fc.constantFrom(...GROUPS),
    seconds: fc.double({ min: 0, max: 3, noNaN: true }),
  }),
);
const opsArb = fc.array(opArb, { maxLength: 60 });

const burstOf = (budgets: BucketBudgets, group: string) => (budgets[group] ?? budgets.default)?.burst ?? 1;
const clone = (budgets: BucketBudgets, bucket: TokenBucket) =>
  new TokenBucket(budgets, JSON.parse(JSON.stringify(bucket.snapshot())) as TokenBucketState);

/** Runs the ops, checking the per-step invariants; returns every consume result and the final snapshot */
function run(budgets: BucketBudgets, ops: readonly Op[], restoreAt = -1): { results: boolean[]; snapshot: string } {
  let bucket = new TokenBucket(budgets);
  let now = T0;
  const results: boolean[] = [];
  for (const [i, op] of ops.entries()) {
    if (i === restoreAt) bucket = clone(budgets, bucket);
    if (op.kind === 'advance') now = Math.max(0, now + op.ms);
    else if (op.kind === 'penalize') bucket.penalize(op.group, op.seconds, now);
    else {
      const n = Math.max(1e-6, op.fraction * burstOf(budgets, op.group));
      const wait = bucket.msUntilAvailable(op.group, n, now);
      expect(Number.isInteger(wait) && wait >= 0).toBe(true);
      if (wait > 0) {
        // the named time is a real one: a copy consumes there
        expect(clone(budgets, bucket).consume(op.group, n, now + wait)).toBe(true);
      }
      const ok = bucket.consume(op.group, n, now);
      expect(ok).toBe(wait === 0);
      results.push(ok);
    }
    for (const group of GROUPS) {
      const tokens = bucket.tokens(group, now);
      expect(tokens >= 0 && tokens <= burstOf(budgets, group)).toBe(true);
    }
    for (const [group, b] of Object.entries(bucket.snapshot()))
      expect(b.tokens >= 0 && b.tokens <= burstOf(budgets, group)).toBe(true);
  }
  return { results, snapshot: JSON.stringify(bucket.snapshot()) };
}

describe('token bucket invariants', () => {
  it('keeps tokens in [0, burst]; consume succeeds iff msUntilAvailable is 0, and at the time it names', () => {
    fc.assert(fc.property(budgetsArb, opsArb, (budgets, ops) => void run(budgets, ops)));
  });

  it('replays byte for byte, and a snapshot restored at any step changes nothing', () => {
    fc.assert(
      fc.property(budgetsArb, opsArb, fc.nat(), (budgets, ops, at) => {
        const first = run(budgets, ops);
        expect(run(budgets, ops)).toEqual(first);
        expect(run(budgets, ops, ops.length === 0 ? -1 : at % ops.length)).toEqual(first);
      }),
    );
  });
});

// Invariants of spec 4.12's backoff over arbitrary policies and failure scripts: every delay lies in
// [0, max] and is whole ms; the same seed gives the same sequence byte for byte, different seeds differ;
// a plan never exceeds its attempts nor its sleep budget; the async runner sleeps exactly what the
// synchronous planner records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AttemptResult,
  type BackoffPolicy,
  backoffDelays,
  planRetries,
  retryDelayMs,
  retryWithBackoff,
} from '../../../shared/domain/retry-backoff';

const seedArb = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const policyArb: fc.Arbitrary<BackoffPolicy> = fc.record(
  {
    maxAttempts: fc.integer({ min: 1, max: 12 }),
    baseDelayMs: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
    maxDelayMs: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 1e6, noNaN: true })),
    jitterSeed: seedArb,
    maxTotalSleepMs: fc.integer({ min: 0, max: 200_000 }),
  },
  { requiredKeys: ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'jitterSeed'] },
);

type Step = { ok: true } | { ok: false; retryable: boolean; errorType: string; retryAfterMs?: number };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ ok: true as const }) },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        ok: fc.constant(false as const),
        retryable: fc.boolean(),
        errorType: fc.constantFrom('RATE_LIMIT', 'TIMEOUT', 'UNAVAILABLE'),
        retryAfterMs: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constant(-1), fc.constant(Number.NaN)),
      },
      { requiredKeys: ['ok', 'retryable', 'errorType'] },
    ),
  },
);
const scriptArb = fc.array(stepArb, { minLength: 1, maxLength: 14 });
const at = (script: readonly Step[], n: number): Step => script[Math.min(n, script.length) - 1] as Step;
const asResult = (s: Step, n: number): AttemptResult<number> => (s.ok ? { ok: true, value: n } : s);

describe('backoff delays', () => {
  it('lie in [0, max] and are whole ms, with or without a Retry-After', () => {
    fc.assert(
      fc.property(policyArb, fc.option(fc.double({ noNaN: false })), (policy, retryAfter) => {
        const delays = backoffDelays(policy);
        expect(delays).toHaveLength(policy.maxAttempts - 1);
        for (const [i, d] of delays.entries()) {
          expect(Number.isInteger(d) && d >= 0 && d <= policy.maxDelayMs).toBe(true);
          const overridden = retryDelayMs(policy, i + 1, retryAfter ?? undefined);
          expect(Number.isInteger(overridden) && overridden >= 0 && overridden <= policy.maxDelayMs).toBe(true);
        }
      }),
    );
  });

  it('replay byte for byte for the same seed', () => {
    fc.assert(
      fc.property(policyArb, (policy) => {
        expect(JSON.stringify(backoffDelays({ ...policy }))).toBe(JSON.stringify(backoffDelays(policy)));
      }),
    );
  });

  it('differ somewhere for different seeds', () => {
    // uncapped and wide, so equal sequences would mean equal draws
    const wide = (jitterSeed: string): BackoffPolicy => ({
      maxAttempts: 12,
      baseDelayMs: 1000,
      maxDelayMs: 1e9,
      jitterSeed,
    });
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(backoffDelays(wide(a))).not.toEqual(backoffDelays(wide(b)));
      }),
    );
  });
});

describe('retry plans', () => {
  it('stay within max attempts and the sleep budget, each delay the rule’s for its attempt', () => {
    fc.assert(
      fc.property(policyArb, scriptArb, (policy, script) => {
        const plan = planRetries(policy, (n) => asResult(at(script, n), n));
        expect(plan.attempts).toBeLessThanOrEqual(policy.maxAttempts);
        expect(plan.retries.map((r) => r.attempt)).toEqual(plan.retries.map((_, i) => i + 1));
        expect(plan.retries).toHaveLength(plan.attempts - 1);
        const slept = plan.retries.reduce((sum, r) => sum + r.delayMs, 0);
        if (policy.maxTotalSleepMs !== undefined) expect(slept).toBeLessThanOrEqual(policy.maxTotalSleepMs);
        for (const r of plan.retries) {
          const step = at(script, r.attempt);
          expect(step.ok).toBe(false);
          if (!step.ok) expect(r.delayMs).toBe(retryDelayMs(policy, r.attempt, step.retryAfterMs));
        }
        const last = at(script, plan.attempts);
        if (plan.kind === 'succeeded') expect(last.ok).toBe(true);
        else if (plan.reason === 'non_retryable') expect(last.ok === false && !last.retryable).toBe(true);
        else if (plan.reason === 'attempts_exhausted') expect(plan.attempts).toBe(policy.maxAttempts);
      }),
    );
  });

  it('are what the async runner sleeps and reports', async () => {
    class Failed extends Error {
      constructor(readonly step: Extract<Step, { ok: false }>) {
        super(step.errorType);
      }
    }
    await fc.assert(
      fc.asyncProperty(policyArb, scriptArb, async (policy, script) => {
        const plan = planRetries(policy, (n) => asResult(at(script, n), n));
        const slept: number[] = [];
        const reported: unknown[] = [];
        const outcome = await retryWithBackoff(
          async (n) => {
            const step = at(script, n);
            if (step.ok) return n;
            throw new Failed(step);
          },
          {
            ...policy,
            isRetryable: (e) => (e as Failed).step.retryable,
            retryAfterMs: (e) => (e as Failed).step.retryAfterMs,
            errorType: (e) => (e as Failed).step.errorType,
            onRetry: (r) => reported.push(r),
          },
          async (ms) => {
            slept.push(ms);
          },
        ).then(
          (value) => ({ kind: 'succeeded', value }),
          (error: Failed) => ({ kind: 'gave_up', errorType: error.step.errorType }),
        );
        expect(reported).toEqual(plan.retries);
        expect(slept).toEqual(plan.retries.map((r) => r.delayMs));
        expect(outcome).toEqual(
          plan.kind === 'succeeded'
            ? { kind: 'succeeded', value: plan.value }
            : { kind: 'gave_up', errorType: plan.errorType },
        );
      }),
    );
  });
});

// Spec 4.12 retry with backoff: the delay formula, Retry-After (seconds or HTTP date), the sleep budget, the
// synchronous planner the simulated OMS records from, the async runner with an injected sleep, and every refusal.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors';
import { createPrng } from '../../../shared/domain/prng';
import {
  type AttemptResult,
  type BackoffPolicy,
  backoffDelays,
  decideRetry,
  parseRetryAfterMs,
  planRetries,
  retryDelayMs,
  retryWithBackoff,
  stage7BackoffPolicy,
} from '../../../shared/domain/retry-backoff';

const POLICY: BackoffPolicy = {
  maxAttempts: 6,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  jitterSeed: 's7:c1:BTCTRY:BUY:abc',
};
const NOW = Date.UTC(2024, 10, 6, 8, 49, 37); // Wed, 06 Nov 2024 08:49:37 GMT

const fail = (errorType = 'TIMEOUT', retryAfterMs?: number): AttemptResult<never> => ({
  ok: false,
  retryable: errorType !== 'NON_RETRYABLE',
  errorType,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
const ok = <T>(value: T): AttemptResult<T> => ({ ok: true, value });
/** Attempt n answers script[n - 1] */
const scripted =
  <T>(script: readonly AttemptResult<T>[]) =>
  (n: number): AttemptResult<T> =>
    script[n - 1] ?? fail();

function expectValidation(run: () => unknown, path: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
    return;
  }
  expect.fail(`expected a ValidationError naming ${path}`);
}

describe('the backoff delay (spec 4.12)', () => {
  it('is min(max, base × 2^(n−1)) × (0.5 + r), r the n-th draw seeded with the jitter seed, truncated to ms', () => {
    const rng = createPrng(POLICY.jitterSeed, 'retry-backoff');
    const expected = [1, 2, 3, 4, 5].map((n) => Math.trunc(Math.min(1000, 100 * 2 ** (n - 1)) * (0.5 + rng.next())));
    const capped = expected.map((d) => Math.min(1000, d));
    expect(backoffDelays(POLICY)).toEqual(capped);
    expect(capped.every(Number.isInteger)).toBe(true);
  });

  it('replays the same sequence for a seed (pinned: a change of algorithm or stream shows here)', () => {
    expect(backoffDelays(POLICY)).toEqual([57, 289, 463, 422, 1000]);
    expect(backoffDelays({ ...POLICY, maxAttempts: 3, jitterSeed: 17 })).toEqual([130, 144]);
  });

  it('never exceeds max: a jitter factor above 1 on a capped delay is cut back to max', () => {
    const policy = { ...POLICY, baseDelayMs: 5000, maxDelayMs: 700 };
    const rng = createPrng(policy.jitterSeed, 'retry-backoff');
    const uncapped = [1, 2, 3, 4, 5].map(() => Math.trunc(700 * (0.5 + rng.next())));
    expect(uncapped.some((d) => d > 700)).toBe(true); // the formula alone would exceed max here
    expect(backoffDelays(policy)).toEqual(uncapped.map((d) => Math.min(700, d)));
  });

  it('gives attempt n the same delay alone as in the sequence', () => {
    const all = backoffDelays(POLICY);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(POLICY, n))).toEqual(all);
  });

  it('is 0 when base or max is 0', () => {
    expect(backoffDelays({ ...POLICY, baseDelayMs: 0 })).toEqual([0, 0, 0, 0, 0]);
    expect(backoffDelays({ ...POLICY, maxDelayMs: 0 })).toEqual([0, 0, 0, 0, 0]);
  });

  it('has no delay to give with one attempt', () => {
    expect(backoffDelays({ ...POLICY, maxAttempts: 1 })).toEqual([]);
  });

  it('maps the stage 7 knobs onto a policy', () => {
    const settings = { STAGE7_RETRY_MAX_ATTEMPTS: 3, STAGE7_RETRY_BASE_DELAY_MS: 100, STAGE7_RETRY_MAX_DELAY_MS: 1000 };
    expect(stage7BackoffPolicy(settings, 'coid')).toEqual({
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      jitterSeed: 'coid',
    });
    expect(stage7BackoffPolicy(settings, 'coid', 5000).maxTotalSleepMs).toBe(5000);
  });
});

describe('Retry-After overrides the jitter, capped at max', () => {
  it('waits the Retry-After when it fits: "Retry-After seconds × 1000 capped at max"', () => {
    expect(retryDelayMs(POLICY, 1, 750)).toBe(750);
    expect(retryDelayMs({ ...POLICY, maxDelayMs: 5000 }, 1, 2500)).toBe(2500);
  });

  it('caps a longer Retry-After at max', () => {
    expect(retryDelayMs(POLICY, 2, 2500)).toBe(1000);
  });

  it('honours a Retry-After of 0 and truncates fractional ms', () => {
    expect(retryDelayMs(POLICY, 1, 0)).toBe(0);
    expect(retryDelayMs(POLICY, 1, 12.9)).toBe(12);
  });

  it('ignores an invalid Retry-After (negative, NaN, infinite): the jittered delay applies', () => {
    const jittered = retryDelayMs(POLICY, 2);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(retryDelayMs(POLICY, 2, bad)).toBe(jittered);
  });

  it('leaves the later attempts’ jitter unchanged (each attempt owns its draw)', () => {
    const plan = planRetries(POLICY, scripted([fail('RATE_LIMIT', 300), fail(), ok('done')]));
    expect(plan.retries.map((r) => r.delayMs)).toEqual([300, backoffDelays(POLICY)[1]]);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads non-negative seconds, exactly to the ms', () => {
    expect(parseRetryAfterMs('3', NOW)).toBe(3000);
    expect(parseRetryAfterMs(' 2 ', NOW)).toBe(2000);
    expect(parseRetryAfterMs('1.5', NOW)).toBe(1500);
    expect(parseRetryAfterMs('1.005', NOW)).toBe(1005); // 1.005 × 1000 in floats is 1004.999…
    expect(parseRetryAfterMs('0.0019', NOW)).toBe(1);
    expect(parseRetryAfterMs('0', NOW)).toBe(0);
    expect(parseRetryAfterMs(2.5, NOW)).toBe(2500);
  });

  it('reads an HTTP date as its distance from now, floored at 0', () => {
    expect(parseRetryAfterMs('Wed, 06 Nov 2024 08:49:42 GMT', NOW)).toBe(5000);
    expect(parseRetryAfterMs('Wed, 06 Nov 2024 08:49:30 GMT', NOW)).toBe(0);
    expect(parseRetryAfterMs('Thu, 07 Nov 2024 08:49:37 GMT', NOW)).toBe(86_400_000);
  });

  it('accepts the obsolete RFC 850 and asctime forms (RFC 9110 5.6.7)', () => {
    expect(parseRetryAfterMs('Wednesday, 06-Nov-24 08:49:47 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfterMs('Wed Nov  6 08:49:38 2024', NOW)).toBe(1000);
    // a two-digit year more than 50 years ahead is in the past
    expect(parseRetryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(0);
  });

  it('ignores anything else', () => {
    for (const bad of [
      '',
      'soon',
      '-1',
      '+3',
      '1e3',
      '0x10',
      'Wed, 31 Feb 2024 08:49:42 GMT',
      'Wed, 06 Nov 2024 24:00:00 GMT',
      'Wed, 06 Foo 2024 08:49:42 GMT',
      '2024-11-06T08:49:42Z',
    ])
      expect(parseRetryAfterMs(bad, NOW), bad).toBeUndefined();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, undefined])
      expect(parseRetryAfterMs(bad, NOW), String(bad)).toBeUndefined();
  });

  it('refuses a non-finite now', () => {
    expectValidation(() => parseRetryAfterMs('3', Number.NaN), 'nowMs');
  });
});

describe('planRetries (the simulated OMS records delays, never sleeps)', () => {
  it('succeeds after retries, one scheduled retry per failed attempt', () => {
    const plan = planRetries(POLICY, scripted([fail('TIMEOUT'), fail('UNAVAILABLE'), ok('acked')]));
    const [d1, d2] = backoffDelays(POLICY);
    expect(plan).toEqual({
      kind: 'succeeded',
      value: 'acked',
      attempts: 3,
      retries: [
        { attempt: 1, delayMs: d1, errorType: 'TIMEOUT' },
        { attempt: 2, delayMs: d2, errorType: 'UNAVAILABLE' },
      ],
    });
  });

  it('succeeds at once with no retry', () => {
    expect(planRetries(POLICY, () => ok(1))).toEqual({ kind: 'succeeded', value: 1, attempts: 1, retries: [] });
  });

  it('gives up after max attempts of transient failures (RETRY_GIVEUP transient_failure_exhausted)', () => {
    const plan = planRetries({ ...POLICY, maxAttempts: 3 }, () => fail('RATE_LIMIT'));
    expect(plan).toMatchObject({ kind: 'gave_up', reason: 'attempts_exhausted', errorType: 'RATE_LIMIT', attempts: 3 });
    expect(plan.retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('gives up at once on a non-retryable failure', () => {
    const plan = planRetries(POLICY, scripted([fail('TIMEOUT'), fail('NON_RETRYABLE')]));
    expect(plan).toMatchObject({ kind: 'gave_up', reason: 'non_retryable', errorType: 'NON_RETRYABLE', attempts: 2 });
    expect(plan.retries).toHaveLength(1);
  });

  it('gives up when the next delay would take the total sleep past the budget', () => {
    const [d1, d2] = backoffDelays(POLICY) as [number, number];
    const plan = planRetries({ ...POLICY, maxTotalSleepMs: d1 + d2 - 1 }, () => fail());
    expect(plan).toMatchObject({ kind: 'gave_up', reason: 'sleep_cap_exceeded', attempts: 2 });
    expect(plan.retries).toEqual([{ attempt: 1, delayMs: d1, errorType: 'TIMEOUT' }]);
    expect(planRetries({ ...POLICY, maxTotalSleepMs: d1 + d2 }, scripted([fail(), fail(), ok(0)])).kind).toBe(
      'succeeded',
    );
  });

  it('tries once with max attempts 1', () => {
    let calls = 0;
    const plan = planRetries({ ...POLICY, maxAttempts: 1 }, () => {
      calls++;
      return fail();
    });
    expect([plan.kind, calls, plan.retries]).toEqual(['gave_up', 1, []]);
  });
});

describe('retryWithBackoff (async, injected sleep)', () => {
  class Transient extends Error {}
  class Fatal extends Error {}
  const hooks = { isRetryable: (e: unknown) => e instanceof Transient };

  it('sleeps the planned delays through the injected sleep, then returns the value', async () => {
    const slept: number[] = [];
    const seen: number[] = [];
    const value = await retryWithBackoff(
      async (n) => {
        seen.push(n);
        if (n < 3) throw new Transient('later');
        return 'ok';
      },
      { ...POLICY, ...hooks, errorType: () => 'TIMEOUT' },
      async (ms) => {
        slept.push(ms);
      },
    );
    expect([value, seen, slept]).toEqual(['ok', [1, 2, 3], backoffDelays(POLICY).slice(0, 2)]);
  });

  it('re-raises a non-retryable error at once, without sleeping', async () => {
    const sleep = async () => expect.fail('must not sleep');
    const fatal = new Fatal('no');
    await expect(retryWithBackoff(() => Promise.reject(fatal), { ...POLICY, ...hooks }, sleep)).rejects.toBe(fatal);
  });

  it('re-raises the last error when attempts run out, reporting each retry', async () => {
    const retries: unknown[] = [];
    let last: Error | undefined;
    const run = retryWithBackoff(
      (n) => {
        last = new Transient(`attempt ${n}`);
        return Promise.reject(last);
      },
      { ...POLICY, maxAttempts: 3, ...hooks, onRetry: (r) => retries.push(r) },
      async () => {},
    );
    await expect(run).rejects.toThrow('attempt 3');
    const [d1, d2] = backoffDelays(POLICY);
    expect(retries).toEqual([
      { attempt: 1, delayMs: d1, errorType: 'Error' },
      { attempt: 2, delayMs: d2, errorType: 'Error' },
    ]);
  });

  it('honours the error’s Retry-After and the sleep budget', async () => {
    const slept: number[] = [];
    const run = retryWithBackoff(
      () => Promise.reject(new Transient('429')),
      { ...POLICY, ...hooks, retryAfterMs: () => 400, maxTotalSleepMs: 1000 },
      async (ms) => {
        slept.push(ms);
      },
    );
    await expect(run).rejects.toThrow('429');
    expect(slept).toEqual([400, 400]);
  });

  it('refuses a bad policy before the first call', async () => {
    let called = false;
    const run = retryWithBackoff(
      async () => {
        called = true;
      },
      { ...POLICY, maxAttempts: 0, ...hooks },
      async () => {},
    );
    await expect(run).rejects.toBeInstanceOf(ValidationError);
    expect(called).toBe(false);
  });
});

describe('refusals (typed ValidationError naming the field)', () => {
  it.each([
    ['maxAttempts', { maxAttempts: 0 }],
    ['maxAttempts', { maxAttempts: 1.5 }],
    ['maxAttempts', { maxAttempts: Number.NaN }],
    ['baseDelayMs', { baseDelayMs: -1 }],
    ['baseDelayMs', { baseDelayMs: Number.NaN }],
    ['maxDelayMs', { maxDelayMs: -0.5 }],
    ['maxDelayMs', { maxDelayMs: Number.POSITIVE_INFINITY }],
    ['maxTotalSleepMs', { maxTotalSleepMs: -1 }],
    ['maxTotalSleepMs', { maxTotalSleepMs: Number.NaN }],
    ['jitterSeed', { jitterSeed: Number.NaN }],
  ] as const)('refuses a bad %s %j', (path, patch) => {
    const policy = { ...POLICY, ...patch };
    expectValidation(() => backoffDelays(policy), path);
    expectValidation(() => planRetries(policy, () => ok(1)), path);
    expectValidation(() => decideRetry(policy, 1, 0, { retryable: true }), path);
  });

  it('refuses an attempt with no delay to give: below 1, fractional, or at or past max', () => {
    for (const attempt of [0, 1.5, 6, Number.NaN]) expectValidation(() => retryDelayMs(POLICY, attempt), 'attempt');
    expectValidation(() => decideRetry(POLICY, 7, 0, { retryable: true }), 'attempt');
  });

  it('refuses a negative or non-finite slept total', () => {
    expectValidation(() => decideRetry(POLICY, 1, -1, { retryable: true }), 'sleptMs');
    expectValidation(() => decideRetry(POLICY, 1, Number.NaN, { retryable: true }), 'sleptMs');
  });

  it('answers "no retry" (not an error) for the last attempt and for a non-retryable failure', () => {
    expect(decideRetry(POLICY, 6, 0, { retryable: true })).toEqual({ retry: false, reason: 'attempts_exhausted' });
    expect(decideRetry(POLICY, 1, 0, { retryable: false })).toEqual({ retry: false, reason: 'non_retryable' });
  });
});

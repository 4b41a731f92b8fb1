// Retry with backoff in simulated time (spec 4.12): attempt n failing retryably waits its Retry-After, else
// min(max, base × 2^(n−1)) × (0.5 + r_n), r_n the n-th draw seeded with the jitter seed; both capped at max and
// truncated to ms; a delay past the sleep budget gives up. Nothing here sleeps. Intra-system determinism only
// (no MT19937 parity with the Python reference). Past 200 lines: the Retry-After grammar belongs with its rule.
import { ValidationError, type ValidationIssue } from './errors';
import { createPrng } from './prng';

/** The stage 7 knobs (shared/config/knobs.ts) */
export interface Stage7RetrySettings {
  readonly STAGE7_RETRY_MAX_ATTEMPTS: number;
  readonly STAGE7_RETRY_BASE_DELAY_MS: number;
  readonly STAGE7_RETRY_MAX_DELAY_MS: number;
}

export interface BackoffPolicy {
  /** Attempts including the first, an integer >= 1 */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** Caps every single delay, Retry-After included */
  readonly maxDelayMs: number;
  /** Same seed, same delays: seed per call (e.g. the client order id), not per process */
  readonly jitterSeed: number | string;
  /** Sleep budget of one call in ms; undefined: none */
  readonly maxTotalSleepMs?: number;
}

export function stage7BackoffPolicy(
  settings: Stage7RetrySettings,
  jitterSeed: number | string,
  maxTotalSleepMs?: number,
): BackoffPolicy {
  return {
    maxAttempts: settings.STAGE7_RETRY_MAX_ATTEMPTS,
    baseDelayMs: settings.STAGE7_RETRY_BASE_DELAY_MS,
    maxDelayMs: settings.STAGE7_RETRY_MAX_DELAY_MS,
    jitterSeed,
    ...(maxTotalSleepMs === undefined ? {} : { maxTotalSleepMs }),
  };
}

/** Throws ValidationError naming each bad field: maxAttempts an integer >= 1, delays and budget finite >= 0 */
export function checkBackoffPolicy(policy: BackoffPolicy): void {
  const issues: ValidationIssue[] = [];
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    issues.push({ path: 'maxAttempts', message: `expected an integer >= 1, was ${policy.maxAttempts}` });
  for (const field of ['baseDelayMs', 'maxDelayMs', 'maxTotalSleepMs'] as const) {
    const v = policy[field];
    if (v === undefined && field === 'maxTotalSleepMs') continue;
    if (!isNonNegative(v)) issues.push({ path: field, message: `expected a finite number >= 0, was ${v}` });
  }
  const seed = policy.jitterSeed;
  if (typeof seed !== 'string' && !Number.isFinite(seed))
    issues.push({ path: 'jitterSeed', message: `expected a string or a finite number, was ${seed}` });
  if (issues.length > 0) throw new ValidationError('retry policy', issues);
}

/** Jittered delays before attempts 2..maxAttempts (no Retry-After), in ms */
export function backoffDelays(policy: BackoffPolicy): readonly number[] {
  checkBackoffPolicy(policy);
  const rng = jitterStream(policy);
  return Array.from({ length: policy.maxAttempts - 1 }, (_, i) => jittered(policy, i + 1, rng()));
}

/** Delay after attempt `attempt` failed (1 <= attempt < maxAttempts); a valid Retry-After overrides the jitter */
export function retryDelayMs(policy: BackoffPolicy, attempt: number, retryAfterMs?: number): number {
  checkBackoffPolicy(policy);
  checkAttempt(policy, attempt);
  if (isNonNegative(retryAfterMs)) return Math.trunc(Math.min(policy.maxDelayMs, retryAfterMs));
  const rng = jitterStream(policy);
  for (let i = 1; i < attempt; i++) rng();
  return jittered(policy, attempt, rng());
}

export interface RetryFailure {
  readonly retryable: boolean;
  /** Recorded with the retry (e.g. RATE_LIMIT, TIMEOUT) */
  readonly errorType: string;
  /** Already parsed (parseRetryAfterMs); negative or non-finite: ignored */
  readonly retryAfterMs?: number;
}

export type GiveUpReason = 'non_retryable' | 'attempts_exhausted' | 'sleep_cap_exceeded';

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: GiveUpReason };

/** Whether attempt `attempt`, failing this way after `sleptMs` of earlier delays, is tried again and when */
export function decideRetry(
  policy: BackoffPolicy,
  attempt: number,
  sleptMs: number,
  failure: Pick<RetryFailure, 'retryable' | 'retryAfterMs'>,
): RetryDecision {
  checkBackoffPolicy(policy);
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > policy.maxAttempts)
    throw new ValidationError('retry step', [
      { path: 'attempt', message: `expected an integer in [1, ${policy.maxAttempts}], was ${attempt}` },
    ]);
  if (!isNonNegative(sleptMs))
    throw new ValidationError('retry step', [{ path: 'sleptMs', message: `expected >= 0, was ${sleptMs}` }]);
  if (!failure.retryable) return { retry: false, reason: 'non_retryable' };
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts_exhausted' };
  const delayMs = retryDelayMs(policy, attempt, failure.retryAfterMs);
  const cap = policy.maxTotalSleepMs;
  if (cap !== undefined && sleptMs + delayMs > cap) return { retry: false, reason: 'sleep_cap_exceeded' };
  return { retry: true, delayMs };
}

/** One RETRY_SCHEDULED: attempt `attempt` failed with `errorType`; the next one runs `delayMs` later */
export interface ScheduledRetry {
  readonly attempt: number;
  readonly delayMs: number;
  readonly errorType: string;
}

export type AttemptResult<T> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & RetryFailure);

export type RetryPlan<T> =
  | {
      readonly kind: 'succeeded';
      readonly value: T;
      readonly attempts: number;
      readonly retries: readonly ScheduledRetry[];
    }
  | {
      readonly kind: 'gave_up';
      readonly reason: GiveUpReason;
      /** The last attempt's failure */
      readonly errorType: string;
      readonly attempts: number;
      readonly retries: readonly ScheduledRetry[];
    };

/**
 * Runs `attempt(1)`, `attempt(2)`... synchronously, recording each delay instead of sleeping (the simulated
 * OMS writes them as RETRY_SCHEDULED events); pure when `attempt` is
 */
export function planRetries<T>(policy: BackoffPolicy, attempt: (n: number) => AttemptResult<T>): RetryPlan<T> {
  checkBackoffPolicy(policy);
  const retries: ScheduledRetry[] = [];
  let slept = 0;
  for (let n = 1; ; n++) {
    const result = attempt(n);
    if (result.ok) return { kind: 'succeeded', value: result.value, attempts: n, retries };
    const decision = decideRetry(policy, n, slept, result);
    if (!decision.retry)
      return { kind: 'gave_up', reason: decision.reason, errorType: result.errorType, attempts: n, retries };
    retries.push({ attempt: n, delayMs: decision.delayMs, errorType: result.errorType });
    slept += decision.delayMs;
  }
}

export interface RetryHooks {
  readonly isRetryable: (error: unknown) => boolean;
  /** The error's Retry-After in ms (parseRetryAfterMs), if any */
  readonly retryAfterMs?: (error: unknown) => number | undefined;
  readonly errorType?: (error: unknown) => string;
  readonly onRetry?: (retry: ScheduledRetry) => void;
}

/** Calls `fn` until it resolves; a non-retryable error, the last attempt or the sleep budget re-raises */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: BackoffPolicy & RetryHooks,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  checkBackoffPolicy(options);
  let slept = 0;
  for (let n = 1; ; n++) {
    try {
      return await fn(n);
    } catch (error) {
      const retryAfterMs = options.retryAfterMs?.(error);
      const decision = decideRetry(options, n, slept, { retryable: options.isRetryable(error), retryAfterMs });
      if (!decision.retry) throw error;
      const errorType = options.errorType?.(error) ?? (error instanceof Error ? error.name : 'unknown');
      options.onRetry?.({ attempt: n, delayMs: decision.delayMs, errorType });
      slept += decision.delayMs;
      await sleep(decision.delayMs);
    }
  }
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MON = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// RFC 9110 5.6.7: recipients accept IMF-fixdate and the obsolete RFC 850 and asctime forms
const IMF_FIXDATE = new RegExp(`^(?:mon|tue|wed|thu|fri|sat|sun), (\\d{2}) ${MON} (\\d{4}) ${TIME} gmt$`, 'i');
const RFC_850 = new RegExp(
  `^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\\d{2})-${MON}-(\\d{2}) ${TIME} gmt$`,
  'i',
);
const ASCTIME = new RegExp(`^(?:mon|tue|wed|thu|fri|sat|sun) ${MON} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, 'i');

/**
 * A Retry-After value in ms: non-negative seconds (a number, or a decimal string read exactly and truncated
 * to ms) or an HTTP date (its distance from `nowMs`, floored at 0). Anything else: undefined (ignored).
 */
export function parseRetryAfterMs(raw: string | number | undefined, nowMs: number): number | undefined {
  if (!Number.isFinite(nowMs))
    throw new ValidationError('retry after', [{ path: 'nowMs', message: `expected a finite number, was ${nowMs}` }]);
  if (typeof raw === 'number') return isNonNegative(raw) ? safeMs(Math.trunc(raw * 1000)) : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  const seconds = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (seconds) return safeMs(Number(seconds[1]) * 1000 + Number((seconds[2] ?? '').slice(0, 3).padEnd(3, '0')));
  const at = httpDateMs(text, nowMs);
  return at === undefined ? undefined : Math.max(0, at - nowMs);
}

function httpDateMs(text: string, nowMs: number): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utcMs(Number(m[3]), m[2] ?? '', Number(m[1]), m.slice(4, 7));
  m = RFC_850.exec(text);
  if (m) return utcMs(fullYear(Number(m[3]), nowMs), m[2] ?? '', Number(m[1]), m.slice(4, 7));
  m = ASCTIME.exec(text);
  if (m) return utcMs(Number(m[6]), m[1] ?? '', Number((m[2] ?? '').trim()), m.slice(3, 6));
  return undefined;
}

/** RFC 9110: a two-digit year more than 50 years ahead is the latest past year with those digits */
function fullYear(yy: number, nowMs: number): number {
  const nowYear = new Date(nowMs).getUTCFullYear();
  let year = Math.floor(nowYear / 100) * 100 + yy;
  if (year < nowYear - 50) year += 100;
  if (year > nowYear + 50) year -= 100;
  return year;
}

function utcMs(year: number, month: string, day: number, time: readonly (string | undefined)[]): number | undefined {
  const [h, min, s] = time.map(Number) as [number, number, number];
  const mon = MONTHS.indexOf(month.toLowerCase());
  if (h > 23 || min > 59 || s > 59 || day < 1) return undefined;
  const ms = Date.UTC(year, mon, day, h, min, s);
  return new Date(ms).getUTCDate() === day ? ms : undefined; // 31 Feb rolls over: refuse it
}

const isNonNegative = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v >= 0;
const safeMs = (ms: number): number => Math.min(ms, Number.MAX_SAFE_INTEGER);
const jitterStream = (policy: BackoffPolicy): (() => number) => createPrng(policy.jitterSeed, 'retry-backoff').next;

/** min(max, base × 2^(n−1)) × (0.5 + r), truncated, never above max */
const jittered = (policy: BackoffPolicy, attempt: number, r: number): number =>
  Math.trunc(
    Math.min(policy.maxDelayMs, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + r)),
  );

function checkAttempt(policy: BackoffPolicy, attempt: number): void {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= policy.maxAttempts)
    throw new ValidationError('retry step', [
      { path: 'attempt', message: `expected an integer in [1, ${policy.maxAttempts - 1}], was ${attempt}` },
    ]);
}

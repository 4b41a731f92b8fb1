// Token buckets per group in simulated time (spec 4.12): a bucket starts at burst and refills at rps up to
// burst; consume(n) succeeds only outside a cool-down and with n tokens; penalize empties it and holds it
// closed (no refill during the cool-down). Unknown groups share the `default` bucket, which must exist.
// Time is always an argument; queries never change the state, which is plain numbers a cycle persists.
import { CorruptStateError, ValidationError, type ValidationIssue } from './errors';

/** The stage 7 knobs (shared/config/knobs.ts) */
export interface Stage7RateLimitSettings {
  /** Tokens per second, > 0 */
  readonly STAGE7_RATE_LIMIT_RPS: number;
  /** Bucket size, >= 1 */
  readonly STAGE7_RATE_LIMIT_BURST: number;
}

export interface BucketBudget {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** Group -> budget; `default` is required */
export type BucketBudgets = Readonly<Record<string, BucketBudget>>;

export interface BucketState {
  readonly tokens: number;
  readonly updatedAtMs: number;
  readonly cooldownUntilMs: number;
}

/** What a cycle persists: the buckets used so far, by group, keys sorted */
export type TokenBucketState = Readonly<Record<string, BucketState>>;

export type ConsumeResult = { readonly ok: true } | { readonly ok: false; readonly nextEligibleMs: number };

export const DEFAULT_GROUP = 'default';

/** A token this close to whole counts as whole: refill arithmetic in binary floats must not deny one */
const EPSILON = 1e-9;

export const stage7Budgets = (settings: Stage7RateLimitSettings): BucketBudgets => ({
  [DEFAULT_GROUP]: { ratePerSecond: settings.STAGE7_RATE_LIMIT_RPS, burst: settings.STAGE7_RATE_LIMIT_BURST },
});

export class TokenBucket {
  readonly #budgets: ReadonlyMap<string, BucketBudget>;
  readonly #buckets = new Map<string, BucketState>();

  /**
   * A stored state's bucket for a group no longer budgeted is dropped and tokens above a lowered burst are
   * clamped (a settings change); a non-finite or negative number is CorruptStateError
   */
  constructor(budgets: BucketBudgets, state: TokenBucketState = {}) {
    this.#budgets = checkBudgets(budgets);
    for (const [group, bucket] of Object.entries(state)) {
      const budget = this.#budgets.get(group);
      if (budget === undefined) continue;
      const issues = (['tokens', 'updatedAtMs', 'cooldownUntilMs'] as const)
        .filter((f) => !(Number.isFinite(bucket?.[f]) && bucket[f] >= 0))
        .map((f) => ({ path: `${group}.${f}`, message: `expected a finite number >= 0, was ${bucket?.[f]}` }));
      if (issues.length > 0) throw new CorruptStateError('token bucket state', issues);
      const { tokens, updatedAtMs, cooldownUntilMs } = bucket;
      this.#buckets.set(group, { tokens: Math.min(tokens, budget.burst), updatedAtMs, cooldownUntilMs });
    }
  }

  /** Takes n tokens when the group is out of cool-down and has them; false (nothing taken) otherwise */
  consume(group: string, n: number, nowMs: number): boolean {
    return this.tryConsume(group, n, nowMs).ok;
  }

  /** consume, saying when it would succeed if it does not (nextEligibleMs = nowMs + msUntilAvailable) */
  tryConsume(group: string, n: number, nowMs: number): ConsumeResult {
    const wait = this.msUntilAvailable(group, n, nowMs);
    if (wait > 0) return { ok: false, nextEligibleMs: nowMs + wait };
    const key = this.#key(group);
    const bucket = this.#at(key, nowMs);
    this.#buckets.set(key, { ...bucket, tokens: Math.max(0, bucket.tokens - n) });
    return { ok: true };
  }

  /** Whole ms until consume(group, n) succeeds; 0 exactly when it would now */
  msUntilAvailable(group: string, n: number, nowMs: number): number {
    const key = this.#key(group);
    const { ratePerSecond, burst } = this.#budget(key);
    checkNumber('n', n, n > 0 && n <= burst, `in (0, ${burst}]`);
    checkNumber('nowMs', nowMs, nowMs >= 0, '>= 0');
    const bucket = this.#at(key, nowMs);
    const opensAt = Math.max(nowMs, bucket.cooldownUntilMs);
    if (tokensAt(bucket, opensAt, ratePerSecond, burst) + EPSILON >= n) return Math.ceil(opensAt - nowMs);
    const from = Math.max(opensAt, refillFrom(bucket));
    const short = n - tokensAt(bucket, from, ratePerSecond, burst);
    return Math.max(1, Math.ceil(from - nowMs + (short * 1000) / ratePerSecond));
  }

  /** Spec 4.12's seconds_until_available, on the whole-ms grid of msUntilAvailable */
  secondsUntilAvailable(group: string, n: number, nowMs: number): number {
    return this.msUntilAvailable(group, n, nowMs) / 1000;
  }

  /** Tokens the group's bucket holds at nowMs (for reports; changes nothing) */
  tokens(group: string, nowMs: number): number {
    checkNumber('nowMs', nowMs, nowMs >= 0, '>= 0');
    return this.#at(this.#key(group), nowMs).tokens;
  }

  /** A rate-limit answer: no tokens, and none handed out (nor refilled) for `seconds` */
  penalize(group: string, seconds: number, nowMs: number): void {
    checkNumber('seconds', seconds, seconds >= 0, '>= 0');
    checkNumber('nowMs', nowMs, nowMs >= 0, '>= 0');
    const key = this.#key(group);
    const bucket = this.#at(key, nowMs);
    const cooldownUntilMs = Math.max(bucket.cooldownUntilMs, nowMs + seconds * 1000);
    this.#buckets.set(key, { ...bucket, tokens: 0, cooldownUntilMs });
  }

  /** Plain numbers, groups sorted: the same calls give the same snapshot, byte for byte */
  snapshot(): TokenBucketState {
    const groups = [...this.#buckets.keys()].sort();
    return Object.fromEntries(groups.map((g) => [g, { ...(this.#buckets.get(g) as BucketState) }]));
  }

  #key(group: string): string {
    return this.#budgets.has(group) ? group : DEFAULT_GROUP;
  }

  #budget(key: string): BucketBudget {
    return this.#budgets.get(key) as BucketBudget; // #key only returns budgeted groups
  }

  /** The bucket refilled to nowMs (not stored); a clock that went back refills nothing */
  #at(key: string, nowMs: number): BucketState {
    const { ratePerSecond, burst } = this.#budget(key);
    const bucket = this.#buckets.get(key) ?? { tokens: burst, updatedAtMs: nowMs, cooldownUntilMs: 0 };
    return {
      tokens: tokensAt(bucket, nowMs, ratePerSecond, burst),
      updatedAtMs: Math.max(bucket.updatedAtMs, nowMs),
      cooldownUntilMs: bucket.cooldownUntilMs,
    };
  }
}

/** Refill runs from the last update or the end of the cool-down, whichever is later */
const refillFrom = (b: BucketState): number => Math.max(b.updatedAtMs, b.cooldownUntilMs);

function tokensAt(b: BucketState, atMs: number, ratePerSecond: number, burst: number): number {
  const elapsedMs = atMs - refillFrom(b);
  return elapsedMs > 0 ? Math.min(burst, b.tokens + (elapsedMs * ratePerSecond) / 1000) : b.tokens;
}

function checkBudgets(budgets: BucketBudgets): ReadonlyMap<string, BucketBudget> {
  const issues: ValidationIssue[] = [];
  if (!Object.hasOwn(budgets, DEFAULT_GROUP)) issues.push({ path: DEFAULT_GROUP, message: 'expected a budget' });
  for (const [group, b] of Object.entries(budgets)) {
    if (!(Number.isFinite(b.ratePerSecond) && b.ratePerSecond > 0))
      issues.push({ path: `${group}.ratePerSecond`, message: `expected a finite number > 0, was ${b.ratePerSecond}` });
    if (!(Number.isFinite(b.burst) && b.burst >= 1))
      issues.push({ path: `${group}.burst`, message: `expected a finite number >= 1, was ${b.burst}` });
  }
  if (issues.length > 0) throw new ValidationError('token bucket budgets', issues);
  return new Map(Object.entries(budgets).map(([g, b]) => [g, { ratePerSecond: b.ratePerSecond, burst: b.burst }]));
}

function checkNumber(path: string, value: number, ok: boolean, expected: string): void {
  if (!(Number.isFinite(value) && ok))
    throw new ValidationError('token bucket call', [{ path, message: `expected ${expected}, was ${value}` }]);
}

// Token buckets per endpoint group (FUNCTIONAL_SPEC 4.12, 5.3): tokens start at burst and refill at
// rate/s; acquire() sleeps on the injected clock until a token is free; penalize() (a 429) empties the
// bucket and holds it closed for a cool-down.
import type { Clock } from '../../ports/clock';
import type { EndpointGroup } from './endpoint-group';

export interface BucketBudget {
  /** Tokens per second */
  readonly ratePerSecond: number;
  readonly burst: number;
}

export type BucketBudgets = Readonly<Record<EndpointGroup, BucketBudget>>;

/** FUNCTIONAL_SPEC 1.11 defaults */
export const DEFAULT_BUDGETS: BucketBudgets = {
  market_data: { ratePerSecond: 8, burst: 8 },
  account: { ratePerSecond: 4, burst: 4 },
  orders: { ratePerSecond: 2, burst: 2 },
  default: { ratePerSecond: 8, burst: 8 },
};

interface Bucket {
  tokens: number;
  updatedAtMs: number;
  cooldownUntilMs: number;
}

export class TokenBucketLimiter {
  readonly #clock: Clock;
  readonly #budgets: BucketBudgets;
  readonly #buckets = new Map<EndpointGroup, Bucket>();

  constructor(clock: Clock, budgets: BucketBudgets = DEFAULT_BUDGETS) {
    for (const [group, b] of Object.entries(budgets)) {
      if (!(b.ratePerSecond > 0 && b.burst >= 1)) {
        throw new RangeError(`${group}: expected rate > 0 and burst >= 1, was ${b.ratePerSecond}/${b.burst}`);
      }
    }
    this.#clock = clock;
    this.#budgets = budgets;
  }

  /** Milliseconds until a token is free (0 when one is) */
  waitMs(group: EndpointGroup): number {
    const bucket = this.#refill(group);
    const now = this.#clock.nowMs();
    if (bucket.cooldownUntilMs > now) return bucket.cooldownUntilMs - now;
    if (bucket.tokens >= 1) return 0;
    return Math.ceil(((1 - bucket.tokens) / this.#budgets[group].ratePerSecond) * 1000);
  }

  /** Milliseconds left of the cool-down a 429 started (0 when none is running) */
  backoffMs(group: EndpointGroup): number {
    return Math.max(0, this.#refill(group).cooldownUntilMs - this.#clock.nowMs());
  }

  /** Takes one token, sleeping until one is free; resolves with the total wait in ms */
  async acquire(group: EndpointGroup): Promise<number> {
    let waited = 0;
    for (let wait = this.waitMs(group); wait > 0; wait = this.waitMs(group)) {
      await this.#clock.sleep(wait);
      waited += wait;
    }
    this.#refill(group).tokens -= 1;
    return waited;
  }

  /** A 429: no tokens, and none handed out for `cooldownMs` */
  penalize(group: EndpointGroup, cooldownMs: number): void {
    const bucket = this.#refill(group);
    bucket.tokens = 0;
    bucket.cooldownUntilMs = Math.max(bucket.cooldownUntilMs, this.#clock.nowMs() + cooldownMs);
  }

  /** The spec's cool-down when a 429 carries no Retry-After: min(1.5 s, max(0.25 s, 1 / rate)) */
  defaultCooldownMs(group: EndpointGroup): number {
    return Math.round(Math.min(1.5, Math.max(0.25, 1 / this.#budgets[group].ratePerSecond)) * 1000);
  }

  #refill(group: EndpointGroup): Bucket {
    const now = this.#clock.nowMs();
    const budget = this.#budgets[group];
    const bucket = this.#buckets.get(group) ?? { tokens: budget.burst, updatedAtMs: now, cooldownUntilMs: 0 };
    const from = Math.max(bucket.updatedAtMs, bucket.cooldownUntilMs);
    if (now > from)
      bucket.tokens = Math.min(budget.burst, bucket.tokens + ((now - from) / 1000) * budget.ratePerSecond);
    bucket.updatedAtMs = Math.max(bucket.updatedAtMs, now);
    this.#buckets.set(group, bucket);
    return bucket;
  }
}

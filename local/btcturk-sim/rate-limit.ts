// Per-endpoint quotas of BTCTURK_API.md 5: each window is anchored at the first request in it, exceeding
// a quota blocks the endpoint for the block period, and a blocked request gets 429 + Retry-After (seconds).
import { json, type Reply } from './reply';

interface Quota {
  readonly limit: number;
  readonly periodMs: number;
  readonly blockMs: number;
  readonly policy: 'ip' | 'account';
}

const minute = (limit: number, policy: Quota['policy'] = 'ip'): Quota => ({
  limit,
  periodMs: 60_000,
  blockMs: 60_000,
  policy,
});
const second = (limit: number): Quota => ({ limit, periodMs: 1_000, blockMs: 1_000, policy: 'account' });

/** Route ids are `METHOD path-template`; endpoints without a documented limit are not listed */
export const QUOTAS: Readonly<Record<string, readonly Quota[]>> = {
  'GET /api/v1/users/balances': [minute(120)],
  'POST /api/v1/order': [minute(300, 'account'), second(10)],
  'DELETE /api/v1/order': [minute(300, 'account'), second(10)],
  'GET /api/v1/order/{id}': [minute(900, 'account'), second(30)],
  'GET /api/v1/openOrders': [minute(300)],
  'GET /api/v1/allOrders': [minute(300)],
  'GET /api/v1/users/transactions/trade': [minute(120)],
  'GET /api/v2/ticker': [minute(600)],
  'GET /api/v2/orderbook': [minute(180)],
};

interface Window {
  startMs: number;
  count: number;
  blockedUntilMs: number;
}

export function tooManyRequests(quota: Quota, retryAfterS: number): Reply {
  const period = quota.periodMs === 1_000 ? '1s' : '1m';
  const base = `Quota exceeded. Maximum allowed: ${quota.limit} per ${period}.`;
  const details = quota.policy === 'account' ? `${base} Please try again in ${retryAfterS} second(s).` : base;
  const body = { message: 'TOO_MANY_REQUESTS', success: false, code: 429, details, limit: `${quota.limit}`, period };
  return json(429, { ...body, policy: quota.policy }, { 'Retry-After': `${retryAfterS}` });
}

export class RateLimiter {
  readonly #windows = new Map<string, Window>();

  /** Counts the request; the 429 reply when a quota of the route is exceeded or still blocking */
  check(route: string, nowMs: number): Reply | undefined {
    let refusal: Reply | undefined;
    (QUOTAS[route] ?? []).forEach((quota, i) => {
      const key = `${route}#${i}`;
      let w = this.#windows.get(key);
      if (!w || (nowMs >= w.startMs + quota.periodMs && nowMs >= w.blockedUntilMs)) {
        w = { startMs: nowMs, count: 0, blockedUntilMs: 0 };
        this.#windows.set(key, w);
      }
      w.count += 1;
      if (w.blockedUntilMs <= nowMs && w.count > quota.limit) w.blockedUntilMs = nowMs + quota.blockMs;
      if (w.blockedUntilMs > nowMs && !refusal) {
        refusal = tooManyRequests(quota, Math.max(1, Math.ceil((w.blockedUntilMs - nowMs) / 1000)));
      }
    });
    return refusal;
  }
}

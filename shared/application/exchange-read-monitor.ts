// One cycle's reads of the exchange, watched: every read passes through and every failed one is remembered
// (which endpoint, private or public, rate limited or not), whoever caught the error. The cycle then decides
// its degrade mode in one place (spec 2.3 step 15, 9.1.8) instead of threading flags through each caller.
// Writes pass through unwatched: their outcomes belong to the order safety protocol. The HTTP requests the
// cycle sent (reads and writes, by endpoint) are the exchange's counts since the monitor started.
import { ExchangeRateLimitedError } from '../domain/errors';
import type { Exchange } from '../ports/exchange';

export type ReadEndpoint = Exclude<keyof Exchange, 'placeLimitOrder' | 'cancelOrder' | 'requestsSent'>;

export interface FailedRead {
  readonly endpoint: ReadEndpoint;
  /** Account data (balances, orders, trades, lookups) as opposed to market data and metadata */
  readonly private: boolean;
  readonly rateLimited: boolean;
}

export interface ReadMonitor {
  /** The exchange to use for the cycle */
  readonly exchange: Exchange;
  /** Failed reads so far, in order */
  failures(): readonly FailedRead[];
  /** HTTP requests sent since the monitor started, by endpoint (only endpoints that sent any) */
  requests(): Readonly<Record<string, number>>;
}

const PRIVATE: ReadonlySet<ReadEndpoint> = new Set([
  'balances',
  'openOrders',
  'allOrders',
  'userTrades',
  'findOrderByClientId',
]);

export function monitorReads(inner: Exchange): ReadMonitor {
  const failed: FailedRead[] = [];
  const before = inner.requestsSent();
  const watch = async <T>(endpoint: ReadEndpoint, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (e) {
      failed.push({ endpoint, private: PRIVATE.has(endpoint), rateLimited: e instanceof ExchangeRateLimitedError });
      throw e;
    }
  };
  return {
    exchange: {
      serverTime: () => watch('serverTime', () => inner.serverTime()),
      exchangeInfo: () => watch('exchangeInfo', () => inner.exchangeInfo()),
      orderBookTop: (symbol) => watch('orderBookTop', () => inner.orderBookTop(symbol)),
      tickers: () => watch('tickers', () => inner.tickers()),
      balances: () => watch('balances', () => inner.balances()),
      openOrders: (symbol) => watch('openOrders', () => inner.openOrders(symbol)),
      allOrders: (symbol, sinceMs) => watch('allOrders', () => inner.allOrders(symbol, sinceMs)),
      userTrades: (symbol, sinceMs) => watch('userTrades', () => inner.userTrades(symbol, sinceMs)),
      findOrderByClientId: (symbol, clientOrderId, submittedAtMs) =>
        watch('findOrderByClientId', () => inner.findOrderByClientId(symbol, clientOrderId, submittedAtMs)),
      placeLimitOrder: (order) => inner.placeLimitOrder(order),
      cancelOrder: (symbol, orderId) => inner.cancelOrder(symbol, orderId),
      requestsSent: () => inner.requestsSent(),
    },
    failures: () => [...failed],
    requests: () => requestsSince(before, inner.requestsSent()),
  };
}

function requestsSince(
  before: Readonly<Record<string, number>>,
  now: Readonly<Record<string, number>>,
): Record<string, number> {
  const sent: Record<string, number> = {};
  for (const [endpoint, count] of Object.entries(now)) {
    const delta = count - (before[endpoint] ?? 0);
    if (delta > 0) sent[endpoint] = delta;
  }
  return sent;
}

/** HTTP requests of one cycle per BTCTurk endpoint, for the cycle line, the audit and summary.json */
export interface RequestCounters {
  requestsTotal: number;
  requestsServerTime: number;
  requestsExchangeInfo: number;
  requestsTicker: number;
  requestsOrderBook: number;
  requestsBalances: number;
  requestsOpenOrders: number;
  requestsAllOrders: number;
  requestsUserTrades: number;
  requestsSubmit: number;
  requestsCancel: number;
}

export const NO_REQUESTS: Readonly<RequestCounters> = {
  requestsTotal: 0,
  requestsServerTime: 0,
  requestsExchangeInfo: 0,
  requestsTicker: 0,
  requestsOrderBook: 0,
  requestsBalances: 0,
  requestsOpenOrders: 0,
  requestsAllOrders: 0,
  requestsUserTrades: 0,
  requestsSubmit: 0,
  requestsCancel: 0,
};

const COUNTER_OF: Readonly<Record<string, Exclude<keyof RequestCounters, 'requestsTotal'>>> = {
  'GET /api/v2/server/time': 'requestsServerTime',
  'GET /api/v2/server/exchangeinfo': 'requestsExchangeInfo',
  'GET /api/v2/ticker': 'requestsTicker',
  'GET /api/v2/orderbook': 'requestsOrderBook',
  'GET /api/v1/users/balances': 'requestsBalances',
  'GET /api/v1/openOrders': 'requestsOpenOrders',
  'GET /api/v1/allOrders': 'requestsAllOrders',
  'GET /api/v1/users/transactions/trade': 'requestsUserTrades',
  'POST /api/v1/order': 'requestsSubmit',
  'DELETE /api/v1/order': 'requestsCancel',
};

/** Requests by endpoint as counters; an endpoint without a counter of its own counts in the total only */
export function requestCountersOf(requests: Readonly<Record<string, number>>): RequestCounters {
  const counters: RequestCounters = { ...NO_REQUESTS };
  for (const [endpoint, count] of Object.entries(requests)) {
    counters.requestsTotal += count;
    const name = COUNTER_OF[endpoint];
    if (name !== undefined) counters[name] += count;
  }
  return counters;
}

export interface ReadDegrade {
  /** A read was rate limited: no exchange write this cycle (EXCHANGE_429_BACKOFF) */
  readonly observeOnly: boolean;
  /** Account data is incomplete: no BUY this cycle, SELLs and cancels only (private_data_unavailable) */
  readonly sellOnly: boolean;
  readonly decisions: readonly string[];
  /** The rate-limited endpoints, for the log line */
  readonly rateLimitedEndpoints: readonly ReadEndpoint[];
}

export function readDegrade(failures: readonly FailedRead[]): ReadDegrade {
  const rateLimitedEndpoints = [...new Set(failures.filter((f) => f.rateLimited).map((f) => f.endpoint))];
  const observeOnly = rateLimitedEndpoints.length > 0;
  const sellOnly = failures.some((f) => f.private);
  return {
    observeOnly,
    sellOnly,
    decisions: [
      ...(observeOnly ? ['EXCHANGE_429_BACKOFF'] : []),
      ...(sellOnly ? ['degrade:private_data_unavailable'] : []),
    ],
    rateLimitedEndpoints,
  };
}

// One cycle's reads of the exchange, watched: every read passes through and every failed one is remembered
// (which endpoint, private or public, rate limited or not), whoever caught the error. The cycle then decides
// its degrade mode in one place (spec 2.3 step 15, 9.1.8) instead of threading flags through each caller.
// Writes pass through unwatched: their outcomes belong to the order safety protocol.
import { ExchangeRateLimitedError } from '../domain/errors';
import type { Exchange } from '../ports/exchange';

export type ReadEndpoint = Exclude<keyof Exchange, 'placeLimitOrder' | 'cancelOrder'>;

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
      balances: () => watch('balances', () => inner.balances()),
      openOrders: (symbol) => watch('openOrders', () => inner.openOrders(symbol)),
      allOrders: (symbol, sinceMs) => watch('allOrders', () => inner.allOrders(symbol, sinceMs)),
      userTrades: (symbol, sinceMs) => watch('userTrades', () => inner.userTrades(symbol, sinceMs)),
      findOrderByClientId: (symbol, clientOrderId, submittedAtMs) =>
        watch('findOrderByClientId', () => inner.findOrderByClientId(symbol, clientOrderId, submittedAtMs)),
      placeLimitOrder: (order) => inner.placeLimitOrder(order),
      cancelOrder: (symbol, orderId) => inner.cancelOrder(symbol, orderId),
    },
    failures: () => [...failed],
  };
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

// The exchange as a function's invocation metrics see it: every call passes through (forwardingExchange) and
// the ones that failed are counted. An API error is a call that ended without the venue's verdict (not
// reached, rate limited, outcome unknown, an answer we could not read); a venue's refusal
// (ExchangeRejectedError) is the cycle's reject, not an API error; a min-total reject (code 1123, read as the
// gateway reads it) is counted here because every reject passes here, whichever stage sent it. api429Backoff
// counts the calls that failed rate limited (answered 429 after the gateway's retries, or refused during a 429
// back-off): a 429 the gateway retried past is not seen here. Every call records 0 first, so a cycle that called the exchange publishes
// its counts even when nothing failed; after each call the gateway's breakers are sampled (the gauge keeps
// the state after the invocation's last call).
import { ExchangeRateLimitedError, ExchangeRejectedError } from '../../domain/errors';
import type { Exchange } from '../../ports/exchange';
import type { MetricsRecorder } from '../../ports/metrics';
import { BtcturkExchangeGateway } from '../btcturk/btcturk-gateway';
import { rejectionReason } from '../btcturk/rejection-reason';
import { forwardingExchange } from '../forwarding-exchange';

/**
 * Whether any of the gateway's endpoint-group breakers is not CLOSED (spec 9.x `bot_breaker_open`); undefined
 * for an exchange without breakers. The runtime hands the gateway over typed as the Exchange port.
 */
export const gatewayBreakerOpen = (exchange: Exchange): (() => boolean) | undefined =>
  exchange instanceof BtcturkExchangeGateway ? () => exchange.health().anyBreakerOpen : undefined;

function countFailure(metrics: MetricsRecorder, e: unknown): void {
  if (e instanceof ExchangeRejectedError) {
    if (rejectionReason(e) === 'min_notional') metrics.add('reject1123', 1);
    return;
  }
  metrics.add('apiErrors', 1);
  if (e instanceof ExchangeRateLimitedError) metrics.add('api429Backoff', 1);
}

export function meteredExchange(inner: Exchange, metrics: MetricsRecorder, breakerOpen?: () => boolean): Exchange {
  const base = forwardingExchange(inner);
  const meter =
    <A extends unknown[], T>(call: (...args: A) => Promise<T>, submits = false) =>
    async (...args: A): Promise<T> => {
      metrics.add('apiErrors', 0);
      metrics.add('api429Backoff', 0);
      if (submits) metrics.add('reject1123', 0);
      try {
        return await call(...args);
      } catch (e) {
        countFailure(metrics, e);
        throw e;
      } finally {
        if (breakerOpen) metrics.add('breakerOpen', breakerOpen() ? 1 : 0);
      }
    };
  return {
    ...base,
    serverTime: meter(base.serverTime),
    exchangeInfo: meter(base.exchangeInfo),
    orderBookTop: meter(base.orderBookTop),
    tickers: meter(base.tickers),
    balances: meter(base.balances),
    openOrders: meter(base.openOrders),
    allOrders: meter(base.allOrders),
    userTrades: meter(base.userTrades),
    findOrderByClientId: meter(base.findOrderByClientId),
    placeLimitOrder: meter(base.placeLimitOrder, true),
    cancelOrder: meter(base.cancelOrder),
  };
}

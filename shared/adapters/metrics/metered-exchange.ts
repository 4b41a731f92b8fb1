// The exchange as a function's invocation metrics see it: every call passes through (forwardingExchange) and
// the ones that failed are counted. An API error is a call that ended without the venue's verdict (not
// reached, rate limited, outcome unknown, an answer we could not read); a venue's refusal
// (ExchangeRejectedError) is the cycle's reject, not an API error; a min-total reject (code 1123, read as the
// gateway reads it) is counted here because every reject passes here, whichever stage sent it. api429Backoff
// counts the 429 answers the gateway received during the call (each one starts a back-off, also when the
// gateway retried past it), read from its health; an exchange without that health counts the calls that failed
// rate limited instead. Every call records 0 first, so a cycle that called the exchange publishes its counts even
// when nothing failed; after each call the gateway's breakers are sampled (the gauge keeps the state after the
// invocation's last call).
import { ExchangeRateLimitedError, ExchangeRejectedError } from '../../domain/errors';
import type { Exchange } from '../../ports/exchange';
import type { MetricsRecorder } from '../../ports/metrics';
import { BtcturkExchangeGateway } from '../btcturk/btcturk-gateway';
import { rejectionReason } from '../btcturk/rejection-reason';
import type { GatewayHealth } from '../btcturk/venue-client';
import { forwardingExchange } from '../forwarding-exchange';

/**
 * The gateway's health (its endpoint-group breakers, spec 9.x `bot_breaker_open`, and the 429 answers it
 * received); undefined for an exchange without it. The runtime hands the gateway over typed as the Exchange port.
 */
export const gatewayHealthOf = (exchange: Exchange): (() => GatewayHealth) | undefined =>
  exchange instanceof BtcturkExchangeGateway ? () => exchange.health() : undefined;

function countFailure(metrics: MetricsRecorder, e: unknown, counts429: boolean): void {
  if (e instanceof ExchangeRejectedError) {
    if (rejectionReason(e) === 'min_notional') metrics.add('reject1123', 1);
    return;
  }
  metrics.add('apiErrors', 1);
  if (!counts429 && e instanceof ExchangeRateLimitedError) metrics.add('api429Backoff', 1);
}

export function meteredExchange(inner: Exchange, metrics: MetricsRecorder, health?: () => GatewayHealth): Exchange {
  const base = forwardingExchange(inner);
  const meter =
    <A extends unknown[], T>(call: (...args: A) => Promise<T>, submits = false) =>
    async (...args: A): Promise<T> => {
      metrics.add('apiErrors', 0);
      metrics.add('api429Backoff', 0);
      if (submits) metrics.add('reject1123', 0);
      const answered429Before = health?.().answered429;
      try {
        return await call(...args);
      } catch (e) {
        countFailure(metrics, e, health !== undefined);
        throw e;
      } finally {
        if (health) {
          const after = health();
          const answered429 = after.answered429 - (answered429Before ?? after.answered429);
          if (answered429 > 0) metrics.add('api429Backoff', answered429);
          metrics.add('breakerOpen', after.anyBreakerOpen ? 1 : 0);
        }
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

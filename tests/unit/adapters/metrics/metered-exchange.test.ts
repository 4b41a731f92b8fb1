// The exchange decorator of the invocation metrics, around the real gateway speaking to the in-process BTCTurk
// simulator: what it counts as an API error, a 429 back-off, a 1123 reject, and the gateway breakers it samples.
import { describe, expect, it } from 'vitest';
import { inProcessSimulator } from '../../../../local/btcturk-sim/in-process-dispatcher';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../../../local/btcturk-sim/options';
import { SIMULATOR_CREDENTIALS } from '../../../../local/runner/state-embedded';
import { LOCAL_ENV, LOCAL_START_MS } from '../../../../local/runner/world';
import { createBtcturkGateway } from '../../../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../../../shared/adapters/clock/manual-clock';
import { forwardingExchange } from '../../../../shared/adapters/forwarding-exchange';
import { gatewayHealthOf, meteredExchange } from '../../../../shared/adapters/metrics/metered-exchange';
import { loadConfig } from '../../../../shared/config/load-config';
import { ExchangeRateLimitedError, ExchangeRejectedError } from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import type { MetricKey } from '../../../../shared/domain/observability/metric-catalog';
import type { MetricsRecorder } from '../../../../shared/ports/metrics';

/** What was recorded, in order: the decorator's calls exactly as the EMF adapter would receive them */
class Recorded implements MetricsRecorder {
  readonly calls: [MetricKey, number][] = [];
  add(metric: MetricKey, value: number): void {
    this.calls.push([metric, value]);
  }
  sum(metric: MetricKey): number {
    return this.calls.filter(([m]) => m === metric).reduce((n, [, v]) => n + v, 0);
  }
  last(metric: MetricKey): number | undefined {
    return this.calls.filter(([m]) => m === metric).at(-1)?.[1];
  }
}

function world() {
  const clock = new ManualClock(LOCAL_START_MS, { autoAdvance: true });
  const sim = inProcessSimulator({ seed: 3, clock, symbols: ['BTCTRY'] });
  const config = loadConfig({
    ...LOCAL_ENV,
    SYMBOLS: 'BTCTRY',
    BTCTURK_BASE_URL: sim.baseUrl,
    BTCTURK_API_KEY: DEFAULT_API_KEY,
    BTCTURK_API_SECRET: DEFAULT_API_SECRET,
  });
  const gateway = createBtcturkGateway(config, SIMULATOR_CREDENTIALS, clock, sim.dispatcher);
  const metrics = new Recorded();
  return { sim, gateway, metrics, exchange: meteredExchange(gateway, metrics, gatewayHealthOf(gateway)) };
}

describe('meteredExchange', () => {
  it('a call that succeeds records zero API errors and the closed breakers', async () => {
    const w = world();

    await w.exchange.tickers();

    expect(w.metrics.calls).toEqual([
      ['apiErrors', 0],
      ['api429Backoff', 0],
      ['breakerOpen', 0],
    ]);
  });

  it('a read refused 429 on every attempt is one API error per call, one back-off per 429 answered, and opens the breaker', async () => {
    const w = world();
    await w.exchange.tickers();
    w.sim.control.setFaults({ rateLimitEvery: 1, rateLimitBurst: 1 });

    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++) errors.push(await w.exchange.tickers().catch((e: unknown) => e));

    for (const e of errors) expect(e).toBeInstanceOf(ExchangeRateLimitedError);
    expect(w.metrics.sum('apiErrors')).toBe(3);
    // the later calls are refused during the back-off without being sent: no new 429, no new back-off
    expect(w.metrics.sum('api429Backoff')).toBe(w.gateway.health().answered429);
    expect(w.metrics.sum('api429Backoff')).toBeGreaterThan(0);
    expect(w.gateway.health().anyBreakerOpen).toBe(true);
    expect(w.metrics.last('breakerOpen')).toBe(1);
  });

  it('a 429 the gateway retried past is a back-off but no API error', async () => {
    const w = world();
    w.sim.control.injectNext({ kind: 'rate-limit', method: 'GET', path: '/api/v2/ticker' });

    await w.exchange.tickers();

    expect(w.metrics.sum('apiErrors')).toBe(0);
    expect(w.metrics.sum('api429Backoff')).toBe(1);
  });

  it("a venue's 1123 refusal is a min-total reject, not an API error", async () => {
    const w = world();
    const top = await w.exchange.orderBookTop('BTCTRY');

    const err = await w.exchange
      .placeLimitOrder({
        clientOrderId: 'bb3-metrics-1123',
        symbol: 'BTCTRY',
        side: 'BUY',
        price: top.bid,
        qty: dec('0.00000001'),
      })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExchangeRejectedError);
    expect((err as ExchangeRejectedError).code).toBe(1123);
    expect(w.metrics.sum('reject1123')).toBe(1);
    expect(w.metrics.sum('apiErrors')).toBe(0);
  });

  it('samples no breaker of an exchange that has none', () => {
    const w = world();
    expect(gatewayHealthOf(forwardingExchange(w.gateway))).toBeUndefined();
  });
});

// The Exchange port's contract, end to end: the real gateway against the BTCTurk simulator over HTTP on
// 127.0.0.1. The MockAgent suite pins the parsing of recorded payloads; this one proves the gateway and the
// simulator agree on the protocol for every method the stages use, including rejections and lookups.
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { createBtcturkGateway } from '../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { loadConfig } from '../../shared/config/load-config';
import { ExchangeRejectedError } from '../../shared/domain/errors';
import { deriveRules, quantizeLimitOrder } from '../../shared/domain/exchange-rules';
import { dec } from '../../shared/domain/money';
import type { Exchange } from '../../shared/ports/exchange';

describe('Exchange (gateway over the BTCTurk simulator)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 9, 0, 0), { autoAdvance: true });
  let sim: RunningSimulator;
  let exchange: Exchange;
  let dispatcher: Agent;
  const rulesDefaults = { safeMinNotional: dec('100'), internalMinNotional: dec('10') };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, clock, symbols: ['BTCTRY', 'ETHTRY'] });
    dispatcher = new Agent({ connections: 2 });
    const config = loadConfig({ BTCTURK_BASE_URL: sim.baseUrl });
    exchange = createBtcturkGateway(
      config,
      { get: async () => ({ apiKey: DEFAULT_API_KEY, apiSecret: DEFAULT_API_SECRET }) },
      clock,
      dispatcher,
    );
  });
  afterAll(async () => {
    await sim.close();
    await dispatcher.close();
  });

  const buyBelowMarket = async (clientOrderId: string, discount = '0.9') => {
    const [meta] = (await exchange.exchangeInfo()).filter((m) => m.symbol === 'BTCTRY');
    if (!meta) throw new Error('no BTCTRY metadata');
    const rules = deriveRules(meta, rulesDefaults);
    const top = await exchange.orderBookTop('BTCTRY');
    const price = top.bid.mul(discount);
    const q = quantizeLimitOrder(rules, 'BUY', price, dec('300').div(price));
    return exchange.placeLimitOrder({ clientOrderId, symbol: 'BTCTRY', side: 'BUY', price: q.price, qty: q.qty });
  };

  it('reads server time in the simulator clock, and exchange info the domain can derive rules from', async () => {
    expect(await exchange.serverTime()).toBe(clock.nowMs());
    const metas = await exchange.exchangeInfo();
    expect(metas.map((m) => m.symbol).sort()).toEqual(['BTCTRY', 'ETHTRY']);
    for (const m of metas) expect(deriveRules(m, rulesDefaults).tradable).toBe(true);
  });

  it('reads a positive, uncrossed top of book and signed balances', async () => {
    const top = await exchange.orderBookTop('BTCTRY');
    expect(top.bid.gt(0) && top.ask.gt(top.bid)).toBe(true);
    const tryBalance = (await exchange.balances()).find((b) => b.asset === 'TRY');
    expect(tryBalance?.free.gt(0)).toBe(true);
  });

  it('places a resting order that openOrders, allOrders and the client-id lookup all report', async () => {
    const ack = await buyBelowMarket('bb3-BTCTRY-b-contract00000000001');
    const open = await exchange.openOrders('BTCTRY');
    const mine = open.find((o) => o.clientOrderId === 'bb3-BTCTRY-b-contract00000000001');
    expect(mine?.orderId).toBe(ack.orderId);
    expect(mine?.status).toBe('OPEN');
    const history = await exchange.allOrders('BTCTRY', clock.nowMs() - 60_000);
    expect(history.map((o) => o.orderId)).toContain(ack.orderId);
    const lookup = await exchange.findOrderByClientId(
      'BTCTRY',
      'bb3-BTCTRY-b-contract00000000001',
      clock.nowMs() - 1_000,
    );
    expect(lookup.found && lookup.source === 'openOrders' && lookup.order.orderId).toBe(ack.orderId);
  });

  it('cancels by order id; the order then shows CANCELED and the lookup finds it in history', async () => {
    const ack = await buyBelowMarket('bb3-BTCTRY-b-contract00000000002');
    await exchange.cancelOrder('BTCTRY', ack.orderId);
    await exchange.cancelOrder('BTCTRY', ack.orderId);
    const lookup = await exchange.findOrderByClientId(
      'BTCTRY',
      'bb3-BTCTRY-b-contract00000000002',
      clock.nowMs() - 1_000,
    );
    expect(lookup.found && lookup.source === 'allOrders' && lookup.order.status).toBe('CANCELED');
  });

  it('reports a client id that was never placed as not found', async () => {
    expect(
      await exchange.findOrderByClientId('BTCTRY', 'bb3-BTCTRY-b-nevereverplaced00000', clock.nowMs() - 1_000),
    ).toEqual({ found: false });
  });

  it('a marketable order fills; its trades carry the client id and exact ids', async () => {
    const top = await exchange.orderBookTop('ETHTRY');
    const [meta] = (await exchange.exchangeInfo()).filter((m) => m.symbol === 'ETHTRY');
    if (!meta) throw new Error('no ETHTRY metadata');
    const q = quantizeLimitOrder(deriveRules(meta, rulesDefaults), 'BUY', top.ask.mul('1.001'), dec('0.01'));
    const ack = await exchange.placeLimitOrder({
      clientOrderId: 'bb3-ETHTRY-b-contract00000000003',
      symbol: 'ETHTRY',
      side: 'BUY',
      price: q.price,
      qty: q.qty,
    });
    const trades = (await exchange.userTrades('ETHTRY', clock.nowMs() - 60_000)).filter(
      (t) => t.orderId === ack.orderId,
    );
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) {
      expect(t.clientOrderId).toBe('bb3-ETHTRY-b-contract00000000003');
      expect(t.tradeId).toMatch(/^\d+$/);
      expect(t.qty.gt(0) && t.fee.gte(0) && t.feeAsset === 'TRY').toBe(true);
    }
  });

  it('refuses below the minimum notional with the BTCTurk token, as a definite rejection', async () => {
    const top = await exchange.orderBookTop('BTCTRY');
    const err = await exchange
      .placeLimitOrder({
        clientOrderId: 'bb3-BTCTRY-b-contract00000000004',
        symbol: 'BTCTRY',
        side: 'BUY',
        price: top.bid.toDecimalPlaces(0),
        qty: dec('0.00000001'),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExchangeRejectedError);
    expect((err as ExchangeRejectedError).token).toBe('FAILED_MIN_TOTAL_AMOUNT');
  });
});

// Recovery of a lost submit when the venue's clock differs from ours, against the real simulator: the
// venue filters allOrders and user trades on its own time, while the journal records our local submit
// time. With the venue 15 s behind, a window placed in local time starts after the order was created and
// the order is declared absent although it exists; the gateway must place the window in venue time.
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import type { BtcturkExchangeGateway } from '../../shared/adapters/btcturk/btcturk-gateway';
import { createBtcturkGateway } from '../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { loadConfig } from '../../shared/config/load-config';
import { OutcomeUnknownError } from '../../shared/domain/errors';
import { deriveRules, quantizeLimitOrder } from '../../shared/domain/exchange-rules';
import { dec } from '../../shared/domain/money';
import type { NewLimitOrder } from '../../shared/ports/exchange';

const credentials = { get: async () => ({ apiKey: DEFAULT_API_KEY, apiSecret: DEFAULT_API_SECRET }) };
const rulesDefaults = { safeMinNotional: dec('100'), internalMinNotional: dec('10') };

describe.each([
  ['15 s behind ours', -15_000],
  ['15 s ahead of ours', 15_000],
])('a lost submit on a venue whose clock is %s', (_name, clockSkewMs) => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0), { autoAdvance: true });
  let sim: RunningSimulator;
  let exchange: BtcturkExchangeGateway;
  let dispatcher: Agent;
  let seq = 0;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, clock, symbols: ['BTCTRY'], rateLimits: false, faults: { clockSkewMs } });
    dispatcher = new Agent({ connections: 2 });
    exchange = createBtcturkGateway(loadConfig({ BTCTURK_BASE_URL: sim.baseUrl }), credentials, clock, dispatcher);
  });
  afterAll(async () => {
    await sim.close();
    await dispatcher.close();
  });

  const clientId = () => `bb3-BTCTRY-b-skew${String(clockSkewMs < 0 ? 1 : 2)}${String(++seq).padStart(14, '0')}`;

  /** A BUY priced `factor` x the best ask: above it fills at once, below it rests */
  const buyAt = async (factor: string): Promise<NewLimitOrder> => {
    const [meta] = (await exchange.exchangeInfo()).filter((m) => m.symbol === 'BTCTRY');
    if (!meta) throw new Error('no BTCTRY metadata');
    const top = await exchange.orderBookTop('BTCTRY');
    const price = top.ask.mul(factor);
    const q = quantizeLimitOrder(deriveRules(meta, rulesDefaults), 'BUY', price, dec('300').div(price));
    return { clientOrderId: clientId(), symbol: 'BTCTRY', side: 'BUY', price: q.price, qty: q.qty };
  };

  /** Sends `order` with its response lost after the venue created it; returns the local time before sending */
  const submitLosingResponse = async (order: NewLimitOrder): Promise<number> => {
    const before = sim.control.state().orders.total;
    const localSubmitMs = clock.nowMs();
    sim.control.injectNext({ kind: 'timeout-after-create', mode: 'destroy', method: 'POST', path: '/api/v1/order' });
    await expect(exchange.placeLimitOrder(order)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(sim.control.state().orders.total).toBe(before + 1);
    return localSubmitMs;
  };

  it('the gateway measured the skew as the clock offset', async () => {
    await exchange.balances();
    expect(exchange.health().clock.rawOffsetMs).toBe(clockSkewMs);
    expect(sim.control.state().serverTimeMs - clock.nowMs()).toBe(clockSkewMs);
  });

  it('an order that filled at once is found in allOrders from the local submit time, and its fills in userTrades', async () => {
    const order = await buyAt('1.01');
    const localSubmitMs = await submitLosingResponse(order);
    const lookup = await exchange.findOrderByClientId('BTCTRY', order.clientOrderId, localSubmitMs);
    expect(lookup.found && lookup.source).toBe('allOrders');
    expect(lookup.found && lookup.source === 'allOrders' && lookup.order.status).toBe('FILLED');
    const history = await exchange.allOrders('BTCTRY', localSubmitMs);
    expect(history.map((o) => o.clientOrderId)).toContain(order.clientOrderId);
    const fills = (await exchange.userTrades('BTCTRY', localSubmitMs)).filter(
      (f) => f.clientOrderId === order.clientOrderId,
    );
    expect(fills.length).toBeGreaterThan(0);
  });

  it('a resting order canceled before the lookup is found in allOrders as CANCELED', async () => {
    const order = await buyAt('0.9');
    const localSubmitMs = await submitLosingResponse(order);
    const open = (await exchange.openOrders('BTCTRY')).find((o) => o.clientOrderId === order.clientOrderId);
    if (!open) throw new Error('the lost order is not resting');
    await exchange.cancelOrder('BTCTRY', open.orderId);
    const lookup = await exchange.findOrderByClientId('BTCTRY', order.clientOrderId, localSubmitMs);
    expect(lookup.found && lookup.source === 'allOrders' && lookup.order.status).toBe('CANCELED');
    const history = await exchange.allOrders('BTCTRY', localSubmitMs);
    expect(history.map((o) => o.clientOrderId)).toContain(order.clientOrderId);
  });

  it('a client id never sent is still not found', async () => {
    expect(await exchange.findOrderByClientId('BTCTRY', clientId(), clock.nowMs())).toEqual({ found: false });
  });
});

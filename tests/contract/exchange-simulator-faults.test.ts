// Fault classification end to end: the real gateway against the simulator's injected faults. A write whose
// fate is unclear is OutcomeUnknownError (never a rejection), a request that certainly did not reach the
// venue is ExchangeUnavailableError, and a failed POST is never sent a second time.
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { createBtcturkGateway } from '../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { loadConfig } from '../../shared/config/load-config';
import { ExchangeRejectedError, ExchangeUnavailableError, OutcomeUnknownError } from '../../shared/domain/errors';
import { dec } from '../../shared/domain/money';
import type { Exchange, NewLimitOrder } from '../../shared/ports/exchange';

const credentials = { get: async () => ({ apiKey: DEFAULT_API_KEY, apiSecret: DEFAULT_API_SECRET }) };

describe('gateway fault classification against the simulator', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 10, 0, 0), { autoAdvance: true });
  let sim: RunningSimulator;
  let exchange: Exchange;
  let dispatcher: Agent;
  let seq = 0;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, clock, symbols: ['BTCTRY'], rateLimits: false });
    dispatcher = new Agent({ connections: 2 });
    const config = loadConfig({
      BTCTURK_BASE_URL: sim.baseUrl,
      BTCTURK_HEADERS_TIMEOUT_MS: '300',
      BTCTURK_BODY_TIMEOUT_MS: '300',
    });
    exchange = createBtcturkGateway(config, credentials, clock, dispatcher);
  });
  afterAll(async () => {
    await sim.close();
    await dispatcher.close();
  });

  const restingBuy = async (): Promise<NewLimitOrder> => {
    const top = await exchange.orderBookTop('BTCTRY');
    const price = top.bid.mul('0.9').div(10).floor().mul(10);
    return {
      clientOrderId: `bb3-BTCTRY-b-fault${String(++seq).padStart(15, '0')}`,
      symbol: 'BTCTRY',
      side: 'BUY',
      price,
      qty: dec('200').div(price).toDecimalPlaces(8, 1),
    };
  };
  const ordersOnVenue = () => sim.control.state().orders.total;

  it.each([
    ['a 503 before processing', { kind: 'status', status: 503 } as const, 0],
    ['a response dropped after the order was created', { kind: 'drop' } as const, 1],
    ['a submit that times out after the order was created', { kind: 'timeout-after-create', mode: 'hold' } as const, 1],
  ])('%s is OutcomeUnknownError, sent once', async (_name, fault, created) => {
    const order = await restingBuy();
    const before = ordersOnVenue();
    sim.control.injectNext({ ...fault, method: 'POST', path: '/api/v1/order' });
    await expect(exchange.placeLimitOrder(order)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(ordersOnVenue() - before).toBe(created);
    const lookup = await exchange.findOrderByClientId('BTCTRY', order.clientOrderId, clock.nowMs() - 1_000);
    expect(lookup.found).toBe(created === 1);
  });

  it('after three uncertain submits the orders breaker is open: the next submit fails fast, unsent', async () => {
    const before = ordersOnVenue();
    await expect(exchange.placeLimitOrder(await restingBuy())).rejects.toThrow(/orders breaker closed, was OPEN/);
    expect(ordersOnVenue()).toBe(before);
    clock.advance(5_000);
  });

  it('retries a GET after a 503 and succeeds', async () => {
    sim.control.injectNext({ kind: 'status', status: 503, method: 'GET', path: '/api/v2/orderbook' });
    const top = await exchange.orderBookTop('BTCTRY');
    expect(top.bid.gt(0)).toBe(true);
  });

  it('a cancel whose response is lost is OutcomeUnknownError', async () => {
    const ack = await exchange.placeLimitOrder(await restingBuy());
    sim.control.injectNext({ kind: 'drop', method: 'DELETE', path: '/api/v1/order' });
    await expect(exchange.cancelOrder('BTCTRY', ack.orderId)).rejects.toBeInstanceOf(OutcomeUnknownError);
  });

  it('a refused connection is ExchangeUnavailableError: certainly not processed', async () => {
    const closed = await startSimulator({ seed: 6, clock, symbols: ['BTCTRY'] });
    const url = closed.baseUrl;
    await closed.close();
    const agent = new Agent({ connections: 1 });
    const offline = createBtcturkGateway(
      loadConfig({ BTCTURK_BASE_URL: url, BTCTURK_REST_MAX_RETRIES: '1' }),
      credentials,
      clock,
      agent,
    );
    await expect(offline.placeLimitOrder(await restingBuy())).rejects.toBeInstanceOf(ExchangeUnavailableError);
    await agent.close();
  });

  // A write is never sent twice: the 401 Invalid Nonce on a submit is a definite rejection (nothing was
  // placed), and the clock is re-measured so that the next submit is stamped right
  it('a server clock that jumps between syncs: a submit gets a definite 401 rejection, sent once; the next one succeeds', async () => {
    await exchange.balances();
    sim.control.setFaults({ clockSkewMs: 7_000 });
    try {
      const before = ordersOnVenue();
      const refused = await exchange.placeLimitOrder(await restingBuy()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ExchangeRejectedError);
      expect(refused).toMatchObject({ httpStatus: 401, code: 1037 });
      expect(ordersOnVenue()).toBe(before);
      const ack = await exchange.placeLimitOrder(await restingBuy());
      expect(ack.orderId).toMatch(/^\d+$/);
      expect(ordersOnVenue()).toBe(before + 1);
    } finally {
      sim.control.setFaults('none');
    }
  });

  it('a server clock that jumps between syncs: a GET is re-signed once after a resync and succeeds', async () => {
    await exchange.balances();
    sim.control.setFaults({ clockSkewMs: 7_000 });
    try {
      expect((await exchange.balances()).length).toBeGreaterThan(0);
    } finally {
      sim.control.setFaults('none');
    }
  });

  it('a server clock that steps back: after the resync, stamps follow the corrected clock, not the old ones', async () => {
    sim.control.setFaults({ clockSkewMs: 7_000 });
    await exchange.balances();
    sim.control.setFaults('none');
    const open = await exchange.openOrders('BTCTRY');
    expect(Array.isArray(open)).toBe(true);
  });
});

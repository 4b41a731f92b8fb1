// The simulator without sockets: the in-process undici dispatcher runs the same pipeline as the server,
// socket faults become the errors undici raises (after processing), the accept-then-fail faults process a
// write and then answer 429/5xx, and the control surface places foreign orders and makes orders vanish.
import { errors, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { FaultPlan } from '../../../local/btcturk-sim/fault-plan';
import { NO_FAULTS } from '../../../local/btcturk-sim/fault-settings';
import { type InProcessSimulator, inProcessSimulator } from '../../../local/btcturk-sim/in-process-dispatcher';
import type { SimulatorOptions } from '../../../local/btcturk-sim/options';
import { LIVE_SIM_ENV, LOCAL_ENV } from '../../../local/runner/world';
import { createBtcturkGateway } from '../../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { loadConfig } from '../../../shared/config/load-config';
import { OutcomeUnknownError } from '../../../shared/domain/errors';
import { dec } from '../../../shared/domain/money';
import { KEY, SECRET, sign, T0 } from './support/sim-http';

function world(options: SimulatorOptions = {}) {
  const clock = new ManualClock(T0, { autoAdvance: true });
  const received: string[] = [];
  const sim = inProcessSimulator(
    { clock, seed: 5, apiKey: KEY, apiSecret: SECRET, symbols: ['BTCTRY'], ...options },
    { onRequest: (r) => received.push(`${r.method} ${r.url}`) },
  );
  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, signed = true) => {
    const stamp = String(clock.nowMs());
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signed) Object.assign(headers, { 'X-PCK': KEY, 'X-Stamp': stamp, 'X-Signature': sign(KEY, SECRET, stamp) });
    const res = await request(`${sim.baseUrl}${path}`, {
      dispatcher: sim.dispatcher,
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  };
  const submit = (clientId: string, price = '2000000') =>
    call('POST', '/api/v1/order', {
      pairSymbol: 'BTCTRY',
      orderType: 'buy',
      orderMethod: 'limit',
      price,
      quantity: '0.001',
      newOrderClientId: clientId,
    });
  const clientIds = () => [...sim.venue.engine.orders.values()].map((o) => o.clientId);
  return { clock, sim, call, submit, clientIds, received };
}

/** The production gateway (retries, classification, clock sync) on the in-process dispatcher */
function gatewayOn(sim: InProcessSimulator, clock: ManualClock) {
  const config = loadConfig({
    ...LIVE_SIM_ENV,
    ...LOCAL_ENV,
    BTCTURK_BASE_URL: sim.baseUrl,
    BTCTURK_API_KEY: KEY,
    BTCTURK_API_SECRET: SECRET,
    FUNCTION_TIMEOUT_SECONDS: '60',
  });
  const credentials = { get: async () => ({ apiKey: KEY, apiSecret: SECRET }) };
  return createBtcturkGateway(config, credentials, clock, sim.dispatcher);
}

describe('the in-process dispatcher', () => {
  it('answers public and signed requests through undici without a socket', async () => {
    const { call, clock, received } = world();
    const time = await call('GET', '/api/v2/server/time', undefined, false);
    expect(time.status).toBe(200);
    expect(JSON.parse(time.text).serverTime).toBe(clock.nowMs());
    const balances = await call('GET', '/api/v1/users/balances');
    expect(balances.status).toBe(200);
    expect(received).toEqual(['GET /api/v2/server/time', 'GET /api/v1/users/balances']);
  });

  it('refuses a bad signature exactly as the socket server does', async () => {
    const { sim, clock } = world();
    const res = await request(`${sim.baseUrl}/api/v1/users/balances`, {
      dispatcher: sim.dispatcher,
      headers: { 'X-PCK': KEY, 'X-Stamp': String(clock.nowMs()), 'X-Signature': 'bm9wZQ==' },
    });
    expect([res.statusCode, JSON.parse(await res.body.text()).message]).toEqual([
      401,
      'Unauthorized - Invalid Signature',
    ]);
  });

  it('carries the real gateway: signing, clock sync and order placement', async () => {
    const { sim, clock } = world();
    const gateway = gatewayOn(sim, clock);
    const ack = await gateway.placeLimitOrder({
      clientOrderId: 'gw-1',
      symbol: 'BTCTRY',
      side: 'BUY',
      price: dec('2000000'),
      qty: dec('0.001'),
    });
    expect(sim.venue.engine.orders.get(Number(ack.orderId))?.clientId).toBe('gw-1');
    expect((await gateway.openOrders('BTCTRY')).map((o) => o.clientOrderId)).toEqual(['gw-1']);
  });

  it('turns a dropped answer into SocketError "other side closed" after processing', async () => {
    const { sim, submit, clientIds } = world();
    sim.control.injectNext({ kind: 'timeout-after-create', mode: 'destroy', method: 'POST' });
    const failure = await submit('lost-1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(errors.SocketError);
    expect((failure as Error).message).toBe('other side closed');
    expect(clientIds()).toEqual(['lost-1']);
  });

  it('turns a held answer into HeadersTimeoutError after processing, without waiting', async () => {
    const { sim, submit, clientIds } = world();
    sim.control.injectNext({ kind: 'timeout-after-create', mode: 'hold', method: 'POST' });
    const started = performance.now();
    const failure = await submit('held-1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(errors.HeadersTimeoutError);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(clientIds()).toEqual(['held-1']);
  });

  it('makes the gateway report an uncertain outcome for a lost submit', async () => {
    const { sim, clock } = world();
    const gateway = gatewayOn(sim, clock);
    sim.control.injectNext({ kind: 'drop', method: 'POST' });
    const order = {
      clientOrderId: 'gw-lost',
      symbol: 'BTCTRY',
      side: 'BUY',
      price: dec('2000000'),
      qty: dec('0.001'),
    } as const;
    await expect(gateway.placeLimitOrder(order)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect([...sim.venue.engine.orders.values()].map((o) => o.clientId)).toEqual(['gw-lost']);
  });

  it('waits no real time for latency faults and answers the same', async () => {
    const { sim, call } = world();
    const plain = await call('GET', '/api/v2/ticker?pairSymbol=BTCTRY', undefined, false);
    sim.control.injectNext({ kind: 'latency', ms: 60_000 });
    const started = performance.now();
    const late = await call('GET', '/api/v2/ticker?pairSymbol=BTCTRY', undefined, false);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(late.text).toBe(plain.text);
  });

  it('serves the control surface', async () => {
    const { call, clock } = world();
    expect((await call('POST', '/__control/advance', { ms: 120_000 }, false)).status).toBe(200);
    expect(clock.nowMs()).toBe(T0 + 120_000);
  });

  it('fails every request once closed', async () => {
    const { sim, call } = world();
    await sim.dispatcher.close();
    await expect(call('GET', '/api/v2/server/time', undefined, false)).rejects.toBeInstanceOf(errors.ClientClosedError);
  });
});

describe('accept-then-fail faults', () => {
  it('creates the order, then answers 429 with Retry-After (one-shot)', async () => {
    const { sim, submit, clientIds } = world();
    sim.control.injectNext({ kind: 'accept-then-429', method: 'POST' });
    const res = await submit('a429-1');
    expect([res.status, res.headers['retry-after']]).toEqual([429, '1']);
    expect(clientIds()).toEqual(['a429-1']);
  });

  it('creates the order, then answers a 5xx (one-shot, default 503)', async () => {
    const { sim, submit, clientIds } = world();
    sim.control.injectNext({ kind: 'accept-then-5xx', method: 'POST' });
    const res = await submit('a5xx-1');
    expect([res.status, res.text]).toEqual([503, '503 Service Unavailable']);
    expect(clientIds()).toEqual(['a5xx-1']);
  });

  it('accepts a cancel, then answers 502', async () => {
    const { sim, submit, call } = world();
    const ack = JSON.parse((await submit('c-1')).text) as { data: { id: number } };
    sim.control.injectNext({ kind: 'accept-then-5xx', status: 502, method: 'DELETE' });
    expect((await call('DELETE', `/api/v1/order?id=${ack.data.id}`)).status).toBe(502);
    sim.venue.sync();
    expect(sim.venue.engine.orders.get(ack.data.id)?.status).toBe('Canceled');
  });

  it('applies the rates to writes only', async () => {
    const { sim, submit, call, clientIds } = world({ faults: { acceptThen429Rate: 1 } });
    expect((await call('GET', '/api/v1/openOrders?pairSymbol=BTCTRY')).status).toBe(200);
    expect((await submit('r-1')).status).toBe(429);
    sim.control.setFaults({ acceptThen5xxRate: 1, errorStatuses: [500] });
    expect((await submit('r-2')).status).toBe(500);
    expect(clientIds()).toEqual(['r-1', 'r-2']);
  });

  it('leaves the older seeded sequences as they were (its draws come from their own stream)', () => {
    const decisions = (extra: object) => {
      const plan = new FaultPlan(11);
      plan.set({ ...NO_FAULTS, errorRate: 0.3, dropRate: 0.2, ...extra });
      return Array.from({ length: 40 }, (_, i) => plan.decide(i % 3 ? 'GET' : 'POST', '/api/v1/order'));
    };
    const before = decisions({});
    const after = decisions({ acceptThen429Rate: 0.3, acceptThen5xxRate: 0.3 });
    expect(after.map((d) => [d.before, d.after])).toEqual(before.map((d) => [d.before, d.after]));
    expect(after.some((d) => d.replace !== undefined)).toBe(true);
    expect(decisions({ acceptThen429Rate: 0.3 })).toEqual(decisions({ acceptThen429Rate: 0.3 }));
  });
});

describe('foreign and vanishing orders', () => {
  it('books an order of someone else on the account, funds locked', async () => {
    const { sim, call } = world();
    const id = sim.control.placeOrder({
      symbol: 'BTCTRY',
      side: 'buy',
      price: '2000000',
      quantity: '0.01',
      clientId: 'advanced',
    });
    const open = JSON.parse((await call('GET', '/api/v1/openOrders?pairSymbol=BTCTRY')).text) as {
      data: { bids: { id: number; orderClientId: string }[] };
    };
    expect(open.data.bids).toEqual([expect.objectContaining({ id, orderClientId: 'advanced' })]);
    expect(sim.control.state().balances.find((b) => b.asset === 'TRY')?.locked).not.toBe('0');
  });

  it('stops listing a vanished order anywhere and releases its funds; its fills stay', async () => {
    const { sim, submit, call } = world();
    const resting = JSON.parse((await submit('v-1')).text) as { data: { id: number } };
    const taker = JSON.parse((await submit('v-2', '4000000')).text) as { data: { id: number } };
    expect((await call('POST', '/__control/vanish', { orderId: resting.data.id }, false)).status).toBe(200);
    expect(sim.control.vanishOrder(taker.data.id)).toBe(true);
    expect(sim.control.vanishOrder(taker.data.id)).toBe(false);
    const all = JSON.parse((await call('GET', '/api/v1/allOrders?pairSymbol=BTCTRY')).text) as { data: unknown[] };
    const open = JSON.parse((await call('GET', '/api/v1/openOrders?pairSymbol=BTCTRY')).text) as {
      data: { bids: unknown[] };
    };
    expect([all.data, open.data.bids]).toEqual([[], []]);
    expect(sim.control.state().balances.find((b) => b.asset === 'TRY')?.locked).toBe('0');
    const trades = JSON.parse(
      (await call('GET', `/api/v1/users/transactions/trade?orderId=${taker.data.id}`)).text,
    ) as { data: unknown[] };
    expect(trades.data.length).toBeGreaterThan(0);
  });
});

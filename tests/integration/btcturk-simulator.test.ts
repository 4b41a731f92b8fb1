// The BTCTurk simulator over real HTTP on 127.0.0.1, in simulated time (ManualClock): signatures, the
// 8.3 validation tokens, order lifecycle and balances, fees, cancels, wire formats and determinism.
import { afterEach, describe, expect, it } from 'vitest';
import { signStamp } from '../../local/btcturk-sim/auth';
import type { SimulatorOptions } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { fixtureText } from '../support/fixtures';
import { BTC_CANDLES, call, KEY, SECRET, T0 } from '../unit/local/support/sim-http';

// plain JSON.parse: these bodies are compared as the simulator's JSON, numbers included
const fixture = (name: string) => JSON.parse(fixtureText(name));

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function sim(extra: Partial<SimulatorOptions> = {}) {
  const clock = new ManualClock(T0);
  const s = await startSimulator({
    clock,
    seed: 42,
    symbols: ['BTCTRY', 'ETHTRY'],
    market: { BTCTRY: BTC_CANDLES },
    apiKey: KEY,
    apiSecret: SECRET,
    balances: { TRY: '5000000', BTC: '1' },
    participation: '0.25',
    ...extra,
  });
  running.push(s);
  const signed = (method: string, path: string, body?: unknown) =>
    call(s.baseUrl, method, path, { stamp: clock.nowMs(), body });
  const order = (side: 'buy' | 'sell', price: string, quantity: string, clientId = 'c-1') =>
    signed('POST', '/api/v1/order', {
      pairSymbol: 'BTCTRY',
      orderType: side,
      orderMethod: 'limit',
      price,
      quantity,
      newOrderClientId: clientId,
    });
  const get = async (path: string) => (await signed('GET', path)).json as { data: never };
  const balance = async (asset: string) =>
    (
      (await get('/api/v1/users/balances')).data as { asset: string; free: string; locked: string; balance: string }[]
    ).find((b) => b.asset === asset);
  return { s, clock, signed, order, get, balance };
}

describe('authentication (BTCTURK_API.md 3)', () => {
  it('signs as the spec test vector does', () => {
    expect(signStamp({ apiKey: KEY, apiSecret: SECRET }, '1735689600000')).toBe(
      '7gyFGcOS+qnq46h/rl83VtpaEAsh8Th3Z3lQrF7g2I0=',
    );
  });

  it('accepts a good signature and refuses a bad one, an old stamp and missing headers with 401', async () => {
    const { s } = await sim();
    expect((await call(s.baseUrl, 'GET', '/api/v1/users/balances', { stamp: T0 })).status).toBe(200);
    const bad = await call(s.baseUrl, 'GET', '/api/v1/users/balances', {
      stamp: T0,
      signature: '38qSfoys8cvFpd0FBe50RUaqT6Dl3iMO7iyblkzlqnw=',
    });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ success: false, message: 'Unauthorized - Invalid Signature' });
    const old = await call(s.baseUrl, 'GET', '/api/v1/users/balances', { stamp: T0 - 5_001 });
    expect(old.status).toBe(401);
    expect(old.json).toEqual(fixture('captured_rest_error_invalid_nonce_1037.json'));
    expect((await call(s.baseUrl, 'GET', '/api/v1/users/balances', { stamp: T0 + 5_000 })).status).toBe(200);
    const missing = await call(s.baseUrl, 'GET', '/api/v1/openOrders?pairSymbol=BTCTRY');
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ message: 'Unauthorized - Headers are missing' });
  });

  it('keeps public endpoints unsigned and server time unenveloped', async () => {
    const { s } = await sim();
    const time = await call(s.baseUrl, 'GET', '/api/v2/server/time');
    expect(time.json).toEqual({ serverTime: T0, serverTime2: '2026-01-01T00:00:00.0000000+00:00' });
  });
});

describe('public market data', () => {
  it('serves exchangeinfo in the captured shape with a price band around the last price', async () => {
    const { s } = await sim();
    const info = (await call(s.baseUrl, 'GET', '/api/v2/server/exchangeinfo')).json as { data: { symbols: object[] } };
    const captured = fixture('captured_rest_exchangeinfo_btctry_2022-03-23.json').data.symbols[0];
    const btc = info.data.symbols[0] as Record<string, unknown>;
    expect(Object.keys(btc).sort()).toEqual(Object.keys(captured).sort());
    expect(btc).toMatchObject({ name: 'BTCTRY', hasFraction: false, maximumLimitOrderPrice: 30_000_000 });
    expect(btc.minimumLimitOrderPrice).toBe(300_000);
  });

  it('serves ticker numbers and a string order book with bids descending and asks ascending', async () => {
    const { s } = await sim();
    const ticker = (await call(s.baseUrl, 'GET', '/api/v2/ticker?pairSymbol=BTCTRY')).json as { data: object[] };
    expect(ticker.data).toHaveLength(1);
    expect(ticker.data[0]).toMatchObject({ pair: 'BTCTRY', last: 3_000_000, bid: 2_999_700, ask: 3_000_300 });
    const book = (await call(s.baseUrl, 'GET', '/api/v2/orderbook?pairSymbol=BTCTRY&limit=5')).json as {
      data: { bids: [string, string][]; asks: [string, string][] };
    };
    const bids = book.data.bids.map(([p]) => Number(p));
    const asks = book.data.asks.map(([p]) => Number(p));
    expect(bids).toEqual([...bids].sort((a, b) => b - a));
    expect(asks).toEqual([...asks].sort((a, b) => a - b));
    expect(book.data.bids[0]?.[0]).toBe('2999700');
    expect(book.data.asks).toHaveLength(5);
  });
});

describe('submit validation (BTCTURK_API.md 8.3)', () => {
  it.each([
    [
      'price decimals on a hasFraction=false pair',
      '3000000.5',
      '0.001',
      'captured_rest_error_invalid_price_scale_1126.json',
    ],
    [
      'quantity beyond numeratorScale',
      '3000000',
      '0.123456789',
      'captured_rest_error_invalid_quantity_scale_1127.json',
    ],
    [
      'more than the free balance incl. fee',
      '2990000',
      '2',
      'captured_rest_error_order_with_open_orders_1122_2020.json',
    ],
  ])('rejects %s with the captured body', async (_name, price, quantity, file) => {
    const { order } = await sim();
    const res = await order('buy', price, quantity);
    expect(res.status).toBe(400);
    expect(res.json).toEqual(fixture(file));
  });

  it.each([
    ['above the price band', '30000001', '0.001', 'PRICE_MUST_BE_LESS_THAN_MAXPRICE', 1226],
    ['below the price band', '299999', '0.001', 'PRICE_MUST_BE_LESS_THAN_MINPRICE', 1227],
    ['below minExchangeValue', '3000000', '0.00003', 'FAILED_MIN_TOTAL_AMOUNT', 1123],
  ])('rejects an order %s', async (_name, price, quantity, message, code) => {
    const { order } = await sim();
    const res = await order('buy', price, quantity);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ httpStatusCode: 400, data: null, success: false, message, code });
  });

  it('refuses market orders with FAILED_MARKET_ORDER', async () => {
    const { signed } = await sim();
    const body = { pairSymbol: 'BTCTRY', orderType: 'buy', orderMethod: 'market', quantity: '1000' };
    const res = await signed('POST', '/api/v1/order', body);
    expect(res.json).toMatchObject({ message: 'FAILED_MARKET_ORDER', code: 1118 });
  });
});

describe('order lifecycle in simulated time', () => {
  it('rests, fills partially, then fully as the market crosses; locks and charges maker fees', async () => {
    const { s, order, get, balance } = await sim();
    const placed = await order('buy', '2995000', '0.8');
    expect(placed.json).toMatchObject({
      success: true,
      code: 0,
      data: { type: 'buy', method: 'limit', price: '2995000' },
    });
    const id = (placed.json as { data: { id: number } }).data.id;
    expect(await balance('TRY')).toMatchObject({ balance: '5000000', locked: '2398587.68', free: '2601412.32' });
    expect((await get(`/api/v1/order/${id}`)).data).toMatchObject({ status: 'Untouched', leftAmount: '0.8' });

    s.control.advanceMarket(60_000);
    expect((await get(`/api/v1/order/${id}`)).data).toMatchObject({ status: 'Partial', leftAmount: '0.3' });
    const fills = (await get('/api/v1/users/transactions/trade?pairSymbol=BTCTRY')).data as object[];
    expect(fills[0]).toMatchObject({ orderId: id, amount: '0.50000000', price: '2995000', fee: '-748.75000000' });
    expect(fills[0]).toMatchObject({ tax: '-149.75000000', orderType: 'buy', orderClientId: 'c-1' });

    s.control.advanceMarket(60_000);
    expect((await get(`/api/v1/order/${id}`)).data).toMatchObject({ status: 'Closed', leftAmount: '0' });
    expect(await balance('TRY')).toMatchObject({ balance: '2602562.4', locked: '0', free: '2602562.4' });
    expect(await balance('BTC')).toMatchObject({ balance: '1.8', free: '1.8' });
    const open = (await get('/api/v1/openOrders?pairSymbol=BTCTRY')).data;
    expect(open).toEqual({ asks: [], bids: [] });
  });

  it('fills a marketable limit order at once as taker, with negative amount, fee and tax for a sell', async () => {
    const { order, get, balance } = await sim();
    const res = await order('sell', '2990000', '0.01');
    const id = (res.json as { data: { id: number } }).data.id;
    expect((await get(`/api/v1/order/${id}`)).data).toMatchObject({ status: 'Closed', type: 'sell' });
    const [fill] = (await get(`/api/v1/users/transactions/trade?orderId=${id}`)).data as object[];
    expect(fill).toMatchObject({ amount: '-0.01000000', price: '2999700', fee: '-26.99730000', tax: '-5.39946000' });
    expect(await balance('TRY')).toMatchObject({ balance: '5029964.60324' });
  });

  it('returns the documented order object shape from openOrders and allOrders', async () => {
    const { order, get } = await sim();
    await order('sell', '3100000', '0.01', 'ask-1');
    const open = (await get('/api/v1/openOrders?pairSymbol=BTCTRY')).data as { asks: object[]; bids: object[] };
    const captured = fixture('captured_rest_open_orders_eostry_one_ask.json').asks[0];
    expect(Object.keys(open.asks[0] ?? {})).toEqual(Object.keys(captured));
    expect(open.asks[0]).toMatchObject({ status: 'Untouched', time: 0, updateTime: T0, orderClientId: 'ask-1' });
    const all = (await get(`/api/v1/allOrders?pairSymbol=BTCTRY&startTime=${T0}&endTime=${T0 + 1000}`)).data;
    expect(all).toHaveLength(1);
    expect((await get(`/api/v1/allOrders?pairSymbol=BTCTRY&startTime=${T0 + 1}`)).data).toEqual([]);
  });

  it('accepts duplicate client order ids as production does', async () => {
    const { order, get } = await sim();
    const a = await order('buy', '2900000', '0.01', 'dup');
    const b = await order('buy', '2900000', '0.01', 'dup');
    expect([a.status, b.status]).toEqual([200, 200]);
    const bids = ((await get('/api/v1/openOrders?pairSymbol=BTCTRY')).data as { bids: { orderClientId: string }[] })
      .bids;
    expect(bids.map((o) => o.orderClientId)).toEqual(['dup', 'dup']);
  });

  it('writes user-trade ids above 2^53 as exact bare integers', async () => {
    const { order, signed } = await sim();
    await order('sell', '2990000', '0.01');
    const res = await signed('GET', '/api/v1/users/transactions/trade?pairSymbol=BTCTRY');
    expect(res.text).toContain('"id":1181163798924649598,');
    expect(res.text).toMatch(/"preciseAmount":-0\.0100000000000000,/);
  });

  it('can show balances with comma decimals', async () => {
    const { s, balance } = await sim({ balances: { TRY: '1234.5' } });
    s.control.setCommaDecimals(true);
    expect(await balance('TRY')).toMatchObject({ balance: '1234,5', free: '1234,5', locked: '0' });
  });
});

describe('cancel semantics (BTCTURK_API.md 7.3)', () => {
  it('answers 200 SUCCESS, settles on the next request and releases the lock; repeat cancels succeed', async () => {
    const { order, signed, get, balance } = await sim();
    const id = ((await order('buy', '2900000', '0.01')).json as { data: { id: number } }).data.id;
    const cancel = await signed('DELETE', `/api/v1/order?id=${id}`);
    expect(cancel.status).toBe(200);
    expect(cancel.json).toEqual(fixture('docs_example_cancel_order_response.json'));
    expect((await get(`/api/v1/order/${id}`)).data).toMatchObject({ status: 'Canceled', leftAmount: '0.01' });
    expect(await balance('TRY')).toMatchObject({ locked: '0', free: '5000000' });
    expect((await signed('DELETE', `/api/v1/order?id=${id}`)).status).toBe(200);
  });

  it('keeps leftAmount after a partial fill and refuses to cancel a closed order', async () => {
    const { s, order, signed, get } = await sim();
    const id = ((await order('buy', '2995000', '0.8')).json as { data: { id: number } }).data.id;
    s.control.advanceMarket(60_000);
    await signed('DELETE', `/api/v1/order?id=${id}`);
    expect((await get(`/api/v1/order/${id}`)).data).toMatchObject({ status: 'Canceled', leftAmount: '0.3' });
    const closedId = ((await order('sell', '2990000', '0.01')).json as { data: { id: number } }).data.id;
    const refused = await signed('DELETE', `/api/v1/order?id=${closedId}`);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ success: false, message: 'ORDER_COULD_NOT_BE_CANCELED' });
  });

  it('answers unknown ids with the captured 1052 and 1152 bodies', async () => {
    const { signed } = await sim();
    const cancel = await signed('DELETE', '/api/v1/order?id=123');
    expect([cancel.status, cancel.json]).toEqual([
      400,
      fixture('captured_rest_error_cancel_no_order_matches_1052.json'),
    ]);
    const single = await signed('GET', '/api/v1/order/123');
    expect([single.status, single.json]).toEqual([400, fixture('docs_example_single_order_not_found_1152.json')]);
  });

  it('settles after the configured delay in simulator time', async () => {
    const { s, order, signed, get } = await sim({ cancelDelayMs: 5_000 });
    const id = ((await order('buy', '2900000', '0.01')).json as { data: { id: number } }).data.id;
    await signed('DELETE', `/api/v1/order?id=${id}`);
    expect((await get(`/api/v1/order/${id}`)).data).toMatchObject({ status: 'Untouched' });
    s.control.advanceMarket(5_000);
    expect((await get(`/api/v1/order/${id}`)).data).toMatchObject({ status: 'Canceled' });
  });
});

describe('rate limits (BTCTURK_API.md 5)', () => {
  it('answers 429 with Retry-After and the account-policy body past 30 single-order reads per second', async () => {
    const { s, signed } = await sim();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await signed('GET', '/api/v1/order/1')).status);
    expect(statuses.every((st) => st === 400)).toBe(true);
    const limited = await signed('GET', '/api/v1/order/1');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json).toMatchObject({
      message: 'TOO_MANY_REQUESTS',
      success: false,
      code: 429,
      limit: '30',
      policy: 'account',
    });
    s.control.advanceMarket(1_000);
    expect((await signed('GET', '/api/v1/order/1')).status).toBe(400);
  });
});

describe('determinism', () => {
  const script = async (seed: number) => {
    const clock = new ManualClock(T0);
    const s = await startSimulator({ clock, seed, apiKey: KEY, apiSecret: SECRET, symbols: ['BTCTRY', 'SOLTRY'] });
    running.push(s);
    const bodies: string[] = [];
    const signed = async (method: string, path: string, body?: unknown) =>
      bodies.push((await call(s.baseUrl, method, path, { stamp: clock.nowMs(), body })).text);
    for (let i = 0; i < 5; i++) {
      bodies.push((await call(s.baseUrl, 'GET', '/api/v2/orderbook?pairSymbol=SOLTRY&limit=3')).text);
      bodies.push((await call(s.baseUrl, 'GET', '/api/v2/ticker')).text);
      await signed('POST', '/api/v1/order', {
        pairSymbol: 'SOLTRY',
        orderType: 'buy',
        orderMethod: 'limit',
        price: '5100',
        quantity: '0.5',
      });
      clock.advance(61_000);
    }
    await signed('GET', '/api/v1/users/transactions/trade?pairSymbol=SOLTRY');
    await signed('GET', '/api/v1/allOrders?pairSymbol=SOLTRY');
    return bodies;
  };

  it('answers an identical request sequence identically for one seed, differently for another', async () => {
    const a = await script(9);
    expect(await script(9)).toEqual(a);
    expect(await script(10)).not.toEqual(a);
  });
});

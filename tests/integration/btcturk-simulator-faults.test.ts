// Fault injection of the BTCTurk simulator, over real HTTP: one-shot faults queued by a test, seeded
// fault profiles (same seed, same decisions), clock skew, 429 bursts and the HTTP control endpoint.
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { call, KEY, SECRET, T0 } from '../unit/local/support/sim-http';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function sim(faults?: string) {
  const clock = new ManualClock(T0);
  const s = await startSimulator({ clock, seed: 5, apiKey: KEY, apiSecret: SECRET, symbols: ['BTCTRY'], faults });
  running.push(s);
  const submit = (clientId: string, timeoutMs?: number) =>
    call(s.baseUrl, 'POST', '/api/v1/order', {
      stamp: clock.nowMs(),
      timeoutMs,
      body: {
        pairSymbol: 'BTCTRY',
        orderType: 'buy',
        orderMethod: 'limit',
        price: '2000000',
        quantity: '0.001',
        newOrderClientId: clientId,
      },
    });
  const openClientIds = async () => {
    const res = await call(s.baseUrl, 'GET', '/api/v1/openOrders?pairSymbol=BTCTRY', { stamp: clock.nowMs() });
    return (res.json as { data: { bids: { orderClientId: string }[] } }).data.bids.map((o) => o.orderClientId);
  };
  return { s, clock, submit, openClientIds };
}

const ticker = (s: RunningSimulator) => call(s.baseUrl, 'GET', '/api/v2/ticker?pairSymbol=BTCTRY');

describe('one-shot faults', () => {
  it.each([500, 502, 503])('answers %i once, then serves normally', async (status) => {
    const { s } = await sim();
    s.control.injectNext({ kind: 'status', status, path: '/api/v2/orderbook' });
    expect((await ticker(s)).status).toBe(200);
    const failed = await call(s.baseUrl, 'GET', '/api/v2/orderbook?pairSymbol=BTCTRY');
    expect(failed.status).toBe(status);
    expect((await call(s.baseUrl, 'GET', '/api/v2/orderbook?pairSymbol=BTCTRY')).status).toBe(200);
  });

  it('drops a response after processing by destroying the socket', async () => {
    const { s } = await sim();
    s.control.injectNext({ kind: 'drop' });
    await expect(ticker(s)).rejects.toThrow();
    expect((await ticker(s)).status).toBe(200);
  });

  it('creates the order, then destroys the socket of the submit', async () => {
    const { s, submit, openClientIds } = await sim();
    s.control.injectNext({ kind: 'timeout-after-create', mode: 'destroy', method: 'POST' });
    await expect(submit('lost-1')).rejects.toThrow();
    expect(await openClientIds()).toEqual(['lost-1']);
  });

  it('creates the order, then holds the answer past the client timeout', async () => {
    const { s, submit, openClientIds } = await sim();
    s.control.injectNext({ kind: 'timeout-after-create', mode: 'hold', method: 'POST' });
    await expect(submit('held-1', 200)).rejects.toThrow(/timeout/i);
    expect(await openClientIds()).toEqual(['held-1']);
  });

  it('adds latency to one answer without changing it', async () => {
    const { s } = await sim();
    const plain = await ticker(s);
    s.control.injectNext({ kind: 'latency', ms: 30 });
    expect((await ticker(s)).text).toBe(plain.text);
    expect(s.control.state().queuedFaults).toEqual([]);
  });

  it('answers a queued rate-limit fault with 429 and Retry-After', async () => {
    const { s } = await sim();
    s.control.injectNext({ kind: 'rate-limit' });
    const res = await ticker(s);
    expect([res.status, res.headers['retry-after']]).toEqual([429, '1']);
    expect(res.json).toMatchObject({ message: 'TOO_MANY_REQUESTS', code: 429, policy: 'ip' });
  });
});

describe('seeded fault settings', () => {
  it('bursts 429s: the first 2 of every 4 requests', async () => {
    const { s } = await sim();
    s.control.setFaults({ rateLimitEvery: 4, rateLimitBurst: 2 });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await ticker(s)).status);
    expect(statuses).toEqual([429, 429, 200, 200, 429, 429, 200, 200]);
  });

  it('makes the same flaky decisions for the same seed', async () => {
    const run = async () => {
      const { s } = await sim();
      s.control.setFaults({ profile: 'flaky', errorRate: 0.3, latencyMs: 0, latencyJitterMs: 0 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await ticker(s)).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((st) => st >= 500).length).toBeGreaterThan(0);
    expect(first.filter((st) => st === 200).length).toBeGreaterThan(0);
  });

  it('loses some submits after creating them under the lost-responses profile', async () => {
    const { clock, submit, openClientIds } = await sim('lost-responses');
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      clock.advance(200);
      outcomes.push(
        await submit(`c-${i}`).then(
          (r) => `${r.status}`,
          () => 'lost',
        ),
      );
    }
    expect(outcomes).toContain('lost');
    expect(outcomes.filter((o) => o !== 'lost' && o !== '200')).toEqual([]);
    expect(await openClientIds()).toHaveLength(12);
  });

  it('skews server time: clock stamps fail with 1037, server-time stamps pass', async () => {
    const { s, clock } = await sim();
    const set = await call(s.baseUrl, 'POST', '/__control/faults', { body: { clockSkewMs: 7_000 } });
    expect(set.status).toBe(200);
    const time = (await call(s.baseUrl, 'GET', '/api/v2/server/time')).json as { serverTime: number };
    expect(time.serverTime).toBe(T0 + 7_000);
    const skewed = await call(s.baseUrl, 'GET', '/api/v1/users/balances', { stamp: clock.nowMs() });
    expect([skewed.status, (skewed.json as { code: number }).code]).toEqual([401, 1037]);
    expect((await call(s.baseUrl, 'GET', '/api/v1/users/balances', { stamp: time.serverTime })).status).toBe(200);
  });
});

describe('control endpoint', () => {
  it('switches profiles and queues faults over HTTP and reports them in the state', async () => {
    const { s } = await sim();
    await call(s.baseUrl, 'POST', '/__control/faults', { body: { profile: 'rate-limited' } });
    await call(s.baseUrl, 'POST', '/__control/faults/next', {
      body: { kind: 'status', status: 503, path: '/api/v2/trades' },
    });
    const state = (await call(s.baseUrl, 'GET', '/__control/state')).json as {
      result: { faults: { rateLimitEvery: number }; queuedFaults: unknown[]; pairs: { symbol: string }[] };
    };
    expect(state.result.faults.rateLimitEvery).toBe(10);
    expect(state.result.queuedFaults).toEqual([{ kind: 'status', status: 503, path: '/api/v2/trades' }]);
    expect(state.result.pairs.map((p) => p.symbol)).toEqual(['BTCTRY']);
  });

  it('advances the market and refuses an unknown profile with 400', async () => {
    const { s, clock } = await sim();
    expect((await call(s.baseUrl, 'POST', '/__control/advance', { body: { ms: 120_000 } })).status).toBe(200);
    expect(clock.nowMs()).toBe(T0 + 120_000);
    const bad = await call(s.baseUrl, 'POST', '/__control/faults', { body: { profile: 'nope' } });
    expect(bad.status).toBe(400);
  });
});

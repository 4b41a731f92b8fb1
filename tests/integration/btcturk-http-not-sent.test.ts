// Over real HTTP on 127.0.0.1 (the simulator, a real undici Agent): requests that cannot be sent never
// wedge the connection pool. undici's pool used to keep every connection a refused request (an invalid
// header) was handed to waiting for a 'drain' that never came, so after `connections` such requests
// every later request hung until the Lambda timed out. A refused connection is "not sent" too.
import { createServer } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../local/btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../../local/btcturk-sim/simulator';
import { BtcturkExchangeGateway } from '../../shared/adapters/btcturk/btcturk-gateway';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { ExchangeUnavailableError, OutcomeUnknownError } from '../../shared/domain/errors';
import { deriveRules, quantizeLimitOrder } from '../../shared/domain/exchange-rules';
import { dec } from '../../shared/domain/money';

/** Real-time bound on each valid request: a wedged pool fails the test instead of hanging it */
const WEDGE_TIMEOUT_MS = 2_000;

const within = <T>(p: Promise<T>, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete in ${WEDGE_TIMEOUT_MS} ms`)), WEDGE_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
};

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

const gatewayOver = (baseUrl: string, dispatcher: Agent, clock: ManualClock, apiKey: () => string) =>
  new BtcturkExchangeGateway({
    baseUrl,
    dispatcher,
    clock,
    credentials: async () => ({ apiKey: apiKey(), apiSecret: DEFAULT_API_SECRET }),
    timeouts: { headersTimeoutMs: 1_000, bodyTimeoutMs: 1_000 },
  });

describe('requests that cannot be sent, over real HTTP', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 9, 0, 0), { autoAdvance: true });
  let sim: RunningSimulator;
  let dispatcher: Agent;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, clock, symbols: ['BTCTRY'], rateLimits: false });
    // a small pool: with the old transport two refused requests were enough to wedge it
    dispatcher = new Agent({ connections: 2, connect: { timeout: 1_000 } });
  });
  afterAll(async () => {
    await sim.close();
    await dispatcher.close();
  });

  it('classifies 20 submits with an invalid API key header as not sent, and valid requests still complete', async () => {
    let apiKey = `${DEFAULT_API_KEY}\n`;
    const exchange = gatewayOver(sim.baseUrl, dispatcher, clock, () => apiKey);
    const order = { symbol: 'BTCTRY', side: 'BUY', price: dec('1000'), qty: dec('0.001') } as const;
    for (let i = 0; i < 20; i++) {
      const error = await within(caught(exchange.placeLimitOrder({ ...order, clientOrderId: `bad-${i}` })), 'refusal');
      expect(error).toBeInstanceOf(ExchangeUnavailableError);
      expect(error).not.toBeInstanceOf(OutcomeUnknownError);
    }
    expect(sim.control.state().orders.total).toBe(0);
    apiKey = DEFAULT_API_KEY;
    const top = await within(exchange.orderBookTop('BTCTRY'), 'orderbook read');
    expect(top.bid.gt(0)).toBe(true);
    expect((await within(exchange.balances(), 'balances read')).length).toBeGreaterThan(0);
    const [meta] = (await within(exchange.exchangeInfo(), 'exchangeinfo read')).filter((m) => m.symbol === 'BTCTRY');
    if (!meta) throw new Error('no BTCTRY metadata');
    const rules = deriveRules(meta, { safeMinNotional: dec('100'), internalMinNotional: dec('10') });
    const resting = quantizeLimitOrder(rules, 'BUY', top.bid.mul('0.95'), dec('300').div(top.bid));
    const valid = { ...order, clientOrderId: 'good-1', price: resting.price, qty: resting.qty };
    const ack = await within(exchange.placeLimitOrder(valid), 'valid submit');
    expect(ack.clientOrderId).toBe('good-1');
    expect(sim.control.state().orders.total).toBe(1);
  });

  it('classifies a submit to a port that refuses the connection as not sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refusing = new Agent({ connections: 1, connect: { timeout: 1_000 } });
    try {
      const exchange = gatewayOver(`http://127.0.0.1:${address.port}`, refusing, clock, () => DEFAULT_API_KEY);
      const order = { clientOrderId: 'c-1', symbol: 'BTCTRY', side: 'BUY', price: dec('1000'), qty: dec('0.001') };
      const error = await within(caught(exchange.placeLimitOrder({ ...order, side: 'BUY' })), 'refused submit');
      expect(error).toBeInstanceOf(ExchangeUnavailableError);
      expect((error as Error).message).toContain('transport error ECONNREFUSED');
    } finally {
      await refusing.close();
    }
  });
});

// Issue 12: what a live stage 3 cycle asks of the exchange, counted where requests reach the simulator.
// An idle cycle no longer grows with symbols (one ticker read for the marks, balances, no per-symbol
// listing while the locked amounts are explained), exchangeinfo is read once per RULES_CACHE_TTL_SEC, and a
// foreign order is still imported in the cycle its locked amount appears.
import { describe, expect, it } from 'vitest';
import { inProcessWorld } from '../../../local/runner/in-process-world';

const SYMBOLS = ['BTCTRY', 'ETHTRY', 'SOLTRY', 'AVAXTRY', 'XRPTRY'];
const idle = { MAX_ORDERS_PER_CYCLE: '0' };
const sent = (w: ReturnType<typeof inProcessWorld>) => [...w.received.values()].reduce((a, b) => a + b, 0);

describe('exchange requests per live cycle (issue 12)', () => {
  it.each([1, 2, 5])('an idle cycle at %i symbols sends at most 4 requests after the first', async (n) => {
    const w = inProcessWorld({ symbols: SYMBOLS.slice(0, n), env: idle });
    await w.cycle();
    for (let i = 0; i < 5; i++) {
      w.sim.control.advanceMarket(60_000);
      const before = sent(w);
      const result = await w.cycle();
      expect(result.status).toBe('completed');
      expect(sent(w) - before).toBeLessThanOrEqual(4);
      // the cycle's own count is what reached the venue, by endpoint
      expect(result.counters.requestsTotal).toBe(sent(w) - before);
      expect(result.counters).toMatchObject({
        requestsTicker: 1,
        requestsOrderBook: 0,
        requestsBalances: 1,
        requestsOpenOrders: 0,
        requestsUserTrades: 0,
      });
    }
  });

  it('the first cycle of a container lists every symbol, and again after FULL_LISTING_PERIOD_SECONDS', async () => {
    const w = inProcessWorld({ symbols: SYMBOLS.slice(0, 3), env: { ...idle, FULL_LISTING_PERIOD_SECONDS: '300' } });
    const first = await w.cycle();
    expect(first.counters).toMatchObject({ requestsOpenOrders: 3, requestsUserTrades: 3 });
    w.sim.control.advanceMarket(240_000);
    expect((await w.cycle()).counters).toMatchObject({ requestsOpenOrders: 0, requestsUserTrades: 0 });
    w.sim.control.advanceMarket(61_000);
    expect((await w.cycle()).counters).toMatchObject({ requestsOpenOrders: 3, requestsUserTrades: 3 });
  });

  it('exchangeinfo is read once per RULES_CACHE_TTL_SEC, not every cycle', async () => {
    const w = inProcessWorld({ symbols: SYMBOLS.slice(0, 2), env: { ...idle, RULES_CACHE_TTL_SEC: '300' } });
    const reads: number[] = [];
    for (let i = 0; i < 6; i++) {
      reads.push((await w.cycle()).counters.requestsExchangeInfo);
      w.sim.control.advanceMarket(60_000);
    }
    expect(reads).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it('a foreign order is imported in the cycle its locked amount appears; then only its symbol is listed', async () => {
    const w = inProcessWorld({ symbols: SYMBOLS.slice(0, 3), env: idle });
    await w.cycle();
    w.sim.control.advanceMarket(60_000);
    expect((await w.cycle()).counters.requestsOpenOrders).toBe(0);
    const bid = Number(w.sim.control.state().pairs.find((p) => p.symbol === 'ETHTRY')?.bid);
    w.sim.control.placeOrder({
      symbol: 'ETHTRY',
      side: 'buy',
      price: String(Math.floor(bid * 0.5)),
      quantity: '0.1',
      clientId: 'advanced',
    });
    w.sim.control.advanceMarket(60_000);
    const seen = await w.cycle();
    expect(seen.counters.imported).toBe(1);
    // TRY's locked amount is unexplained: every configured TRY pair is listed at once
    expect(seen.counters.requestsOpenOrders).toBe(3);
    const resting = await w.stores.journal.listByStatus('default', ['OPEN']);
    expect(resting.map((o) => o.symbol)).toEqual(['ETHTRY']);
    w.sim.control.advanceMarket(60_000);
    // the imported order now explains the lock: only its own symbol is listed
    expect((await w.cycle()).counters.requestsOpenOrders).toBe(1);
  });
});

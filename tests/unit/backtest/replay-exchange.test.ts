// The backtest's exchange answers stage 7's public reads from the replay rows current at the clock, as the
// gateway would hand them over for the simulator's answer, and refuses (and records) everything else.
import { describe, expect, it } from 'vitest';
import { ReplayExchange } from '../../../local/backtest/replay-exchange';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { PublicReadsOnlyError, ValidationError } from '../../../shared/domain/errors';
import { dec } from '../../../shared/domain/money';
import { START_MS, testPairs } from './fixtures';
import { MemoryReplayMarket } from './memory-replay-market';

const book = (tsMs: number, bid: string, ask: string) => ({ tsMs, bid: dec(bid), ask: dec(ask) });
const ticker = (tsMs: number, last: string) => ({
  tsMs,
  last: dec(last),
  high: dec(last).add(5),
  low: dec(last).sub(5),
  volume: dec('1.25'),
});

function world() {
  const market = new MemoryReplayMarket({
    BTCTRY: {
      book: [book(START_MS, '100', '102'), book(START_MS + 60_000, '110', '112')],
      ticker: [ticker(START_MS - 30_000, '101'), ticker(START_MS + 90_000, '111')],
    },
    // a ticker row only from the second minute: no ticker for the pair before it
    ETHTRY: { book: [book(START_MS, '50', '51')], ticker: [ticker(START_MS + 60_000, '50.5')] },
  });
  const clock = new ManualClock(START_MS);
  const pairs = testPairs();
  return { market, clock, pairs, exchange: new ReplayExchange(market, clock, pairs) };
}

describe('ReplayExchange', () => {
  it('builds each ticker from the book and ticker rows current at the clock, stamped with the newer row', async () => {
    const { market, clock, exchange } = world();
    market.advanceTo(START_MS);
    // only BTCTRY has both rows yet
    expect(await exchange.tickers()).toEqual([
      {
        symbol: 'BTCTRY',
        bid: dec('100'),
        ask: dec('102'),
        receivedAtMs: START_MS,
        stampedAtMs: START_MS,
        last: dec('101'),
        high: dec('106'),
        low: dec('96'),
        volume: dec('1.25'),
        dailyPercent: undefined,
      },
    ]);
    clock.set(START_MS + 75_000);
    market.advanceTo(START_MS + 75_000);
    const [btc, eth] = await exchange.tickers();
    // the book moved at +60 s, the ticker row of +90 s is not visible yet
    expect(btc).toMatchObject({ bid: dec('110'), last: dec('101'), stampedAtMs: START_MS + 60_000 });
    expect(btc?.receivedAtMs).toBe(START_MS + 75_000);
    expect(eth).toMatchObject({ symbol: 'ETHTRY', bid: dec('50'), last: dec('50.5'), stampedAtMs: START_MS + 60_000 });
  });

  it('lists nothing before the first rows, leaves an insane row out, and fails when every row is insane', async () => {
    const market = new MemoryReplayMarket({
      BTCTRY: { book: [book(START_MS, '103', '102')], ticker: [ticker(START_MS, '101')] },
      ETHTRY: { book: [book(START_MS + 60_000, '50', '51')], ticker: [ticker(START_MS, '50.5')] },
    });
    const clock = new ManualClock(START_MS - 1);
    const exchange = new ReplayExchange(market, clock, testPairs());
    market.advanceTo(START_MS - 1);
    expect(await exchange.tickers()).toEqual([]);
    market.advanceTo(START_MS);
    // the crossed book of BTCTRY is the only row: the answer is not understood, as the gateway says
    await expect(exchange.tickers()).rejects.toThrow(ValidationError);
    await expect(exchange.tickers()).rejects.toThrow(/BTCTRY.*crossed quote/);
    market.advanceTo(START_MS + 60_000);
    expect((await exchange.tickers()).map((t) => t.symbol)).toEqual(['ETHTRY']);
  });

  it('hands out the same exchange info list every time and the replay clock as server time', async () => {
    const { clock, pairs, exchange } = world();
    expect(await exchange.exchangeInfo()).toBe(pairs);
    expect(await exchange.exchangeInfo()).toBe(pairs);
    clock.set(START_MS + 5_000);
    expect(await exchange.serverTime()).toBe(START_MS + 5_000);
    expect(exchange.requestsSent()).toEqual({});
  });

  it('refuses every private read and write with a typed error, and records each attempt', async () => {
    const { exchange } = world();
    const order = { clientOrderId: 'c', symbol: 'BTCTRY', side: 'BUY' as const, price: dec('1'), qty: dec('1') };
    const calls: [string, () => Promise<unknown>][] = [
      ['orderBookTop', () => exchange.orderBookTop()],
      ['balances', () => exchange.balances()],
      ['openOrders', () => exchange.openOrders()],
      ['allOrders', () => exchange.allOrders()],
      ['userTrades', () => exchange.userTrades()],
      ['placeLimitOrder', () => (exchange.placeLimitOrder as (o: typeof order) => Promise<unknown>)(order)],
      ['cancelOrder', () => exchange.cancelOrder()],
      ['findOrderByClientId', () => exchange.findOrderByClientId()],
    ];
    expect(exchange.refused).toEqual([]);
    for (const [method, call] of calls) {
      const e = await call().then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(PublicReadsOnlyError);
      expect(e).toMatchObject({ method, message: expect.stringContaining(`not ${method}`) });
    }
    expect(exchange.refused).toEqual(calls.map(([m]) => m));
  });
});

// Trades as the ledger projects them: win rate and profit factor from closed trades' PnL, and the per-pair
// figures of the worked scenario (BTC +19.58 TRY, ETH -20.38 TRY after fees at average cost).
import { describe, expect, it } from 'vitest';
import { addTrade, NO_TRADES, outcomesOf, TradeBook } from '../../../local/report/trades';
import { dec } from '../../../shared/domain/money';
import { EXPECTED, recordsOf, SCENARIO } from './run-fixture';

const outcomes = (pnls: readonly string[]) => outcomesOf(pnls.map((p) => dec(p)).reduce(addTrade, NO_TRADES));

describe('trade outcomes', () => {
  it('counts wins and losses, a zero PnL as neither, and divides gross profit by gross loss', () => {
    const o = outcomes(['10', '-5', '0', '20', '-15']);
    expect([o.trades, o.wins, o.losses]).toEqual([5, 2, 2]);
    expect(o.winRate?.toFixed()).toBe('0.4');
    expect([o.grossProfit.toFixed(), o.grossLoss.toFixed(), o.profitFactor?.toFixed()]).toEqual(['30', '20', '1.5']);
  });

  it('has no profit factor without a losing trade and no win rate without a trade', () => {
    expect(outcomes(['3', '4']).profitFactor).toBeNull();
    expect(outcomes(['3', '4']).winRate?.toFixed()).toBe('1');
    expect(outcomes([])).toMatchObject({ trades: 0, winRate: null, profitFactor: null });
  });
});

describe('TradeBook', () => {
  const book = new TradeBook();
  for (const r of recordsOf('1000', SCENARIO)) book.add(r);

  it('gives each pair its fills, volume, fees and realized PnL after fees at average cost', () => {
    expect(book.pairs()).toEqual([
      {
        symbol: 'BTCTRY',
        fills: 2,
        buys: 1,
        sells: 1,
        volumeTry: '420',
        feesTry: '0.42',
        realizedPnlTry: EXPECTED.btcRealizedTry,
        trades: 1,
        wins: 1,
        heldQty: '0',
      },
      {
        symbol: 'ETHTRY',
        fills: 2,
        buys: 1,
        sells: 1,
        volumeTry: '380',
        feesTry: '0.38',
        realizedPnlTry: EXPECTED.ethRealizedTry,
        trades: 1,
        wins: 0,
        heldQty: '0',
      },
    ]);
  });

  it('totals the closed trades and counts the cycles that ended holding a position', () => {
    const o = book.outcomes();
    expect([o.trades, o.wins, o.losses, o.winRate?.toFixed()]).toEqual([2, 1, 1, '0.5']);
    expect(o.profitFactor?.toDecimalPlaces(4).toFixed()).toBe(EXPECTED.profitFactor);
    expect(book.exposure()).toEqual({ exposed: 4, cycles: 6 });
  });

  it('closes no trade on a SELL of nothing held (an oversell) and keeps the rest of a partial close held', () => {
    const b = new TradeBook();
    const fill = (side: 'BUY' | 'SELL', qty: string, price: string) => ({
      symbol: 'BTCTRY',
      side,
      qty,
      price,
      feeTry: '0',
    });
    const records = recordsOf('1000', [
      {
        ts: '2026-11-22T00:00:00.000Z',
        equityTry: '1100',
        marks: { BTCTRY: '100' },
        fills: [fill('SELL', '1', '100')],
      },
      { ts: '2026-11-22T00:01:00.000Z', equityTry: '1100', marks: { BTCTRY: '100' }, fills: [fill('BUY', '2', '100')] },
      {
        ts: '2026-11-22T00:02:00.000Z',
        equityTry: '1120',
        marks: { BTCTRY: '110' },
        fills: [fill('SELL', '1', '110')],
      },
    ]);
    const [oversell, ...rest] = records;
    if (!oversell) throw new Error('records expected');
    b.add(oversell);
    expect(b.outcomes().trades).toBe(0);
    for (const r of rest) b.add(r);
    const o = b.outcomes();
    expect([o.trades, o.wins, o.grossProfit.toFixed()]).toEqual([1, 1, '10']);
    expect(b.pairs()[0]).toMatchObject({ fills: 3, sells: 2, trades: 1, realizedPnlTry: '10', heldQty: '1' });
    expect(b.exposure()).toEqual({ exposed: 2, cycles: 3 });
  });
});

// The points report.html plots: one per cycle for a short run, groups of `stride` cycles for a long one, the
// worst drawdown inside a group kept, and one buy and one sell marker per symbol and group at the VWAP.
import { describe, expect, it } from 'vitest';
import { ChartSeries, MAX_POINTS, strideFor } from '../../../local/report/chart-series';
import { LastN } from '../../../local/report/last-n';
import { recordsOf, SCENARIO } from './run-fixture';

describe('ChartSeries', () => {
  it('plots a short run one point per cycle, from the opening balance, with a marker per fill', () => {
    const chart = new ChartSeries(1);
    for (const r of recordsOf('1000', SCENARIO)) chart.add(r);
    const d = chart.data();
    expect(d.equityTry).toEqual(['1000', '999.8', '1019.8', '1019.58', '1019.38', '999.38', '999.2']);
    expect(d.drawdownPct.map(Number)).toEqual([0, -0.02, 0, -0.0216, -0.0412, -2.0024, -2.02]);
    expect(d.prices.map((p) => [p.symbol, p.marks.length, p.markers.map((m) => [m.at, m.side, m.value])])).toEqual([
      [
        'BTCTRY',
        6,
        [
          [0, 'buy', '1000000'],
          [2, 'sell', '1100000'],
        ],
      ],
      [
        'ETHTRY',
        6,
        [
          [3, 'buy', '100000'],
          [5, 'sell', '90000'],
        ],
      ],
    ]);
    expect(d.prices[0]?.markers[0]?.label).toBe('BUY 0.0002 BTCTRY @ 1000000 (1 fill) by 2026-11-22T23:57:00.000Z');
  });

  it('groups cycles by the stride, keeping the worst drawdown inside a group and the VWAP of its fills', () => {
    const chart = new ChartSeries(3);
    const records = recordsOf('1000', [
      {
        ts: '2026-11-22T00:00:00.000Z',
        equityTry: '1000',
        marks: { BTCTRY: '100' },
        fills: [{ symbol: 'BTCTRY', side: 'BUY', qty: '1', price: '100', feeTry: '0' }],
      },
      {
        ts: '2026-11-22T00:01:00.000Z',
        equityTry: '900',
        marks: { BTCTRY: '90' },
        fills: [{ symbol: 'BTCTRY', side: 'BUY', qty: '3', price: '80', feeTry: '0' }],
      },
      { ts: '2026-11-22T00:02:00.000Z', equityTry: '990', marks: { BTCTRY: '99' } },
      { ts: '2026-11-22T00:03:00.000Z', equityTry: '1000', marks: { BTCTRY: '100' } },
    ]);
    for (const r of records) chart.add(r);
    const d = chart.data();
    // the opening, a group of three (its end 990, its worst -10 %), then the last cycle alone
    expect(d.equityTry).toEqual(['1000', '990', '1000']);
    expect(d.drawdownPct).toEqual(['0', '-10', '0']);
    // (1 x 100 + 3 x 80) / 4 = 85, one marker for the group
    expect(d.prices[0]?.markers.map((m) => [m.at, m.side, m.value])).toEqual([[0, 'buy', '85']]);
    expect(d.prices[0]?.marks).toEqual(['99', '100']);
  });

  it(`chooses a stride that keeps at most ${MAX_POINTS} points`, () => {
    expect([strideFor(0), strideFor(MAX_POINTS), strideFor(MAX_POINTS + 1), strideFor(43_200)]).toEqual([
      1,
      1,
      2,
      Math.ceil(43_200 / MAX_POINTS),
    ]);
  });
});

describe('LastN', () => {
  it('keeps the last items oldest first', () => {
    const ring = new LastN<number>(3);
    for (const n of [1, 2]) ring.push(n);
    expect(ring.items()).toEqual([1, 2]);
    for (const n of [3, 4, 5, 6, 7]) ring.push(n);
    expect(ring.items()).toEqual([5, 6, 7]);
    expect(() => new LastN(0)).toThrow(RangeError);
  });
});

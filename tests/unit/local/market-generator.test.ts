// The seeded candle generator: reproducible by seed, well-formed candles on the tick grid, volatility
// clustering (GARCH), trading gaps, and the CSV format round-trips and rejects bad rows by line.
import { describe, expect, it } from 'vitest';
import { formatCandleCsv, parseCandleCsv } from '../../../local/market/csv';
import { generateCandles } from '../../../local/market/garch-generator';
import { PAIR_PRESETS, pairPreset } from '../../../local/market/pairs';
import { dec, isMultipleOf, maxDec, minDec } from '../../../shared/domain/money';

const START = 1_767_225_600_000;
const series = (symbol: string, seed: number, count = 5000) =>
  generateCandles({ pair: pairPreset(symbol), seed, startMs: START }, count);

const autocorrelation = (xs: number[], lag: number) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    den += ((xs[i] ?? 0) - mean) ** 2;
    if (i >= lag) num += ((xs[i] ?? 0) - mean) * ((xs[i - lag] ?? 0) - mean);
  }
  return num / den;
};

describe('generateCandles', () => {
  it('returns identical series for one seed and different ones for another', () => {
    expect(series('BTCTRY', 7, 300)).toEqual(series('BTCTRY', 7, 300));
    expect(series('BTCTRY', 8, 300)).not.toEqual(series('BTCTRY', 7, 300));
  });

  it.each(PAIR_PRESETS.map((p) => p.symbol))('emits positive tick-grid prices with consistent wicks (%s)', (symbol) => {
    const tick = dec(pairPreset(symbol).tickSize);
    for (const c of series(symbol, 3, 800)) {
      const [open, high, low, close] = [c.open, c.high, c.low, c.close].map(dec) as [
        ReturnType<typeof dec>,
        ReturnType<typeof dec>,
        ReturnType<typeof dec>,
        ReturnType<typeof dec>,
      ];
      expect(low.gt(0)).toBe(true);
      expect(high.gte(maxDec(open, close))).toBe(true);
      expect(low.lte(minDec(open, close))).toBe(true);
      expect([open, high, low, close].every((x) => isMultipleOf(x, tick))).toBe(true);
      expect(dec(c.volume).gte(0)).toBe(true);
    }
  });

  it('starts near the preset TRY price level', () => {
    expect(Number(series('BTCTRY', 1, 1)[0]?.open)).toBeCloseTo(3_000_000, -4);
    expect(Number(series('SOLTRY', 1, 1)[0]?.open)).toBeCloseTo(5_000, -2);
  });

  it('clusters volatility: squared returns are positively autocorrelated', () => {
    const closes = series('ETHTRY', 11, 8000).map((c) => Number(c.close));
    const squared = closes.slice(1).map((c, i) => Math.log(c / (closes[i] ?? c)) ** 2);
    expect(autocorrelation(squared, 1)).toBeGreaterThan(0.05);
  });

  it('widens the spread when volatility is high', () => {
    const candles = series('BTCTRY', 5, 5000);
    const ranges = candles.map((c) => Number(c.high) / Number(c.low) - 1);
    const spreads = candles.map((c) => Number(c.spreadBps));
    const median = [...ranges].sort((a, b) => a - b)[Math.floor(ranges.length / 2)] ?? 0;
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const calm = spreads.filter((_, i) => (ranges[i] ?? 0) <= median);
    const wild = spreads.filter((_, i) => (ranges[i] ?? 0) > median);
    expect(avg(wild)).toBeGreaterThan(avg(calm));
  });

  it('leaves trading gaps: some candles are more than one interval apart', () => {
    const times = series('SOLTRY', 2, 10_000).map((c) => c.timeMs);
    const gaps = times.slice(1).filter((t, i) => t - (times[i] ?? t) > 60_000);
    expect(gaps.length).toBeGreaterThan(0);
  });
});

describe('candle CSV', () => {
  it('round-trips a generated series', () => {
    const candles = series('AVAXTRY', 4, 50);
    expect(parseCandleCsv(formatCandleCsv(candles, ['seed=4 symbol=AVAXTRY']))).toEqual(candles);
  });

  it('reads real data without a spread column', () => {
    const text = 'time_ms,open,high,low,close,volume\n1000,10,12,9,11,5.5\n2000,11,11,10,10.5,1\n';
    expect(parseCandleCsv(text)).toEqual([
      { timeMs: 1000, open: '10', high: '12', low: '9', close: '11', volume: '5.5', spreadBps: undefined },
      { timeMs: 2000, open: '11', high: '11', low: '10', close: '10.5', volume: '1', spreadBps: undefined },
    ]);
  });

  it('names the line of a bad row', () => {
    const text = '# comment\ntime_ms,open,high,low,close,volume\n1000,10,9,8,10,1\n';
    expect(() => parseCandleCsv(text, 'x.csv')).toThrow('x.csv:3');
    expect(() => parseCandleCsv('time_ms,open\n', 'y.csv')).toThrow('expected columns high, low, close, volume');
  });
});

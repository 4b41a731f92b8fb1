// Return statistics on a worked example: 1000 -> 1100 -> 990 -> 1089 is +10 %, -10 %, +10 %. Mean 1/30,
// sample standard deviation sqrt(0.04/3), downside deviation sqrt(0.01/3): per period Sharpe 1/(2 sqrt 3) and
// Sortino 1/sqrt 3; the peak 1100 falls to 990, a 10 % drawdown; the total return is 8.9 %.
import { describe, expect, it } from 'vitest';
import { EquityCurve, YEAR_SECONDS } from '../../../local/report/returns';
import { type Dec, dec } from '../../../shared/domain/money';

function statsOf(opening: string, equities: readonly string[], stepSeconds: number) {
  const curve = new EquityCurve(dec(opening), stepSeconds);
  for (const e of equities) curve.add(dec(e));
  return curve.stats();
}

const near = (x: Dec | null, expected: number) => {
  expect(x).not.toBeNull();
  expect(Math.abs(Number(x) - expected)).toBeLessThan(1e-12);
};

describe('EquityCurve', () => {
  it('gives the worked example its known total return, max drawdown, Sharpe and Sortino', () => {
    // one period per year: the annualisation factor is 1, so the ratios are the per-period ones
    const s = statsOf('1000', ['1100', '990', '1089'], YEAR_SECONDS);
    expect(s.totalReturnPct?.toFixed()).toBe('8.9');
    expect(s.maxDrawdownPct.toFixed()).toBe('10');
    expect(s.periods).toBe(3);
    near(s.sharpe, 1 / (2 * Math.sqrt(3)));
    near(s.sortino, 1 / Math.sqrt(3));
  });

  it('annualises by the square root of the cycles in a 365-day year', () => {
    const yearly = statsOf('1000', ['1100', '990', '1089'], YEAR_SECONDS);
    const perMinute = statsOf('1000', ['1100', '990', '1089'], 60);
    expect(perMinute.periodsPerYear.toFixed()).toBe('525600');
    near(perMinute.sharpe?.div(yearly.sharpe ?? dec('1')) ?? null, Math.sqrt(525_600));
    near(perMinute.sortino?.div(yearly.sortino ?? dec('1')) ?? null, Math.sqrt(525_600));
  });

  it('leaves Sharpe and Sortino undefined without two returns, without dispersion, or (Sortino) without a loss', () => {
    const one = statsOf('1000', ['1010'], 60);
    expect([one.sharpe, one.sortino]).toEqual([null, null]);
    const flat = statsOf('1000', ['1000', '1000', '1000'], 60);
    expect([flat.sharpe, flat.sortino, flat.maxDrawdownPct.toFixed()]).toEqual([null, null, '0']);
    const rising = statsOf('1000', ['1010', '1030', '1031'], 60);
    expect(rising.sharpe?.gt(0)).toBe(true);
    expect(rising.sortino).toBeNull();
  });

  it('measures the drawdown from the opening balance when the first cycle already lost', () => {
    const s = statsOf('1000', ['900', '950'], 60);
    expect(s.maxDrawdownPct.toFixed()).toBe('10');
    expect(s.totalReturnPct?.toFixed()).toBe('-5');
  });
});

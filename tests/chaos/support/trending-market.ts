// A market that moves enough for stage 4's lifecycle to replace orders: the simulator's own seeded GARCH
// candles with a steady trend on top. The baseline strategy rests one BUY at the bid of a flat symbol; in a
// rising market that BUY is left behind, drifts past lifecycle's 25 bps (or outlives TTL_SECONDS) and is
// replaced, cycle after cycle, while the noise still fills some of them.
import type { Candle } from '../../../local/market/candle';
import { generateCandles } from '../../../local/market/garch-generator';
import { pairPreset } from '../../../local/market/pairs';
import { ceilToStep, dec, floorToStep, maxDec } from '../../../shared/domain/money';

/**
 * One candle a minute for the first 40 minutes, past most schedules' cycles; then the feed holds its last
 * candle (the venue's quotes keep their server timestamps, so they never go stale) and the settle looks
 * watch a still market
 */
const CANDLES = 40;

/**
 * @param trendBps the price moves by this many basis points per candle, compounded
 */
export function trendingMarket(
  symbols: readonly string[],
  seed: number,
  startMs: number,
  trendBps: number,
): Record<string, Candle[]> {
  const market: Record<string, Candle[]> = {};
  for (const symbol of symbols) {
    const pair = pairPreset(symbol);
    const tick = dec(pair.tickSize);
    const candles = generateCandles({ pair, seed, startMs }, CANDLES);
    market[symbol] = candles.map((c, k) => {
      const factor = dec(String((1 + trendBps / 10_000) ** k));
      const at = (price: string, round: typeof floorToStep) =>
        maxDec(round(dec(price).mul(factor), tick), tick).toFixed(pair.denominatorScale);
      return {
        ...c,
        open: at(c.open, nearest),
        high: at(c.high, ceilToStep),
        low: at(c.low, floorToStep),
        close: at(c.close, nearest),
      };
    });
  }
  return market;
}

const nearest: typeof floorToStep = (x, step) => x.toNearest(step);

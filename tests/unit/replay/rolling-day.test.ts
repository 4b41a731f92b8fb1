// The 24 h ticker window of an import: at each bar's close, the high, low and volume of the bars that closed in
// the last 24 h, checked against a brute-force recomputation over a seeded random series (with uneven steps, so
// the window's size changes).
import { describe, expect, it } from 'vitest';
import { RollingDay } from '../../../local/replay/import/rolling-day';
import { Dec, maxDec, minDec, sumDec } from '../../../shared/domain/money';
import { createPrng } from '../../../shared/domain/prng';

const HOUR = 3600_000;

describe('RollingDay', () => {
  it('matches a brute-force window over 3 days of uneven bars', () => {
    const prng = createPrng(7, 'rolling-day');
    const day = new RollingDay();
    const bars: { closeMs: number; high: Dec; low: Dec; volume: Dec }[] = [];
    let t = 0;
    for (let i = 0; i < 600; i++) {
      t += (1 + prng.int(20)) * 6 * 60_000;
      const low = new Dec(1000 + prng.int(500));
      const bar = { closeMs: t, high: low.add(prng.int(50)), low, volume: new Dec(prng.int(1000)).div(100) };
      bars.push(bar);
      day.add(bar.closeMs, bar.high, bar.low, bar.volume);
      const window = bars.filter((b) => b.closeMs > t - 24 * HOUR);
      expect(day.high?.toFixed()).toBe(
        window
          .map((b) => b.high)
          .reduce(maxDec)
          .toFixed(),
      );
      expect(day.low?.toFixed()).toBe(
        window
          .map((b) => b.low)
          .reduce(minDec)
          .toFixed(),
      );
      expect(day.volume.toFixed()).toBe(sumDec(window.map((b) => b.volume)).toFixed());
    }
  });

  it('has no high or low before the first bar', () => {
    const day = new RollingDay();
    expect([day.high, day.low, day.volume.toFixed()]).toEqual([undefined, undefined, '0']);
  });
});

// The stage 7 risk marks (cycle-marks.ts): the peak equity the drawdown is measured from, the day-start mark
// and today's fees rolled at 00:00 UTC, and the stored record read back.
import { describe, expect, it } from 'vitest';
import {
  closingMarks,
  drawdownFromPeak,
  marksFromRecord,
  marksRecord,
  openingMarks,
  type Stage7Marks,
  type Stage7MarksRecord,
  valuationMarks,
} from '../../../../shared/application/stage7/cycle-marks';
import { CorruptStateError } from '../../../../shared/domain/errors';
import { dec, ZERO } from '../../../../shared/domain/money';
import type { Stage7RunMetricsRow } from '../../../../shared/ports/stage7-store';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 23, 58);
const START = dec('1000');
const row = (tsMs: number, netPnl: string): Stage7RunMetricsRow =>
  ({ tsMs, netPnlTry: dec(netPnl), equityTry: START.add(dec(netPnl)) }) as Stage7RunMetricsRow;

/** Runs cycles at `times` with these equities and fees, threading the marks as the cycle does */
function run(cycles: readonly { at: number; equity: string; fees: string }[]) {
  let kept: Stage7Marks | undefined;
  let latest: Stage7RunMetricsRow | undefined;
  const seen: { opening: Stage7Marks; closing: Stage7Marks }[] = [];
  for (const c of cycles) {
    const opening = openingMarks(kept, latest, c.at, START);
    const closing = closingMarks(opening, c.at, {
      equityTry: dec(c.equity),
      feesTry: dec(c.fees),
      held: [],
      marks: new Map(),
    });
    seen.push({ opening, closing });
    kept = marksFromRecord(marksRecord(closing));
    latest = row(c.at, dec(c.equity).sub(START).toFixed());
  }
  return seen;
}

describe('stage 7 risk marks', () => {
  it('keeps the last mark of each symbol held, and values a symbol the read missed there', () => {
    const opening = openingMarks(undefined, undefined, T0, START);
    const held = closingMarks(opening, T0, {
      equityTry: START,
      feesTry: ZERO,
      held: ['ETHTRY', 'BTCTRY'],
      marks: new Map([
        ['BTCTRY', dec('3000000')],
        ['ETHTRY', dec('100000')],
        ['XRPTRY', dec('20')],
      ]),
    });
    const stored = marksFromRecord(marksRecord(held));
    expect(marksRecord(stored).lastMarks).toEqual({ BTCTRY: '3000000', ETHTRY: '100000' });
    const next = openingMarks(stored, undefined, T0 + 60_000, START);
    const priced = valuationMarks(next, new Map([['ETHTRY', dec('101000')]]));
    expect([priced.get('BTCTRY')?.toFixed(), priced.get('ETHTRY')?.toFixed()]).toEqual(['3000000', '101000']);
    // sold out: nothing held, nothing kept
    const sold = closingMarks(next, T0 + 60_000, { equityTry: START, feesTry: ZERO, held: [], marks: priced });
    expect(sold.lastMarks.size).toBe(0);
  });

  it('measures the drawdown from the peak: 1000 -> 1100 -> 990 is 10 %, not 1 % from the start', () => {
    const seen = run([
      { at: T0, equity: '1000', fees: '0' },
      { at: T0 + 60_000, equity: '1100', fees: '0' },
      { at: T0 + 120_000, equity: '990', fees: '0' },
    ]);
    const last = seen[2]?.closing as Stage7Marks;
    expect([last.peakEquityTry.toFixed(), last.peakAtMs]).toEqual(['1100', T0 + 60_000]);
    expect(drawdownFromPeak(last, dec('990')).toFixed()).toBe('0.1');
    expect(drawdownFromPeak(last, dec('1200')).toFixed()).toBe('0');
  });

  it('keeps the day-start mark and today fees for any number of cycles, and rolls them at 00:00 UTC', () => {
    const dayStart = Date.UTC(2026, 0, 6);
    const cycles = [
      { at: T0, equity: '1000', fees: '1' },
      { at: T0 + 60_000, equity: '995', fees: '2' },
      ...Array.from({ length: 9 }, (_, i) => ({ at: dayStart + i * 60_000, equity: `${990 - i}`, fees: '0.5' })),
    ];
    const seen = run(cycles);
    expect(seen[1]?.closing.feesTodayTry.toFixed()).toBe('3');
    expect(seen[2]?.opening).toMatchObject({ dayMs: dayStart, feesTodayTry: ZERO });
    for (const [i, s] of seen.slice(2).entries()) {
      expect(s.opening.dayStart).toEqual({ atMs: T0 + 60_000, netPnlTry: dec('-5') });
      expect(s.closing.feesTodayTry.toFixed()).toBe(
        dec('0.5')
          .mul(i + 1)
          .toFixed(),
      );
    }
    // the next day: the last measurement of this one becomes the mark
    const next = openingMarks(seen.at(-1)?.closing, row(dayStart + 8 * 60_000, '-18'), dayStart + DAY, START);
    expect(next).toMatchObject({ dayStart: { atMs: dayStart + 8 * 60_000 }, feesTodayTry: ZERO });
  });

  it('refuses a stored record it cannot read', () => {
    const good = marksRecord(run([{ at: T0, equity: '1000', fees: '0' }])[0]?.closing as Stage7Marks);
    for (const bad of [
      { peakEquityTry: '1e3' },
      { dayMs: -1 },
      { dayStart: { atMs: 1, netPnlTry: 2 } },
      { lastMarks: { BTCTRY: '0' } },
      { lastMarks: { BTCTRY: 5 } },
      { lastMarks: null },
    ])
      expect(() => marksFromRecord({ ...good, ...bad } as unknown as Stage7MarksRecord)).toThrow(CorruptStateError);
  });
});

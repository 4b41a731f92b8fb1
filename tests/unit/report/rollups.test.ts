// Daily and weekly rollups: UTC days, ISO 8601 weeks (Monday first, week 1 holds the first Thursday), and the
// worked scenario's two days (+19.58 TRY then -20.38 TRY, fees 0.42 and 0.38).
import { describe, expect, it } from 'vitest';
import { dayKey, isoWeekKey, Rollup } from '../../../local/report/rollups';
import { recordsOf, SCENARIO } from './run-fixture';

describe('bucket keys', () => {
  it('names ISO weeks across year ends as ISO 8601 does', () => {
    const week = (iso: string) => isoWeekKey(Date.parse(iso));
    expect(week('2021-01-01T12:00:00Z')).toBe('2020-W53'); // a Friday: its Thursday is in 2020
    expect(week('2021-01-04T00:00:00Z')).toBe('2021-W01'); // the first Monday
    expect(week('2024-12-30T00:00:00Z')).toBe('2025-W01'); // a Monday whose Thursday is in 2025
    expect(week('2026-11-22T23:59:59Z')).toBe('2026-W47'); // Sunday ends a week
    expect(week('2026-11-23T00:00:00Z')).toBe('2026-W48');
    expect(dayKey(Date.parse('2026-11-22T23:59:59.999Z'))).toBe('2026-11-22');
  });
});

describe('Rollup', () => {
  it("folds the scenario's cycles into one row per day, PnL from the equity before each day", () => {
    const daily = new Rollup(dayKey);
    for (const r of recordsOf('1000', SCENARIO)) daily.add(r);
    const rows = daily.rows();
    expect(rows.map((r) => [r.bucket, r.cycles, r.equityEndTry, r.pnlTry, r.feesTry, r.turnoverTry])).toEqual([
      ['2026-11-22', 3, '1019.58', '19.58', '0.42', '420'],
      ['2026-11-23', 3, '999.2', '-20.38', '0.38', '380'],
    ]);
    expect(rows.map((r) => [r.fills, r.rejected, r.alertCycles, r.firstTs, r.lastTs])).toEqual([
      [2, 0, 0, '2026-11-22T23:57:00.000Z', '2026-11-22T23:59:00.000Z'],
      [2, 3, 1, '2026-11-23T00:00:00.000Z', '2026-11-23T00:02:00.000Z'],
    ]);
    expect(Number(rows[1]?.maxDrawdownRatio)).toBeCloseTo(20.6 / 1019.8, 12);
  });

  it('puts a whole run in one week when no Monday starts inside it', () => {
    const weekly = new Rollup(isoWeekKey);
    for (const r of recordsOf('1000', SCENARIO.slice(0, 3))) weekly.add(r);
    expect(weekly.rows().map((r) => [r.bucket, r.cycles, r.pnlTry])).toEqual([['2026-W47', 3, '19.58']]);
  });
});

// SLO status over a window of cycles: each check's pass, warn and fail against its thresholds (maxima above
// the limit, the fill rate below it), the window sliding past old cycles, and what cannot be measured.
import { describe, expect, it } from 'vitest';
import { evaluateSlo, type SloThresholds, SloWindow } from '../../../local/report/slo';
import { dec } from '../../../shared/domain/money';
import { recordsOf } from './run-fixture';

// spec 1.15's defaults, with a 2-cycle window
const T: SloThresholds = {
  lookback: 2,
  maxDrawdownRatio: { warn: dec('0.10'), fail: dec('0.20') },
  maxRejectRate: { warn: dec('0.05'), fail: dec('0.10') },
  minFillRate: { warn: dec('0.90'), fail: dec('0.80') },
};

const window = (w: Partial<Parameters<typeof evaluateSlo>[0]>) =>
  evaluateSlo({ cycles: 1, maxDrawdownRatio: dec('0'), submitted: 10, filled: 10, rejected: 0, canceled: 0, ...w }, T);
const statusOf = (w: Parameters<typeof window>[0], name: string) =>
  window(w).checks.find((c) => c.name === name)?.status;

describe('evaluateSlo', () => {
  it('rates the drawdown ratio: at the limit passes, above warn warns, above fail fails', () => {
    expect(statusOf({ maxDrawdownRatio: dec('0.10') }, 'drawdown_ratio')).toBe('pass');
    expect(statusOf({ maxDrawdownRatio: dec('0.15') }, 'drawdown_ratio')).toBe('warn');
    expect(statusOf({ maxDrawdownRatio: dec('0.21') }, 'drawdown_ratio')).toBe('fail');
  });

  it('rates the reject rate as rejected / (submitted + rejected + canceled)', () => {
    // 1 of 20 decided orders: 0.05
    expect(window({ submitted: 19, filled: 19, rejected: 1 }).checks[1]).toMatchObject({
      value: '0.05',
      status: 'pass',
    });
    // 2 of 25: 0.08
    expect(statusOf({ submitted: 20, filled: 20, rejected: 2, canceled: 3 }, 'reject_rate')).toBe('warn');
    expect(statusOf({ submitted: 1, filled: 1, rejected: 9 }, 'reject_rate')).toBe('fail');
  });

  it('rates the fill rate filled / submitted as a minimum, and does not measure it without a submitted order', () => {
    expect(statusOf({ submitted: 10, filled: 9 }, 'fill_rate')).toBe('pass');
    expect(statusOf({ submitted: 10, filled: 8 }, 'fill_rate')).toBe('warn');
    expect(statusOf({ submitted: 10, filled: 7 }, 'fill_rate')).toBe('fail');
    const none = window({ submitted: 0, filled: 0 });
    expect(none.checks[2]).toMatchObject({ value: null, status: 'not_measured' });
    expect(none.status).toBe('pass');
  });

  it('takes the worst check as the status and says latency is not measured', () => {
    const w = window({ maxDrawdownRatio: dec('0.15'), submitted: 10, filled: 7 });
    expect(w.status).toBe('fail');
    expect(w.checks[3]).toEqual({
      name: 'latency_p95_ms',
      value: null,
      warn: null,
      fail: null,
      status: 'not_measured',
      note: 'a run record carries no cycle latency',
    });
  });
});

describe('SloWindow', () => {
  it('forgets cycles older than the lookback', () => {
    const records = recordsOf('1000', [
      { ts: '2026-11-22T00:00:00.000Z', equityTry: '1000', marks: {}, submitted: 1, filled: 1, rejected: 5 },
      { ts: '2026-11-22T00:01:00.000Z', equityTry: '1000', marks: {}, submitted: 10, filled: 10 },
      { ts: '2026-11-22T00:02:00.000Z', equityTry: '1000', marks: {}, submitted: 10, filled: 10 },
    ]);
    const slo = new SloWindow(T);
    expect(records.map((r) => slo.add(r)).map((e) => [e.status, e.cycles])).toEqual([
      ['fail', 1],
      ['fail', 2],
      ['pass', 2],
    ]);
  });
});

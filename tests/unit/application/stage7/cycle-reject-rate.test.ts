// The reject rate the risk budget hashes (spec 4.4 step 10; cycle-metrics.ts rejectRateOf): the share of a
// cycle's decided OMS orders that ended REJECTED, read from the run-metrics row's counts.
import { describe, expect, it } from 'vitest';
import { rejectRateOf } from '../../../../shared/application/stage7/cycle-metrics';

const counts = (omsSubmitted: number, omsRejected: number, omsCanceled: number) => ({
  omsSubmitted,
  omsRejected,
  omsCanceled,
});

describe('stage 7 reject rate', () => {
  it('is rejected / (submitted + rejected + canceled): 1 of 4 decided orders is 0.25', () => {
    expect(rejectRateOf(counts(2, 1, 1)).toFixed()).toBe('0.25');
  });

  it('is 0 when no order was decided (nothing planned, or every order still throttled)', () => {
    expect(rejectRateOf(counts(0, 0, 0)).toFixed()).toBe('0');
  });

  it('stays a share in [0, 1] when every order is rejected (rejected / submitted would divide by 0)', () => {
    expect(rejectRateOf(counts(0, 3, 0)).toFixed()).toBe('1');
    expect(rejectRateOf(counts(1, 2, 0)).toFixed(4)).toBe('0.6667');
  });

  it('does not count a canceled order as rejected', () => {
    expect(rejectRateOf(counts(0, 0, 5)).toFixed()).toBe('0');
  });
});

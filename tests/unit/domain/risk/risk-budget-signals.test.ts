import { describe, expect, it } from 'vitest';
import { replayLedger } from '../../../../shared/domain/ledger/ledger-state';
import { type Dec, dec, toPlain } from '../../../../shared/domain/money';
import {
  consecutiveLosses,
  type PnlSnapshot,
  positionNotionals,
  volatilityRegime,
} from '../../../../shared/domain/risk/risk-budget-signals';
import { trade } from '../ledger/ledger-events';

const snapshots = (realized: string[]): PnlSnapshot[] =>
  realized.map((r) => ({ equityTry: dec('1000'), realizedTodayTry: dec(r) }));
const equities = (values: string[]): PnlSnapshot[] =>
  values.map((e) => ({ equityTry: dec(e), realizedTodayTry: dec('0') }));
const VOL = {
  STAGE7_VOL_LOOKBACK: 20,
  STAGE7_VOL_LOW_THRESHOLD: dec('0.0025'),
  STAGE7_VOL_HIGH_THRESHOLD: dec('0.02'),
};
const marks = (entries: Record<string, string>): ReadonlyMap<string, Dec> =>
  new Map(Object.entries(entries).map(([symbol, price]) => [symbol, dec(price)]));

describe('consecutive loss streak (spec 3.12)', () => {
  it('counts the newest snapshots in a row with realized today < 0, looking back at most the limit', () => {
    expect(consecutiveLosses(snapshots(['-1', '2', '-1', '-1']), 3)).toBe(2);
    expect(consecutiveLosses(snapshots(['-1', '-1', '-1', '-1', '-1']), 3)).toBe(3);
    expect(consecutiveLosses(snapshots(['-1', '-1', '0']), 3)).toBe(0);
    expect(consecutiveLosses([], 3)).toBe(0);
  });
});

describe('volatility regime (spec 3.12)', () => {
  it('needs six equities, else normal', () => {
    expect(volatilityRegime(equities(['100', '110', '100', '110', '100']), VOL)).toBe('normal');
    expect(volatilityRegime(equities(['100', '110', '100', '110', '100', '110']), VOL)).toBe('high');
  });

  it('classifies the population std-dev of log returns against the thresholds', () => {
    // constant: 0 <= 0.0025; +-0.1 % moves: ~0.001; +-1 % moves: ~0.00995; +-10 %: ~0.0953
    expect(volatilityRegime(equities(Array(6).fill('1000')), VOL)).toBe('low');
    expect(volatilityRegime(equities(['1000', '1001', '1000', '1001', '1000', '1001']), VOL)).toBe('low');
    expect(volatilityRegime(equities(['1000', '1010', '1000', '1010', '1000', '1010']), VOL)).toBe('normal');
    expect(volatilityRegime(equities(['100', '110', '100', '110', '100', '110']), VOL)).toBe('high');
  });

  it('reads only the last STAGE7_VOL_LOOKBACK equities', () => {
    const calmAfterStorm = equities(['100', '200', '100', '200', ...Array(6).fill('1000')]);
    expect(volatilityRegime(calmAfterStorm, { ...VOL, STAGE7_VOL_LOOKBACK: 6 })).toBe('low');
    expect(volatilityRegime(calmAfterStorm, VOL)).toBe('high');
  });

  it('takes returns only between positive equities', () => {
    expect(volatilityRegime(equities(['0', '0', '0', '0', '0', '0']), VOL)).toBe('normal');
    expect(volatilityRegime(equities(['0', '100', '110', '100', '110', '100']), VOL)).toBe('high');
  });
});

describe('position notionals (spec 3.12 gross exposure)', () => {
  const state = replayLedger([
    ...trade('BUY', '2', '100'),
    ...trade('BUY', '1', '50', { symbol: 'ETHTRY' }),
    ...trade('BUY', '1', '10', { symbol: 'BTCUSDT' }),
  ]);

  it('values each held symbol at its mark in TRY, at its lot cost without a positive mark', () => {
    const valuation = positionNotionals(state, marks({ BTCTRY: '130', ETHTRY: '0', USDTTRY: '35' }));
    expect(valuation.positions.map((p) => [p.symbol, toPlain(p.notionalTry)])).toEqual([
      ['BTCTRY', '260'],
      ['ETHTRY', '50'],
      ['BTCUSDT', '350'],
    ]);
    expect(valuation.unvalued).toEqual([]);
  });

  it('lists a symbol whose quote has no TRY rate instead of valuing it at 0', () => {
    const valuation = positionNotionals(state, marks({ BTCTRY: '130', ETHTRY: '60', BTCUSDT: '11' }));
    expect(valuation.positions.map((p) => p.symbol)).toEqual(['BTCTRY', 'ETHTRY']);
    expect(valuation.unvalued).toEqual(['BTCUSDT']);
  });

  it('leaves out symbols with no lots left', () => {
    const sold = replayLedger([...trade('BUY', '1', '100'), ...trade('SELL', '1', '120')]);
    expect(positionNotionals(sold, marks({ BTCTRY: '130' })).positions).toEqual([]);
  });
});

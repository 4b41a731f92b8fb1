import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { DAY_MS, replayLedger } from '../../../../shared/domain/ledger/ledger-state';
import { type Dec, dec, toPlain } from '../../../../shared/domain/money';
import {
  computeRiskBudget,
  type RiskBudgetInputs,
  type RiskBudgetSettings,
} from '../../../../shared/domain/risk/risk-budget';
import { DAY0, historyArb, trade } from '../ledger/ledger-events';

const NOW = DAY0 + 3_600_000;
const SETTINGS: RiskBudgetSettings = {
  RISK_MAX_DAILY_DRAWDOWN_TRY: dec('1000'),
  RISK_MAX_DRAWDOWN_TRY: dec('3000'),
  RISK_MAX_GROSS_EXPOSURE_TRY: dec('10000'),
  RISK_MAX_POSITION_PCT: dec('0.30'),
  RISK_MAX_FEE_TRY_PER_DAY: undefined,
  STAGE7_MAX_CONSECUTIVE_LOSSES: 3,
  STAGE7_VOL_LOOKBACK: 20,
  STAGE7_VOL_LOW_THRESHOLD: dec('0.0025'),
  STAGE7_VOL_HIGH_THRESHOLD: dec('0.02'),
};
const marks = (entries: Record<string, string>): ReadonlyMap<string, Dec> =>
  new Map(Object.entries(entries).map(([symbol, price]) => [symbol, dec(price)]));

// 1 BTC bought today at 100 with a 0.1 TRY fee, marked at 130, 1000 TRY cash: equity 1130
const inputs = (overrides: Partial<RiskBudgetInputs> = {}): RiskBudgetInputs => ({
  nowMs: NOW,
  liveMode: true,
  killSwitchActive: false,
  ledger: replayLedger(trade('BUY', '1', '100', { fee: '0.1' })),
  marks: marks({ BTCTRY: '130' }),
  cashTry: dec('1000'),
  eligibleSymbols: ['BTCTRY'],
  tradingCapitalTry: dec('1000'),
  snapshots: [],
  stored: undefined,
  ...overrides,
});
const run = (overrides: Partial<RiskBudgetInputs> = {}, settings: Partial<RiskBudgetSettings> = {}) =>
  computeRiskBudget(inputs(overrides), { ...SETTINGS, ...settings });
const verdict = (overrides: Partial<RiskBudgetInputs> = {}, settings: Partial<RiskBudgetSettings> = {}) => {
  const d = run(overrides, settings);
  return [d.mode, d.reasons, toPlain(d.multiplier)];
};
const peak = (peakEquityTry: string, peakEquityAtMs = DAY0) => ({
  stored: { peakEquityTry: dec(peakEquityTry), peakEquityAtMs, feesDayStartMs: DAY0, feesTodayTry: dec('0') },
});
const losingSnapshots = Array.from({ length: 3 }, () => ({ equityTry: dec('1000'), realizedTodayTry: dec('-1') }));

describe('risk budget signals (spec 3.12)', () => {
  it('reads equity, exposure, position share and fees today from the ledger at the marks', () => {
    const s = run().signals;
    expect(
      [s.equityTry, s.peakEquityTry, s.drawdownTry, s.dailyPnlTry, s.grossExposureTry, s.feesTodayTry].map(toPlain),
    ).toEqual(['1130', '1130', '0', '0', '130', '0.1']);
    expect(s.largestPositionPct.toFixed(6)).toBe('0.115044');
    expect([s.consecutiveLosses, s.volatility, s.missingMarkSymbols, s.feeConversionMissing]).toEqual([
      0,
      'normal',
      [],
      [],
    ]);
  });

  it('keeps a higher stored peak with its date and raises a lower one to the equity, dated now', () => {
    const kept = run(peak('2000', DAY0 - 5)).state;
    expect([toPlain(kept.peakEquityTry), kept.peakEquityAtMs]).toEqual(['2000', DAY0 - 5]);
    expect(toPlain(run(peak('2000')).signals.drawdownTry)).toBe('870');
    const raised = run(peak('1000', DAY0 - 5)).state;
    expect([toPlain(raised.peakEquityTry), raised.peakEquityAtMs]).toEqual(['1130', NOW]);
    const first = run().state;
    expect([toPlain(first.peakEquityTry), first.peakEquityAtMs]).toEqual(['1130', NOW]);
  });

  it('tracks the fees of the current UTC day only', () => {
    expect([run().state.feesDayStartMs, toPlain(run().state.feesTodayTry)]).toEqual([DAY0, '0.1']);
    const tomorrow = run({ nowMs: NOW + DAY_MS }).state;
    expect([tomorrow.feesDayStartMs, toPlain(tomorrow.feesTodayTry)]).toEqual([DAY0 + DAY_MS, '0']);
  });

  it('refuses a negative cash, capital or stored peak, naming it', () => {
    expect(() => run({ cashTry: dec('-1') })).toThrow(ValidationError);
    expect(() => run({ cashTry: dec('-1') })).toThrow(/cashTry/);
    expect(() => run(peak('-5'))).toThrow(/stored.peakEquityTry/);
    expect(() => run({ tradingCapitalTry: dec('-0.01') })).toThrow(/tradingCapitalTry/);
    expect(() => run({ nowMs: -1 })).toThrow(/nowMs/);
  });
});

describe('risk budget mode precedence (spec 3.12)', () => {
  it('1. the kill switch observes only, before any other rule', () => {
    expect(verdict({ killSwitchActive: true, eligibleSymbols: ['ETHTRY'] })).toEqual([
      'OBSERVE_ONLY',
      ['kill_switch_active'],
      '0',
    ]);
    expect(run({ killSwitchActive: true }).decisions).toEqual([
      { layer: 'risk_budget', code: 'kill_switch_active', action: 'BLOCK', scope: 'global' },
    ]);
  });

  it('2. live, a held or eligible symbol without a positive mark observes only and counts them', () => {
    expect(verdict({ eligibleSymbols: ['BTCTRY', 'ETHTRY'] })).toEqual([
      'OBSERVE_ONLY',
      ['mark_price_missing_fail_closed', 'missing_symbols_count=1'],
      '0',
    ]);
    const held = run({ eligibleSymbols: ['ETHTRY'], marks: marks({ BTCTRY: '0' }) });
    expect([held.reasons, held.signals.missingMarkSymbols]).toEqual([
      ['mark_price_missing_fail_closed', 'missing_symbols_count=2'],
      ['BTCTRY', 'ETHTRY'],
    ]);
    expect(verdict({ eligibleSymbols: ['BTCTRY', 'ETHTRY'], liveMode: false })).toEqual(['NORMAL', ['OK'], '1']);
  });

  it('2. live, a held symbol whose quote has no TRY rate counts as unmarked (its exposure is unknown)', () => {
    const ledger = replayLedger(trade('BUY', '1', '10', { symbol: 'BTCUSDT' }));
    expect(verdict({ ledger, marks: marks({ BTCTRY: '130', BTCUSDT: '11' }) })[1]).toEqual([
      'mark_price_missing_fail_closed',
      'missing_symbols_count=1',
    ]);
    expect(verdict({ ledger, marks: marks({ BTCTRY: '130', BTCUSDT: '11', USDTTRY: '35' }) })[0]).toBe('NORMAL');
  });

  it('3. a fee asset without a TRY rate reduces risk, multiplier at most 0.25, before the drawdown rule', () => {
    const ledger = replayLedger(trade('BUY', '1', '100', { fee: '2', feeAsset: 'USDT' }));
    expect(verdict({ ledger })).toEqual(['REDUCE_RISK_ONLY', ['fee_conversion_missing_rate'], '0.25']);
    expect(verdict({ ledger, ...peak('10000') })[1]).toEqual(['fee_conversion_missing_rate']);
    expect(verdict({ ledger, marks: marks({ BTCTRY: '130', USDTTRY: '35' }) })[0]).toBe('NORMAL');
  });

  it('5a. drawdown >= RISK_MAX_DRAWDOWN_TRY observes only', () => {
    expect(verdict(peak('4130'))).toEqual(['OBSERVE_ONLY', ['DRAWDOWN_LIMIT'], '0']);
    expect(verdict(peak('4129.99'))[0]).toBe('NORMAL');
  });

  it('5a. daily pnl <= -RISK_MAX_DAILY_DRAWDOWN_TRY observes only', () => {
    const day = (sellPrice: string) => ({
      ledger: replayLedger([...trade('BUY', '10', '200'), ...trade('SELL', '10', sellPrice)]),
      cashTry: dec('5000'),
    });
    expect(toPlain(run(day('100')).signals.dailyPnlTry)).toBe('-1000');
    expect(verdict(day('100'))).toEqual(['OBSERVE_ONLY', ['DRAWDOWN_LIMIT'], '0']);
    expect(verdict(day('100.01'))[0]).toBe('NORMAL');
  });

  it('5b. gross exposure above RISK_MAX_GROSS_EXPOSURE_TRY reduces risk', () => {
    expect(verdict({}, { RISK_MAX_GROSS_EXPOSURE_TRY: dec('129.99') })).toEqual([
      'REDUCE_RISK_ONLY',
      ['EXPOSURE_LIMIT'],
      '0.5',
    ]);
    expect(verdict({}, { RISK_MAX_GROSS_EXPOSURE_TRY: dec('130') })[0]).toBe('NORMAL');
  });

  it('5b. the largest position above RISK_MAX_POSITION_PCT of equity reduces risk', () => {
    // 700 cash + 1 BTC at 300 = 1000 equity: 30 % exactly is within the limit
    expect(verdict({ cashTry: dec('700'), marks: marks({ BTCTRY: '300' }) })[0]).toBe('NORMAL');
    expect(verdict({ cashTry: dec('700'), marks: marks({ BTCTRY: '300.01' }) })).toEqual([
      'REDUCE_RISK_ONLY',
      ['EXPOSURE_LIMIT'],
      '0.5',
    ]);
  });

  it('5c. fees today above RISK_MAX_FEE_TRY_PER_DAY reduce risk; unset is no budget', () => {
    expect(verdict({}, { RISK_MAX_FEE_TRY_PER_DAY: dec('0.09') })).toEqual(['REDUCE_RISK_ONLY', ['FEE_BUDGET'], '0.5']);
    expect(verdict({}, { RISK_MAX_FEE_TRY_PER_DAY: dec('0.1') })[0]).toBe('NORMAL');
    expect(verdict({ nowMs: NOW + DAY_MS }, { RISK_MAX_FEE_TRY_PER_DAY: dec('0.09') })[0]).toBe('NORMAL');
  });

  it('5d. otherwise NORMAL with reason OK', () => {
    expect(verdict()).toEqual(['NORMAL', ['OK'], '1']);
    expect(run().decisions).toEqual([{ layer: 'risk_budget', code: 'OK', action: 'ACCEPT', scope: 'global' }]);
  });
});

describe('risk budget multiplier (spec 3.11, 3.12)', () => {
  it('takes the budget view multiplier without changing the mode', () => {
    const d = run({ snapshots: losingSnapshots });
    expect([d.mode, toPlain(d.multiplier), d.signals.consecutiveLosses]).toEqual(['NORMAL', '0.5', 3]);
    expect(d.decisions.map((x) => [x.code, x.action])).toEqual([
      ['OK', 'ACCEPT'],
      ['consecutive_losses', 'SCALE'],
    ]);
  });

  it('a halt of the budget view drives the multiplier to 0 even in NORMAL', () => {
    // realized today -100 <= -5 % of 1000 capital, far from the 1000 TRY daily limit of 3.12
    const ledger = replayLedger([...trade('BUY', '1', '200'), ...trade('SELL', '1', '100')]);
    const d = run({ ledger, cashTry: dec('1000') });
    expect([d.mode, toPlain(d.multiplier), d.budget.reasons]).toEqual(['NORMAL', '0', ['daily_loss_limit']]);
  });

  it('caps it at 0.5 in REDUCE_RISK_ONLY and keeps a lower view multiplier', () => {
    const volatile = ['100', '110', '100', '110', '100', '110'].map((e) => ({
      equityTry: dec(e),
      realizedTodayTry: dec('0'),
    }));
    const reduce = { RISK_MAX_GROSS_EXPOSURE_TRY: dec('1') };
    expect(verdict({}, reduce)[2]).toBe('0.5');
    const d = run({ snapshots: volatile }, reduce);
    expect([d.signals.volatility, toPlain(d.multiplier)]).toEqual(['high', '0.25']);
  });

  it('is 0 whenever the mode is OBSERVE_ONLY, never above 0.5 in REDUCE_RISK_ONLY (property)', () => {
    const symbols = ['BTCTRY', 'ETHTRY', 'BTCUSDT', 'USDTTRY'] as const;
    const amount = (max: number) => fc.integer({ min: 0, max }).map((n) => dec(String(n)).div(100));
    const markArb = fc.dictionary(fc.constantFrom(...symbols), amount(500_000), { maxKeys: 4 });
    const snapshotArb = fc.record({
      equityTry: amount(500_000),
      realizedTodayTry: amount(20_000).map((x) => x.sub(100)),
    });
    fc.assert(
      fc.property(
        historyArb(8),
        markArb,
        fc.record({
          liveMode: fc.boolean(),
          killSwitchActive: fc.boolean(),
          cashTry: amount(1_000_000),
          tradingCapitalTry: amount(1_000_000),
          eligibleSymbols: fc.subarray([...symbols]),
          snapshots: fc.array(snapshotArb, { maxLength: 8 }),
          stored: fc.option(amount(1_000_000), { nil: undefined }),
        }),
        (events, markEntries, { stored, ...r }) => {
          const d = run({
            ...r,
            ledger: replayLedger(events),
            marks: new Map(Object.entries(markEntries)),
            nowMs: DAY0 + 2 * DAY_MS,
            ...(stored === undefined ? {} : peak(stored.toFixed())),
          });
          if (d.mode === 'OBSERVE_ONLY') expect(d.multiplier.isZero()).toBe(true);
          if (d.mode === 'REDUCE_RISK_ONLY') expect(d.multiplier.lte('0.5')).toBe(true);
          if (d.reasons.includes('fee_conversion_missing_rate')) expect(d.multiplier.lte('0.25')).toBe(true);
          expect(d.multiplier.gte(0) && d.multiplier.lte(d.budget.multiplier)).toBe(true);
          expect(d.state.peakEquityTry.gte(d.signals.equityTry)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

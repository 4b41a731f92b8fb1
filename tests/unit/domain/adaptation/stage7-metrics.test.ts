// Stage 7 per-cycle metrics and flags (spec 4.14): every flag at its threshold, the no-trades reasons in
// their order, the planning diagnostics, the refusals, determinism
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coercePlanningDisabledReason,
  type PlanningInput,
  planningDiagnostics,
} from '../../../../shared/domain/adaptation/planning-diagnostics';
import {
  ALERT_FLAGS,
  countIntents,
  cycleMetrics,
  QUALITY_FLAGS,
  type Stage7CycleCounts,
  type Stage7CycleObservation,
  setFlags,
} from '../../../../shared/domain/adaptation/stage7-metrics';
import { ValidationError } from '../../../../shared/domain/errors';
import { canonicalJson } from '../../../../shared/domain/hashing';
import { dec } from '../../../../shared/domain/money';
import type { Mode } from '../../../../shared/domain/risk/mode';

// the knob defaults (shared/config/knobs.ts)
const settings = {
  STAGE7_MAX_DATA_AGE_SEC: 60,
  STAGE7_SPREAD_SPIKE_BPS: dec('300'),
  STAGE7_MAX_DRAWDOWN_PCT: dec('0.25'),
  STAGE7_REJECT_SPIKE_THRESHOLD: 3,
  STAGE7_RETRY_ALERT_THRESHOLD: 5,
};

const counts = (over: Partial<Stage7CycleCounts> = {}): Stage7CycleCounts => ({
  planned: 2,
  skipped: 1,
  omsSubmitted: 2,
  omsFilled: 2,
  omsRejected: 0,
  omsCanceled: 0,
  throttledEvents: 0,
  retryEvents: 0,
  retryGiveups: 0,
  missingMarkDecisions: 0,
  ...over,
});

const obs = (over: Partial<Stage7CycleObservation> = {}): Stage7CycleObservation => ({
  counts: counts(),
  dataAgeSec: 0,
  spreadBps: dec('12.5'),
  maxDrawdownRatio: dec('0.01'),
  finalMode: 'NORMAL',
  killSwitch: false,
  backtest: false,
  ...over,
});

const metrics = (over: Partial<Stage7CycleObservation> = {}) => cycleMetrics(obs(over), settings);
const quality = (over: Partial<Stage7CycleObservation>) => setFlags(metrics(over).qualityFlags, QUALITY_FLAGS);
const alerts = (over: Partial<Stage7CycleObservation>) => setFlags(metrics(over).alertFlags, ALERT_FLAGS);

describe('a healthy cycle', () => {
  it('has every flag present and false, no no-trades or no-metrics reason, drawdown pct = ratio x 100', () => {
    const m = metrics();
    expect(Object.keys(m.qualityFlags).sort()).toEqual([...QUALITY_FLAGS].sort());
    expect(Object.keys(m.alertFlags).sort()).toEqual([...ALERT_FLAGS].sort());
    expect(setFlags(m.qualityFlags, QUALITY_FLAGS)).toEqual([]);
    expect(setFlags(m.alertFlags, ALERT_FLAGS)).toEqual([]);
    expect([m.noTradesReason, m.noMetricsReason]).toEqual([null, null]);
    expect(m.maxDrawdownPct.eq(1)).toBe(true);
  });
});

describe('quality flags (spec 4.14)', () => {
  it('stale_data when the data age is above STAGE7_MAX_DATA_AGE_SEC, not at it', () => {
    expect(quality({ dataAgeSec: 60 })).toEqual([]);
    expect(quality({ dataAgeSec: 61 })).toEqual(['stale_data']);
  });

  it('spread_spike from STAGE7_SPREAD_SPIKE_BPS on (>=)', () => {
    expect(quality({ spreadBps: dec('299.99') })).toEqual([]);
    expect(quality({ spreadBps: dec('300') })).toEqual(['spread_spike']);
  });

  it('missing_mark_price, throttled, retry_scheduled, retry_giveup from one decision or event', () => {
    expect(quality({ counts: counts({ missingMarkDecisions: 1 }) })).toEqual(['missing_mark_price']);
    expect(quality({ counts: counts({ throttledEvents: 1 }) })).toEqual(['throttled']);
    expect(quality({ counts: counts({ retryEvents: 1 }) })).toEqual(['retry_scheduled']);
    expect(quality({ counts: counts({ retryGiveups: 1 }) })).toEqual(['retry_giveup']);
  });

  it('blocked_exchange_writes with the kill switch, simulated_execution in a backtest', () => {
    expect(quality({ killSwitch: true })).toEqual(['blocked_exchange_writes']);
    expect(quality({ backtest: true })).toEqual(['simulated_execution']);
  });
});

describe('alert flags (spec 4.14)', () => {
  it('drawdown_breach when the ledger drawdown ratio reaches STAGE7_MAX_DRAWDOWN_PCT (a ratio)', () => {
    expect(alerts({ maxDrawdownRatio: dec('0.2499') })).toEqual([]);
    expect(alerts({ maxDrawdownRatio: dec('0.25') })).toEqual(['drawdown_breach']);
  });

  it('reject_spike from STAGE7_REJECT_SPIKE_THRESHOLD rejects on', () => {
    expect(alerts({ counts: counts({ omsRejected: 2 }) })).toEqual([]);
    expect(alerts({ counts: counts({ omsRejected: 3 }) })).toEqual(['reject_spike']);
  });

  it('retry_excess from STAGE7_RETRY_ALERT_THRESHOLD retries on', () => {
    expect(alerts({ counts: counts({ retryEvents: 4 }) })).toEqual([]);
    expect(alerts({ counts: counts({ retryEvents: 5 }) })).toEqual(['retry_excess']);
  });

  it('missing_data, throttled and retry_giveup from one decision or event', () => {
    expect(alerts({ counts: counts({ missingMarkDecisions: 2 }) })).toEqual(['missing_data']);
    expect(alerts({ counts: counts({ throttledEvents: 1 }) })).toEqual(['throttled']);
    expect(alerts({ counts: counts({ retryGiveups: 1 }) })).toEqual(['retry_giveup']);
  });
});

describe('no-trades and no-metrics reasons (spec 4.14)', () => {
  it('NO_TRADE_PLANNING first, even when observe-only or killed; NO_TRADES when nothing planned or submitted', () => {
    const m = metrics({ counts: counts({ planned: 0, omsSubmitted: 0 }), finalMode: 'OBSERVE_ONLY', killSwitch: true });
    expect([m.noTradesReason, m.noMetricsReason]).toEqual(['NO_TRADE_PLANNING', 'NO_TRADES']);
  });

  it('no NO_TRADES metrics reason while earlier orders are still submitted', () => {
    expect(metrics({ counts: counts({ planned: 0, omsSubmitted: 1 }) }).noMetricsReason).toBeNull();
  });

  it('MODE_OBSERVE_ONLY before the kill switch', () => {
    expect(metrics({ finalMode: 'OBSERVE_ONLY', killSwitch: true }).noTradesReason).toBe('MODE_OBSERVE_ONLY');
  });

  it('KILL_SWITCH outside backtests; in a backtest the kill switch explains nothing', () => {
    expect(metrics({ killSwitch: true }).noTradesReason).toBe('KILL_SWITCH');
    expect(metrics({ killSwitch: true, backtest: true }).noTradesReason).toBeNull();
    expect(metrics({ killSwitch: true, backtest: true, counts: counts({ omsFilled: 0 }) }).noTradesReason).toBe(
      'NO_FILLS',
    );
  });

  it('NO_FILLS when something was planned and nothing filled; REDUCE_RISK_ONLY is no reason by itself', () => {
    expect(metrics({ counts: counts({ omsFilled: 0 }) }).noTradesReason).toBe('NO_FILLS');
    expect(metrics({ finalMode: 'REDUCE_RISK_ONLY' }).noTradesReason).toBeNull();
  });

  it('holds the priority order for any counts and mode', () => {
    const arb = fc.record({
      planned: fc.nat(3),
      filled: fc.nat(3),
      mode: fc.constantFrom<Mode>('NORMAL', 'REDUCE_RISK_ONLY', 'OBSERVE_ONLY'),
      killSwitch: fc.boolean(),
      backtest: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const r = metrics({
          counts: counts({ planned: a.planned, omsFilled: a.filled }),
          finalMode: a.mode,
          killSwitch: a.killSwitch,
          backtest: a.backtest,
        }).noTradesReason;
        const expected =
          a.planned === 0
            ? 'NO_TRADE_PLANNING'
            : a.mode === 'OBSERVE_ONLY'
              ? 'MODE_OBSERVE_ONLY'
              : a.killSwitch && !a.backtest
                ? 'KILL_SWITCH'
                : a.filled === 0
                  ? 'NO_FILLS'
                  : null;
        return r === expected;
      }),
    );
  });
});

describe('refusals', () => {
  it('refuses a negative or fractional count, naming it', () => {
    expect(() => metrics({ counts: counts({ omsRejected: -1 }) })).toThrow(
      /counts\.omsRejected: expected an integer >= 0/,
    );
    expect(() => metrics({ counts: counts({ retryEvents: 1.5 }) })).toThrow(ValidationError);
  });

  it('refuses a negative or non-finite data age', () => {
    expect(() => metrics({ dataAgeSec: -1 })).toThrow(/dataAgeSec/);
    expect(() => metrics({ dataAgeSec: Number.POSITIVE_INFINITY })).toThrow(/dataAgeSec/);
  });

  it('refuses a non-finite spread and a negative drawdown', () => {
    expect(() => metrics({ spreadBps: dec('1').div(0) })).toThrow(/spreadBps/);
    expect(() => metrics({ maxDrawdownRatio: dec('-0.1') })).toThrow(/maxDrawdownRatio/);
  });
});

describe('determinism', () => {
  it('gives byte-identical output for the same observation', () => {
    const encode = (o: Stage7CycleObservation) => {
      const m = cycleMetrics(o, settings);
      return canonicalJson({
        ...m,
        counts: { ...m.counts },
        qualityFlags: { ...m.qualityFlags },
        alertFlags: { ...m.alertFlags },
      });
    };
    const o = obs({ counts: counts({ throttledEvents: 2, omsRejected: 4 }), spreadBps: dec('301') });
    expect(encode(o)).toBe(
      encode(obs({ counts: counts({ throttledEvents: 2, omsRejected: 4 }), spreadBps: dec('301') })),
    );
  });
});

describe('countIntents', () => {
  it('counts planned (not skipped) and skipped intents', () => {
    expect(countIntents([{ skipped: false }, { skipped: true }, { skipped: false }])).toEqual({
      planned: 2,
      skipped: 1,
    });
  });
});

const planning = (over: Partial<PlanningInput> = {}): PlanningInput => ({
  strategyEnabled: true,
  dryRun: true,
  killSwitch: false,
  backtest: false,
  universeCount: 2,
  markCount: 2,
  turnoverCapTry: dec('1000'),
  planActionCount: 2,
  intents: [],
  ...over,
});

describe('planning diagnostics (spec 4.14)', () => {
  it('is enabled with no disabled reason when an intent is planned; skip reasons sorted with counts', () => {
    const d = planningDiagnostics(
      planning({
        intents: [
          { skipped: false },
          { skipped: true, skipReason: 'qty_rounds_to_zero' },
          { skipped: true, skipReason: 'RISK_CAP_MAX_ORDERS' },
          { skipped: true, skipReason: 'RISK_CAP_MAX_ORDERS' },
        ],
      }),
    );
    expect([d.planningEnabled, d.planningDisabledReason, d.planned, d.skipped]).toEqual([true, null, 1, 3]);
    expect(Object.entries(d.skipReasons)).toEqual([
      ['RISK_CAP_MAX_ORDERS', 2],
      ['qty_rounds_to_zero', 1],
    ]);
    expect(d.riskRejections).toBe(2);
  });

  it('names why nothing was planned, first that holds', () => {
    const reason = (over: Partial<PlanningInput>) => planningDiagnostics(planning(over)).planningDisabledReason;
    expect(reason({ strategyEnabled: false })).toBe('STRATEGY_DISABLED');
    expect(reason({ universeCount: 0 })).toBe('DATA_UNAVAILABLE');
    expect(reason({ markCount: 0, turnoverCapTry: dec('0') })).toBe('DATA_UNAVAILABLE');
    expect(reason({ turnoverCapTry: dec('0') })).toBe('BUDGET_ZERO');
    expect(reason({ intents: [{ skipped: true, skipReason: 'RISK_SUBMIT_DISABLED' }] })).toBe(
      'ALL_INTENTS_REJECTED_BY_RISK',
    );
    expect(
      reason({
        intents: [
          { skipped: true, skipReason: 'min_notional' },
          { skipped: true, skipReason: 'MIN_NOTIONAL' },
        ],
      }),
    ).toBe('MIN_NOTIONAL_ALL_REJECTED');
    expect(reason({ intents: [{ skipped: true, skipReason: 'qty_rounds_to_zero' }] })).toBe('UNKNOWN');
    expect(reason({})).toBe('UNKNOWN');
  });

  it('reads a stored reason back: known kept, unknown -> UNKNOWN, empty -> none', () => {
    expect(coercePlanningDisabledReason('BUDGET_ZERO')).toBe('BUDGET_ZERO');
    expect(coercePlanningDisabledReason('SOMETHING_NEW')).toBe('UNKNOWN');
    expect(coercePlanningDisabledReason('')).toBeNull();
    expect(coercePlanningDisabledReason(null)).toBeNull();
  });
});

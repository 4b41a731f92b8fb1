// Invariants of the stage 7 risk budget v2 (spec 4.4) over random inputs, settings and previous decisions:
// risk only tightens (caps never above the start, worse inputs never a milder mode), the reasons are a
// de-duplicated, ordered list, the allow flags follow the mode, a running cooldown is never extended, and the
// decision is a deterministic function of its arguments.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashCanonical } from '../../../../shared/domain/hashing';
import { type Dec, dec, minDec } from '../../../../shared/domain/money';
import { MODES, type Mode, modeSeverity } from '../../../../shared/domain/risk/mode';
import {
  decideStage7RiskBudget,
  STAGE7_BUDGET_REASONS,
  type Stage7RiskBudgetSettings,
  type Stage7RiskDecision,
  type Stage7RiskInputs,
} from '../../../../shared/domain/risk/stage7-risk-budget';
import { stage7RiskDecisionRecord } from '../../../../shared/domain/risk/stage7-risk-budget-record';

const RUNS = { numRuns: 300 };
const NOW = 1_704_067_200_000;

/** A decimal with up to 2 decimals in [min, max] (in hundredths) */
const amount = (min: number, max: number) => fc.integer({ min, max }).map((n) => dec(String(n)).div(100));
const ratio = fc.integer({ min: 0, max: 10_000 }).map((n) => dec(String(n)).div(10_000));
const age = fc.integer({ min: 0, max: 200_000 });

const previousArb = fc.option(
  fc.record({
    mode: fc.constantFrom(...MODES),
    cooldownUntilMs: fc.option(fc.integer({ min: NOW - 1_000_000, max: NOW + 1_000_000 }), { nil: undefined }),
  }),
  { nil: undefined },
);

const inputsArb: fc.Arbitrary<Stage7RiskInputs> = fc.record({
  killSwitch: fc.boolean(),
  exchangeDegraded: fc.boolean(),
  marketDataAgeMs: age,
  staleAgeMs: age,
  dailyPnlTry: amount(-100_000, 100_000),
  drawdownRatio: ratio,
  feeBurnTodayTry: amount(0, 30_000),
  spreadBps: amount(0, 80_000),
  quoteVolumeTry: amount(0, 10_000_000),
  rejectRate: ratio,
  exposureHash: fc.constantFrom('0'.repeat(64), 'a'.repeat(64)),
  previous: previousArb,
});

const settingsArb: fc.Arbitrary<Stage7RiskBudgetSettings> = fc.record({
  MAX_ORDER_NOTIONAL_TRY: amount(0, 500_000),
  NOTIONAL_CAP_TRY_PER_CYCLE: amount(0, 500_000),
  MAX_ORDERS_PER_CYCLE: fc.integer({ min: 0, max: 20 }),
  MAX_SYMBOL_EXPOSURE_TRY: amount(0, 1_000_000),
  RISK_COOLDOWN_SEC: fc.integer({ min: 0, max: 3600 }),
  STAGE7_MAX_DATA_AGE_SEC: fc.integer({ min: 1, max: 180 }),
  DAILY_LOSS_LIMIT_TRY: amount(0, 100_000),
  MAX_DRAWDOWN_BPS: fc.integer({ min: 0, max: 10_000 }).map((n) => dec(String(n))),
  FEE_BURN_LIMIT_TRY: amount(0, 30_000),
  HIGH_VOL_THRESHOLD_BPS: amount(0, 40_000),
});

const worse = (d: Stage7RiskDecision, than: Stage7RiskDecision) => modeSeverity(d.mode) >= modeSeverity(than.mode);
const lte = (a: Dec, b: Dec) => a.lte(b);

describe('stage 7 risk budget invariants', () => {
  it('caps never exceed the start caps; allow flags follow the mode; the limits are the settings', () => {
    fc.assert(
      fc.property(inputsArb, settingsArb, (inputs, s) => {
        const d = decideStage7RiskBudget(inputs, NOW, s);
        expect(lte(d.maxOrderNotionalTry, minDec(s.MAX_ORDER_NOTIONAL_TRY, s.NOTIONAL_CAP_TRY_PER_CYCLE))).toBe(true);
        expect(d.maxOrdersPerCycle).toBeLessThanOrEqual(s.MAX_ORDERS_PER_CYCLE);
        expect(d.maxOrdersPerCycle).toBeGreaterThanOrEqual(Math.min(1, s.MAX_ORDERS_PER_CYCLE));
        expect(lte(d.maxSymbolExposureTry, s.MAX_SYMBOL_EXPOSURE_TRY)).toBe(true);
        expect(d.maxOrderNotionalTry.gte(0) && d.maxSymbolExposureTry.gte(0)).toBe(true);
        expect([d.allowSubmit, d.allowCancel]).toEqual([d.mode !== 'OBSERVE_ONLY', true]);
        expect([d.dailyLossLimitTry, d.maxDrawdownBps, d.feeBurnLimitTry]).toEqual([
          s.DAILY_LOSS_LIMIT_TRY,
          s.MAX_DRAWDOWN_BPS,
          s.FEE_BURN_LIMIT_TRY,
        ]);
      }),
      RUNS,
    );
  });

  it('reasons: non-empty, no duplicate, in step order, "OK" only alone; HIGH_VOL exactly when the caps were halved', () => {
    fc.assert(
      fc.property(inputsArb, settingsArb, (inputs, s) => {
        const d = decideStage7RiskBudget(inputs, NOW, s);
        const at = d.reasons.map((r) => STAGE7_BUDGET_REASONS.indexOf(r));
        expect(at.length).toBeGreaterThan(0);
        expect(at.every((i, k) => i >= 0 && (k === 0 || i > (at[k - 1] as number)))).toBe(true);
        expect(d.reasons.includes('OK')).toBe(d.reasons.length === 1 && d.reasons[0] === 'OK');
        expect(d.reasons.includes('HIGH_VOL')).toBe(inputs.spreadBps.gte(s.HIGH_VOL_THRESHOLD_BPS));
      }),
      RUNS,
    );
  });

  it('the mode is explained: each mode exactly by its reasons or the mode a running cooldown carries', () => {
    fc.assert(
      fc.property(inputsArb, settingsArb, (inputs, s) => {
        const d = decideStage7RiskBudget(inputs, NOW, s);
        const running = inputs.previous?.cooldownUntilMs !== undefined && inputs.previous.cooldownUntilMs > NOW;
        const carried: Mode = running ? (inputs.previous?.mode ?? 'NORMAL') : 'NORMAL';
        const has = (...rs: string[]) => d.reasons.some((r) => rs.includes(r));
        const observeReason = has('KILL_SWITCH', 'EXCHANGE_DEGRADED', 'STALE_DATA');
        const reduceReason =
          has('LOSS_LIMIT', 'DRAWDOWN_LIMIT', 'FEE_BURN') || inputs.spreadBps.gte(s.HIGH_VOL_THRESHOLD_BPS.mul(2));
        if (d.mode === 'OBSERVE_ONLY') expect(observeReason || carried === 'OBSERVE_ONLY').toBe(true);
        if (d.mode === 'REDUCE_RISK_ONLY') expect(!observeReason && (reduceReason || carried !== 'NORMAL')).toBe(true);
        if (d.mode === 'NORMAL') expect(observeReason || reduceReason || carried !== 'NORMAL').toBe(false);
        expect(modeSeverity(d.mode)).toBeGreaterThanOrEqual(modeSeverity(carried));
      }),
      RUNS,
    );
  });

  it('a running cooldown is carried, never extended; a new one is now + RISK_COOLDOWN_SEC; none ends in the past', () => {
    fc.assert(
      fc.property(inputsArb, settingsArb, (inputs, s) => {
        const d = decideStage7RiskBudget(inputs, NOW, s);
        const prev = inputs.previous?.cooldownUntilMs;
        if (prev !== undefined && prev > NOW) expect(d.cooldownUntilMs).toBe(prev);
        else if (d.cooldownUntilMs !== undefined) {
          expect(d.cooldownUntilMs).toBe(NOW + s.RISK_COOLDOWN_SEC * 1000);
          expect(d.mode).toBe('OBSERVE_ONLY');
        }
        if (d.cooldownUntilMs !== undefined) expect(d.cooldownUntilMs).toBeGreaterThan(NOW);
      }),
      RUNS,
    );
  });

  it('worse inputs never give a milder mode (each signal moved toward danger, alone)', () => {
    const worsen: ((i: Stage7RiskInputs) => Stage7RiskInputs)[] = [
      (i) => ({ ...i, killSwitch: true }),
      (i) => ({ ...i, exchangeDegraded: true }),
      (i) => ({ ...i, marketDataAgeMs: i.marketDataAgeMs + 30_000 }),
      (i) => ({ ...i, staleAgeMs: i.staleAgeMs + 30_000 }),
      (i) => ({ ...i, dailyPnlTry: i.dailyPnlTry.sub(250) }),
      (i) => ({ ...i, drawdownRatio: minDec(dec('1'), i.drawdownRatio.add(dec('0.1'))) }),
      (i) => ({ ...i, feeBurnTodayTry: i.feeBurnTodayTry.add(75) }),
      (i) => ({ ...i, spreadBps: i.spreadBps.mul(2).add(1) }),
    ];
    fc.assert(
      fc.property(inputsArb, settingsArb, fc.nat({ max: worsen.length - 1 }), (inputs, s, k) => {
        const base = decideStage7RiskBudget(inputs, NOW, s);
        const bad = decideStage7RiskBudget((worsen[k] as (i: Stage7RiskInputs) => Stage7RiskInputs)(inputs), NOW, s);
        expect(worse(bad, base)).toBe(true);
        expect(lte(bad.maxOrderNotionalTry, base.maxOrderNotionalTry)).toBe(true);
        expect(bad.maxOrdersPerCycle).toBeLessThanOrEqual(base.maxOrdersPerCycle);
      }),
      RUNS,
    );
  });

  it('deterministic: the same arguments give the same decision and record, byte for byte', () => {
    fc.assert(
      fc.property(inputsArb, settingsArb, (inputs, s) => {
        const a = stage7RiskDecisionRecord('c', decideStage7RiskBudget(inputs, NOW, s));
        const copy: Stage7RiskInputs = {
          ...inputs,
          dailyPnlTry: dec(inputs.dailyPnlTry.toFixed(4)),
          spreadBps: dec(inputs.spreadBps.toFixed(3)),
        };
        const b = stage7RiskDecisionRecord('c', decideStage7RiskBudget(copy, NOW, s));
        expect(canonicalJson(b)).toBe(canonicalJson(a));
        expect(a.inputsHash).toBe(hashCanonical({ nowMs: NOW, inputs: JSON.parse(canonicalJson(inputsJson(inputs))) }));
      }),
      RUNS,
    );
  });
});

/** The inputs as the hash documents them: decimals as plain strings, no previous decision as null */
const inputsJson = (i: Stage7RiskInputs) => ({
  ...i,
  dailyPnlTry: i.dailyPnlTry.toFixed(),
  drawdownRatio: i.drawdownRatio.toFixed(),
  feeBurnTodayTry: i.feeBurnTodayTry.toFixed(),
  spreadBps: i.spreadBps.toFixed(),
  quoteVolumeTry: i.quoteVolumeTry.toFixed(),
  rejectRate: i.rejectRate.toFixed(),
  previous:
    i.previous === undefined ? null : { mode: i.previous.mode, cooldownUntilMs: i.previous.cooldownUntilMs ?? null },
});

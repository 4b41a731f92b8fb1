// Spec 4.4 step 11: the stored row of a stage 7 risk decision (cycle id, decided at, mode, reasons, cooldown,
// inputs hash, caps, allow flags, metrics), and step 8 reading the next cycle's previous decision back from it.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../shared/config/load-config';
import { CorruptStateError } from '../../../../shared/domain/errors';
import { canonicalJson } from '../../../../shared/domain/hashing';
import { dec, ZERO } from '../../../../shared/domain/money';
import type { Mode } from '../../../../shared/domain/risk/mode';
import { decideStage7RiskBudget, type Stage7RiskInputs } from '../../../../shared/domain/risk/stage7-risk-budget';
import {
  previousStage7RiskDecision,
  type Stage7RiskDecisionRecord,
  stage7RiskDecisionRecord,
} from '../../../../shared/domain/risk/stage7-risk-budget-record';

const NOW = 1_704_067_200_000;
const INPUTS: Stage7RiskInputs = {
  killSwitch: false,
  exchangeDegraded: true,
  marketDataAgeMs: 2_000,
  staleAgeMs: 0,
  dailyPnlTry: dec('-12.50'),
  drawdownRatio: dec('0.0312'),
  feeBurnTodayTry: dec('3.2'),
  spreadBps: dec('300'),
  quoteVolumeTry: dec('5000'),
  rejectRate: dec('0.1'),
  exposureHash: 'b'.repeat(64),
  previous: undefined,
};
const decision = decideStage7RiskBudget(INPUTS, NOW, loadConfig({}));

describe('stage7RiskDecisionRecord', () => {
  it('holds every column of stage7_risk_decisions as plain values: decimals as canonical strings, no undefined', () => {
    const r = stage7RiskDecisionRecord('s7:1', decision);
    expect(r).toEqual({
      cycleId: 's7:1',
      decidedAtMs: NOW,
      mode: 'OBSERVE_ONLY',
      reasons: ['EXCHANGE_DEGRADED', 'HIGH_VOL'],
      cooldownUntilMs: NOW + 900_000,
      inputsHash: decision.inputsHash,
      caps: {
        maxOrderNotionalTry: '500',
        maxOrdersPerCycle: 1,
        maxSymbolExposureTry: '4000',
        dailyLossLimitTry: '500',
        maxDrawdownBps: '2500',
        feeBurnLimitTry: '150',
      },
      allowSubmit: false,
      allowCancel: true,
      metrics: { dailyPnlTry: '-12.5', drawdownBps: 312, feeBurnTodayTry: '3.2', rejectRate: '0.1', dataAgeMs: 2_000 },
    });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('no cooldown is stored as null; the same decision gives the same text', () => {
    const calm = decideStage7RiskBudget({ ...INPUTS, exchangeDegraded: false }, NOW, loadConfig({}));
    expect(stage7RiskDecisionRecord('s7:2', calm).cooldownUntilMs).toBeNull();
    expect(canonicalJson(stage7RiskDecisionRecord('s7:2', calm))).toBe(
      canonicalJson(
        stage7RiskDecisionRecord(
          's7:2',
          decideStage7RiskBudget({ ...INPUTS, exchangeDegraded: false }, NOW, loadConfig({})),
        ),
      ),
    );
  });
});

describe('previousStage7RiskDecision: step 8 reads mode and cooldown back', () => {
  it('round trip: the next cycle inside the cooldown stays OBSERVE_ONLY with the same end', () => {
    const previous = previousStage7RiskDecision(stage7RiskDecisionRecord('s7:1', decision));
    expect(previous).toEqual({ mode: 'OBSERVE_ONLY', cooldownUntilMs: NOW + 900_000 });
    const next = decideStage7RiskBudget(
      { ...INPUTS, exchangeDegraded: false, spreadBps: ZERO, previous },
      NOW + 60_000,
      loadConfig({}),
    );
    expect([next.mode, next.reasons, next.cooldownUntilMs]).toEqual(['OBSERVE_ONLY', ['OK'], NOW + 900_000]);
  });

  it('a null cooldown reads as none', () => {
    const r = { ...stage7RiskDecisionRecord('s7:1', decision), cooldownUntilMs: null };
    expect(previousStage7RiskDecision(r)).toEqual({ mode: 'OBSERVE_ONLY', cooldownUntilMs: undefined });
  });

  it('a record with an unknown mode or an unusable cooldown is corrupt, named by cycle and field', () => {
    const base = stage7RiskDecisionRecord('s7:9', decision);
    const corrupt = (r: Stage7RiskDecisionRecord) => {
      try {
        previousStage7RiskDecision(r);
      } catch (e) {
        expect(e).toBeInstanceOf(CorruptStateError);
        return (e as CorruptStateError).issues.map((i) => i.path);
      }
      throw new Error('expected a CorruptStateError');
    };
    expect(corrupt({ ...base, mode: 'HALT' as Mode })).toEqual(['stage7_risk_decisions/s7:9.mode']);
    expect(corrupt({ ...base, cooldownUntilMs: -5 })).toEqual(['stage7_risk_decisions/s7:9.cooldownUntilMs']);
    expect(corrupt({ ...base, cooldownUntilMs: 1.5 })).toEqual(['stage7_risk_decisions/s7:9.cooldownUntilMs']);
  });
});

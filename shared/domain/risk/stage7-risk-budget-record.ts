// Spec 4.4 step 11: the stage 7 risk decision as the plain record a store persists (decimals as canonical
// strings, no undefined), and the part of a stored record the next cycle's step 8 reads back. The store keys
// it by cycle id (DynamoDB has no autoincrement id; the cycle id orders and identifies it).
import { CorruptStateError, type ValidationIssue } from '../errors';
import { toPlain } from '../money';
import { MODES, type Mode } from './mode';
import type { Stage7BudgetReason, Stage7PreviousRiskDecision, Stage7RiskDecision } from './stage7-risk-budget';

/** A type, not an interface: it is a CanonicalValue, so it hashes and prints canonically as it is */
export type Stage7RiskDecisionRecord = {
  readonly cycleId: string;
  readonly decidedAtMs: number;
  readonly mode: Mode;
  readonly reasons: readonly Stage7BudgetReason[];
  readonly cooldownUntilMs: number | null;
  readonly inputsHash: string;
  readonly caps: {
    readonly maxOrderNotionalTry: string;
    readonly maxOrdersPerCycle: number;
    readonly maxSymbolExposureTry: string;
    readonly dailyLossLimitTry: string;
    readonly maxDrawdownBps: string;
    readonly feeBurnLimitTry: string;
  };
  readonly allowSubmit: boolean;
  readonly allowCancel: boolean;
  readonly metrics: {
    readonly dailyPnlTry: string;
    readonly drawdownBps: number;
    readonly feeBurnTodayTry: string;
    readonly rejectRate: string;
    readonly dataAgeMs: number;
  };
};

export function stage7RiskDecisionRecord(cycleId: string, d: Stage7RiskDecision): Stage7RiskDecisionRecord {
  return {
    cycleId,
    decidedAtMs: d.decidedAtMs,
    mode: d.mode,
    reasons: [...d.reasons],
    cooldownUntilMs: d.cooldownUntilMs ?? null,
    inputsHash: d.inputsHash,
    caps: {
      maxOrderNotionalTry: toPlain(d.maxOrderNotionalTry),
      maxOrdersPerCycle: d.maxOrdersPerCycle,
      maxSymbolExposureTry: toPlain(d.maxSymbolExposureTry),
      dailyLossLimitTry: toPlain(d.dailyLossLimitTry),
      maxDrawdownBps: toPlain(d.maxDrawdownBps),
      feeBurnLimitTry: toPlain(d.feeBurnLimitTry),
    },
    allowSubmit: d.allowSubmit,
    allowCancel: d.allowCancel,
    metrics: {
      dailyPnlTry: toPlain(d.metrics.dailyPnlTry),
      drawdownBps: d.metrics.drawdownBps,
      feeBurnTodayTry: toPlain(d.metrics.feeBurnTodayTry),
      rejectRate: toPlain(d.metrics.rejectRate),
      dataAgeMs: d.metrics.dataAgeMs,
    },
  };
}

/**
 * Step 8's view of a stored record: its mode and cooldown. A record that cannot say them is corrupt (a
 * silently dropped cooldown would lift an OBSERVE_ONLY early).
 * @throws CorruptStateError an unknown mode, a cooldown that is not epoch ms or null
 */
export function previousStage7RiskDecision(record: Stage7RiskDecisionRecord): Stage7PreviousRiskDecision {
  const issues: ValidationIssue[] = [];
  const at = `stage7_risk_decisions/${record.cycleId}`;
  if (!MODES.includes(record.mode)) issues.push({ path: `${at}.mode`, message: `expected a mode, was ${record.mode}` });
  const cooldown = record.cooldownUntilMs;
  if (cooldown !== null && (!Number.isSafeInteger(cooldown) || cooldown < 0))
    issues.push({ path: `${at}.cooldownUntilMs`, message: `expected epoch milliseconds or null, was ${cooldown}` });
  if (issues.length > 0) throw new CorruptStateError('stored stage 7 risk decision', issues);
  return { mode: record.mode, cooldownUntilMs: cooldown ?? undefined };
}

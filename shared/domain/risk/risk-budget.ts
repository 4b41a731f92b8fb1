// The stage 4 risk budget (spec 3.12): the cycle's mode from ledger signals, first matching rule wins, and
// the sizing multiplier of the capital budget view (3.11), which never sets the mode but is clamped by it:
// 0 in OBSERVE_ONLY, at most 0.5 in REDUCE_RISK_ONLY, at most 0.25 when fees cannot be converted to TRY.
// Time comes in as `nowMs`; the new peak equity and the day's fees go out for the caller to persist.
import type { Decision, DecisionAction } from '../decision';
import { ValidationError, type ValidationIssue } from '../errors';
import { ledgerReport } from '../ledger/ledger-report';
import { type LedgerState, utcDayStart } from '../ledger/ledger-state';
import { type Dec, dec, maxDec, minDec, ZERO } from '../money';
import { type BudgetView, budgetView, type VolatilityRegime } from '../portfolio/budget-view';
import type { Mode } from './mode';
import {
  consecutiveLosses,
  type PnlSnapshot,
  positionNotionals,
  type VolatilitySettings,
  volatilityRegime,
} from './risk-budget-signals';

export interface RiskBudgetSettings extends VolatilitySettings {
  readonly RISK_MAX_DAILY_DRAWDOWN_TRY: Dec;
  readonly RISK_MAX_DRAWDOWN_TRY: Dec;
  readonly RISK_MAX_GROSS_EXPOSURE_TRY: Dec;
  readonly RISK_MAX_POSITION_PCT: Dec;
  /** Unset: no fee budget */
  readonly RISK_MAX_FEE_TRY_PER_DAY: Dec | undefined;
  readonly STAGE7_MAX_CONSECUTIVE_LOSSES: number;
}

/** The singleton `risk_state_current`: peak equity and when it was reached, the fees of the current UTC day */
export interface RiskState {
  readonly peakEquityTry: Dec;
  readonly peakEquityAtMs: number;
  readonly feesDayStartMs: number;
  readonly feesTodayTry: Dec;
}

export interface RiskBudgetInputs {
  readonly nowMs: number;
  readonly liveMode: boolean;
  /** The effective kill switch (settings or the stored flag) */
  readonly killSwitchActive: boolean;
  readonly ledger: LedgerState;
  /** Canonical symbol -> mark, conversion rates such as USDTTRY included */
  readonly marks: ReadonlyMap<string, Dec>;
  readonly cashTry: Dec;
  /** Active symbols minus the cycle's failed ones */
  readonly eligibleSymbols: readonly string[];
  /** From the capital policy state (3.11) */
  readonly tradingCapitalTry: Dec;
  /** Persisted pnl snapshots, oldest first */
  readonly snapshots: readonly PnlSnapshot[];
  /** undefined on the first cycle */
  readonly stored: RiskState | undefined;
}

export interface RiskSignals {
  readonly equityTry: Dec;
  readonly peakEquityTry: Dec;
  /** peak - equity */
  readonly drawdownTry: Dec;
  /** Realized PnL since 00:00 UTC */
  readonly dailyPnlTry: Dec;
  readonly grossExposureTry: Dec;
  /** Largest position notional / equity; 0 when equity <= 0 */
  readonly largestPositionPct: Dec;
  readonly feesTodayTry: Dec;
  readonly consecutiveLosses: number;
  readonly volatility: VolatilityRegime;
  /** Held or eligible symbols without a positive mark, or held in a quote without a TRY rate, sorted */
  readonly missingMarkSymbols: readonly string[];
  readonly feeConversionMissing: readonly string[];
}

export interface RiskLimits {
  readonly maxDailyDrawdownTry: Dec;
  readonly maxDrawdownTry: Dec;
  readonly maxGrossExposureTry: Dec;
  readonly maxPositionPct: Dec;
  readonly maxFeeTryPerDay: Dec | undefined;
}

export interface RiskBudgetDecision {
  readonly mode: Mode;
  readonly reasons: readonly string[];
  readonly signals: RiskSignals;
  readonly limits: RiskLimits;
  /** Scales the allocation caps of the decision pipeline (3.13) */
  readonly multiplier: Dec;
  readonly budget: BudgetView;
  readonly state: RiskState;
  readonly decisions: readonly Decision[];
}

const REDUCE_MULTIPLIER_CAP = dec('0.5');
const FEE_CONVERSION_MULTIPLIER_CAP = dec('0.25');
const FEE_CONVERSION_MISSING = 'fee_conversion_missing_rate';
const ACTION_OF: Record<Mode, DecisionAction> = { NORMAL: 'ACCEPT', REDUCE_RISK_ONLY: 'SCALE', OBSERVE_ONLY: 'BLOCK' };

/** @throws ValidationError a negative cash, capital or stored peak, or a `nowMs` that is not an epoch ms */
export function computeRiskBudget(inputs: RiskBudgetInputs, settings: RiskBudgetSettings): RiskBudgetDecision {
  checkInputs(inputs);
  const { signals, state } = deriveSignals(inputs, settings);
  const limits: RiskLimits = {
    maxDailyDrawdownTry: settings.RISK_MAX_DAILY_DRAWDOWN_TRY,
    maxDrawdownTry: settings.RISK_MAX_DRAWDOWN_TRY,
    maxGrossExposureTry: settings.RISK_MAX_GROSS_EXPOSURE_TRY,
    maxPositionPct: settings.RISK_MAX_POSITION_PCT,
    maxFeeTryPerDay: settings.RISK_MAX_FEE_TRY_PER_DAY,
  };
  const [mode, reasons] = decide(inputs, signals, limits);
  const budget = budgetView({
    tradingCapitalTry: inputs.tradingCapitalTry,
    peakEquityTry: signals.peakEquityTry,
    equityTry: signals.equityTry,
    realizedTodayTry: signals.dailyPnlTry,
    consecutiveLosses: signals.consecutiveLosses,
    maxConsecutiveLosses: settings.STAGE7_MAX_CONSECUTIVE_LOSSES,
    volatility: signals.volatility,
  });
  let multiplier = budget.multiplier;
  if (mode === 'OBSERVE_ONLY') multiplier = ZERO;
  if (mode === 'REDUCE_RISK_ONLY') multiplier = minDec(multiplier, REDUCE_MULTIPLIER_CAP);
  if (reasons.includes(FEE_CONVERSION_MISSING)) multiplier = minDec(multiplier, FEE_CONVERSION_MULTIPLIER_CAP);
  const decisions: Decision[] = [
    { layer: 'risk_budget', code: reasons[0] as string, action: ACTION_OF[mode], scope: 'global' },
    ...budget.reasons.map((code): Decision => ({ layer: 'risk_budget', code, action: 'SCALE', scope: 'global' })),
  ];
  return { mode, reasons, signals, limits, multiplier, budget, state, decisions };
}

// Spec 3.12 also names "live mode and TRY fee total unknown -> fees_unknown_live". This ledger keeps every
// fee as a FEE event in the asset charged, so its TRY fee total is unknown exactly when an asset has no TRY
// rate, which the fee conversion rule before it already answers (and more strictly: multiplier <= 0.25).
function decide(inputs: RiskBudgetInputs, s: RiskSignals, limits: RiskLimits): [Mode, string[]] {
  if (inputs.killSwitchActive) return ['OBSERVE_ONLY', ['kill_switch_active']];
  if (inputs.liveMode && s.missingMarkSymbols.length > 0)
    return ['OBSERVE_ONLY', ['mark_price_missing_fail_closed', `missing_symbols_count=${s.missingMarkSymbols.length}`]];
  if (s.feeConversionMissing.length > 0) return ['REDUCE_RISK_ONLY', [FEE_CONVERSION_MISSING]];
  if (s.drawdownTry.gte(limits.maxDrawdownTry) || s.dailyPnlTry.lte(limits.maxDailyDrawdownTry.neg()))
    return ['OBSERVE_ONLY', ['DRAWDOWN_LIMIT']];
  if (s.grossExposureTry.gt(limits.maxGrossExposureTry) || s.largestPositionPct.gt(limits.maxPositionPct))
    return ['REDUCE_RISK_ONLY', ['EXPOSURE_LIMIT']];
  if (limits.maxFeeTryPerDay !== undefined && s.feesTodayTry.gt(limits.maxFeeTryPerDay))
    return ['REDUCE_RISK_ONLY', ['FEE_BUDGET']];
  return ['NORMAL', ['OK']];
}

function deriveSignals(
  inputs: RiskBudgetInputs,
  settings: RiskBudgetSettings,
): { signals: RiskSignals; state: RiskState } {
  const report = ledgerReport(inputs.ledger, inputs.marks, inputs.cashTry, inputs.nowMs);
  const valuation = positionNotionals(inputs.ledger, inputs.marks);
  const equity = report.equityTry;
  const stored = inputs.stored;
  const raised = stored === undefined || equity.gt(stored.peakEquityTry);
  const peak = raised ? equity : stored.peakEquityTry;
  const notionals = valuation.positions.map((p) => p.notionalTry);
  const largest = notionals.reduce(maxDec, ZERO);
  const unmarkedEligible = inputs.eligibleSymbols.filter((symbol) => !inputs.marks.get(symbol)?.gt(0));
  const missing = new Set([...report.marksMissing, ...valuation.unvalued, ...unmarkedEligible]);
  const signals: RiskSignals = {
    equityTry: equity,
    peakEquityTry: peak,
    drawdownTry: peak.sub(equity),
    dailyPnlTry: report.today.realizedTry,
    grossExposureTry: notionals.reduce((sum, n) => sum.add(n), ZERO),
    largestPositionPct: equity.gt(0) ? largest.div(equity) : ZERO,
    feesTodayTry: report.today.feesTry,
    consecutiveLosses: consecutiveLosses(inputs.snapshots, settings.STAGE7_MAX_CONSECUTIVE_LOSSES),
    volatility: volatilityRegime(inputs.snapshots, settings),
    missingMarkSymbols: [...missing].sort(),
    feeConversionMissing: report.feeConversionMissing,
  };
  const state: RiskState = {
    peakEquityTry: peak,
    peakEquityAtMs: raised ? inputs.nowMs : stored.peakEquityAtMs,
    feesDayStartMs: utcDayStart(inputs.nowMs),
    feesTodayTry: report.today.feesTry,
  };
  return { signals, state };
}

function checkInputs(inputs: RiskBudgetInputs): void {
  const issues: ValidationIssue[] = [];
  if (!Number.isSafeInteger(inputs.nowMs) || inputs.nowMs < 0)
    issues.push({ path: 'nowMs', message: `expected epoch milliseconds, was ${inputs.nowMs}` });
  const amounts: [string, Dec | undefined][] = [
    ['cashTry', inputs.cashTry],
    ['tradingCapitalTry', inputs.tradingCapitalTry],
    ['stored.peakEquityTry', inputs.stored?.peakEquityTry],
  ];
  for (const [path, amount] of amounts)
    if (amount !== undefined && (!amount.isFinite() || amount.lt(0)))
      issues.push({ path, message: `expected a finite amount >= 0, was ${amount.toFixed()}` });
  if (issues.length > 0) throw new ValidationError('risk budget inputs', issues);
}

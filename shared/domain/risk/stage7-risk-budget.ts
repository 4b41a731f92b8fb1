// Stage 7 risk budget v2 (spec 4.4 steps 1-10): the cycle's mode, reasons and caps from market, ledger and
// exchange signals, and the cooldown carried over from the previous decision. Every rule is applied (no
// first-match precedence, unlike stage 4's risk-budget.ts): an OBSERVE rule sets OBSERVE_ONLY and the
// cooldown, a REDUCE rule only upgrades NORMAL (mode.ts combineModes), reasons keep their first occurrence.
// The output is the Stage7CycleRisk the risk policy (stage7-risk-policy.ts, spec 4.9) reads, plus what step 11
// persists (stage7-risk-budget-record.ts). Time comes in as `nowMs`.
//
// Shared with stage 4 and not restated: the modes and their combination (mode.ts); the drawdown ratio is the
// ledger's (ledger-report.ts trackDrawdown / maxDrawdown, from peak equity); the UTC day (ledger-state.ts
// utcDayStart, used by the daily PnL input, stage7-risk-budget-daily-pnl.ts). Kept separate because the spec
// makes them different: stage 4's drawdown is in TRY and sends OBSERVE_ONLY, stage 7's is in bps and sends
// REDUCE_RISK_ONLY; stage 4's daily PnL is realized only, stage 7's is realized + unrealized (spec 9.2.16).
import { ValidationError, type ValidationIssue } from '../errors';
import { hashCanonical } from '../hashing';
import { Dec, dec, minDec, toPlain } from '../money';
import { combineModes, MODES, type Mode } from './mode';
import type { Stage7CycleRisk } from './stage7-risk-policy';

export const STAGE7_BUDGET_REASONS = [
  'KILL_SWITCH',
  'EXCHANGE_DEGRADED',
  'STALE_DATA',
  'LOSS_LIMIT',
  'DRAWDOWN_LIMIT',
  'FEE_BURN',
  'HIGH_VOL',
  'OK',
] as const;
export type Stage7BudgetReason = (typeof STAGE7_BUDGET_REASONS)[number];

/** Knob names and parsed types as shared/config/knobs.ts; the cycle passes its runtime copy (spec 4.2 step 1) */
export interface Stage7RiskBudgetSettings {
  readonly MAX_ORDER_NOTIONAL_TRY: Dec;
  /** The turnover cap; the active params override it (spec 4.2 step 1) */
  readonly NOTIONAL_CAP_TRY_PER_CYCLE: Dec;
  readonly MAX_ORDERS_PER_CYCLE: number;
  readonly MAX_SYMBOL_EXPOSURE_TRY: Dec;
  readonly RISK_COOLDOWN_SEC: number;
  readonly STAGE7_MAX_DATA_AGE_SEC: number;
  readonly DAILY_LOSS_LIMIT_TRY: Dec;
  readonly MAX_DRAWDOWN_BPS: Dec;
  readonly FEE_BURN_LIMIT_TRY: Dec;
  readonly HIGH_VOL_THRESHOLD_BPS: Dec;
}

/** What step 8 reads of the previous cycle's decision (stored, spec 4.4 step 11) */
export interface Stage7PreviousRiskDecision {
  readonly mode: Mode;
  readonly cooldownUntilMs: number | undefined;
}

export interface Stage7RiskInputs {
  /**
   * The kill switch the cycle honours. The reference read its runtime settings copy, which spec 4.1 forces
   * off, so this rule never fired inside a cycle there; pass the stored switch the kill chain (4.17) sets.
   */
  readonly killSwitch: boolean;
  readonly exchangeDegraded: boolean;
  /** Spec 4.2 step 7: now - newest ticker timestamp, in ms (integer >= 0) */
  readonly marketDataAgeMs: number;
  /** The market data service's stale age, in ms (integer >= 0; 0 when it reports none) */
  readonly staleAgeMs: number;
  /**
   * Realized + unrealized PnL change since 00:00 UTC of `nowMs`, net of that day's fees (spec 9.2.16):
   * `dailyPnlSince` (stage7-risk-budget-daily-pnl.ts). Never the cumulative net PnL the reference passes.
   */
  readonly dailyPnlTry: Dec;
  /** The ledger's max drawdown from peak equity as a ratio in [0, 1], 0.25 = 25 % (ledger-report.ts maxDrawdown) */
  readonly drawdownRatio: Dec;
  /** Fees since 00:00 UTC of `nowMs`: ledgerReport(...).today.feesTry (not the cumulative fees total) */
  readonly feeBurnTodayTry: Dec;
  /** The largest spread over the configured symbols (spec 4.2 step 6); 0 when none was observed */
  readonly spreadBps: Dec;
  /** Sum of the configured symbols' ticker volumes (spec 4.2 step 6); only hashed */
  readonly quoteVolumeTry: Dec;
  /** Rejected / submitted over the recent window, in [0, 1]; only hashed and reported */
  readonly rejectRate: Dec;
  /** The exposure snapshot's inputs hash (spec 4.2 step 4): 64 lowercase hex digits */
  readonly exposureHash: string;
  /** undefined on the first cycle */
  readonly previous: Stage7PreviousRiskDecision | undefined;
}

export interface Stage7RiskMetrics {
  readonly dailyPnlTry: Dec;
  /** round(drawdownRatio x 10000), half to even */
  readonly drawdownBps: number;
  readonly feeBurnTodayTry: Dec;
  readonly rejectRate: Dec;
  /** max(marketDataAgeMs, staleAgeMs): the age step 3 compared */
  readonly dataAgeMs: number;
}

/** Spec 4.4 CycleRiskOutput; a Stage7CycleRisk, so the risk policy takes it as it is */
export interface Stage7RiskDecision extends Stage7CycleRisk {
  /** De-duplicated, in the order the rules added them; `["OK"]` when none */
  readonly reasons: readonly Stage7BudgetReason[];
  readonly dailyLossLimitTry: Dec;
  readonly maxDrawdownBps: Dec;
  readonly feeBurnLimitTry: Dec;
  /** Epoch ms; undefined when no OBSERVE rule fired and no cooldown was carried over */
  readonly cooldownUntilMs: number | undefined;
  readonly allowCancel: true;
  readonly decidedAtMs: number;
  /** SHA-256 (hex) of the canonical JSON of `{ nowMs, inputs }` */
  readonly inputsHash: string;
  readonly metrics: Stage7RiskMetrics;
}

const BPS = dec('10000');
const HALF = dec('0.5');
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Spec 4.4 steps 1-10.
 * @throws ValidationError a non-integer or negative age or `nowMs`, a non-finite amount, a negative spread,
 *   volume or fee burn, a drawdown or reject rate outside [0, 1], a malformed exposure hash or previous
 *   decision, or an impossible setting
 */
export function decideStage7RiskBudget(
  inputs: Stage7RiskInputs,
  nowMs: number,
  settings: Stage7RiskBudgetSettings,
): Stage7RiskDecision {
  checkInputs(inputs, nowMs);
  checkSettings(settings, nowMs);
  let mode: Mode = 'NORMAL';
  const reasons: Stage7BudgetReason[] = [];
  let cooldownUntilMs: number | undefined;
  const note = (reason: Stage7BudgetReason) => reasons.includes(reason) || reasons.push(reason);
  const apply = (next: 'OBSERVE_ONLY' | 'REDUCE_RISK_ONLY', reason: Stage7BudgetReason) => {
    note(reason);
    mode = combineModes(mode, next);
    if (next === 'OBSERVE_ONLY' && settings.RISK_COOLDOWN_SEC > 0)
      cooldownUntilMs = nowMs + settings.RISK_COOLDOWN_SEC * 1000;
  };

  let maxOrderNotionalTry = minDec(settings.MAX_ORDER_NOTIONAL_TRY, settings.NOTIONAL_CAP_TRY_PER_CYCLE);
  let maxOrdersPerCycle = settings.MAX_ORDERS_PER_CYCLE;
  let maxSymbolExposureTry = settings.MAX_SYMBOL_EXPOSURE_TRY;
  const dataAgeMs = Math.max(inputs.marketDataAgeMs, inputs.staleAgeMs);
  const drawdownBps = inputs.drawdownRatio.mul(BPS).toDecimalPlaces(0, Dec.ROUND_HALF_EVEN);

  if (inputs.killSwitch) apply('OBSERVE_ONLY', 'KILL_SWITCH');
  if (inputs.exchangeDegraded) apply('OBSERVE_ONLY', 'EXCHANGE_DEGRADED');
  if (dataAgeMs > settings.STAGE7_MAX_DATA_AGE_SEC * 1000) apply('OBSERVE_ONLY', 'STALE_DATA');
  if (inputs.dailyPnlTry.lte(settings.DAILY_LOSS_LIMIT_TRY.neg())) apply('REDUCE_RISK_ONLY', 'LOSS_LIMIT');
  if (drawdownBps.gte(settings.MAX_DRAWDOWN_BPS)) apply('REDUCE_RISK_ONLY', 'DRAWDOWN_LIMIT');
  if (inputs.feeBurnTodayTry.gte(settings.FEE_BURN_LIMIT_TRY)) apply('REDUCE_RISK_ONLY', 'FEE_BURN');
  if (inputs.spreadBps.gte(settings.HIGH_VOL_THRESHOLD_BPS)) {
    note('HIGH_VOL');
    maxOrderNotionalTry = maxOrderNotionalTry.mul(HALF);
    maxSymbolExposureTry = maxSymbolExposureTry.mul(HALF);
    // the spec's max(1, N // 2), except that halving never raises a cap of 0 to 1
    maxOrdersPerCycle = Math.min(
      settings.MAX_ORDERS_PER_CYCLE,
      Math.max(1, Math.floor(settings.MAX_ORDERS_PER_CYCLE / 2)),
    );
    if (inputs.spreadBps.gte(settings.HIGH_VOL_THRESHOLD_BPS.mul(2))) apply('REDUCE_RISK_ONLY', 'HIGH_VOL');
  }

  const previous = inputs.previous;
  if (previous?.cooldownUntilMs !== undefined && previous.cooldownUntilMs > nowMs) {
    mode = combineModes(mode, previous.mode);
    cooldownUntilMs = previous.cooldownUntilMs;
  }

  return {
    mode,
    reasons: reasons.length > 0 ? reasons : ['OK'],
    maxOrderNotionalTry,
    maxOrdersPerCycle,
    maxSymbolExposureTry,
    dailyLossLimitTry: settings.DAILY_LOSS_LIMIT_TRY,
    maxDrawdownBps: settings.MAX_DRAWDOWN_BPS,
    feeBurnLimitTry: settings.FEE_BURN_LIMIT_TRY,
    cooldownUntilMs,
    allowSubmit: mode !== 'OBSERVE_ONLY',
    allowCancel: true,
    decidedAtMs: nowMs,
    inputsHash: stage7RiskInputsHash(inputs, nowMs),
    metrics: {
      dailyPnlTry: inputs.dailyPnlTry,
      drawdownBps: drawdownBps.toNumber(),
      feeBurnTodayTry: inputs.feeBurnTodayTry,
      rejectRate: inputs.rejectRate,
      dataAgeMs,
    },
  };
}

/**
 * Step 10 over every input, the spec's list (drawdown, daily PnL, ages, spread, volume, fee burn, reject rate,
 * degraded flag, exposure hash) plus the kill switch and the previous decision, which also decide the output:
 * one hash, one decision (under one set of settings). Decimals hash by value ("1.0" and "1" alike).
 */
export function stage7RiskInputsHash(inputs: Stage7RiskInputs, nowMs: number): string {
  const p = inputs.previous;
  return hashCanonical({
    nowMs,
    inputs: {
      killSwitch: inputs.killSwitch,
      exchangeDegraded: inputs.exchangeDegraded,
      marketDataAgeMs: inputs.marketDataAgeMs,
      staleAgeMs: inputs.staleAgeMs,
      dailyPnlTry: toPlain(inputs.dailyPnlTry),
      drawdownRatio: toPlain(inputs.drawdownRatio),
      feeBurnTodayTry: toPlain(inputs.feeBurnTodayTry),
      spreadBps: toPlain(inputs.spreadBps),
      quoteVolumeTry: toPlain(inputs.quoteVolumeTry),
      rejectRate: toPlain(inputs.rejectRate),
      exposureHash: inputs.exposureHash,
      previous: p === undefined ? null : { mode: p.mode, cooldownUntilMs: p.cooldownUntilMs ?? null },
    },
  });
}

const isEpochMs = (n: number) => Number.isSafeInteger(n) && n >= 0;

function checkInputs(inputs: Stage7RiskInputs, nowMs: number): void {
  const issues: ValidationIssue[] = [];
  const push = (path: string, expected: string, was: unknown) =>
    issues.push({ path, message: `expected ${expected}, was ${String(was)}` });
  if (!isEpochMs(nowMs)) push('nowMs', 'epoch milliseconds', nowMs);
  for (const path of ['marketDataAgeMs', 'staleAgeMs'] as const)
    if (!isEpochMs(inputs[path])) push(path, 'an integer number of ms >= 0', inputs[path]);
  for (const path of ['killSwitch', 'exchangeDegraded'] as const)
    if (typeof inputs[path] !== 'boolean') push(path, 'a boolean', inputs[path]);
  if (!inputs.dailyPnlTry.isFinite()) push('dailyPnlTry', 'a finite amount', inputs.dailyPnlTry);
  for (const path of ['feeBurnTodayTry', 'spreadBps', 'quoteVolumeTry'] as const)
    if (!inputs[path].isFinite() || inputs[path].lt(0)) push(path, 'a finite decimal >= 0', inputs[path]);
  // a drawdown above 1 would need a negative equity, which a simulated account that conserves cash never has
  for (const path of ['drawdownRatio', 'rejectRate'] as const)
    if (!inputs[path].isFinite() || inputs[path].lt(0) || inputs[path].gt(1))
      push(path, 'a ratio in [0, 1]', inputs[path]);
  if (typeof inputs.exposureHash !== 'string' || !HEX64.test(inputs.exposureHash))
    push('exposureHash', '64 lowercase hex digits', JSON.stringify(inputs.exposureHash));
  const p = inputs.previous;
  if (p !== undefined) {
    if (!MODES.includes(p.mode)) push('previous.mode', `one of ${MODES.join(', ')}`, p.mode);
    if (p.cooldownUntilMs !== undefined && !isEpochMs(p.cooldownUntilMs))
      push('previous.cooldownUntilMs', 'epoch milliseconds', p.cooldownUntilMs);
  }
  if (issues.length > 0) throw new ValidationError('stage 7 risk budget inputs', issues);
}

function checkSettings(s: Stage7RiskBudgetSettings, nowMs: number): void {
  const issues: ValidationIssue[] = [];
  const counts = ['MAX_ORDERS_PER_CYCLE', 'RISK_COOLDOWN_SEC', 'STAGE7_MAX_DATA_AGE_SEC'] as const;
  for (const path of counts)
    if (!Number.isSafeInteger(s[path]) || s[path] < 0)
      issues.push({ path, message: `expected an integer >= 0, was ${s[path]}` });
  for (const path of ['RISK_COOLDOWN_SEC', 'STAGE7_MAX_DATA_AGE_SEC'] as const)
    if (!Number.isSafeInteger(nowMs + s[path] * 1000))
      issues.push({ path, message: `expected nowMs + ${path} in ms to be a safe integer, was ${s[path]}` });
  const amounts = [
    'MAX_ORDER_NOTIONAL_TRY',
    'NOTIONAL_CAP_TRY_PER_CYCLE',
    'MAX_SYMBOL_EXPOSURE_TRY',
    'DAILY_LOSS_LIMIT_TRY',
    'MAX_DRAWDOWN_BPS',
    'FEE_BURN_LIMIT_TRY',
    'HIGH_VOL_THRESHOLD_BPS',
  ] as const;
  for (const path of amounts)
    if (!s[path].isFinite() || s[path].lt(0))
      issues.push({ path, message: `expected a finite decimal >= 0, was ${s[path].toString()}` });
  if (issues.length > 0) throw new ValidationError('stage 7 risk budget settings', issues);
}

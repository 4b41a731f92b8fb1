// The budget view derived from the capital policy (spec 3.11, RiskBudgetPolicy): loss and drawdown limits,
// exposure and order caps, and the sizing multiplier. Its mode is informational (stage 4 takes its mode
// from the risk budget of spec 3.12), but a halt here drives the multiplier to 0. Ready for stage 4:
// nothing calls it yet except its tests.
import { type Dec, dec, minDec, ONE, ZERO } from '../money';
import type { Mode } from '../risk/mode';

export type VolatilityRegime = 'low' | 'normal' | 'high' | 'stressed';
export type BudgetMode = Mode;

export interface BudgetInputs {
  readonly tradingCapitalTry: Dec;
  readonly peakEquityTry: Dec;
  readonly equityTry: Dec;
  readonly realizedTodayTry: Dec;
  /** Losing snapshots in a row, newest first (spec 3.12) */
  readonly consecutiveLosses: number;
  /** STAGE7_MAX_CONSECUTIVE_LOSSES: this many losses in a row halve the multiplier */
  readonly maxConsecutiveLosses: number;
  readonly volatility: VolatilityRegime;
}

export interface BudgetView {
  readonly dailyLossLimitTry: Dec;
  readonly drawdownHaltTry: Dec;
  /** Both caps are scaled by the multiplier */
  readonly maxGrossExposureTry: Dec;
  readonly maxOrderTry: Dec;
  readonly multiplier: Dec;
  readonly mode: BudgetMode;
  readonly reasons: readonly string[];
}

const DAILY_LOSS_SHARE = dec('0.05');
const DRAWDOWN_HALT_SHARE = dec('0.15');
const GROSS_EXPOSURE_SHARE = dec('1.2');
const ORDER_SHARE = dec('0.2');
const LOSING_STREAK_MULTIPLIER = dec('0.5');
const VOLATILE_MULTIPLIER = dec('0.25');

export function budgetView(inputs: BudgetInputs): BudgetView {
  const capital = inputs.tradingCapitalTry;
  const dailyLossLimitTry = capital.mul(DAILY_LOSS_SHARE);
  const drawdownHaltTry = inputs.peakEquityTry.mul(DRAWDOWN_HALT_SHARE);
  const reasons: string[] = [];
  let multiplier = ONE;
  if (inputs.consecutiveLosses >= inputs.maxConsecutiveLosses) {
    multiplier = minDec(multiplier, LOSING_STREAK_MULTIPLIER);
    reasons.push('consecutive_losses');
  }
  if (inputs.volatility === 'high' || inputs.volatility === 'stressed') {
    multiplier = minDec(multiplier, VOLATILE_MULTIPLIER);
    reasons.push(`volatility_${inputs.volatility}`);
  }
  const dailyLossHit = inputs.realizedTodayTry.lte(dailyLossLimitTry.neg());
  const drawdownHit = inputs.peakEquityTry.sub(inputs.equityTry).gte(drawdownHaltTry);
  if (dailyLossHit) reasons.push('daily_loss_limit');
  if (drawdownHit) reasons.push('drawdown_halt');
  if (dailyLossHit || drawdownHit) multiplier = ZERO;
  const mode: BudgetMode = multiplier.isZero() ? 'OBSERVE_ONLY' : multiplier.lt(1) ? 'REDUCE_RISK_ONLY' : 'NORMAL';
  return {
    dailyLossLimitTry,
    drawdownHaltTry,
    maxGrossExposureTry: capital.mul(GROSS_EXPOSURE_SHARE).mul(multiplier),
    maxOrderTry: capital.mul(ORDER_SHARE).mul(multiplier),
    multiplier,
    mode,
    reasons,
  };
}

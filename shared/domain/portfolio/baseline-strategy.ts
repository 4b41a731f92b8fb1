// The baseline mean reversion strategy of stage 4 (spec 3.13 strategy registry): bootstrap a flat symbol
// with one BUY; for a held symbol, BUY when the mark sits 50 bps below its anchor and SELL when it sits as
// far above. The anchor defaults to the mark (the reference's only behaviour, so a held symbol stays quiet)
// until the caller names one.
import { type Dec, dec, minDec, ZERO } from '../money';
import type { OpenOrderView } from '../oms/stage4-action';
import type { AllocationIntent } from './allocation';

export const BASELINE_STRATEGY_ID = 'baseline_mean_reversion_v1';
/** The reference's fixed threshold (spec 1.16): the .env.example setting MEAN_REVERSION_BPS is no knob of ours */
export const MEAN_REVERSION_THRESHOLD_BPS = dec('50');

export interface BaselineStrategySettings {
  readonly STAGE4_BOOTSTRAP_INTENTS: boolean;
  /** Already raised to MIN_ORDER_NOTIONAL_TRY by the config loader when > 0 */
  readonly STAGE5_BOOTSTRAP_NOTIONAL_TRY: Dec;
  /** 0 turns every intent off (the reference sizes by min(this, TRY)) */
  readonly STAGE5_MAX_INTENT_NOTIONAL_TRY: Dec;
}

export interface BaselineInput {
  readonly symbols: readonly string[];
  readonly marks: ReadonlyMap<string, Dec>;
  /** Held quantity per symbol */
  readonly positions: ReadonlyMap<string, Dec>;
  readonly openOrders: readonly OpenOrderView[];
  readonly cashTry: Dec;
  /** Mean reversion anchor per symbol; a symbol without one is anchored at its mark */
  readonly anchors: ReadonlyMap<string, Dec>;
}

export interface BaselineIntent extends AllocationIntent {
  /** In [0, 1] */
  readonly confidence: number;
}

const BPS = dec('10000');

/** One intent per symbol at most, in the order of `symbols` */
export function baselineIntents(input: BaselineInput, s: BaselineStrategySettings): BaselineIntent[] {
  if (!s.STAGE4_BOOTSTRAP_INTENTS) return [];
  const intents: BaselineIntent[] = [];
  const hasOpen = (symbol: string, side: 'BUY' | 'SELL') =>
    input.openOrders.some((o) => o.symbol === symbol && o.side === side);
  for (const symbol of input.symbols) {
    const mark = input.marks.get(symbol);
    if (mark === undefined || mark.lte(0)) continue;
    const buyBudget = minDec(s.STAGE5_MAX_INTENT_NOTIONAL_TRY, input.cashTry);
    const held = input.positions.get(symbol) ?? ZERO;
    const place = (side: 'BUY' | 'SELL', notional: Dec, rationale: string, confidence: number) => {
      if (notional.gt(0)) {
        intents.push({
          symbol,
          side,
          intentType: 'place',
          requestedNotionalTry: notional,
          strategyId: BASELINE_STRATEGY_ID,
          rationale,
          confidence,
        });
      }
    };
    if (held.lte(0)) {
      if (!hasOpen(symbol, 'BUY'))
        place('BUY', minDec(s.STAGE5_BOOTSTRAP_NOTIONAL_TRY, buyBudget), 'bootstrap_position', 0.6);
      continue;
    }
    const anchor = input.anchors.get(symbol) ?? mark;
    if (anchor.lte(0)) continue;
    const deviationBps = mark.sub(anchor).div(anchor).mul(BPS);
    if (deviationBps.lte(MEAN_REVERSION_THRESHOLD_BPS.neg())) place('BUY', buyBudget, 'mean_reversion_buy', 0.7);
    // a SELL spends no TRY: only the intent cap and the holding bound it (the reference also needed TRY > 0)
    else if (deviationBps.gte(MEAN_REVERSION_THRESHOLD_BPS) && !hasOpen(symbol, 'SELL')) {
      place('SELL', minDec(s.STAGE5_MAX_INTENT_NOTIONAL_TRY, held.mul(mark)), 'mean_reversion_sell', 0.7);
    }
  }
  return intents;
}

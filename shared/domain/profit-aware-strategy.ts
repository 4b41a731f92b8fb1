// ProfitAwareStrategyV1 (spec 2.6): take profit on a quarter of a position when the bid clears the
// average cost by MIN_PROFIT_BPS; enter flat symbols conservatively at the ask when the spread is <= 1 %.
// Product rule beside the spec (STAGE3_TAKE_PROFIT_WHOLE_BELOW_MIN, on by default): when a quarter of the
// position would be below the venue's minimum notional at the bid, the whole position is sold instead. A
// 100 TRY entry's quarter (about 25 TRY) never clears BTCTurk's 99.91 TRY minimum, so the spec alone would hold
// every entry forever; the whole position clears it once the bid is above the average cost.
import type { Intent } from './intents';
import { type Dec, dec, minDec, plusBps, ZERO } from './money';

export interface StrategyQuote {
  readonly bid: Dec;
  readonly ask: Dec;
}

export interface StrategyPosition {
  readonly qty: Dec;
  readonly avgCost: Dec;
}

export interface StrategyContext {
  readonly symbols: readonly string[];
  /** Missing symbols count as bid = ask = 0 */
  readonly quotes: ReadonlyMap<string, StrategyQuote>;
  readonly positions: ReadonlyMap<string, StrategyPosition>;
  readonly freeTry: Dec;
  readonly minProfitBps: Dec;
  readonly ttlSeconds: number;
  /** The venue's minimum order notional of a symbol (undefined: unknown, the spec's quarter is kept) */
  readonly minNotional: (symbol: string) => Dec | undefined;
  /** Sell the whole position when its quarter is below the minimum notional (false: the spec's quarter always) */
  readonly wholeBelowMin: boolean;
}

const TAKE_PROFIT_FRACTION = dec('0.25');
const MAX_ENTRY_SPREAD = dec('0.01');
const ENTRY_BUDGET_CAP_TRY = dec('100');

export function profitAwareIntents(ctx: StrategyContext): Intent[] {
  const intents: Intent[] = [];
  for (const symbol of [...ctx.symbols].sort()) {
    const quote = ctx.quotes.get(symbol) ?? { bid: ZERO, ask: ZERO };
    const position = ctx.positions.get(symbol);
    if (position?.qty.gt(0)) {
      if (quote.bid.gt(0) && quote.bid.gte(plusBps(position.avgCost, ctx.minProfitBps))) {
        const quarter = position.qty.mul(TAKE_PROFIT_FRACTION);
        const min = ctx.minNotional(symbol);
        const belowMin = min !== undefined && quarter.mul(quote.bid).lt(min);
        intents.push({
          symbol,
          side: 'SELL',
          qty: ctx.wholeBelowMin && belowMin ? position.qty : quarter,
          limitPrice: quote.bid,
          reason: 'take_profit',
          confidence: 0.9,
          ttlSeconds: ctx.ttlSeconds,
        });
      }
      continue;
    }
    if (!(quote.bid.gt(0) && quote.ask.gt(0))) continue;
    if (quote.ask.sub(quote.bid).div(quote.bid).gt(MAX_ENTRY_SPREAD)) continue;
    // the budget is per symbol, not shared: risk and execution enforce the caps (spec 2.6 note)
    const budget = minDec(ctx.freeTry, ENTRY_BUDGET_CAP_TRY);
    if (budget.lte(0)) continue;
    intents.push({
      symbol,
      side: 'BUY',
      qty: budget.div(quote.ask),
      limitPrice: quote.ask,
      reason: 'conservative_entry',
      confidence: 0.55,
      ttlSeconds: ctx.ttlSeconds,
    });
  }
  return intents;
}

// The inputs of the risk budget (spec 3.12) that are derived rather than read: the losing streak and the
// volatility regime from the pnl snapshots, and the TRY notional of each held position. Pure functions of
// their arguments; amounts stay Dec throughout, including the log returns of the volatility regime.
import { convert } from '../ledger/conversion';
import { REPORT_CURRENCY } from '../ledger/ledger-report';
import type { LedgerState } from '../ledger/ledger-state';
import { type Dec, ZERO } from '../money';
import type { VolatilityRegime } from '../portfolio/budget-view';
import { splitSymbol } from '../symbols';

/** One persisted pnl snapshot; lists of them are oldest first */
export interface PnlSnapshot {
  readonly equityTry: Dec;
  readonly realizedTodayTry: Dec;
}

export interface VolatilitySettings {
  readonly STAGE7_VOL_LOOKBACK: number;
  readonly STAGE7_VOL_LOW_THRESHOLD: Dec;
  readonly STAGE7_VOL_HIGH_THRESHOLD: Dec;
}

/** A regime needs at least this many equities (five returns) */
export const MIN_VOLATILITY_EQUITIES = 6;

/** Newest snapshots in a row with realized today < 0, looking back at most `lookback` snapshots */
export function consecutiveLosses(snapshots: readonly PnlSnapshot[], lookback: number): number {
  let streak = 0;
  for (const snapshot of snapshots.slice(-lookback).reverse()) {
    if (!snapshot.realizedTodayTry.lt(0)) break;
    streak += 1;
  }
  return streak;
}

/**
 * Population standard deviation of the log returns of the last STAGE7_VOL_LOOKBACK equities: `low` at or
 * below the low threshold, `high` at or above the high one, else `normal`. Fewer than six equities is
 * `normal`. A return needs two positive equities (a log of 0 has no value): an unfunded account has no
 * volatility to measure, and a non-positive equity in the window leaves only the returns around it.
 */
export function volatilityRegime(snapshots: readonly PnlSnapshot[], settings: VolatilitySettings): VolatilityRegime {
  const equities = snapshots.slice(-settings.STAGE7_VOL_LOOKBACK).map((s) => s.equityTry);
  if (equities.length < MIN_VOLATILITY_EQUITIES) return 'normal';
  const returns: Dec[] = [];
  for (let i = 1; i < equities.length; i += 1) {
    const [before, after] = [equities[i - 1] as Dec, equities[i] as Dec];
    if (before.gt(0) && after.gt(0)) returns.push(after.div(before).ln());
  }
  if (returns.length === 0) return 'normal';
  const mean = returns.reduce((sum, r) => sum.add(r), ZERO).div(returns.length);
  const variance = returns.reduce((sum, r) => sum.add(r.sub(mean).pow(2)), ZERO).div(returns.length);
  const deviation = variance.sqrt();
  if (deviation.lte(settings.STAGE7_VOL_LOW_THRESHOLD)) return 'low';
  if (deviation.gte(settings.STAGE7_VOL_HIGH_THRESHOLD)) return 'high';
  return 'normal';
}

export interface PositionNotional {
  readonly symbol: string;
  /** |qty x mark| in TRY, at the lot cost when the symbol has no positive mark */
  readonly notionalTry: Dec;
}

export interface PositionValuation {
  readonly positions: readonly PositionNotional[];
  /** Held symbols whose quote asset has no TRY rate among the marks: no TRY notional, sorted */
  readonly unvalued: readonly string[];
}

/** The TRY notional of every symbol holding lots (spec 3.12 gross exposure: the mark falls back to cost) */
export function positionNotionals(state: LedgerState, marks: ReadonlyMap<string, Dec>): PositionValuation {
  const positions: PositionNotional[] = [];
  const unvalued: string[] = [];
  for (const book of state.symbols.values()) {
    if (book.lots.length === 0) continue;
    const quoted = marks.get(book.symbol);
    const mark = quoted?.gt(0) ? quoted : undefined;
    const notional = book.lots.reduce((sum, lot) => sum.add(lot.qty.mul(mark ?? lot.unitCost)), ZERO);
    const notionalTry = convert(notional.abs(), splitSymbol(book.symbol).quote, REPORT_CURRENCY, marks);
    if (notionalTry === undefined) unvalued.push(book.symbol);
    else positions.push({ symbol: book.symbol, notionalTry });
  }
  return { positions, unvalued: unvalued.sort() };
}

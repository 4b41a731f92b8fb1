// Stage 4 risk policy over planned actions (spec 3.15): the daily loss and drawdown blocks, then a walk in
// plan order projecting open orders and position exposure. Invariants: a CANCEL is always accepted (it only
// lowers risk, so unlike the reference neither block drops it); an accepted SUBMIT never takes the projected
// open orders above MAX_OPEN_ORDERS; a rejected action changes no projection.
import type { Position } from '../average-cost';
import { actionDecision, type Decision } from '../decision';
import { ValidationError } from '../errors';
import { type Dec, maxDec, plusBps, sumDec, ZERO } from '../money';
import { openOrderIssues } from '../oms/lifecycle-plan';
import { notionalOfAction, type OpenOrderView, type Stage4Action, type SubmitAction } from '../oms/stage4-action';

export interface ActionFilterSettings {
  readonly MAX_OPEN_ORDERS: number;
  /** Per-order cap; 0 rejects every SUBMIT here (only execution reads 0 as off) */
  readonly RISK_MAX_ORDER_NOTIONAL_TRY: Dec;
  /** Cap on the projected exposure after BUYs */
  readonly MAX_POSITION_NOTIONAL_TRY: Dec;
  readonly MAX_DAILY_LOSS_TRY: Dec;
  /** Percent: 10 = 10 % */
  readonly MAX_DRAWDOWN_PCT: Dec;
  readonly FEE_BPS_TAKER: Dec;
  readonly SLIPPAGE_BPS_BUFFER: Dec;
  readonly MIN_PROFIT_BPS: Dec;
  /** Worst case (old + new notional) while a BUY replace has both orders in flight */
  readonly REPLACE_INFLIGHT_BUDGET_PER_SYMBOL_TRY: Dec;
  /** Also bounds projected exposure plus both halves of a BUY replace */
  readonly RISK_MAX_GROSS_EXPOSURE_TRY: Dec;
}

export interface ActionFilterSnapshot {
  /** In plan order: the walk's projections depend on it */
  readonly actions: readonly Stage4Action[];
  readonly openOrders: readonly OpenOrderView[];
  readonly positions: ReadonlyMap<string, Pick<Position, 'qty' | 'avgCost'>>;
  /** Mark per symbol; a held symbol without one is valued at its average cost */
  readonly marks: ReadonlyMap<string, Dec>;
  /** Realized PnL since the UTC day start, TRY (ledger) */
  readonly realizedTodayTry: Dec;
  /** Drawdown from peak equity in percent (ledger) */
  readonly drawdownPct: Dec;
}

export interface ActionFilterResult {
  /** The accepted actions, in their input order */
  readonly accepted: readonly Stage4Action[];
  /** One per action: `accepted` or the reason it was rejected */
  readonly decisions: readonly Decision[];
}

/** @throws ValidationError when the snapshot is insane (non-positive prices or marks, negative holdings, ...) */
export function filterActions(snapshot: ActionFilterSnapshot, settings: ActionFilterSettings): ActionFilterResult {
  assertSane(snapshot, settings);
  const block = globalBlock(snapshot, settings);
  const openById = new Map(snapshot.openOrders.map((o) => [o.clientOrderId, o]));
  const cancelled = new Set<string>();
  let projectedOpen = snapshot.openOrders.length;
  let projectedPosition = positionNotional(snapshot);
  const accepted: Stage4Action[] = [];
  const decisions: Decision[] = [];
  for (const action of snapshot.actions) {
    let code: string | undefined;
    if (action.kind === 'CANCEL') {
      // Only a resting order not already cancelled frees a slot: an unknown id or a repeat frees nothing
      if (openById.has(action.clientOrderId) && !cancelled.has(action.clientOrderId)) projectedOpen -= 1;
      cancelled.add(action.clientOrderId);
    } else {
      const projection = { projectedOpen, projectedPosition, openById, positions: snapshot.positions };
      code = block ?? submitRejection(action, projection, settings);
      if (code === undefined) {
        projectedOpen += 1;
        const notional = notionalOfAction(action);
        projectedPosition =
          action.side === 'BUY' ? projectedPosition.add(notional) : maxDec(ZERO, projectedPosition.sub(notional));
      }
    }
    if (code === undefined) accepted.push(action);
    decisions.push(actionDecision('risk_filter', action, code === undefined ? 'ACCEPT' : 'REJECT', code ?? 'accepted'));
  }
  return { accepted, decisions };
}

function globalBlock(snapshot: ActionFilterSnapshot, settings: ActionFilterSettings): string | undefined {
  if (snapshot.realizedTodayTry.lte(settings.MAX_DAILY_LOSS_TRY.neg())) return 'max_daily_loss';
  if (snapshot.drawdownPct.gte(settings.MAX_DRAWDOWN_PCT)) return 'max_drawdown';
  return undefined;
}

interface Projection {
  readonly projectedOpen: number;
  readonly projectedPosition: Dec;
  readonly openById: ReadonlyMap<string, OpenOrderView>;
  readonly positions: ActionFilterSnapshot['positions'];
}

/** The first rule of spec 3.15 step 3 the SUBMIT breaks, in the spec's order */
function submitRejection(action: SubmitAction, p: Projection, settings: ActionFilterSettings): string | undefined {
  if (p.projectedOpen + 1 > settings.MAX_OPEN_ORDERS) return 'max_open_orders';
  const notional = notionalOfAction(action);
  if (notional.gt(settings.RISK_MAX_ORDER_NOTIONAL_TRY)) return 'max_order_notional_try';
  if (action.side === 'SELL') {
    const position = p.positions.get(action.symbol);
    const floorBps = settings.FEE_BPS_TAKER.add(settings.SLIPPAGE_BPS_BUFFER).add(settings.MIN_PROFIT_BPS);
    if (position?.qty.gt(0) && action.price.lt(plusBps(position.avgCost, floorBps))) return 'min_profit_threshold';
    return undefined;
  }
  if (action.reason === 'replace_submit' || action.replaceForClientOrderId !== undefined) {
    const old = p.openById.get(action.replaceForClientOrderId ?? '');
    const inFlight = (old ? notionalOfAction(old) : ZERO).add(notional);
    if (
      inFlight.gt(settings.REPLACE_INFLIGHT_BUDGET_PER_SYMBOL_TRY) ||
      p.projectedPosition.add(inFlight).gt(settings.RISK_MAX_GROSS_EXPOSURE_TRY)
    )
      return 'replace_worst_case_exposure_blocked';
  }
  if (p.projectedPosition.add(notional).gt(settings.MAX_POSITION_NOTIONAL_TRY)) return 'max_position_notional_try';
  return undefined;
}

/** Σ qty × mark over held symbols, the average cost standing in for a missing mark (as spec 3.12 does) */
const positionNotional = (snapshot: ActionFilterSnapshot): Dec =>
  sumDec([...snapshot.positions].map(([symbol, p]) => p.qty.mul(snapshot.marks.get(symbol) ?? p.avgCost)));

function assertSane(snapshot: ActionFilterSnapshot, settings: ActionFilterSettings): void {
  const issues = openOrderIssues(snapshot.openOrders);
  const check = (ok: boolean, path: string, message: string) => ok || issues.push({ path, message });
  check(
    Number.isSafeInteger(settings.MAX_OPEN_ORDERS) && settings.MAX_OPEN_ORDERS >= 0,
    'MAX_OPEN_ORDERS',
    `expected a non-negative integer, was ${settings.MAX_OPEN_ORDERS}`,
  );
  check(snapshot.realizedTodayTry.isFinite(), 'realizedTodayTry', 'expected a finite amount');
  check(snapshot.drawdownPct.isFinite() && snapshot.drawdownPct.gte(0), 'drawdownPct', 'expected >= 0');
  for (const a of snapshot.actions) {
    const at = `actions.${a.clientOrderId}`;
    check(a.price.isFinite() && a.price.gt(0), `${at}.price`, `expected > 0, was ${a.price.toFixed()}`);
    check(a.qty.isFinite() && a.qty.gt(0), `${at}.qty`, `expected > 0, was ${a.qty.toFixed()}`);
  }
  for (const [symbol, p] of snapshot.positions) {
    check(p.qty.isFinite() && p.qty.gte(0), `positions.${symbol}.qty`, `expected >= 0, was ${p.qty.toFixed()}`);
    check(p.avgCost.isFinite() && p.avgCost.gte(0), `positions.${symbol}.avgCost`, 'expected >= 0');
  }
  for (const [symbol, mark] of snapshot.marks)
    check(mark.isFinite() && mark.gt(0), `marks.${symbol}`, `expected > 0, was ${mark.toFixed()}`);
  if (issues.length > 0) throw new ValidationError('risk filter snapshot', issues);
}

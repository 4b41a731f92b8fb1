// The stage 4 decision pipeline (spec 3.13): universe -> intents -> allocation -> LIMIT orders on the venue's
// grid. The aggressive path spreads the cycle's deploy budget over the dynamic universe by score; the
// baseline path sizes the baseline strategy's intents through allocation. Either way the BUY orders of a
// plan add up to at most the deploy budget: the BUY min-notional rescue of the baseline path takes only what
// the budget has left, and drops the order instead (spec 9.1.7: the reference turned a 19.96 TRY allocation
// into a 50 TRY order).

import { actionDecision, type Decision, type DecisionAction } from '../decision';
import type { ExchangeRules, Side } from '../exchange-rules';
import { quantizePrice, quantizeQty } from '../exchange-rules';
import { clientOrderId } from '../ids';
import { ceilToStep, type Dec, minDec, ONE, ZERO } from '../money';
import type { OpenOrderView, SubmitAction } from '../oms/stage4-action';
import {
  type AllocationResult,
  type AllocationSettings,
  allocate,
  type CycleBudget,
  cycleBudget,
  type SizedAction,
} from './allocation';
import { type BaselineStrategySettings, baselineIntents } from './baseline-strategy';

export const AGGRESSIVE_STRATEGY_ID = 'aggressive_24h_momentum';

export interface DecisionPipelineSettings extends AllocationSettings, BaselineStrategySettings {
  readonly MAX_ORDERS_PER_CYCLE: number;
}

/** One cycle's snapshot; every map is keyed by canonical symbol */
export interface DecisionPipelineInput {
  /** The bot's account id and the cycle id: with the order they make its client order id */
  readonly account: string;
  readonly cycleId: string;
  /** SYMBOLS */
  readonly configuredSymbols: readonly string[];
  /** The dynamic universe's selection (spec 3.3); empty or absent: the configured symbols */
  readonly preferredSymbols?: readonly string[];
  /** The dynamic universe's scores; present and non-empty: the aggressive path */
  readonly aggressiveScores?: ReadonlyMap<string, Dec>;
  readonly rules: ReadonlyMap<string, ExchangeRules>;
  readonly marks: ReadonlyMap<string, Dec>;
  readonly positions: ReadonlyMap<string, Dec>;
  readonly openOrders: readonly OpenOrderView[];
  readonly cashTry: Dec;
  /** The final risk multiplier (spec 3.12) */
  readonly multiplier: Dec;
  /** Baseline mean reversion anchors; absent: each symbol's mark */
  readonly anchors?: ReadonlyMap<string, Dec>;
}

export interface DecisionPlan {
  readonly path: 'aggressive' | 'baseline';
  readonly universe: readonly string[];
  readonly budget: CycleBudget;
  /** The baseline path's allocation, for the cycle's allocation plan record */
  readonly allocation: AllocationResult | undefined;
  /** At most MAX_ORDERS_PER_CYCLE, largest notional first */
  readonly submits: readonly SubmitAction[];
  /** Planned orders past MAX_ORDERS_PER_CYCLE */
  readonly deferred: readonly SubmitAction[];
  readonly decisions: readonly Decision[];
}

const LAYER = 'allocation';

export function planDecisions(input: DecisionPipelineInput, s: DecisionPipelineSettings): DecisionPlan {
  const preferred = input.preferredSymbols ?? [];
  const universe = [...new Set(preferred.length > 0 ? preferred : input.configuredSymbols)];
  const budget = cycleBudget(input.cashTry, input.multiplier, s);
  const decisions: Decision[] = [];
  const note = (code: string, action: DecisionAction, symbol?: string, side?: Side) =>
    decisions.push({ layer: LAYER, code, action, scope: symbol ? 'symbol' : 'global', symbol, side });
  if (budget.investableTotalTry.lte(0)) note('capital_gate:cash_reserve_target', 'BLOCK', undefined, 'BUY');
  else if (budget.investableThisCycleTry.lte(0)) {
    note('capital_gate:insufficient_investable_cash', 'SUPPRESS', undefined, 'BUY');
  }
  const order = (symbol: string, side: Side, price: Dec, qty: Dec, strategyId: string): SubmitAction => ({
    kind: 'SUBMIT',
    symbol,
    side,
    price,
    qty,
    clientOrderId: clientOrderId({
      account: input.account,
      stage: 'stage4',
      symbol,
      side,
      price,
      qty,
      bucket: input.cycleId,
      attempt: 0,
    }),
    reason: 'new_intent',
    strategyId,
  });

  const scores = input.aggressiveScores;
  let planned: SubmitAction[];
  let allocation: AllocationResult | undefined;
  if (scores !== undefined && scores.size > 0) {
    planned = aggressiveOrders(universe, scores, input, budget.deployBudgetTry, note).map((o) =>
      order(o.symbol, 'BUY', o.price, o.qty, AGGRESSIVE_STRATEGY_ID),
    );
  } else {
    const intents = baselineIntents(
      {
        symbols: universe,
        marks: input.marks,
        positions: input.positions,
        openOrders: input.openOrders,
        cashTry: input.cashTry,
        anchors: input.anchors ?? new Map(),
      },
      s,
    );
    allocation = allocate(
      { intents, cashTry: input.cashTry, positions: input.positions, marks: input.marks, multiplier: input.multiplier },
      s,
    );
    for (const d of allocation.decisions) {
      if (d.status !== 'accepted') {
        decisions.push({
          layer: LAYER,
          code: d.reason,
          action: d.status === 'scaled' ? 'SCALE' : 'REJECT',
          scope: 'symbol',
          symbol: d.symbol,
          side: d.side,
        });
      }
    }
    planned = sizedOrders(allocation, input, note).map((o) => order(o.symbol, o.side, o.price, o.qty, o.strategyId));
  }

  const ranked = planned.sort(byRank);
  const submits = ranked.slice(0, Math.max(0, s.MAX_ORDERS_PER_CYCLE));
  const deferred = ranked.slice(submits.length);
  for (const d of deferred) {
    decisions.push(actionDecision(LAYER, d, 'DEFER', 'max_orders_per_cycle'));
  }
  return {
    path: allocation ? 'baseline' : 'aggressive',
    universe,
    budget,
    allocation,
    submits,
    deferred,
    decisions,
  };
}

type Note = (code: string, action: DecisionAction, symbol?: string, side?: Side) => void;

interface PricedOrder {
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  readonly strategyId: string;
}

/**
 * Spreads `deploy` over the eligible symbols by score share (negative scores count as 0; all zero: equal
 * shares), dropping every symbol whose share does not make an order and sharing again among the rest until
 * nothing drops. Quantities round down, so the orders add up to at most `deploy`.
 */
function aggressiveOrders(
  universe: readonly string[],
  scores: ReadonlyMap<string, Dec>,
  input: DecisionPipelineInput,
  deploy: Dec,
  note: Note,
): PricedOrder[] {
  if (deploy.lte(0)) return [];
  let eligible = [...universe]
    .filter((symbol) => input.rules.has(symbol) && (input.marks.get(symbol) ?? ZERO).gt(0) && scores.has(symbol))
    .sort();
  for (;;) {
    const weights = eligible.map((symbol) => maxZero(scores.get(symbol) ?? ZERO));
    const total = weights.reduce((acc, w) => acc.add(w), ZERO);
    const orders: PricedOrder[] = [];
    const dropped = new Set<string>();
    for (const [i, symbol] of eligible.entries()) {
      const share = total.gt(0) ? (weights[i] ?? ZERO).div(total) : ONE.div(eligible.length);
      const priced = aggressiveOrder(symbol, deploy.mul(share), input);
      if (typeof priced === 'string') {
        dropped.add(symbol);
        note(priced, 'DROP', symbol, 'BUY');
      } else orders.push(priced);
    }
    if (dropped.size === 0) return orders;
    eligible = eligible.filter((symbol) => !dropped.has(symbol));
  }
}

/** A BUY of `notional` at the mark on the venue's grid, or the reason there is none */
function aggressiveOrder(symbol: string, notional: Dec, input: DecisionPipelineInput): PricedOrder | string {
  const rules = input.rules.get(symbol) as ExchangeRules;
  const price = quantizePrice(rules, 'BUY', input.marks.get(symbol) as Dec);
  if (price.lte(0)) return 'dropped_invalid_price';
  const qty = quantizeQty(rules, notional.div(price));
  if (qty.lte(0)) return 'dropped_zero_qty';
  if (qty.mul(price).lt(rules.minNotional)) return 'dropped_min_notional';
  return { symbol, side: 'BUY', price, qty, strategyId: AGGRESSIVE_STRATEGY_ID };
}

/**
 * Puts the allocation's sized actions on the venue's grid. A BUY below the minimum notional may be raised to
 * it only from what the deploy budget has left once every other BUY of the plan is counted at its
 * allocation; a SELL never exceeds the holding.
 */
function sizedOrders(allocation: AllocationResult, input: DecisionPipelineInput, note: Note): PricedOrder[] {
  // what the plan's BUYs are committed to: mapped orders at their notional, unmapped ones at their allocation
  let committed = allocation.plannedTotalTry;
  const orders: PricedOrder[] = [];
  for (const action of allocation.actions) {
    const buy = action.side === 'BUY';
    if (buy) committed = committed.sub(action.notionalTry);
    const priced = priceAction(action, input, committed, allocation.budget.deployBudgetTry);
    if (typeof priced === 'string') {
      note(priced, 'DROP', action.symbol, action.side);
      continue;
    }
    if (buy) committed = committed.add(priced.price.mul(priced.qty));
    orders.push(priced);
  }
  return orders;
}

function priceAction(
  action: SizedAction,
  input: DecisionPipelineInput,
  committed: Dec,
  deploy: Dec,
): PricedOrder | string {
  const rules = input.rules.get(action.symbol);
  if (rules === undefined) return 'dropped_missing_pair_info';
  const mark = input.marks.get(action.symbol);
  if (mark === undefined || mark.lte(0)) return 'missing_mark_price';
  const price = quantizePrice(rules, action.side, mark);
  if (price.lte(0)) return 'dropped_invalid_price';
  const held = input.positions.get(action.symbol) ?? ZERO;
  let qty = quantizeQty(rules, action.side === 'SELL' ? minDec(action.qty, held) : action.qty);
  if (qty.lte(0)) return 'dropped_qty_became_zero';
  if (qty.mul(price).lt(rules.minNotional)) {
    if (action.side === 'SELL') return 'dropped_min_notional_after_quantize';
    qty = ceilToStep(rules.minNotional.div(price), rules.qtyStep);
    if (committed.add(qty.mul(price)).gt(deploy)) return 'dropped_min_notional_exceeds_budget';
  }
  return { symbol: action.symbol, side: action.side, price, qty, strategyId: action.strategyId };
}

const maxZero = (x: Dec): Dec => (x.lt(0) ? ZERO : x);

/** Notional desc, then symbol, side, client order id: a total order, so the cut is deterministic */
function byRank(a: SubmitAction, b: SubmitAction): number {
  const byNotional = b.price.mul(b.qty).cmp(a.price.mul(a.qty));
  if (byNotional !== 0) return byNotional;
  return (
    compareText(a.symbol, b.symbol) || compareText(a.side, b.side) || compareText(a.clientOrderId, b.clientOrderId)
  );
}

/** Code-unit order: locale collation would make the ranking depend on the host */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

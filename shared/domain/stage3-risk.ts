// Stage 3 risk policy (spec 2.7) with the reference defect fixed: BUYs are blocked when investable cash
// is zero (9.1.7). Rules run in the spec's order; the first failing rule blocks an intent. Approved
// intents carry the order as it will be sent: price quantized (on the safe side of its order), quantity
// sized from the intent's notional at that price (2.8 step 2), and every venue rule checked (5.4, 3.19).
// The live balance precheck of 2.8 step 3 runs later, over the approved intents in execution order.
import { type ExchangeRules, quantizePrice, ruleViolations } from './exchange-rules';
import { type ApprovedIntent, type Intent, notionalOf } from './intents';
import { type Dec, floorToStep, plusBps, ZERO } from './money';

export interface RiskDecision {
  readonly symbol: string;
  readonly side: Intent['side'];
  readonly action: 'BLOCK' | 'DROP' | 'CAP';
  readonly code: string;
}

export interface Stage3RiskContext {
  readonly maxOrdersPerCycle: number;
  readonly maxOpenOrdersPerSymbol: number;
  readonly cooldownSeconds: number;
  readonly maxNotionalPerOrder: Dec;
  readonly notionalCapPerCycle: Dec;
  readonly investableTry: Dec;
  readonly nowMs: number;
  readonly openOrders: ReadonlyMap<string, number>;
  /** Last approved intent per `${symbol}:${side}` */
  readonly lastApprovedAtMs: ReadonlyMap<string, number>;
  /** Undefined = rules unavailable: the intent is blocked unless fallback is allowed (dry-run) */
  readonly rules: (symbol: string) => ExchangeRules | undefined;
}

export interface Stage3RiskResult {
  readonly approved: ApprovedIntent[];
  readonly decisions: RiskDecision[];
}

type Check = { ok: true; intent: ApprovedIntent; decision?: RiskDecision } | { ok: false; code: string };

export function evaluateStage3Risk(intents: readonly Intent[], ctx: Stage3RiskContext): Stage3RiskResult {
  const decisions: RiskDecision[] = intents
    .slice(ctx.maxOrdersPerCycle)
    .map((i) => ({ symbol: i.symbol, side: i.side, action: 'DROP', code: 'risk_drop:max_orders_per_cycle' }));
  const approved: ApprovedIntent[] = [];
  let usedNotional = ZERO;
  for (const intent of intents.slice(0, ctx.maxOrdersPerCycle)) {
    const result = check(intent, ctx, usedNotional);
    if (!result.ok) {
      decisions.push({ symbol: intent.symbol, side: intent.side, action: 'BLOCK', code: result.code });
      continue;
    }
    if (result.decision) decisions.push(result.decision);
    approved.push(result.intent);
    usedNotional = usedNotional.add(notionalOf(result.intent));
  }
  return { approved, decisions };
}

function check(intent: Intent, ctx: Stage3RiskContext, usedNotional: Dec): Check {
  if ((ctx.openOrders.get(intent.symbol) ?? 0) >= ctx.maxOpenOrdersPerSymbol) {
    return { ok: false, code: 'risk_block:max_open_orders_per_symbol' };
  }
  const last = ctx.lastApprovedAtMs.get(`${intent.symbol}:${intent.side}`);
  if (ctx.cooldownSeconds > 0 && last !== undefined && ctx.nowMs - last < ctx.cooldownSeconds * 1000) {
    return { ok: false, code: 'risk_block:cooldown' };
  }
  const rules = ctx.rules(intent.symbol);
  if (!rules) return { ok: false, code: 'exchange_rules_unavailable_blocked' };
  const price = quantizePrice(rules, intent.side, intent.limitPrice);
  if (price.lte(0)) return { ok: false, code: 'risk_block:non_positive_after_quantize' };
  let qty = floorToStep(notionalOf(intent).div(price), rules.qtyStep);
  const invalid = sizeProblem(rules, price, qty);
  if (invalid) return { ok: false, code: invalid };
  if (intent.side === 'BUY' && usedNotional.add(price.mul(qty)).gt(ctx.investableTry)) {
    return { ok: false, code: 'risk_block:cash_reserve_target' };
  }
  let decision: RiskDecision | undefined;
  if (ctx.maxNotionalPerOrder.gt(0) && price.mul(qty).gt(ctx.maxNotionalPerOrder)) {
    qty = floorToStep(ctx.maxNotionalPerOrder.div(price), rules.qtyStep);
    if (qty.lte(0)) return { ok: false, code: 'risk_block:max_notional_cap_non_positive' };
    const capped = sizeProblem(rules, price, qty);
    if (capped) return { ok: false, code: capped };
    decision = { symbol: intent.symbol, side: intent.side, action: 'CAP', code: 'risk_cap:max_notional_per_order_try' };
  }
  if (usedNotional.add(price.mul(qty)).gt(ctx.notionalCapPerCycle))
    return { ok: false, code: 'risk_block:notional_cap' };
  const approved = { ...intent, limitPrice: price, qty, base: rules.base, quote: rules.quote };
  return { ok: true, intent: approved, ...(decision ? { decision } : {}) };
}

/** The reason code of the first rule a quantized order breaks: its own code for the minimums, else every venue rule */
function sizeProblem(rules: ExchangeRules, price: Dec, qty: Dec): string | undefined {
  if (qty.lte(0)) return 'risk_block:non_positive_after_quantize';
  if (price.mul(qty).lt(rules.minNotional)) return 'risk_block:min_notional';
  const violations = ruleViolations(rules, price, qty);
  return violations.length > 0 ? `risk_block:violates_rules:${violations.join(',')}` : undefined;
}

export interface BalancePrecheckSettings {
  /** EXECUTION_ESTIMATED_FEE_BPS: the fee a BUY pays in quote, on its notional */
  readonly estimatedFeeBps: Dec;
  /** EXECUTION_BALANCE_SAFETY_BUFFER_RATIO: this fraction of the notional (BUY) or quantity (SELL) on top */
  readonly safetyBufferRatio: Dec;
  /** EXECUTION_SELL_FEE_IN_BASE_BPS: extra base a SELL needs */
  readonly sellFeeInBaseBps: Dec;
  /** SPOT_SELL_REQUIRES_INVENTORY: without balances a SELL fails closed */
  readonly sellRequiresInventory: boolean;
}

export type PrecheckVerdict = 'ok' | 'insufficient_balance_precheck' | 'balances_missing_fail_closed';

/**
 * The live balance precheck (spec 2.8 step 3) over one cycle's approved intents, called in execution order:
 * an order that passes reserves what it needs, so the next one sees only what is left. `free` is the free
 * balance per asset (an asset not listed has none), or undefined when balances could not be read; then a
 * BUY fails closed as well (9.1.8: never act on an invented cash figure; the reference let it proceed).
 */
export function balancePrecheck(
  free: ReadonlyMap<string, Dec> | undefined,
  settings: BalancePrecheckSettings,
): (order: ApprovedIntent) => PrecheckVerdict {
  const reserved = new Map<string, Dec>();
  return (order) => {
    if (free === undefined) {
      return order.side === 'SELL' && !settings.sellRequiresInventory ? 'ok' : 'balances_missing_fail_closed';
    }
    const notional = notionalOf(order);
    const { asset, need } =
      order.side === 'BUY'
        ? {
            asset: order.quote,
            need: plusBps(notional, settings.estimatedFeeBps).add(notional.mul(settings.safetyBufferRatio)),
          }
        : {
            asset: order.base,
            need: plusBps(order.qty, settings.sellFeeInBaseBps).add(order.qty.mul(settings.safetyBufferRatio)),
          };
    const used = (reserved.get(asset) ?? ZERO).add(need);
    if (used.gt(free.get(asset) ?? ZERO)) return 'insufficient_balance_precheck';
    reserved.set(asset, used);
    return 'ok';
  };
}

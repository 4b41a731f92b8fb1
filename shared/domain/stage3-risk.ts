// Stage 3 risk policy (spec 2.7) with the reference defect fixed: BUYs are blocked when investable cash
// is zero (9.1.7). Rules run in the spec's order; the first failing rule blocks an intent. Approved
// intents carry quantized price and quantity (price on the safe side of its order, as everywhere else).
import { type ExchangeRules, quantizePrice, quantizeQty } from './exchange-rules';
import { type Intent, notionalOf } from './intents';
import { type Dec, floorToStep, ZERO } from './money';

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
  readonly approved: Intent[];
  readonly decisions: RiskDecision[];
}

type Check = { ok: true; intent: Intent; decision?: RiskDecision } | { ok: false; code: string };

export function evaluateStage3Risk(intents: readonly Intent[], ctx: Stage3RiskContext): Stage3RiskResult {
  const decisions: RiskDecision[] = intents
    .slice(ctx.maxOrdersPerCycle)
    .map((i) => ({ symbol: i.symbol, side: i.side, action: 'DROP', code: 'risk_drop:max_orders_per_cycle' }));
  const approved: Intent[] = [];
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
  let qty = quantizeQty(rules, intent.qty);
  if (price.lte(0) || qty.lte(0)) return { ok: false, code: 'risk_block:non_positive_after_quantize' };
  if (price.mul(qty).lt(rules.minNotional)) return { ok: false, code: 'risk_block:min_notional' };
  if (intent.side === 'BUY' && usedNotional.add(price.mul(qty)).gt(ctx.investableTry)) {
    return { ok: false, code: 'risk_block:cash_reserve_target' };
  }
  let decision: RiskDecision | undefined;
  if (ctx.maxNotionalPerOrder.gt(0) && price.mul(qty).gt(ctx.maxNotionalPerOrder)) {
    qty = floorToStep(ctx.maxNotionalPerOrder.div(price), rules.qtyStep);
    if (qty.lte(0)) return { ok: false, code: 'risk_block:max_notional_cap_non_positive' };
    if (price.mul(qty).lt(rules.minNotional)) return { ok: false, code: 'risk_block:min_notional' };
    decision = { symbol: intent.symbol, side: intent.side, action: 'CAP', code: 'risk_cap:max_notional_per_order_try' };
  }
  if (usedNotional.add(price.mul(qty)).gt(ctx.notionalCapPerCycle))
    return { ok: false, code: 'risk_block:notional_cap' };
  return { ok: true, intent: { ...intent, limitPrice: price, qty }, ...(decision ? { decision } : {}) };
}

// Stage 7 order builder (spec 4.8, 9.1.10): one LIMIT intent per plan action, SELLs then BUYs by symbol, a
// skipped one saying why. Invariants: a sent intent's price is on the tick, its qty on the step, it breaks no
// exchange rule and reaches max(rule minimum, MIN_ORDER_NOTIONAL_TRY); the BUYs' notional plus their fee
// buffer stays within the plan's free TRY; the SELLs of an asset stay within its free balance; the client id
// is a pure function of the cycle and the order. LIMIT is the only order type the intent can express.
// Past 200 lines on purpose: 4.8's checks run in the spec's order, and one file keeps that order visible.

import { ValidationError, type ValidationIssue } from '../errors';
import {
  type ExchangeRules,
  quantizePrice,
  quantizeQty,
  type RuleViolation,
  ruleViolations,
  type Side,
} from '../exchange-rules';
import { sha256Hex } from '../hashing';
import { type Dec, dec, maxDec, minDec, minusBps, ONE, plusBps, toPlain, ZERO } from '../money';
import { feeBufferRatioOf } from '../portfolio/allocation';
import type { Stage7Balance, Stage7RebalanceAction } from '../portfolio/stage7-portfolio-policy';
import type { Mode } from '../risk/mode';
import { splitSymbol } from '../symbols';
import type { Stage7Intent } from './stage7-intent';

export interface Stage7OrderBuilderSettings {
  readonly STAGE7_ORDER_OFFSET_BPS: Dec;
  readonly SPOT_SELL_REQUIRES_INVENTORY: boolean;
  /** Overrides ALLOCATION_FEE_BUFFER_BPS when > 0 */
  readonly FEE_BUFFER_RATIO: Dec;
  readonly ALLOCATION_FEE_BUFFER_BPS: Dec;
  /** 0: derived per order as max(price x step, tick x step) */
  readonly ROUNDING_BUFFER_TRY: Dec;
  /** 0 = no per-order cap */
  readonly MAX_NOTIONAL_PER_ORDER_TRY: Dec;
  readonly MIN_ORDER_NOTIONAL_TRY: Dec;
  /** The cycle's BUY cap; 0 = none */
  readonly NOTIONAL_CAP_TRY_PER_CYCLE: Dec;
}

export interface Stage7OrderBuilderInput {
  readonly cycleId: string;
  /** Recorded as the intents' created_at */
  readonly nowMs: number;
  readonly mode: Mode;
  readonly plan: {
    readonly actions: readonly Stage7RebalanceAction[];
    /** Free TRY */
    readonly cashTry: Dec;
    /** Free and locked per asset: SELLs draw on the free balance */
    readonly balances: readonly Stage7Balance[];
  };
  /** Keyed by canonical symbol */
  readonly marks: ReadonlyMap<string, Dec>;
  readonly rulesFor: (symbol: string) => ExchangeRules | undefined;
  /** The rules boundary's SKIP outcomes (spec 4.6): symbol -> status */
  readonly rulesUnavailable: ReadonlyMap<string, string>;
}

export type Stage7SkipReason =
  | 'missing_mark_price'
  | `rules_unavailable:${string}`
  | 'price_rounds_to_zero'
  | 'insufficient_notional_after_buffers'
  | 'spot_sell_requires_inventory'
  | 'invalid_symbol_for_inventory_resolution'
  | 'insufficient_inventory_free_qty'
  | 'insufficient_sell_qty_input'
  | 'qty_rounds_to_zero'
  | 'qty_below_min_qty_after_quantize'
  | 'notional_below_min_total_after_quantize'
  | 'notional_below_internal_min_after_quantize'
  | RuleViolation;

/** The spec's SELL metrics */
export interface Stage7SellMetrics {
  readonly sellAttempted: boolean;
  readonly availableQty: Dec;
  readonly desiredQty: Dec;
  readonly qtyAfterQuantize: Dec;
  readonly notionalTryAfterQuantize: Dec;
}

export interface Stage7IntentConstraints {
  readonly orderOffsetBps: Dec;
  /** Price and qty went through the venue grid (false when skipped before pricing) */
  readonly quantized: boolean;
  readonly createdAtMs: number;
  readonly sell?: Stage7SellMetrics;
}

/** A Stage7Intent plus the spec's constraints_applied; assignable to Stage7Intent */
export interface Stage7BuiltIntent extends Stage7Intent {
  readonly skipReason?: Stage7SkipReason;
  readonly constraintsApplied: Stage7IntentConstraints;
}

const BPS = dec('10000');

/** `s7:{cycle}:{SYMBOL}:{SIDE}:` + sha256(`{cycle}|{SYMBOL}|{SIDE}|{price}|{qty}|{reason}`)[:12] */
export function stage7ClientOrderId(cycleId: string, symbol: string, side: Side, price: Dec, qty: Dec, reason: string) {
  const digest = sha256Hex(`${cycleId}|${symbol}|${side}|${toPlain(price)}|${toPlain(qty)}|${reason}`);
  return `s7:${cycleId}:${symbol}:${side}:${digest.slice(0, 12)}`;
}

/** The planners' fee buffer (allocation.ts), at most 1 */
export const stage7FeeRatio = (s: Stage7OrderBuilderSettings): Dec => minDec(ONE, feeBufferRatioOf(s));

/** @throws ValidationError an empty cycle id, a non-finite amount, negative balances or settings */
export function buildStage7Intents(input: Stage7OrderBuilderInput, s: Stage7OrderBuilderSettings): Stage7BuiltIntent[] {
  check(input, s);
  if (input.mode === 'OBSERVE_ONLY') return [];
  const feeRatio = stage7FeeRatio(s);
  const capped = s.NOTIONAL_CAP_TRY_PER_CYCLE.gt(0);
  const left = { cash: input.plan.cashTry, buyCap: s.NOTIONAL_CAP_TRY_PER_CYCLE };
  const freeLeft = new Map(input.plan.balances.map((b) => [b.asset.toUpperCase(), b.free]));
  const actions = [...input.plan.actions]
    .filter((a) => input.mode === 'NORMAL' || a.side === 'SELL')
    .sort((a, b) =>
      a.side === b.side ? (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) : a.side === 'SELL' ? -1 : 1,
    );
  return actions.map((action) => {
    const constraints = { orderOffsetBps: s.STAGE7_ORDER_OFFSET_BPS, createdAtMs: input.nowMs };
    const out = size(action, input, s, { feeRatio, capped, left, freeLeft });
    const applied = { ...constraints, quantized: out.priced, sell: out.sell };
    if ('skip' in out) return intent(input.cycleId, action, ZERO, ZERO, out.skip, applied);
    const notional = out.price.mul(out.qty);
    if (action.side === 'BUY') {
      // the fee buffer is spent too: the BUYs' notional x (1 + fee ratio) never exceeds the plan's cash
      left.cash = left.cash.sub(notional.mul(ONE.add(feeRatio)));
      left.buyCap = maxDec(ZERO, left.buyCap.sub(notional));
    } else {
      const { base } = splitSymbol(action.symbol);
      freeLeft.set(base, (freeLeft.get(base) ?? ZERO).sub(out.qty));
    }
    return intent(input.cycleId, action, out.price, out.qty, undefined, applied);
  });
}

function intent(
  cycleId: string,
  action: Stage7RebalanceAction,
  price: Dec,
  qty: Dec,
  skipReason: Stage7SkipReason | undefined,
  constraintsApplied: Stage7IntentConstraints,
): Stage7BuiltIntent {
  return {
    cycleId,
    symbol: action.symbol,
    side: action.side,
    orderType: 'LIMIT',
    price,
    qty,
    notionalTry: price.mul(qty),
    clientOrderId: stage7ClientOrderId(cycleId, action.symbol, action.side, price, qty, action.reason),
    reason: action.reason,
    skipped: skipReason !== undefined,
    ...(skipReason === undefined ? {} : { skipReason }),
    constraintsApplied: constraintsApplied.sell === undefined ? withoutSell(constraintsApplied) : constraintsApplied,
  };
}

const withoutSell = ({ sell: _, ...rest }: Stage7IntentConstraints): Stage7IntentConstraints => rest;

interface Budget {
  readonly feeRatio: Dec;
  readonly capped: boolean;
  readonly left: { readonly cash: Dec; readonly buyCap: Dec };
  readonly freeLeft: ReadonlyMap<string, Dec>;
}

/** `priced`: the order reached the venue grid before it was sized or skipped */
type Sized = { readonly priced: boolean; readonly sell?: Stage7SellMetrics } & (
  | { readonly skip: Stage7SkipReason }
  | { readonly price: Dec; readonly qty: Dec }
);

/** The spec's checks in its order; the first one that fails names the skip */
function size(
  a: Stage7RebalanceAction,
  input: Stage7OrderBuilderInput,
  s: Stage7OrderBuilderSettings,
  b: Budget,
): Sized {
  const unpriced = (skip: Stage7SkipReason): Sized => ({ skip, priced: false });
  if (a.side === 'SELL' && s.SPOT_SELL_REQUIRES_INVENTORY && a.estQty.lte(0))
    return unpriced('spot_sell_requires_inventory');
  const unavailable = input.rulesUnavailable.get(a.symbol);
  if (unavailable !== undefined) return unpriced(`rules_unavailable:${unavailable}`);
  const mark = input.marks.get(a.symbol);
  if (mark === undefined || mark.lte(0)) return unpriced('missing_mark_price');
  const rules = input.rulesFor(a.symbol);
  if (rules === undefined) return unpriced('rules_unavailable:missing');
  const offset = s.STAGE7_ORDER_OFFSET_BPS;
  // passive: below the mark for a BUY, above it for a SELL, then onto the tick on the safe side of each
  const price = quantizePrice(rules, a.side, a.side === 'BUY' ? minusBps(mark, offset) : plusBps(mark, offset));
  if (price.lte(0)) return unpriced('price_rounds_to_zero');
  const priced = (skip: Stage7SkipReason): Sized => ({ skip, priced: true });
  if (a.side === 'BUY') {
    let budget = minDec(a.notionalTry, b.left.cash);
    if (b.capped) budget = minDec(budget, b.left.buyCap);
    if (s.MAX_NOTIONAL_PER_ORDER_TRY.gt(0)) budget = minDec(budget, s.MAX_NOTIONAL_PER_ORDER_TRY);
    const roundingBuffer = s.ROUNDING_BUFFER_TRY.gt(0)
      ? s.ROUNDING_BUFFER_TRY
      : maxDec(price.mul(rules.qtyStep), rules.priceTick.mul(rules.qtyStep));
    const spend = maxDec(ZERO, budget.mul(ONE.sub(b.feeRatio)).sub(roundingBuffer));
    if (spend.lt(maxDec(rules.minNotional, s.MIN_ORDER_NOTIONAL_TRY)))
      return priced('insufficient_notional_after_buffers');
    return validated(rules, price, quantizeQty(rules, spend.div(price)), s);
  }
  let base: string;
  try {
    base = splitSymbol(a.symbol).base;
  } catch {
    return priced('invalid_symbol_for_inventory_resolution');
  }
  const available = b.freeLeft.get(base) ?? ZERO;
  if (available.lte(0)) return priced('insufficient_inventory_free_qty');
  const desired = a.estQty.gt(0) ? a.estQty : a.notionalTry.div(price);
  if (desired.lte(0)) return priced('insufficient_sell_qty_input');
  const qty = quantizeQty(rules, minDec(desired, available));
  const sell = {
    sellAttempted: true,
    availableQty: available,
    desiredQty: desired,
    qtyAfterQuantize: qty,
    notionalTryAfterQuantize: price.mul(qty),
  };
  return { ...validated(rules, price, qty, s), sell };
}

function validated(rules: ExchangeRules, price: Dec, qty: Dec, s: Stage7OrderBuilderSettings): Sized {
  const skip = (reason: Stage7SkipReason): Sized => ({ skip: reason, priced: true });
  const notional = price.mul(qty);
  if (qty.lte(0)) return skip('qty_rounds_to_zero');
  if (rules.minQty !== undefined && qty.lt(rules.minQty)) return skip('qty_below_min_qty_after_quantize');
  if (notional.lt(rules.minNotional)) return skip('notional_below_min_total_after_quantize');
  // the spec checks our own floor on SELLs only; a BUY floored below it after quantizing is held to it too
  if (notional.lt(s.MIN_ORDER_NOTIONAL_TRY)) return skip('notional_below_internal_min_after_quantize');
  const [violation] = ruleViolations(rules, price, qty);
  return violation === undefined ? { price, qty, priced: true } : skip(violation);
}

function check(input: Stage7OrderBuilderInput, s: Stage7OrderBuilderSettings): void {
  const issues: ValidationIssue[] = [];
  const amount = (x: Dec, path: string) =>
    (x.isFinite() && x.gte(0)) || issues.push({ path, message: `expected a finite amount >= 0, was ${x.toString()}` });
  if (input.cycleId.length === 0) issues.push({ path: 'cycleId', message: 'expected a non-empty cycle id' });
  if (!Number.isSafeInteger(input.nowMs)) issues.push({ path: 'nowMs', message: 'expected an integer ms timestamp' });
  amount(input.plan.cashTry, 'plan.cashTry');
  for (const b of input.plan.balances) amount(b.free, `plan.balances.${b.asset}.free`);
  for (const a of input.plan.actions) {
    amount(a.notionalTry, `plan.actions.${a.symbol}.notionalTry`);
    amount(a.estQty, `plan.actions.${a.symbol}.estQty`);
  }
  for (const [symbol, mark] of input.marks)
    if (!mark.isFinite()) issues.push({ path: `marks.${symbol}`, message: 'expected a finite mark' });
  const knobs = [
    'STAGE7_ORDER_OFFSET_BPS',
    'FEE_BUFFER_RATIO',
    'ALLOCATION_FEE_BUFFER_BPS',
    'ROUNDING_BUFFER_TRY',
    'MAX_NOTIONAL_PER_ORDER_TRY',
    'MIN_ORDER_NOTIONAL_TRY',
    'NOTIONAL_CAP_TRY_PER_CYCLE',
  ] as const;
  for (const k of knobs) amount(s[k], k);
  if (s.STAGE7_ORDER_OFFSET_BPS.gte(BPS)) issues.push({ path: 'STAGE7_ORDER_OFFSET_BPS', message: 'expected < 10000' });
  if (issues.length > 0) throw new ValidationError('stage 7 order builder input', issues);
}

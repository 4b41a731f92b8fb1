// Exchange rules per symbol (spec 2.9, 3.19; BTCTURK_API 6.2, 8.3) and quantization on the safe side.
// Invariants: quantized values are multiples of their step; a quantity or BUY price never exceeds its
// input, a SELL price never falls below it; quantizing twice changes nothing; nothing rounds up to a minimum.
import { BelowMinNotionalError, InvalidExchangeRulesError, InvalidOrderSizeError } from './errors';
import { ceilToStep, type Dec, dec, floorToStep, isDecimalString, isMultipleOf, maxDec, placesOf } from './money';
import { canonicalSymbol } from './symbols';

export type Side = 'BUY' | 'SELL';

/** Pair metadata as the venue describes it, normalized to strings by the adapter that parsed it */
export interface PairMetadata {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly status: string;
  readonly numeratorScale: number;
  readonly denominatorScale: number;
  readonly hasFraction: boolean;
  readonly orderMethods: readonly string[];
  readonly tickSize?: string | undefined;
  readonly stepSize?: string | undefined;
  readonly minPrice?: string | undefined;
  readonly maxPrice?: string | undefined;
  readonly minQty?: string | undefined;
  readonly maxQty?: string | undefined;
  /** Every positive minimum-notional candidate the venue published (BTCTurk: minExchangeValue) */
  readonly minNotionalCandidates: readonly string[];
  /** Dynamic price band (BTCTurk minimumLimitOrderPrice / maximumLimitOrderPrice) */
  readonly minLimitPrice?: string | undefined;
  readonly maxLimitPrice?: string | undefined;
}

export type RulesSource = 'exchangeinfo' | 'fallback';

export interface ExchangeRules {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tradable: boolean;
  readonly limitOrdersAllowed: boolean;
  /** Effective price grid: a multiple of tickSize, of 10^-denominatorScale, and of 1 when hasFraction is false */
  readonly priceTick: Dec;
  readonly qtyStep: Dec;
  readonly minNotional: Dec;
  readonly priceScale: number;
  readonly qtyScale: number;
  readonly hasFraction: boolean;
  readonly minPrice?: Dec | undefined;
  readonly maxPrice?: Dec | undefined;
  readonly minQty?: Dec | undefined;
  readonly maxQty?: Dec | undefined;
  readonly source: RulesSource;
}

export interface RulesDefaults {
  /** Used for a TRY pair that publishes no minimum notional (spec 3.19 safe default inputs) */
  readonly safeMinNotional: Dec;
  /** Our own floor (MIN_ORDER_NOTIONAL_TRY): the effective minimum is never below it */
  readonly internalMinNotional: Dec;
}

const TEN = dec('10');
const pow10neg = (places: number): Dec => TEN.pow(-places);

/** Least common multiple of positive decimal steps, exact (scaled to integers) */
export function lcmStep(steps: readonly Dec[]): Dec {
  const places = Math.max(...steps.map(placesOf));
  const scale = TEN.pow(places);
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const ints = steps.map((s) => BigInt(s.mul(scale).toFixed(0)));
  const lcm = ints.reduce((acc, n) => (acc / gcd(acc, n)) * n);
  return dec(lcm.toString()).div(scale);
}

function positive(field: string, raw: string | undefined, problems: string[]): Dec | undefined {
  if (raw === undefined) return undefined;
  if (!isDecimalString(raw) || dec(raw).lte(0)) {
    problems.push(`${field} expected a positive decimal, was ${JSON.stringify(raw)}`);
    return undefined;
  }
  return dec(raw);
}

/**
 * Builds the rules of one pair. Missing or non-positive tick, step or min notional is `invalid_metadata`
 * (a typed error listing every problem); a TRY pair without any min-notional candidate gets the safe default.
 */
export function deriveRules(meta: PairMetadata, defaults: RulesDefaults): ExchangeRules {
  const symbol = canonicalSymbol(meta.symbol);
  const problems: string[] = [];
  const scaleOk = (n: number) => Number.isInteger(n) && n >= 0 && n <= 18;
  if (!scaleOk(meta.numeratorScale)) problems.push(`numeratorScale expected 0..18, was ${meta.numeratorScale}`);
  if (!scaleOk(meta.denominatorScale)) problems.push(`denominatorScale expected 0..18, was ${meta.denominatorScale}`);
  const tick = positive('tickSize', meta.tickSize, problems);
  const step = positive('stepSize', meta.stepSize, problems);
  const candidates = meta.minNotionalCandidates.filter((c) => isDecimalString(c) && dec(c).gt(0)).map((c) => dec(c));
  if (meta.tickSize === undefined) problems.push('tickSize missing');
  const minPrice = positive('minPrice', meta.minPrice, problems);
  const maxPrice = positive('maxPrice', meta.maxPrice, problems);
  const minQty = positive('minQty', meta.minQty, problems);
  const maxQty = positive('maxQty', meta.maxQty, problems);
  const bandLow = positive('minLimitPrice', meta.minLimitPrice, problems);
  const bandHigh = positive('maxLimitPrice', meta.maxLimitPrice, problems);
  if (problems.length > 0 || tick === undefined) {
    throw new InvalidExchangeRulesError(symbol, 'invalid_metadata', problems.join('; '));
  }
  let published: Dec | undefined;
  for (const c of candidates) published = published === undefined ? c : maxDec(published, c);
  if (published === undefined && meta.quote.toUpperCase() !== 'TRY') {
    throw new InvalidExchangeRulesError(symbol, 'invalid_metadata', 'no positive minimum notional published');
  }
  const minNotional = maxDec(published ?? maxDec(defaults.safeMinNotional, dec('100')), defaults.internalMinNotional);
  const gridSteps = [tick, pow10neg(meta.denominatorScale)];
  if (!meta.hasFraction) gridSteps.push(dec('1'));
  const priceTick = lcmStep(gridSteps);
  const qtyStep = step ? lcmStep([step, pow10neg(meta.numeratorScale)]) : pow10neg(meta.numeratorScale);
  const pickMax = (a?: Dec, b?: Dec) => (a && b ? maxDec(a, b) : (a ?? b));
  const pickMin = (a?: Dec, b?: Dec) => (a && b ? (a.lte(b) ? a : b) : (a ?? b));
  return {
    symbol,
    base: meta.base.toUpperCase(),
    quote: meta.quote.toUpperCase(),
    tradable: meta.status.toUpperCase() === 'TRADING',
    limitOrdersAllowed: meta.orderMethods.some((m) => m.toUpperCase() === 'LIMIT'),
    priceTick,
    qtyStep,
    minNotional,
    priceScale: meta.denominatorScale,
    qtyScale: meta.numeratorScale,
    hasFraction: meta.hasFraction,
    minPrice: pickMax(minPrice, bandLow),
    maxPrice: pickMin(maxPrice, bandHigh),
    minQty,
    maxQty,
    source: 'exchangeinfo',
  };
}

export interface FallbackRulesInput {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: Dec;
  readonly qtyStep: Dec;
  readonly minNotional: Dec;
}

/** Rules used when metadata is unavailable and policy allows it (dry-run only; spec 2.9, 3.19) */
export function fallbackRules(input: FallbackRulesInput): ExchangeRules {
  return {
    symbol: canonicalSymbol(input.symbol),
    base: input.base,
    quote: input.quote,
    tradable: true,
    limitOrdersAllowed: true,
    priceTick: input.tickSize,
    qtyStep: input.qtyStep,
    minNotional: input.minNotional,
    priceScale: placesOf(input.tickSize),
    qtyScale: placesOf(input.qtyStep),
    hasFraction: placesOf(input.tickSize) > 0,
    source: 'fallback',
  };
}

/** The key of a pair in any spelling (BTCTRY, BTC_TRY, btc-try): alphanumeric upper case (spec 3.19 aliases) */
export const rulesKey = (symbol: string): string => symbol.replaceAll(/[^0-9A-Za-z]/g, '').toUpperCase();

/** Looks rules up by any spelling of their pair; a symbol without rules (or without any letter or digit) has none */
export function rulesLookup(all: Iterable<ExchangeRules>): (symbol: string) => ExchangeRules | undefined {
  const byKey = new Map<string, ExchangeRules>();
  for (const rules of all) byKey.set(rulesKey(rules.symbol), rules);
  return (symbol) => byKey.get(rulesKey(symbol));
}

/** BUY prices round down (never pay more), SELL prices round up (never sell cheaper) */
export const quantizePrice = (rules: ExchangeRules, side: Side, price: Dec): Dec =>
  side === 'BUY' ? floorToStep(price, rules.priceTick) : ceilToStep(price, rules.priceTick);

/** Quantities always round down to the step */
export const quantizeQty = (rules: ExchangeRules, qty: Dec): Dec => floorToStep(qty, rules.qtyStep);

export type RuleViolation =
  | 'not_tradable'
  | 'limit_not_allowed'
  | 'price_non_positive'
  | 'qty_non_positive'
  | 'price_off_tick'
  | 'qty_off_step'
  | 'min_price'
  | 'max_price'
  | 'min_qty'
  | 'max_qty'
  | 'min_notional';

/** Every rule a LIMIT order breaks, in a fixed order; empty when the venue should accept it (BTCTURK_API 8.3) */
export function ruleViolations(rules: ExchangeRules, price: Dec, qty: Dec): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (!rules.tradable) out.push('not_tradable');
  if (!rules.limitOrdersAllowed) out.push('limit_not_allowed');
  if (price.lte(0)) out.push('price_non_positive');
  if (qty.lte(0)) out.push('qty_non_positive');
  if (price.gt(0) && !isMultipleOf(price, rules.priceTick)) out.push('price_off_tick');
  if (qty.gt(0) && !isMultipleOf(qty, rules.qtyStep)) out.push('qty_off_step');
  if (rules.minPrice && price.lt(rules.minPrice)) out.push('min_price');
  if (rules.maxPrice && price.gt(rules.maxPrice)) out.push('max_price');
  if (rules.minQty && qty.lt(rules.minQty)) out.push('min_qty');
  if (rules.maxQty && qty.gt(rules.maxQty)) out.push('max_qty');
  if (price.mul(qty).lt(rules.minNotional)) out.push('min_notional');
  return out;
}

export interface QuantizedOrder {
  readonly price: Dec;
  readonly qty: Dec;
  readonly notional: Dec;
}

/**
 * Quantizes a LIMIT order (price to the safe side, qty down) and then checks the minimums.
 * @throws InvalidOrderSizeError a non-positive input, or one that rounds to zero
 * @throws BelowMinNotionalError price x qty below the minimum after quantization (never rounded up)
 * @throws InvalidExchangeRulesError any other rule the quantized order still breaks (price band, max qty)
 */
export function quantizeLimitOrder(rules: ExchangeRules, side: Side, price: Dec, qty: Dec): QuantizedOrder {
  if (price.lte(0)) throw new InvalidOrderSizeError(rules.symbol, 'invalid_price', `price ${price.toFixed()}`);
  if (qty.lte(0)) throw new InvalidOrderSizeError(rules.symbol, 'invalid_quantity', `qty ${qty.toFixed()}`);
  const p = quantizePrice(rules, side, price);
  const q = quantizeQty(rules, qty);
  if (p.lte(0)) throw new InvalidOrderSizeError(rules.symbol, 'price_rounds_to_zero', `price ${price.toFixed()}`);
  if (q.lte(0)) throw new InvalidOrderSizeError(rules.symbol, 'qty_rounds_to_zero', `qty ${qty.toFixed()}`);
  const notional = p.mul(q);
  if (notional.lt(rules.minNotional)) {
    throw new BelowMinNotionalError(rules.symbol, notional.toFixed(), rules.minNotional.toFixed());
  }
  const violations = ruleViolations(rules, p, q);
  if (violations.length > 0) throw new InvalidExchangeRulesError(rules.symbol, 'violates_rules', violations.join(','));
  return { price: p, qty: q, notional };
}

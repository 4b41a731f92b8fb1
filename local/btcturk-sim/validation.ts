// Submit-order checks in the order of BTCTURK_API.md 8.3, answered with the venue's tokens and codes (4.1).
// Parameter problems without a documented code answer FAILED_ORDER_PARAMETER (a simulator choice, code 1000).
import { type Dec, dec, isDecimalString } from '../../shared/domain/money';
import type { NewOrder } from './engine';
import type { Quote } from './market-feed';
import { priceBand, type SimPair } from './pairs';
import { type Reply, rejected } from './reply';

export interface SubmitBody {
  readonly pairSymbol?: unknown;
  readonly orderType?: unknown;
  readonly orderMethod?: unknown;
  readonly quantity?: unknown;
  readonly price?: unknown;
  readonly newOrderClientId?: unknown;
}

export interface SubmitContext {
  readonly pairOf: (symbol: string) => SimPair | undefined;
  readonly quoteOf: (pair: SimPair) => Quote;
  readonly newClientId: () => string;
}

const parameterError = (): Reply => rejected('FAILED_ORDER_PARAMETER', 1000);

/** A JSON string or a bare number (kept as its exact text by the lossless parser) as a decimal */
function decimalField(raw: unknown): Dec | undefined {
  const text = typeof raw === 'string' ? raw : raw !== null && typeof raw === 'object' ? String(raw) : undefined;
  return text !== undefined && isDecimalString(text) ? dec(text) : undefined;
}

export function validateSubmit(body: SubmitBody, ctx: SubmitContext): Omit<NewOrder, 'owner'> | Reply {
  const pair = typeof body.pairSymbol === 'string' ? ctx.pairOf(body.pairSymbol) : undefined;
  if (!pair) return parameterError();
  const side = typeof body.orderType === 'string' ? body.orderType.toLowerCase() : '';
  if (side !== 'buy' && side !== 'sell') return rejected('ORDER_TYPE_NOT_SUPPORTED', 1193);
  const method = typeof body.orderMethod === 'string' ? body.orderMethod.toLowerCase() : '';
  if (method === 'market') return rejected('FAILED_MARKET_ORDER', 1118);
  if (method !== 'limit') return rejected('ORDER_METHOD_NOT_SUPPORTED', 1134);
  const price = decimalField(body.price);
  const quantity = decimalField(body.quantity);
  if (!price || !quantity || price.lte(0) || quantity.lte(0)) return parameterError();
  const clientId = body.newOrderClientId ?? ctx.newClientId();
  if (typeof clientId !== 'string' || clientId.length > 50) return parameterError();
  const priceScale = pair.hasFraction ? pair.denominatorScale : 0;
  if (price.decimalPlaces() > priceScale) return rejected('FAILED_INVALID_PRICE_SCALE', 1126);
  if (quantity.decimalPlaces() > pair.numeratorScale) return rejected('FAILED_INVALID_QUANTITY_SCALE', 1127);
  const band = priceBand(pair, ctx.quoteOf(pair).last);
  if (price.gt(band.max)) return rejected('PRICE_MUST_BE_LESS_THAN_MAXPRICE', 1226);
  if (price.lt(band.min)) return rejected('PRICE_MUST_BE_LESS_THAN_MINPRICE', 1227);
  if (price.mul(quantity).lt(pair.minNotional)) return rejected('FAILED_MIN_TOTAL_AMOUNT', 1123);
  return { pair, side, price, quantity, clientId };
}

/** The balance check comes last (8.3 step 6); the engine refuses the lock and the route answers this */
export const insufficientFunds = (): Reply => rejected('FAILED_ORDER_WITH_OPEN_ORDERS', 1122);

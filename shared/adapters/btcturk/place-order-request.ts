// The POST /api/v1/order body of a LIMIT order (BTCTURK_API 7.2) and the check of its acknowledgement.
// Prices and quantities go out in fixed notation with exactly their own decimals (never toString: 1e-8).
import { OutcomeUnknownError, ValidationError } from '../../domain/errors';
import { toWire } from '../../domain/money';
import { canonicalSymbol } from '../../domain/symbols';
import type { NewLimitOrder, OrderAck } from '../../ports/exchange';

/** BTCTurk's limit for newOrderClientId */
const MAX_CLIENT_ID_LENGTH = 50;

export interface PlaceOrderBody extends Record<string, string> {
  readonly pairSymbol: string;
  readonly orderType: 'buy' | 'sell';
  readonly orderMethod: 'limit';
  readonly price: string;
  readonly quantity: string;
  readonly newOrderClientId: string;
}

/** @throws ValidationError before anything is sent: non-positive price or qty, bad client id */
export function placeOrderRequest(order: NewLimitOrder): PlaceOrderBody {
  const pairSymbol = canonicalSymbol(order.symbol);
  const issues = [];
  if (!order.price.isFinite() || order.price.lte(0)) {
    issues.push({ path: 'price', message: `expected a positive price, was ${order.price.toFixed()}` });
  }
  if (!order.qty.isFinite() || order.qty.lte(0)) {
    issues.push({ path: 'qty', message: `expected a positive quantity, was ${order.qty.toFixed()}` });
  }
  const id = order.clientOrderId;
  if (id.length === 0 || id.length > MAX_CLIENT_ID_LENGTH) {
    issues.push({ path: 'clientOrderId', message: `expected 1..${MAX_CLIENT_ID_LENGTH} characters, was ${id.length}` });
  }
  if (issues.length > 0) throw new ValidationError(`limit order ${pairSymbol} ${id}`, issues);
  return {
    pairSymbol,
    orderType: order.side === 'BUY' ? 'buy' : 'sell',
    orderMethod: 'limit',
    price: toWire(order.price, order.price.decimalPlaces()),
    quantity: toWire(order.qty, order.qty.decimalPlaces()),
    newOrderClientId: id,
  };
}

/** An ack echoing another client id cannot be trusted to describe our order: reconcile instead */
export function submitAckOf(
  order: NewLimitOrder,
  data: { readonly id: string; readonly newOrderClientId?: string | null | undefined },
): OrderAck {
  const echoed = data.newOrderClientId;
  if (echoed !== undefined && echoed !== null && echoed !== order.clientOrderId) {
    const detail = `expected newOrderClientId ${order.clientOrderId}, was ${echoed} (order ${data.id})`;
    throw new OutcomeUnknownError(`placeLimitOrder ${canonicalSymbol(order.symbol)} ${order.clientOrderId}`, detail);
  }
  return { orderId: data.id, clientOrderId: order.clientOrderId };
}

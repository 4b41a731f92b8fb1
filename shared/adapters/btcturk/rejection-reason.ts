// What a BTCTurk rejection means for the bot (BTCTURK_API 4.1): matched on the message token first and
// the numeric code second, because codes were misnumbered before 2024-05-06 (1123 once meant 1122).
import type { ExchangeRejectedError } from '../../domain/errors';

export type RejectionReason =
  | 'insufficient_funds'
  | 'min_notional'
  | 'precision'
  | 'price_band'
  | 'order_not_found'
  | 'not_cancelable'
  | 'auth'
  | 'other';

const BY_TOKEN: Readonly<Record<string, RejectionReason>> = {
  FAILED_ORDER_WITH_OPEN_ORDERS: 'insufficient_funds',
  BALANCE_NOT_ENOUGH: 'insufficient_funds',
  FAILED_MIN_TOTAL_AMOUNT: 'min_notional',
  FAILED_INVALID_PRICE_SCALE: 'precision',
  FAILED_INVALID_QUANTITY_SCALE: 'precision',
  PRICE_MUST_BE_LESS_THAN_MAXPRICE: 'price_band',
  PRICE_MUST_BE_LESS_THAN_MINPRICE: 'price_band',
  ORDER_MIN_PRICE_EXCEEDED: 'price_band',
  ORDER_MAX_PRICE_EXCEEDED: 'price_band',
  NO_ORDER_MATCHES_YOUR_REQUEST: 'order_not_found',
  'Order not found': 'order_not_found',
  ORDER_COULD_NOT_BE_CANCELED: 'not_cancelable',
};

const BY_CODE: Readonly<Record<number, RejectionReason>> = {
  1122: 'insufficient_funds',
  1123: 'min_notional',
  1126: 'precision',
  1127: 'precision',
  1226: 'price_band',
  1227: 'price_band',
  1152: 'order_not_found',
};

export function rejectionReason(error: ExchangeRejectedError): RejectionReason {
  if (error.httpStatus === 401 || error.httpStatus === 403) return 'auth';
  return BY_TOKEN[error.token] ?? (error.code === undefined ? undefined : BY_CODE[error.code]) ?? 'other';
}

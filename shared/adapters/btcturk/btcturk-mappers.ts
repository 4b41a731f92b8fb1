// Maps schema-checked BTCTurk items to the exchange port's domain types. Amounts become decimals from
// their source text (never a Number); fills are made positive as the port states (the schema already
// holds each sign to what the API documents, so the absolute value loses nothing).

import { ValidationError } from '../../domain/errors';
import { dec } from '../../domain/money';
import { canonicalSymbol } from '../../domain/symbols';
import type { Balance, OrderBookTop, VenueFill, VenueOrder } from '../../ports/exchange';
import type { OrderBookData, OrderItem, UserTradeItem } from './btcturk-schemas';

export function venueOrderOf(item: OrderItem): VenueOrder {
  return {
    orderId: item.id,
    clientOrderId: item.orderClientId ?? '',
    symbol: canonicalSymbol(item.pairSymbol),
    side: item.type,
    price: dec(item.price),
    qty: dec(item.amount),
    leftQty: dec(item.leftAmount),
    status: item.status,
    updatedAtMs: item.updateTime,
  };
}

export function venueFillOf(item: UserTradeItem): VenueFill {
  return {
    tradeId: item.id,
    orderId: item.orderId,
    clientOrderId: item.orderClientId ?? undefined,
    symbol: canonicalSymbol(`${item.numeratorSymbol}${item.denominatorSymbol}`),
    side: item.orderType,
    price: dec(item.price),
    qty: dec(item.amount).abs(),
    fee: dec(item.fee).abs(),
    tax: dec(item.tax).abs(),
    feeAsset: item.denominatorSymbol.toUpperCase(),
    timestampMs: item.timestamp,
  };
}

export function balanceOf(item: { asset: string; balance: string; locked: string; free: string }): Balance {
  return { asset: item.asset.toUpperCase(), free: dec(item.free), locked: dec(item.locked), total: dec(item.balance) };
}

/** When the book was received and when the venue stamped it, both on the LOCAL clock */
export interface BookTimes {
  readonly receivedAtMs: number;
  readonly stampedAtMs: number;
}

/**
 * Best bid and ask of a schema-checked book (every level positive).
 * @throws ValidationError naming the symbol when a side is empty or the book is crossed (bid > ask)
 */
export function orderBookTopOf(symbol: string, book: OrderBookData, times: BookTimes): OrderBookTop {
  const [bid, bidQty] = book.bids[0] ?? [];
  const [ask, askQty] = book.asks[0] ?? [];
  const invalid = (message: string) => new ValidationError(`btcturk orderbook ${symbol}`, [{ path: 'data', message }]);
  if (bid === undefined || ask === undefined || bidQty === undefined || askQty === undefined) {
    throw invalid(`expected a best bid and a best ask, was ${book.bids.length} bids and ${book.asks.length} asks`);
  }
  const top = { symbol, bid: dec(bid), bidQty: dec(bidQty), ask: dec(ask), askQty: dec(askQty), ...times };
  if (top.bid.gt(top.ask)) throw invalid(`expected best bid <= best ask, was a crossed book: bid ${bid} ask ${ask}`);
  return top;
}

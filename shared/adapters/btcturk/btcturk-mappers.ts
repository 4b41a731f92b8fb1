// Maps schema-checked BTCTurk items to the exchange port's domain types. Amounts become decimals from
// their source text (never a Number); fills are made positive as the port states.

import { dec } from '../../domain/money';
import { canonicalSymbol } from '../../domain/symbols';
import type { Balance, OrderBookTop, VenueFill, VenueOrder } from '../../ports/exchange';
import type { OrderItem, UserTradeItem } from './btcturk-schemas';

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

type Level = readonly [string, string, ...unknown[]];

/** Best bid and ask; `undefined` when a side is empty (the gateway reports that as a validation failure) */
export function orderBookTopOf(
  symbol: string,
  book: { bids: readonly Level[]; asks: readonly Level[] },
  receivedAtMs: number,
): OrderBookTop | undefined {
  const bid = book.bids[0];
  const ask = book.asks[0];
  if (bid === undefined || ask === undefined) return undefined;
  return { symbol, bid: dec(bid[0]), bidQty: dec(bid[1]), ask: dec(ask[0]), askQty: dec(ask[1]), receivedAtMs };
}

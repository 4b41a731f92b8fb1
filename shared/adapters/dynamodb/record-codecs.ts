// Item codecs of the append-only records: fills (ACCT#<account> / FILL#<symbol>#<tradeId>, gsi1 by time)
// and ledger events (LEDGER#<account> / <ts>#<eventId>). Trade ids stay strings: they exceed 2^53.
import { z } from 'zod';
import { canonicalSymbol } from '../../domain/symbols';
import type { Fill, LedgerEvent } from '../../ports/state-store';
import { D, decimal, defined, type Item, int, literal, N, parseItem, S, str } from './attributes';
import { keys } from './keys';

const side = literal(['BUY', 'SELL']);

const fillSchema = z.object({
  account: str,
  symbol: str,
  tradeId: str,
  orderId: str,
  clientOrderId: str.optional(),
  side,
  price: decimal,
  qty: decimal,
  fee: decimal,
  feeAsset: str,
  timestampMs: int,
});

/** @throws ValidationError the item is not a fill */
export const parseFill = (item: Item): Fill => parseItem(fillSchema, item);

export function fillItem(fill: Fill): Item {
  const symbol = canonicalSymbol(fill.symbol);
  const key = keys.fill(fill.account, symbol, fill.tradeId);
  return defined({
    pk: S(key.pk),
    sk: S(key.sk),
    gsi1pk: S(keys.fillTimeIndex(fill.account, symbol)),
    gsi1sk: S(keys.fillTimeSort(fill.timestampMs, fill.tradeId)),
    account: S(fill.account),
    symbol: S(fill.symbol),
    tradeId: S(fill.tradeId),
    orderId: S(fill.orderId),
    clientOrderId: fill.clientOrderId === undefined ? undefined : S(fill.clientOrderId),
    side: S(fill.side),
    price: D(fill.price),
    qty: D(fill.qty),
    fee: D(fill.fee),
    feeAsset: S(fill.feeAsset),
    timestampMs: N(fill.timestampMs),
  });
}

const ledgerSchema = z.object({
  account: str,
  eventId: str,
  type: literal(['FILL', 'FEE', 'ADJUSTMENT']),
  symbol: str,
  side: side.optional(),
  qty: decimal,
  price: decimal,
  fee: decimal,
  feeAsset: str,
  timestampMs: int,
  tradeId: str.optional(),
  clientOrderId: str.optional(),
});

/** @throws ValidationError the item is not a ledger event */
export const parseLedgerEvent = (item: Item): LedgerEvent => parseItem(ledgerSchema, item);

export function ledgerItem(event: LedgerEvent): Item {
  return defined({
    pk: S(keys.ledgerPk(event.account)),
    sk: S(keys.ledgerEventSort(event.timestampMs, event.eventId)),
    account: S(event.account),
    eventId: S(event.eventId),
    type: S(event.type),
    symbol: S(event.symbol),
    side: event.side === undefined ? undefined : S(event.side),
    qty: D(event.qty),
    price: D(event.price),
    fee: D(event.fee),
    feeAsset: S(event.feeAsset),
    timestampMs: N(event.timestampMs),
    tradeId: event.tradeId === undefined ? undefined : S(event.tradeId),
    clientOrderId: event.clientOrderId === undefined ? undefined : S(event.clientOrderId),
  });
}

// Item codecs of the append-only records: fills (ACCT#<account> / FILL#<symbol>#<tradeId>, gsi1 by time)
// and ledger events (LEDGER#<account> / <ts>#<eventId>). Trade ids stay strings: they exceed 2^53.
// Positions are computed from these records, so a record is read only if it means something: a fill has a
// positive price and quantity and a fee >= 0, amounts are never negative, timestamps are epoch milliseconds,
// symbols canonical pairs, and the key attributes are the keys the record's fields make.
import * as z from 'zod';
import { toPlain } from '../../domain/money';
import { canonicalSymbol } from '../../domain/symbols';
import type { Fill, LedgerEvent } from '../../ports/state-store';
import {
  account,
  asset,
  checkedItem,
  D,
  defined,
  epochMs,
  type Item,
  keyIssue,
  literal,
  N,
  nonEmpty,
  nonNegative,
  pair,
  parseItem,
  positive,
  rule,
  S,
  str,
  venueId,
} from './attributes';
import { keys } from './keys';

/** A venue fill's id (digits), or a stage 7 simulated fill's `s7f:<16 hex>` (`fee:s7f:<16 hex>` on its FEE, spec 4.13) */
const ledgerTradeId = rule(
  str,
  (t) => /^\d{1,40}$/.test(t) || /^(fee:)?s7f:[0-9a-f]{16}$/.test(t),
  'a venue trade id of digits or a stage 7 fill id (s7f:<16 hex>)',
);

const side = literal(['BUY', 'SELL']);

const fillSchema = z
  .object({
    pk: str,
    sk: str,
    gsi1pk: str,
    gsi1sk: str,
    account,
    symbol: pair,
    tradeId: venueId,
    orderId: venueId,
    clientOrderId: str.optional(),
    side,
    price: positive,
    qty: positive,
    fee: nonNegative,
    feeAsset: asset,
    timestampMs: epochMs,
  })
  .superRefine(({ pk, sk, gsi1pk, gsi1sk, ...fill }, ctx) => {
    const key = keys.fill(fill.account, fill.symbol, fill.tradeId);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
    keyIssue(ctx, 'gsi1pk', gsi1pk, keys.fillTimeIndex(fill.account, fill.symbol));
    keyIssue(ctx, 'gsi1sk', gsi1sk, keys.fillTimeSort(fill.timestampMs, fill.tradeId));
  })
  .transform(({ pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...fill }): Fill => fill);

/** @throws CorruptStateError the item is not a fill */
export const parseFill = (item: Item): Fill => parseItem(fillSchema, item);

/**
 * The fill's item, its symbol stored canonical (the form it is keyed and read back by).
 * @throws SymbolFormatError the symbol cannot be normalized
 * @throws CorruptStateError the fill is not one the store may hold (a non-positive amount...); nothing is written
 */
export function fillItem(fill: Fill): Item {
  const symbol = canonicalSymbol(fill.symbol);
  const key = keys.fill(fill.account, symbol, fill.tradeId);
  return checkedItem(
    fillSchema,
    defined({
      pk: S(key.pk),
      sk: S(key.sk),
      gsi1pk: S(keys.fillTimeIndex(fill.account, symbol)),
      gsi1sk: S(keys.fillTimeSort(fill.timestampMs, fill.tradeId)),
      account: S(fill.account),
      symbol: S(symbol),
      tradeId: S(fill.tradeId),
      orderId: S(fill.orderId),
      clientOrderId: fill.clientOrderId === undefined ? undefined : S(fill.clientOrderId),
      side: S(fill.side),
      price: D(fill.price),
      qty: D(fill.qty),
      fee: D(fill.fee),
      feeAsset: S(fill.feeAsset),
      timestampMs: N(fill.timestampMs),
    }),
  );
}

const ledgerSchema = z
  .object({
    pk: str,
    sk: str,
    account,
    eventId: nonEmpty,
    type: literal(['FILL', 'FEE', 'ADJUSTMENT']),
    symbol: pair,
    side: side.optional(),
    qty: nonNegative,
    price: nonNegative,
    fee: nonNegative,
    feeAsset: asset,
    timestampMs: epochMs,
    tradeId: ledgerTradeId.optional(),
    clientOrderId: str.optional(),
  })
  .superRefine(({ pk, sk, ...event }, ctx) => {
    keyIssue(ctx, 'pk', pk, keys.ledgerPk(event.account));
    keyIssue(ctx, 'sk', sk, keys.ledgerEventSort(event.timestampMs, event.eventId));
    // spec 3.10: a FEE event has no side, quantity 0 and no price (stored as 0)
    if (event.type === 'FEE') {
      if (event.side !== undefined || !event.qty.isZero() || !event.price.isZero())
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `expected a FEE event without side, quantity and price, was ${event.side ?? 'no side'} ${toPlain(event.qty)} @ ${toPlain(event.price)}`,
        });
      return;
    }
    // positions are projected from FILL events: one must say which way, how much and at what price
    if (event.type !== 'FILL') return;
    if (event.side === undefined)
      ctx.addIssue({ code: 'custom', path: ['side'], message: 'expected BUY or SELL on a FILL event, was missing' });
    if (!event.qty.gt(0))
      ctx.addIssue({
        code: 'custom',
        path: ['qty'],
        message: `expected a FILL quantity > 0, was ${toPlain(event.qty)}`,
      });
    if (!event.price.gt(0))
      ctx.addIssue({
        code: 'custom',
        path: ['price'],
        message: `expected a FILL price > 0, was ${toPlain(event.price)}`,
      });
  })
  .transform(({ pk: _pk, sk: _sk, ...event }): LedgerEvent => event);

/** @throws CorruptStateError the item is not a ledger event */
export const parseLedgerEvent = (item: Item): LedgerEvent => parseItem(ledgerSchema, item);

/** @throws CorruptStateError the event is not one the ledger may hold; nothing is written */
export function ledgerItem(event: LedgerEvent): Item {
  return checkedItem(
    ledgerSchema,
    defined({
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
    }),
  );
}

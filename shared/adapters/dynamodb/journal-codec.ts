// Order journal item codec: JournalOrder <-> item under ACCT#<account> / ORDER#<clientOrderId>, with the
// gsi1 status keys that listByStatus and countByStatus query. Decimals are exact strings.
import { z } from 'zod';
import { JOURNAL_STATUSES, type JournalStatus } from '../../domain/order-state';
import type { JournalOrder, JournalPatch } from '../../ports/state-store';
import { D, decimal, defined, type Item, int, literal, N, parseItem, S, str } from './attributes';
import { keys } from './keys';

const orderSchema = z.object({
  account: str,
  clientOrderId: str,
  stage: literal(['stage3', 'stage4', 'stage7']),
  symbol: str,
  side: literal(['BUY', 'SELL']),
  price: decimal,
  qty: decimal,
  status: literal(JOURNAL_STATUSES),
  version: int,
  intentKey: str,
  attempt: int,
  cycleId: str,
  createdAtMs: int,
  updatedAtMs: int,
  submittedAtMs: int.optional(),
  exchangeOrderId: str.optional(),
  filledQty: decimal,
  notFoundChecks: int,
  lastError: str.optional(),
});

/** @throws ValidationError the item is not a journal entry */
export const parseOrder = (item: Item): JournalOrder => parseItem(orderSchema, item);

export const statusIndexKeys = (
  order: Pick<JournalOrder, 'account' | 'clientOrderId' | 'createdAtMs'>,
  status: JournalStatus,
) => ({
  gsi1pk: S(keys.orderStatusIndex(order.account, status)),
  gsi1sk: S(keys.orderStatusSort(order.createdAtMs, order.clientOrderId)),
});

export function orderItem(order: JournalOrder): Item {
  const key = keys.order(order.account, order.clientOrderId);
  return defined({
    pk: S(key.pk),
    sk: S(key.sk),
    ...statusIndexKeys(order, order.status),
    account: S(order.account),
    clientOrderId: S(order.clientOrderId),
    stage: S(order.stage),
    symbol: S(order.symbol),
    side: S(order.side),
    price: D(order.price),
    qty: D(order.qty),
    status: S(order.status),
    version: N(order.version),
    intentKey: S(order.intentKey),
    attempt: N(order.attempt),
    cycleId: S(order.cycleId),
    createdAtMs: N(order.createdAtMs),
    updatedAtMs: N(order.updatedAtMs),
    submittedAtMs: order.submittedAtMs === undefined ? undefined : N(order.submittedAtMs),
    exchangeOrderId: order.exchangeOrderId === undefined ? undefined : S(order.exchangeOrderId),
    filledQty: D(order.filledQty),
    notFoundChecks: N(order.notFoundChecks),
    lastError: order.lastError === undefined ? undefined : S(order.lastError),
  });
}

/** The patch's fields as SET assignments (attribute name = value placeholder) */
export function patchAttributes(patch: JournalPatch): Item {
  return defined({
    exchangeOrderId: patch.exchangeOrderId === undefined ? undefined : S(patch.exchangeOrderId),
    filledQty: patch.filledQty === undefined ? undefined : D(patch.filledQty),
    submittedAtMs: patch.submittedAtMs === undefined ? undefined : N(patch.submittedAtMs),
    notFoundChecks: patch.notFoundChecks === undefined ? undefined : N(patch.notFoundChecks),
    lastError: patch.lastError === undefined ? undefined : S(patch.lastError),
  });
}

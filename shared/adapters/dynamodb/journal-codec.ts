// Order journal item codec: JournalOrder <-> item under ACCT#<account> / ORDER#<clientOrderId>, with the
// gsi1 status keys that listByStatus and countByStatus query. Decimals are exact strings.
//
// A stored entry is read only if it is one the protocol could have written: positive price and quantity,
// 0 <= filledQty <= qty, a canonical pair, a client order id in the bot's or the imported format that agrees
// with the entry's stage, symbol, side and intent, and key attributes that are the keys its fields make
// (a status attribute that disagrees with its status index would be listed under the wrong status).
import * as z from 'zod';
import type { ValidationIssue } from '../../domain/errors';
import { CLIENT_ORDER_ID_MAX_LENGTH, externalIntentKey, isExternalIntent } from '../../domain/ids';
import { toPlain } from '../../domain/money';
import { JOURNAL_STATUSES, type JournalStatus } from '../../domain/order-state';
import type { JournalOrder, JournalPatch } from '../../ports/state-store';
import {
  account,
  checkedItem,
  count,
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
  S,
  str,
  venueId,
  version,
} from './attributes';
import { keys } from './keys';

const orderFields = z.object({
  pk: str,
  sk: str,
  gsi1pk: str,
  gsi1sk: str,
  account,
  clientOrderId: str,
  stage: literal(['stage3', 'stage4', 'stage7']),
  symbol: pair,
  side: literal(['BUY', 'SELL']),
  price: positive,
  qty: positive,
  status: literal(JOURNAL_STATUSES),
  version,
  intentKey: nonEmpty,
  attempt: count,
  cycleId: nonEmpty,
  createdAtMs: epochMs,
  updatedAtMs: epochMs,
  submittedAtMs: epochMs.optional(),
  exchangeOrderId: venueId.optional(),
  filledQty: nonNegative,
  notFoundChecks: count,
  lastError: str.optional(),
});

const orderSchema = orderFields
  .superRefine(({ pk, sk, gsi1pk, gsi1sk, ...order }, ctx) => {
    for (const issue of journalEntryIssues(order)) ctx.addIssue({ code: 'custom', ...issue, path: [issue.path] });
    const key = keys.order(order.account, order.clientOrderId);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
    keyIssue(ctx, 'gsi1pk', gsi1pk, keys.orderStatusIndex(order.account, order.status));
    keyIssue(ctx, 'gsi1sk', gsi1sk, keys.orderStatusSort(order.createdAtMs, order.clientOrderId));
  })
  .transform(({ pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...order }): JournalOrder => order);

/** `bb3-BTCTRY-b-<digest>` (ids.ts clientOrderId): stage, the symbol's first 12 characters, side */
const BOT_ID = /^bb([347])-([A-Z0-9]{1,12})-([bs])-[0-9A-Za-z-]+$/;
/** `ext-<venue order id>` (ids.ts externalClientOrderId): an order someone else placed, imported */
const IMPORTED_ID = /^ext-(\d{1,40})$/;

/**
 * What makes a journal entry contradict itself. The stage 3 limits count open orders by `symbol` and never
 * cancel imported orders (told apart by their intent key), so a symbol or intent that disagrees with the
 * client order id would let an order slip past a limit or be canceled though it is someone else's.
 */
function journalEntryIssues(order: JournalOrder): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const id = order.clientOrderId;
  if (order.filledQty.gt(order.qty)) {
    issues.push({
      path: 'filledQty',
      message: `expected <= qty ${toPlain(order.qty)}, was ${toPlain(order.filledQty)}`,
    });
  }
  const bot = id.length <= CLIENT_ORDER_ID_MAX_LENGTH ? BOT_ID.exec(id) : null;
  const imported = IMPORTED_ID.exec(id);
  if (bot) {
    const [, stage, symbol, side] = bot;
    if (order.stage !== `stage${stage}`)
      issues.push({ path: 'stage', message: `expected stage${stage} as ${id} names, was ${order.stage}` });
    if (order.symbol.slice(0, 12) !== symbol)
      issues.push({ path: 'symbol', message: `expected the pair ${id} names (${symbol}), was ${order.symbol}` });
    if ((order.side === 'BUY' ? 'b' : 's') !== side)
      issues.push({ path: 'side', message: `expected the side ${id} names (${side}), was ${order.side}` });
    if (isExternalIntent(order.intentKey))
      issues.push({ path: 'intentKey', message: `expected an intent of the bot's, was ${order.intentKey}` });
  } else if (imported) {
    const venueOrderId = imported[1] as string;
    if (order.intentKey !== externalIntentKey(venueOrderId))
      issues.push({
        path: 'intentKey',
        message: `expected ${externalIntentKey(venueOrderId)}, was ${order.intentKey}`,
      });
    if (order.exchangeOrderId !== undefined && order.exchangeOrderId !== venueOrderId)
      issues.push({ path: 'exchangeOrderId', message: `expected ${venueOrderId}, was ${order.exchangeOrderId}` });
  } else {
    issues.push({
      path: 'clientOrderId',
      message: `expected a bot id (bb3-BTCTRY-b-...) or an imported one (ext-<venue order id>), was ${JSON.stringify(id)}`,
    });
  }
  return issues;
}

/** @throws CorruptStateError the item is not a journal entry */
export const parseOrder = (item: Item): JournalOrder => parseItem(orderSchema, item);

export const statusIndexKeys = (
  order: Pick<JournalOrder, 'account' | 'clientOrderId' | 'createdAtMs'>,
  status: JournalStatus,
) => ({
  gsi1pk: S(keys.orderStatusIndex(order.account, status)),
  gsi1sk: S(keys.orderStatusSort(order.createdAtMs, order.clientOrderId)),
});

/** @throws CorruptStateError the entry is not one the journal may store; nothing was written */
export function orderItem(order: JournalOrder): Item {
  const key = keys.order(order.account, order.clientOrderId);
  return checkedItem(
    orderSchema,
    defined({
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
    }),
  );
}

/**
 * The entry after a guarded write of `changes`, checked before it is sent: a write that would store an
 * entry the journal refuses to read (filledQty above qty, a negative fill) is refused instead.
 * @throws CorruptStateError naming the entry and the field; nothing was written
 */
export function nextEntry(order: JournalOrder, changes: JournalPatch & { status?: JournalStatus }, nowMs: number) {
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const next: JournalOrder = { ...order, ...given, version: order.version + 1, updatedAtMs: nowMs };
  orderItem(next);
  return next;
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

/** Entries per status, as the account's counts item holds them (a status never counted is absent: 0) */
export type StatusCounts = Record<JournalStatus, number>;

const zeroCounts = (): StatusCounts => Object.fromEntries(JOURNAL_STATUSES.map((s) => [s, 0])) as StatusCounts;

const countsSchema = z
  .object({ pk: str, sk: str, version })
  .extend(
    Object.fromEntries(JOURNAL_STATUSES.map((s) => [s, count.optional()])) as Record<
      JournalStatus,
      z.ZodOptional<typeof count>
    >,
  )
  .transform((item) => {
    const counts = zeroCounts();
    for (const status of JOURNAL_STATUSES) counts[status] = item[status] ?? 0;
    return { version: item.version, counts };
  });

/**
 * @throws CorruptStateError the counts item is malformed: a count below 0 means a status change was counted
 *   that the entries do not hold (rebuildCounts repairs it)
 */
export const parseStatusCounts = (item: Item) => parseItem(countsSchema, item);

/** The statuses of entries read with a `status` projection, counted */
export function countStatuses(items: readonly Item[]): StatusCounts {
  const counts = zeroCounts();
  for (const item of items) counts[parseItem(statusSchema, item).status] += 1;
  return counts;
}

const statusSchema = z.object({ status: literal(JOURNAL_STATUSES) });

/** The counts as a whole item, written by a rebuild at the next version of the counts item */
export function statusCountsItem(account: string, counts: StatusCounts, nextVersion: number): Item {
  const key = keys.journalCounts(account);
  return {
    pk: S(key.pk),
    sk: S(key.sk),
    version: N(nextVersion),
    ...Object.fromEntries(JOURNAL_STATUSES.map((s) => [s, N(counts[s])])),
  };
}

// Item codecs of the stage 7 OMS records (spec 4.10, 6.2): order rows (ORDER#<client id>, on the sparse open
// index while not terminal), events (EVENT#<client id>#<seq>) and idempotency keys (IDEM#<key>). Ids are
// deterministic, so a stored record is read only if its ids are the ones its fields make, its body is the one
// its event type carries, and a row agrees with itself (a filled quantity with an average price, a closing
// reason exactly when rejected or canceled). Decimals are exact strings.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { ValidationIssue } from '../../domain/errors';
import { toPlain } from '../../domain/money';
import { SIMULATED_FAILURES } from '../../domain/oms/stage7-intent';
import {
  STAGE7_EVENT_TYPES,
  type Stage7EventType,
  type Stage7IdempotencyEntry,
  type Stage7Order,
  type Stage7OrderEvent,
  stage7EventId,
  stage7OrderId,
} from '../../domain/oms/stage7-oms-state';
import { OMS_STATUSES, omsMachine } from '../../domain/order-state';
import {
  account,
  builtOnce,
  count,
  D,
  decimal,
  defined,
  epochMs,
  type Item,
  int,
  keyIssue,
  literal,
  nonEmpty,
  nonNegative,
  pair,
  parseItem,
  positive,
  rule,
  S,
  str,
} from './attributes';
import { checkedBy, decodedOnce } from './dynamodb-stage7-decoded';
import { stage7Keys } from './dynamodb-stage7-keys';

/** Numbers go out as written: a fraction or NaN reaches the schema and is refused there, as a stored one would be */
export const num = (value: number): AttributeValue => ({ N: String(value) });

export const sha256 = rule(str, (s) => /^[0-9a-f]{64}$/.test(s), 'a sha-256 hex digest');
const atLeastOne = rule(int, (n) => n >= 1, 'an integer >= 1');
const side = literal(['BUY', 'SELL']);

// ---------------------------------------------------------------- order rows

const orderSchema = z
  .object({
    pk: str,
    sk: str,
    gsi1pk: str.optional(),
    gsi1sk: str.optional(),
    account,
    orderId: str,
    clientOrderId: nonEmpty,
    cycleId: nonEmpty,
    symbol: pair,
    side,
    orderType: literal(['LIMIT']),
    price: decimal,
    qty: decimal,
    notionalTry: decimal,
    intentHash: sha256,
    intentReason: str,
    status: literal(OMS_STATUSES),
    filledQty: nonNegative,
    avgFillPrice: positive.optional(),
    statusReason: nonEmpty.optional(),
    createdAtMs: epochMs,
    updatedAtMs: epochMs,
  })
  .transform(({ avgFillPrice, statusReason, ...rest }) => ({ ...rest, avgFillPrice, statusReason }))
  .superRefine(({ pk, sk, gsi1pk, gsi1sk, account: acct, ...order }, ctx) => {
    for (const issue of orderIssues(order)) ctx.addIssue({ code: 'custom', ...issue, path: [issue.path] });
    const key = stage7Keys.order(acct, order.clientOrderId);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
    const index = openIndexKeys(acct, order);
    if (index !== undefined) {
      keyIssue(ctx, 'gsi1pk', gsi1pk, index.gsi1pk.S);
      keyIssue(ctx, 'gsi1sk', gsi1sk, index.gsi1sk.S);
      return;
    }
    for (const [attribute, stored] of [
      ['gsi1pk', gsi1pk],
      ['gsi1sk', gsi1sk],
    ] as const)
      if (stored !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [attribute],
          message: `expected none in ${order.status} (terminal), was ${JSON.stringify(stored)}`,
        });
  })
  .transform(({ pk: _pk, sk: _sk, gsi1pk: _i, gsi1sk: _s, account: _a, ...order }): Stage7Order => order);

const CLOSING_REASONS: Readonly<Record<string, readonly string[]>> = {
  REJECTED: ['invalid_price_or_qty', 'idempotency_conflict', 'sim_reject'],
  CANCELED: ['cancel_requested'],
};
const UNFILLED = new Set(['PLANNED', 'SUBMITTED', 'ACKED', 'REJECTED']);

/** What makes a row contradict the events it projects (stage7-oms-state.ts projectEvents) */
function orderIssues(o: Stage7Order): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const expectedId = stage7OrderId(o.clientOrderId);
  if (o.orderId !== expectedId) issues.push({ path: 'orderId', message: `expected ${expectedId}, was ${o.orderId}` });
  // only an order refused at step 3 keeps amounts that are not positive
  const invalidRejected = o.status === 'REJECTED' && o.statusReason === 'invalid_price_or_qty';
  for (const [field, amount] of [
    ['price', o.price],
    ['qty', o.qty],
    ['notionalTry', o.notionalTry],
  ] as const) {
    if (!amount.gt(0) && !invalidRejected)
      issues.push({
        path: field,
        message: `expected > 0 (or rejected as invalid_price_or_qty), was ${toPlain(amount)}`,
      });
  }
  if (o.qty.gt(0) && o.filledQty.gt(o.qty))
    issues.push({ path: 'filledQty', message: `expected <= qty ${toPlain(o.qty)}, was ${toPlain(o.filledQty)}` });
  const filled = o.filledQty.gt(0);
  if (UNFILLED.has(o.status) && filled)
    issues.push({ path: 'filledQty', message: `expected 0 in ${o.status}, was ${toPlain(o.filledQty)}` });
  if ((o.status === 'FILLED' || o.status === 'PARTIALLY_FILLED') && !filled)
    issues.push({ path: 'filledQty', message: `expected > 0 in ${o.status}, was 0` });
  if (filled !== (o.avgFillPrice !== undefined))
    issues.push({
      path: 'avgFillPrice',
      message: `expected ${filled ? 'one' : 'none'} with filledQty ${toPlain(o.filledQty)}`,
    });
  const reasons = CLOSING_REASONS[o.status];
  if (reasons === undefined && o.statusReason !== undefined)
    issues.push({ path: 'statusReason', message: `expected none in ${o.status}, was ${o.statusReason}` });
  if (reasons !== undefined && !reasons.includes(o.statusReason ?? ''))
    issues.push({
      path: 'statusReason',
      message: `expected one of ${reasons.join(', ')} in ${o.status}, was ${o.statusReason ?? 'missing'}`,
    });
  return issues;
}

/** The gsi1 keys of a non-terminal order; undefined for a terminal one (it leaves the open index) */
function openIndexKeys(acct: string, o: Pick<Stage7Order, 'status' | 'createdAtMs' | 'clientOrderId'>) {
  if (omsMachine.isTerminal(o.status)) return undefined;
  return {
    gsi1pk: { S: stage7Keys.openIndex(acct) },
    gsi1sk: { S: stage7Keys.openSort(o.createdAtMs, o.clientOrderId) },
  };
}

/** @throws CorruptStateError the item is not a stage 7 order row */
export const parseStage7Order: (item: Item) => Stage7Order = decodedOnce((item) => parseItem(orderSchema, item));

/** @throws CorruptStateError the row is not one the store may hold; nothing is written */
export function stage7OrderItem(acct: string, o: Stage7Order): Item {
  const key = stage7Keys.order(acct, o.clientOrderId);
  return checkedBy(
    parseStage7Order,
    defined({
      pk: S(key.pk),
      sk: S(key.sk),
      ...openIndexKeys(acct, o),
      account: S(acct),
      orderId: S(o.orderId),
      clientOrderId: S(o.clientOrderId),
      cycleId: S(o.cycleId),
      symbol: S(o.symbol),
      side: S(o.side),
      orderType: S(o.orderType),
      price: D(o.price),
      qty: D(o.qty),
      notionalTry: D(o.notionalTry),
      intentHash: S(o.intentHash),
      intentReason: S(o.intentReason),
      status: S(o.status),
      filledQty: D(o.filledQty),
      avgFillPrice: o.avgFillPrice === undefined ? undefined : D(o.avgFillPrice),
      statusReason: o.statusReason === undefined ? undefined : S(o.statusReason),
      createdAtMs: num(o.createdAtMs),
      updatedAtMs: num(o.updatedAtMs),
    }),
  );
}

// ---------------------------------------------------------------- events

const eventIdentity = z
  .object({
    pk: str,
    sk: str,
    account,
    eventId: str,
    orderId: str,
    clientOrderId: nonEmpty,
    seq: atLeastOne,
    tsMs: epochMs,
    passId: nonEmpty,
    type: literal(STAGE7_EVENT_TYPES),
  })
  .superRefine(({ pk, sk, account: acct, ...e }, ctx) => {
    const key = stage7Keys.event(acct, e.clientOrderId, e.seq);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
    keyIssue(ctx, 'eventId', e.eventId, stage7EventId(e.clientOrderId, e.seq, e.type));
    keyIssue(ctx, 'orderId', e.orderId, stage7OrderId(e.clientOrderId));
  });

/** Each event type's own fields (stage7-oms-state.ts Stage7EventBody) */
const BODIES: Readonly<Record<Stage7EventType, z.ZodRawShape>> = {
  SUBMIT_REQUESTED: {},
  ACKED: {},
  PARTIAL_FILL: { qty: positive, price: positive },
  FILLED: { qty: positive, avgPrice: positive },
  REJECTED: { reason: literal(['invalid_price_or_qty', 'idempotency_conflict', 'sim_reject']), detail: str.optional() },
  CANCELED: { reason: literal(['cancel_requested']) },
  DUPLICATE_IGNORED: { reason: literal(['terminal_order', 'idempotency_duplicate']) },
  THROTTLED: { nextEligibleMs: epochMs },
  IDEMPOTENCY_CONFLICT: { key: nonEmpty, registeredHash: sha256, intentHash: sha256 },
  RETRY_SCHEDULED: { attempt: atLeastOne, delayMs: count, errorType: literal(SIMULATED_FAILURES) },
  RETRY_GIVEUP: {
    reason: literal(['transient_failure_exhausted']),
    attempts: atLeastOne,
    errorType: literal(SIMULATED_FAILURES),
  },
};
const BODY_FIELDS = [...new Set(Object.values(BODIES).flatMap((shape) => Object.keys(shape)))];

/**
 * The type's own fields; another type's field on the item is refused (it was not written for this type). One
 * schema per type, built on first use: zod compiles a schema at its first parse, so a schema built per call would
 * be compiled on every call.
 */
const bodySchema = builtOnce((type: Stage7EventType) =>
  z.object({
    ...Object.fromEntries(BODY_FIELDS.map((field) => [field, z.undefined().optional()])),
    ...BODIES[type],
  }),
);

/** @throws CorruptStateError the item is not a stage 7 OMS event */
export const parseStage7Event: (item: Item) => Stage7OrderEvent = decodedOnce((item) => {
  const { pk: _pk, sk: _sk, account: _a, ...identity } = parseItem(eventIdentity, item);
  const body = Object.entries(parseItem(bodySchema(identity.type), item)).filter(([, v]) => v !== undefined);
  return { ...identity, ...Object.fromEntries(body) } as Stage7OrderEvent;
});

function bodyAttributes(e: Stage7OrderEvent): Record<string, AttributeValue | undefined> {
  switch (e.type) {
    case 'SUBMIT_REQUESTED':
    case 'ACKED':
      return {};
    case 'PARTIAL_FILL':
      return { qty: D(e.qty), price: D(e.price) };
    case 'FILLED':
      return { qty: D(e.qty), avgPrice: D(e.avgPrice) };
    case 'REJECTED':
      return { reason: S(e.reason), detail: e.detail === undefined ? undefined : S(e.detail) };
    case 'CANCELED':
    case 'DUPLICATE_IGNORED':
      return { reason: S(e.reason) };
    case 'THROTTLED':
      return { nextEligibleMs: num(e.nextEligibleMs) };
    case 'IDEMPOTENCY_CONFLICT':
      return { key: S(e.key), registeredHash: S(e.registeredHash), intentHash: S(e.intentHash) };
    case 'RETRY_SCHEDULED':
      return { attempt: num(e.attempt), delayMs: num(e.delayMs), errorType: S(e.errorType) };
    case 'RETRY_GIVEUP':
      return { reason: S(e.reason), attempts: num(e.attempts), errorType: S(e.errorType) };
  }
}

/** @throws CorruptStateError the event is not one the store may hold; nothing is written */
export function stage7EventItem(acct: string, e: Stage7OrderEvent): Item {
  const key = stage7Keys.event(acct, e.clientOrderId, e.seq);
  const item = defined({
    pk: S(key.pk),
    sk: S(key.sk),
    account: S(acct),
    eventId: S(e.eventId),
    orderId: S(e.orderId),
    clientOrderId: S(e.clientOrderId),
    seq: num(e.seq),
    tsMs: num(e.tsMs),
    passId: S(e.passId),
    type: S(e.type),
    ...bodyAttributes(e),
  });
  parseStage7Event(item);
  return item;
}

// ---------------------------------------------------------------- idempotency keys

const keySchema = z
  .object({ pk: str, sk: str, account, key: nonEmpty, payloadHash: sha256, tsMs: epochMs, passId: nonEmpty })
  .superRefine(({ pk, sk, account: acct, key }, ctx) => {
    const expected = stage7Keys.idempotency(acct, key);
    keyIssue(ctx, 'pk', pk, expected.pk);
    keyIssue(ctx, 'sk', sk, expected.sk);
  })
  .transform(({ pk: _pk, sk: _sk, account: _a, ...entry }): Stage7IdempotencyEntry => entry);

/** @throws CorruptStateError the item is not a stage 7 idempotency key */
export const parseStage7Key: (item: Item) => Stage7IdempotencyEntry = decodedOnce((item) => parseItem(keySchema, item));

/** @throws CorruptStateError the entry is not one the store may hold; nothing is written */
export function stage7KeyItem(acct: string, entry: Stage7IdempotencyEntry): Item {
  const key = stage7Keys.idempotency(acct, entry.key);
  return checkedBy(parseStage7Key, {
    pk: S(key.pk),
    sk: S(key.sk),
    account: S(acct),
    key: S(entry.key),
    payloadHash: S(entry.payloadHash),
    tsMs: num(entry.tsMs),
    passId: S(entry.passId),
  });
}

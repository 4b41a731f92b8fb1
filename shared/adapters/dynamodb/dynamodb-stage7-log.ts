// How a stage 7 write too big for one DynamoDB transaction (100 items, 4 MB) is committed: split into parts
// (orders whole where they fit, in client id order; the run row, params and documents last) whose list is first
// written as a redo log (LOG#<n> chunks) in one fenced transaction. Once the log is stored the write is
// committed: each part is then applied (its records insert-or-ignore, upserts and version guards, so applying
// one twice changes nothing), the last part deleting the log. A crash, a timeout or a lost lease between
// parts leaves the log, and the next load applies whatever is missing before it reads.
import * as z from 'zod';
import { CorruptStateError, ValidationError } from '../../domain/errors';
import { account, checkedItem, count, type Item, int, keyIssue, nonEmpty, parseItem, rule, S, str } from './attributes';
import { stage7Keys } from './dynamodb-stage7-keys';
import { num } from './dynamodb-stage7-oms-codec';
import { itemBytes, parseStage7Item, type Stage7Op, type Stage7Ops } from './dynamodb-stage7-ops';

export const TRANSACTION_MAX_ITEMS = 100;
/** DynamoDB allows 4 MiB per transaction; the item estimate leaves the rest for keys and expressions */
export const TRANSACTION_MAX_BYTES = 4_000_000;
/** Bytes an operation adds besides its item: table name, condition, attribute names and values */
const OP_OVERHEAD_BYTES = 200;
/** Characters per log chunk: the log text is ASCII, so a chunk item stays far below 400 KB */
const LOG_CHUNK_CHARS = 100_000;

const opBytes = (op: Stage7Op) => itemBytes(op.item) + OP_OVERHEAD_BYTES;

/** Whether `ops` and `others` more operations (the lease check, log items...) fit one transaction */
export const fitsOneTransaction = (ops: readonly Stage7Op[], others: number): boolean =>
  ops.length + others <= TRANSACTION_MAX_ITEMS &&
  ops.reduce((n, op) => n + opBytes(op), others * OP_OVERHEAD_BYTES) <= TRANSACTION_MAX_BYTES;

/**
 * The parts of a split write, each leaving room for the lease check: order groups packed in order (a group is
 * cut only when it alone exceeds a part), then the final operations as the last part.
 */
export function planParts(ops: Stage7Ops): Stage7Op[][] {
  const parts: Stage7Op[][] = [];
  let current: Stage7Op[] = [];
  const flush = () => {
    if (current.length > 0) parts.push(current);
    current = [];
  };
  for (const group of ops.orders) {
    if (!fitsOneTransaction([...current, ...group], 1)) flush();
    for (const op of group) {
      if (!fitsOneTransaction([...current, op], 1)) flush();
      current.push(op);
    }
  }
  flush();
  return [...parts, [...ops.final]];
}

/** The log as JSON with every non-ASCII character escaped: chunks can be cut anywhere */
const asciiJson = (value: unknown) =>
  JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const logSchema = z
  .object({
    pk: str,
    sk: str,
    account,
    cycleId: nonEmpty,
    index: count,
    count: rule(int, (n) => n >= 1, 'an integer >= 1'),
    chunk: str,
  })
  .superRefine(({ pk, sk, account: acct, index, count: total }, ctx) => {
    const key = stage7Keys.log(acct, index);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
    if (index >= total)
      ctx.addIssue({ code: 'custom', path: ['index'], message: `expected below count ${total}, was ${index}` });
  });

/**
 * The log items of a split write (chunk 0 first).
 * @throws ValidationError the log does not fit the one transaction that commits it (with the lease check),
 *   or the last part would leave no room for deleting it; nothing was written
 */
export function logItems(acct: string, cycleId: string, parts: readonly (readonly Stage7Op[])[]): Item[] {
  const text = asciiJson(parts);
  const total = Math.max(1, Math.ceil(text.length / LOG_CHUNK_CHARS));
  const items = Array.from({ length: total }, (_, index) => {
    const key = stage7Keys.log(acct, index);
    return checkedItem(logSchema, {
      pk: S(key.pk),
      sk: S(key.sk),
      account: S(acct),
      cycleId: S(cycleId),
      index: num(index),
      count: num(total),
      chunk: S(text.slice(index * LOG_CHUNK_CHARS, (index + 1) * LOG_CHUNK_CHARS)),
    });
  });
  const last = parts.at(-1) ?? [];
  const logOps = items.map((item): Stage7Op => ({ kind: 'insert', item }));
  if (!fitsOneTransaction(logOps, 1) || !fitsOneTransaction(last, 1 + total))
    throw new ValidationError(`stage 7 write of cycle ${cycleId}`, [
      {
        path: 'size',
        message: `expected a write whose redo log (${text.length} bytes) fits one transaction, was larger`,
      },
    ]);
  return items;
}

const attributeValue: z.ZodType = z.lazy(() =>
  z.union([
    z.strictObject({ S: z.string() }),
    z.strictObject({ N: z.string() }),
    z.strictObject({ BOOL: z.boolean() }),
    z.strictObject({ NULL: z.literal(true) }),
    z.strictObject({ L: z.array(attributeValue) }),
    z.strictObject({ M: z.record(z.string(), attributeValue) }),
  ]),
);
const itemSchema = z.record(z.string(), attributeValue);
const opSchema = z.union([
  z.strictObject({ kind: z.enum(['insert', 'upsert', 'checkpoint']), item: itemSchema }),
  z.strictObject({
    kind: z.enum(['guarded', 'check']),
    item: itemSchema,
    expectedVersion: z.number().int().nonnegative(),
  }),
]);
const partsSchema = z.array(z.array(opSchema)).min(1);

/**
 * The parts of an interrupted write from its log items, every record checked with its codec.
 * @throws CorruptStateError a chunk is malformed or missing, or a logged record is
 */
export function parseLog(acct: string, items: readonly Item[]): { cycleId: string; parts: Stage7Op[][] } {
  const chunks = items.map((item) => parseItem(logSchema, item)).sort((a, b) => a.index - b.index);
  const head = chunks[0];
  const source = `stage 7 redo log of ${stage7Keys.pk(acct)}`;
  const complete = (first: typeof head): first is NonNullable<typeof head> =>
    first !== undefined &&
    chunks.length === first.count &&
    chunks.every((c, i) => c.index === i && c.count === first.count && c.cycleId === first.cycleId);
  if (!complete(head))
    throw new CorruptStateError(source, [
      { path: 'chunks', message: `expected chunks 0..n-1 of one write, was ${chunks.map((c) => c.index).join(', ')}` },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(chunks.map((c) => c.chunk).join(''));
  } catch {
    throw new CorruptStateError(source, [{ path: 'chunk', message: 'expected JSON text' }]);
  }
  const result = partsSchema.safeParse(parsed);
  if (!result.success)
    throw new CorruptStateError(
      source,
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  const parts = result.data as Stage7Op[][];
  const active = stage7Keys.activeParams(acct);
  for (const op of parts.flat()) {
    if (op.item.pk?.S !== active.pk)
      throw new CorruptStateError(source, [
        { path: 'item.pk', message: `expected ${active.pk}, was ${JSON.stringify(op.item.pk)}` },
      ]);
    // a check names the active params row only; every other operation carries a whole record
    if (op.kind !== 'check') parseStage7Item(op.item);
    else if (op.item.sk?.S !== active.sk)
      throw new CorruptStateError(source, [{ path: 'item.sk', message: `expected ${active.sk} for a check` }]);
  }
  return { cycleId: head.cycleId, parts };
}

// DynamoDB attribute values both ways: explicit builders for writes, zod field parsers for items read back.
// An item is an input: a missing, malformed or meaningless field (a negative quantity, a timestamp in
// seconds, a symbol that is not canonical) is a CorruptStateError naming the item's key and the field.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { EPOCH_MS_MAX, EPOCH_MS_MIN, isPlausibleEpochMs } from '../../domain/epoch';
import { CorruptStateError } from '../../domain/errors';
import { type Dec, dec, isDecimalString, toPlain } from '../../domain/money';
import { isCanonicalPair } from '../../domain/symbols';

export type Item = Record<string, AttributeValue>;

export const S = (value: string): AttributeValue => ({ S: value });

/** Integers only (epochs, versions, milliseconds): a fraction or an unsafe integer is a bug, not data */
export function N(value: number): AttributeValue {
  if (!Number.isSafeInteger(value)) throw new RangeError(`expected a safe integer, was ${value}`);
  return { N: String(value) };
}

/** Decimals are stored as their exact plain string: no float ever touches an amount */
export const D = (value: Dec): AttributeValue => ({ S: toPlain(value) });

/** Drops undefined entries so optional fields are left out of the item rather than stored empty */
export function defined(attributes: Record<string, AttributeValue | undefined>): Item {
  const out: Item = {};
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) out[name] = value;
  return out;
}

// Each field check aborts the parse (`abort`): a field that failed is never converted, and the item-level
// checks that rebuild keys from the fields never see it
export const str = z.object({ S: z.string() }).transform((v) => v.S);
export const int = z
  .object({ N: z.string().regex(/^-?\d+$/, { error: 'expected an integer', abort: true }) })
  .transform((v) => Number(v.N))
  .refine(Number.isSafeInteger, { error: 'expected a safe integer', abort: true });
export const decimal = z
  .object({ S: z.string().refine(isDecimalString, { error: 'expected a plain decimal string', abort: true }) })
  .transform((v) => dec(v.S));
export const literal = <T extends string>(values: readonly [T, ...T[]]) =>
  z.object({ S: z.enum(values) }).transform((v) => v.S);
export const strList = z.object({ L: z.array(str) }).transform((v) => v.L);

/** `schema` whose value must also satisfy `ok`; the issue reads "expected <expected>, was <value>" (aborting) */
export const rule = <T extends z.ZodType>(
  schema: T,
  ok: (value: z.output<T>) => boolean,
  expected: string,
  shown: (value: z.output<T>) => string = (value) => JSON.stringify(value),
) =>
  schema.superRefine((value, ctx) => {
    if (!ok(value))
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, was ${shown(value)}`, continue: false });
  });

export const count = rule(int, (n) => n >= 0, 'an integer >= 0');
/** Versions start at 1 (0 means "must not exist" in a conditional write, never a stored version) */
export const version = rule(int, (n) => n >= 1, 'a version >= 1');
export const epochMs = rule(int, isPlausibleEpochMs, 'epoch milliseconds in 2010..2100');
export const epochSec = rule(
  int,
  (n) => n >= EPOCH_MS_MIN / 1000 && n <= EPOCH_MS_MAX / 1000,
  'epoch seconds in 2010..2100',
);
export const intMap = z.object({ M: z.record(z.string(), count) }).transform((v) => v.M);

export const nonNegative = rule(decimal, (x) => x.gte(0), 'a decimal >= 0', toPlain);
export const positive = rule(decimal, (x) => x.gt(0), 'a decimal > 0', toPlain);

export const nonEmpty = rule(str, (s) => s.length > 0, 'a non-empty string');
/** Account keys are short printable names (BOT_ACCOUNT): they are part of every key of the account */
export const ACCOUNT_PATTERN = /^[!-~]{1,64}$/;
export const account = rule(str, (s) => ACCOUNT_PATTERN.test(s), 'an account of 1 to 64 printable characters');
/** Venue order and trade ids are decimal digit strings (they exceed 2^53, so they stay text) */
export const venueId = rule(str, (s) => /^\d{1,40}$/.test(s), 'a venue id of digits');
export const asset = rule(str, (s) => /^[A-Z0-9]{1,20}$/.test(s), 'an asset code such as TRY');

export const pair = rule(str, isCanonicalPair, 'a canonical pair symbol such as BTCTRY');

const keyOf = (item: Item) => `${item.pk?.S ?? '?'} / ${item.sk?.S ?? '?'}`;

function valueAt(item: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = item;
  for (const step of path)
    at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[step] : undefined;
  return at;
}

const describe = (value: unknown) => (value === undefined ? 'missing' : JSON.stringify(value));

/**
 * Parses a stored item with its codec's schema.
 * @throws CorruptStateError (a ValidationError) naming the item's pk/sk and each bad field
 */
export function parseItem<T extends z.ZodType>(schema: T, item: Item): z.output<T> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message:
      issue.code === 'invalid_type'
        ? `expected ${issue.expected}, was ${describe(valueAt(item, issue.path))}`
        : issue.message,
  }));
  throw new CorruptStateError(`DynamoDB item ${keyOf(item)}`, issues);
}

/**
 * The item a codec is about to write, checked with the schema it will be read back with: an item the
 * stores would refuse to read is never written (it would stop every later cycle instead of this write).
 * @throws CorruptStateError naming the item's pk/sk and each bad field; nothing was written
 */
export function checkedItem(schema: z.ZodType, item: Item): Item {
  parseItem(schema, item);
  return item;
}

/** An issue when a stored key attribute is not the key its item's fields make */
export function keyIssue(ctx: z.RefinementCtx, attribute: string, stored: string | undefined, expected: string) {
  if (stored !== expected)
    ctx.addIssue({ code: 'custom', path: [attribute], message: `expected ${expected}, was ${describe(stored)}` });
}

/** `build` per key, built on the first call for that key and kept (for schemas: zod compiles one at its first parse) */
export function builtOnce<K, V>(build: (key: K) => V): (key: K) => V {
  const built = new Map<K, V>();
  return (key) => {
    let value = built.get(key);
    if (value === undefined) {
      value = build(key);
      built.set(key, value);
    }
    return value;
  };
}

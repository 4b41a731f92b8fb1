// DynamoDB attribute values both ways: explicit builders for writes, zod field parsers for items read back.
// An item is an input: a missing or malformed field is a ValidationError naming the item's key and the field.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { ValidationError } from '../../domain/errors';
import { type Dec, dec, isDecimalString, toPlain } from '../../domain/money';

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

export const str = z.object({ S: z.string() }).transform((v) => v.S);
export const int = z
  .object({ N: z.string().regex(/^-?\d+$/, 'expected an integer') })
  .transform((v) => Number(v.N))
  .refine(Number.isSafeInteger, 'expected a safe integer');
export const decimal = z
  .object({ S: z.string().refine(isDecimalString, 'expected a plain decimal string') })
  .transform((v) => dec(v.S));
export const literal = <T extends string>(values: readonly [T, ...T[]]) =>
  z.object({ S: z.enum(values) }).transform((v) => v.S);
export const strList = z.object({ L: z.array(str) }).transform((v) => v.L);
export const intMap = z.object({ M: z.record(z.string(), int) }).transform((v) => v.M);

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
 * @throws ValidationError naming the item's pk/sk and each bad field
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
  throw new ValidationError(`DynamoDB item ${keyOf(item)}`, issues);
}

// Parses an input (an event, a queue message, a stored document) with its zod schema; every problem
// becomes one issue of a ValidationError naming where it came from
import * as z from 'zod';
import { ValidationError } from '../domain/errors';
import { type Dec, dec, isDecimalString } from '../domain/money';
import { isCanonicalPair } from '../domain/symbols';

type ValidationErrorClass = new (...args: ConstructorParameters<typeof ValidationError>) => ValidationError;

/** @throws `errorClass` (a ValidationError by default) naming `source` and each bad field */
export function parseInput<S extends z.ZodType>(
  schema: S,
  source: string,
  input: unknown,
  errorClass: ValidationErrorClass = ValidationError,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new errorClass(
      source,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: messageOf(i) })),
    );
  }
  return parsed.data;
}

/** A bad record key's own reason ("expected SYMBOL:SIDE"), not zod's generic "Invalid key in record" */
const messageOf = (issue: z.core.$ZodIssue): string =>
  issue.code === 'invalid_key' ? `key: ${issue.issues.map((i) => i.message).join('; ')}` : issue.message;

/**
 * Parses JSON text (a stored document) with its schema: text that is not JSON is an issue like any other,
 * never a SyntaxError.
 * @throws `errorClass` (a ValidationError by default) naming `source`
 */
export function parseJsonInput<S extends z.ZodType>(
  schema: S,
  source: string,
  text: string,
  errorClass: ValidationErrorClass = ValidationError,
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new errorClass(
      source,
      [{ path: '', message: `expected JSON text, was not JSON (${(e as Error).message})` }],
      {
        cause: e,
      },
    );
  }
  return parseInput(schema, source, json, errorClass);
}

/** A symbol as the bot stores it: canonical (BTCTRY, never btc_try) and splitting into base and quote */
export const CanonicalPairSchema = z.string().refine(isCanonicalPair, {
  error: (issue) => `expected a canonical pair symbol such as BTCTRY, was ${JSON.stringify(issue.input)}`,
});

/** A decimal stored as JSON text in a document (never a JSON number): exact, and refused when malformed */
export const DecimalTextSchema = z
  .string()
  .refine(isDecimalString, {
    error: (i) => `expected a plain decimal string, was ${JSON.stringify(i.input)}`,
    // a string that failed is never converted
    abort: true,
  })
  .transform((s) => dec(s));

/** A decimal text that must also satisfy `ok` (described by `expected` in the error) */
export const decimalTextWhere = (ok: (x: Dec) => boolean, expected: string) =>
  DecimalTextSchema.refine(ok, { error: (i) => `expected ${expected}, was ${JSON.stringify(i.input)}` });

export const NonNegativeDecimalTextSchema = decimalTextWhere((x) => x.gte(0), 'a decimal >= 0');
export const PositiveDecimalTextSchema = decimalTextWhere((x) => x.gt(0), 'a decimal > 0');

// Canonical JSON text in stage 7 items: params, opaque documents and traces are stored as the canonical JSON
// of their value (keys sorted, decimals as strings, integers only), and a stored text is read only if it is
// exactly that: valid JSON, accepted by its schema, and canonical (so equal values are equal items).
import * as z from 'zod';
import { type CanonicalValue, canonicalJson } from '../../domain/hashing';
import type { Stage7Json } from '../../ports/stage7-store';
import { str } from './attributes';

const jsonValue: z.ZodType<Stage7Json> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isSafeInteger, { error: 'expected integers only (amounts as decimal strings)' }),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);
const jsonDocument = z.record(z.string(), jsonValue);

/**
 * Whether `value` (fresh from JSON.parse) is a JSON document that `jsonDocument` accepts and returns as it is.
 * The recursive zod union costs more than the rest of a document's decode, and every cycle writes (and so
 * checks) three documents: this check decides first, and the schema runs only to name what is wrong. A
 * `__proto__` member is left to the schema (assigning it changes the object zod builds).
 */
function isJsonDocument(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const key in value)
    if (key === '__proto__' || !isJsonValue((value as Record<string, unknown>)[key])) return false;
  return true;
}

function isJsonValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isSafeInteger(value);
    case 'object':
      return value === null || (Array.isArray(value) ? value.every(isJsonValue) : isJsonDocument(value));
    default:
      return false;
  }
}

/**
 * Texts canonicalJson wrote lately. Canonical JSON is a fixed point (the canonical JSON of parsed canonical JSON
 * is the same text), so a text from here needs no canonical check: the check of an item being written, which
 * would canonicalise its text a second time, is skipped. Bounded: cleared when full.
 */
const written = new Set<string>();
const WRITTEN_MAX = 64;

/** Canonical JSON of `value`, or plain JSON when it holds what canonical JSON refuses (the schema then says what) */
export function jsonText(value: unknown): string {
  let text: string;
  try {
    text = canonicalJson(value as CanonicalValue);
  } catch {
    return JSON.stringify(value) ?? 'undefined';
  }
  if (written.size >= WRITTEN_MAX) written.clear();
  written.add(text);
  return text;
}

const isCanonical = (text: string, parsed: unknown): boolean => written.has(text) || jsonText(parsed) === text;

/**
 * A string attribute holding canonical JSON that `schema` accepts. `accepts`, when given, is a faster check
 * that passes only for values the schema accepts and returns unchanged (the schema then runs on failure only).
 */
export const canonicalText = <T extends z.ZodType>(schema: T, accepts?: (parsed: unknown) => boolean) =>
  str.transform((text, ctx): z.output<T> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected JSON text', fatal: true });
      return z.NEVER;
    }
    const result = accepts?.(parsed)
      ? { success: true as const, data: parsed as z.output<T> }
      : schema.safeParse(parsed);
    if (!result.success) {
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || 'value'}: ${issue.message}` });
      return z.NEVER;
    }
    if (!isCanonical(text, parsed)) ctx.addIssue({ code: 'custom', message: 'expected canonical JSON text' });
    return result.data;
  });

/** A string attribute holding a canonical JSON document (universe state, risk decision, trace) */
export const canonicalDocumentText = canonicalText(jsonDocument, isJsonDocument);

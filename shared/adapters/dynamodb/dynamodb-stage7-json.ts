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
export const jsonDocument = z.record(z.string(), jsonValue);

/** Canonical JSON of `value`, or plain JSON when it holds what canonical JSON refuses (the schema then says what) */
export function jsonText(value: unknown): string {
  try {
    return canonicalJson(value as CanonicalValue);
  } catch {
    return JSON.stringify(value) ?? 'undefined';
  }
}

/** A string attribute holding canonical JSON that `schema` accepts */
export const canonicalText = <T extends z.ZodType>(schema: T) =>
  str.transform((text, ctx): z.output<T> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected JSON text', fatal: true });
      return z.NEVER;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || 'value'}: ${issue.message}` });
      return z.NEVER;
    }
    if (jsonText(parsed) !== text) ctx.addIssue({ code: 'custom', message: 'expected canonical JSON text' });
    return result.data;
  });

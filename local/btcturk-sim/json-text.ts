// JSON text we write ourselves, so numbers the venue sends bare (trade ids > 2^53, ticker values) keep
// their exact digits: a RawNumber is emitted verbatim, everything else as JSON.stringify would.

export class RawNumber {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new RangeError(`expected a plain number literal, was ${text}`);
  }
}

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | RawNumber
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

export function jsonText(value: JsonValue): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  const entries = Object.entries(value as { readonly [k: string]: JsonValue });
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
}

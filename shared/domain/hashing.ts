// Deterministic hashing (spec 0.5): SHA-256 hex of UTF-8 text, and canonical JSON
// (keys sorted, no spaces, decimals as plain strings, dates as UTC ISO strings).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { Dec, toPlain } from './money';

export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Dec
  | Date
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

function canonical(value: CanonicalValue): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`canonical JSON takes integers only, was ${value}`);
    return String(value);
  }
  if (Dec.isDecimal(value)) return JSON.stringify(toPlain(value as Dec));
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v) ?? 'null').join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .flatMap((k) => {
      const v = canonical((value as Record<string, CanonicalValue>)[k]);
      return v === undefined ? [] : [`${JSON.stringify(k)}:${v}`];
    });
  return `{${entries.join(',')}}`;
}

/** Canonical JSON text; undefined members are omitted, non-integer numbers are refused (use decimals) */
export function canonicalJson(value: CanonicalValue): string {
  return canonical(value) ?? 'null';
}

export const hashCanonical = (value: CanonicalValue): string => sha256Hex(canonicalJson(value));

// Deterministic hashing (spec 0.5): SHA-256 hex of UTF-8 text, and canonical JSON
// (keys sorted, no spaces, decimals as plain strings, dates as UTC ISO strings).
// Both run several times per stage 7 cycle (ids, hashes, every stored record compared or checked), so canonical
// JSON is built by concatenation, not arrays. SHA-256 stays @noble/hashes: the domain imports no platform module
// (tests/unit/architecture.test.ts).
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

/** Member names as JSON strings: a record's names repeat from call to call (bounded: cleared when full) */
const quotedNames = new Map<string, string>();
const QUOTED_NAMES_MAX = 4096;

function quotedName(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    if (quotedNames.size >= QUOTED_NAMES_MAX) quotedNames.clear();
    quoted = JSON.stringify(name);
    quotedNames.set(name, quoted);
  }
  return quoted;
}

function canonical(value: CanonicalValue): string | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new RangeError(`canonical JSON takes integers only, was ${value}`);
      return String(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonical(value[i]) ?? 'null';
    }
    return `${out}]`;
  }
  if (Dec.isDecimal(value)) return JSON.stringify(toPlain(value as Dec));
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const record = value as Record<string, CanonicalValue>;
  const names = sortedNames(Object.keys(record));
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const v = canonical(record[name]);
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += quotedName(name);
    out += ':';
    out += v;
  }
  return `${out}}`;
}

/**
 * The names in the default sort's order (UTF-16 code units). Records have a few names: an insertion sort in
 * place allocates nothing, where Array.prototype.sort copies into a work array on every call.
 */
function sortedNames(names: string[]): string[] {
  if (names.length > 32) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    let j = i - 1;
    while (j >= 0 && (names[j] as string) > name) {
      names[j + 1] = names[j] as string;
      j -= 1;
    }
    names[j + 1] = name;
  }
  return names;
}

/** Canonical JSON text; undefined members are omitted, non-integer numbers are refused (use decimals) */
export function canonicalJson(value: CanonicalValue): string {
  return canonical(value) ?? 'null';
}

export const hashCanonical = (value: CanonicalValue): string => sha256Hex(canonicalJson(value));

// Symbol normalization (spec 0.2) and universe list parsing (spec 1.2).
// Canonical form is upper case without separators (BTCTRY); the exchange form is BTC_TRY.
import { SymbolFormatError } from './errors';

/** Known quote suffixes, tried in this order when the input has no separator */
export const QUOTE_SUFFIXES = ['TRY', 'USDT', 'USDC', 'BTC', 'ETH', 'EUR', 'USD'] as const;

const SYMBOL_CHARS = /^[A-Z0-9_]+$/;

export interface SymbolParts {
  readonly base: string;
  readonly quote: string;
}

/** `btc_try` -> `BTCTRY`; rejects empty input and characters other than letters, digits and `_` */
export function canonicalSymbol(input: string): string {
  const upper = input.trim().toUpperCase();
  if (upper.length === 0 || !SYMBOL_CHARS.test(upper)) throw new SymbolFormatError(input);
  const joined = upper.replaceAll('_', '');
  if (joined.length === 0) throw new SymbolFormatError(input);
  return joined;
}

/** Splits on the first `_` when present, else on the first known quote suffix leaving a non-empty base */
export function splitSymbol(input: string): SymbolParts {
  const upper = input.trim().toUpperCase();
  if (!SYMBOL_CHARS.test(upper)) throw new SymbolFormatError(input);
  const underscore = upper.indexOf('_');
  if (underscore >= 0) {
    const base = upper.slice(0, underscore);
    const quote = upper.slice(underscore + 1).replaceAll('_', '');
    if (base.length === 0 || quote.length === 0) throw new SymbolFormatError(input);
    return { base, quote };
  }
  for (const quote of QUOTE_SUFFIXES) {
    if (upper.endsWith(quote) && upper.length > quote.length) {
      return { base: upper.slice(0, -quote.length), quote };
    }
  }
  throw new SymbolFormatError(input);
}

/** `BTCTRY` -> `BTC_TRY` */
export function exchangeSymbol(input: string): string {
  const { base, quote } = splitSymbol(input);
  return `${base}_${quote}`;
}

/**
 * Parses a universe list: a JSON array string or a comma-separated string. Brackets and quotes are
 * stripped, items trimmed, canonicalized and de-duplicated keeping the first occurrence.
 */
export function parseSymbolList(raw: string): string[] {
  return [...new Set(splitListText(raw).map(canonicalSymbol))];
}

/** Items of a JSON-array-like or comma-separated string: brackets and quotes stripped, blanks dropped */
export function splitListText(raw: string): string[] {
  const inner = raw.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner
    .split(',')
    .map((item) =>
      item
        .trim()
        .replace(/^["']+|["']+$/g, '')
        .trim(),
    )
    .filter((item) => item.length > 0);
}

/** True for a symbol stored as written: canonical (BTCTRY, never btc_try) and splitting into base and quote */
export function isCanonicalPair(symbol: string): boolean {
  try {
    splitSymbol(symbol);
    return canonicalSymbol(symbol) === symbol;
  } catch {
    return false;
  }
}

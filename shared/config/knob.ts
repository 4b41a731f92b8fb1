// Builders for configuration knobs: each knob is a zod schema over the raw env string plus the metadata
// the loader and the README table need (default, aliases, unit, spec section, secrecy).
import * as z from 'zod';
import { type Dec, dec, isDecimalString } from '../domain/money';
import { parseSymbolList, splitListText } from '../domain/symbols';

export interface Knob<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  /** The raw default, as it would be written in the environment; undefined = unset */
  readonly default?: string | undefined;
  readonly aliases?: readonly string[];
  readonly secret?: boolean;
  readonly unit?: string;
  /** The accepted range of a number, as the README shows it (`1..60000`, `> 0`) */
  readonly range?: string;
  readonly section: string;
  readonly doc: string;
}

interface Meta {
  readonly section: string;
  readonly doc: string;
  readonly unit?: string;
  readonly aliases?: readonly string[];
}

/** Why a raw value was refused; returned (not thrown) by knob parsers */
export class ParseFailure {
  readonly #brand = true;
  /** `echo`: the refused value may be quoted in the message (false when it may hold a credential) */
  constructor(
    readonly error: string,
    readonly echo = true,
  ) {
    void this.#brand;
  }
}
export const fail = (error: string) => new ParseFailure(error);

type Parse<T> = (raw: string) => T | ParseFailure;

/** What is wrong with a raw text (what was expected), or undefined when it is fine */
type Problem = (raw: string) => string | undefined;

const checkedBy =
  (problem: Problem): Parse<string> =>
  (raw) => {
    const why = problem(raw);
    return why === undefined ? raw : fail(why);
  };

/** A raw string parsed by `parse`; failures become one zod issue whose message names the bad value */
function rawParser<T>(parse: Parse<T>, secret = false) {
  return z.string().transform((raw, ctx): T => {
    const out = parse(raw.trim());
    if (out instanceof ParseFailure) {
      ctx.issues.push({
        code: 'custom',
        message: secret || !out.echo ? out.error : `${out.error}, was ${JSON.stringify(raw)}`,
        input: '',
      });
      return z.NEVER;
    }
    return out;
  });
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

export function parseBool(raw: string): boolean | ParseFailure {
  const v = raw.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return fail('expected one of true/false/1/0/yes/no');
}

interface Range {
  readonly min?: number;
  readonly gt?: number;
  readonly max?: number;
}

function rangeError(v: number, r: Range): string | undefined {
  if (r.min !== undefined && v < r.min) return `expected >= ${r.min}`;
  if (r.gt !== undefined && !(v > r.gt)) return `expected > ${r.gt}`;
  if (r.max !== undefined && v > r.max) return `expected <= ${r.max}`;
  return undefined;
}

/** `min..max`, or the one-sided bounds joined (`> 0`, `>= 1`, `> 0, <= 1`) */
function rangeText(r: Range): string | undefined {
  if (r.min !== undefined && r.max !== undefined) return `${r.min}..${r.max}`;
  const parts = [
    r.min === undefined ? undefined : `>= ${r.min}`,
    r.gt === undefined ? undefined : `> ${r.gt}`,
    r.max === undefined ? undefined : `<= ${r.max}`,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function decRangeError(x: Dec, r: Range): string | undefined {
  if (r.min !== undefined && x.lt(r.min)) return `expected >= ${r.min}`;
  if (r.gt !== undefined && !x.gt(r.gt)) return `expected > ${r.gt}`;
  if (r.max !== undefined && x.gt(r.max)) return `expected <= ${r.max}`;
  return undefined;
}

const withMeta = <S extends z.ZodType>(schema: S, def: string | undefined, meta: Meta, secret = false): Knob<S> => ({
  schema,
  default: def,
  secret,
  ...meta,
});

const withRange = <S extends z.ZodType>(knob: Knob<S>, range: Range): Knob<S> => {
  const text = rangeText(range);
  return text === undefined ? knob : { ...knob, range: text };
};

/** An absolute URL with one of `schemes`, a host, and nothing a base URL cannot carry */
function parseUrl(schemes: readonly string[]) {
  const expected = `expected a ${schemes.map((s) => `${s}://`).join(' or ')} URL with a host`;
  return (raw: string): string | ParseFailure => {
    // user info is a password in the URL: text that may carry one is never quoted back
    const refuse = (why: string) => new ParseFailure(why, !raw.includes('@'));
    // the URL parser silently drops tabs and newlines: refuse them before it sees the text
    if (!/^[\x21-\x7e]+$/.test(raw) || !URL.canParse(raw)) return refuse(expected);
    const url = new URL(raw);
    if (!schemes.includes(url.protocol.slice(0, -1)) || url.hostname === '') return refuse(expected);
    if (url.username || url.password) return refuse(`${expected}, without user info`);
    if (url.search || url.hash) return refuse(`${expected}, without query or fragment`);
    return raw.replace(/\/+$/, '');
  };
}

const wholeNumber =
  (range: Range) =>
  (raw: string): number | ParseFailure => {
    if (!/^[+-]?\d+$/.test(raw)) return fail('expected a whole number');
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) return fail('expected a whole number within range');
    const bad = rangeError(n, range);
    return bad ? fail(bad) : n;
  };

export const knob = {
  bool: (def: boolean, meta: Meta) => withMeta(rawParser(parseBool), String(def), meta),

  /** Whole numbers: counts, milliseconds, seconds where the spec uses integers */
  int: (def: number | undefined, range: Range, meta: Meta) =>
    withRange(withMeta(rawParser(wholeNumber(range)), def === undefined ? undefined : String(def), meta), range),

  /** A whole number that may be absent (set by the deployment, e.g. a function timeout) */
  optionalInt: (range: Range, meta: Meta) =>
    withRange(withMeta(rawParser(wholeNumber(range)).optional(), undefined, meta), range),

  /** Non-money quantities that may be fractional (rates per second, durations); never amounts */
  num: (def: number, range: Range, meta: Meta) =>
    withRange(
      withMeta(
        rawParser<number>((raw) => {
          if (!isDecimalString(raw)) return fail('expected a number');
          const n = Number(raw);
          const bad = rangeError(n, range);
          return bad ? fail(bad) : n;
        }),
        String(def),
        meta,
      ),
      range,
    ),

  /** Money, prices, ratios and basis points: exact decimals from the string */
  dec: (def: string, range: Range, meta: Meta) => withRange(withMeta(decParser(range), def, meta), range),

  optionalDec: (range: Range, meta: Meta) => withRange(withMeta(decParser(range).optional(), undefined, meta), range),

  enumOf: <const V extends readonly [string, ...string[]]>(values: V, def: V[number], meta: Meta) =>
    withMeta(
      rawParser<V[number]>((raw) => {
        const hit = values.find((v) => v.toLowerCase() === raw.toLowerCase());
        return hit ?? fail(`expected one of ${values.join(', ')}`);
      }),
      def,
      meta,
    ),

  str: (def: string, meta: Meta) =>
    withMeta(
      rawParser((raw) => (raw.length > 0 ? raw : fail('expected a value'))),
      def,
      meta,
    ),

  optionalStr: (meta: Meta) => withMeta(rawParser((raw) => raw).optional(), undefined, meta),

  /** A name checked by `problem` (e.g. a resource name), with a default */
  name: (def: string, problem: Problem, meta: Meta) => withMeta(rawParser(checkedBy(problem)), def, meta),

  /** A name checked by `problem`, or unset */
  optionalName: (problem: Problem, meta: Meta) => withMeta(rawParser(checkedBy(problem)).optional(), undefined, meta),

  /** A credential checked by `problem`: optional, never echoed in an error or a printout */
  secret: (problem: Problem, meta: Meta) =>
    withMeta(rawParser(checkedBy(problem), true).optional(), undefined, meta, true),

  /** An absolute URL whose scheme is one of `schemes` (without `://`); trailing slashes dropped */
  url: (def: string, schemes: readonly string[], meta: Meta) => withMeta(rawParser(parseUrl(schemes)), def, meta),

  symbols: (def: string, meta: Meta) =>
    withMeta(
      rawParser((raw) => {
        try {
          const list = parseSymbolList(raw);
          return list.length > 0 ? list : fail('expected at least one symbol');
        } catch (e) {
          return fail((e as Error).message);
        }
      }),
      def,
      meta,
    ),

  optionalSymbols: (meta: Meta) =>
    withMeta(
      rawParser((raw) => {
        try {
          return parseSymbolList(raw);
        } catch (e) {
          return fail((e as Error).message);
        }
      }).optional(),
      undefined,
      meta,
    ),

  /** A list of plain tokens: a JSON array or comma-separated */
  list: (def: string, meta: Meta) =>
    withMeta(
      rawParser((raw) => splitListText(raw)),
      def,
      meta,
    ),

  /** ISO-8601 date or timestamp; kept as text, checked to parse */
  optionalDate: (pattern: RegExp, expected: string, meta: Meta) =>
    withMeta(
      rawParser((raw) =>
        pattern.test(raw) && !Number.isNaN(Date.parse(raw)) ? raw : fail(`expected ${expected}`),
      ).optional(),
      undefined,
      meta,
    ),

  custom: <T>(def: string, parse: Parse<T>, meta: Meta) => withMeta(rawParser(parse), def, meta),

  optionalCustom: <T>(parse: Parse<T>, meta: Meta) => withMeta(rawParser(parse).optional(), undefined, meta),
};

function decParser(range: Range) {
  return rawParser<Dec>((raw) => {
    if (!isDecimalString(raw)) return fail('expected a plain decimal number');
    const x = dec(raw);
    const bad = decRangeError(x, range);
    return bad ? fail(bad) : x;
  });
}

// fast-check generators for decimal strings and exchange steps shared by property tests
import fc from 'fast-check';

/** A plain decimal string with up to `intDigits` integer and `fracDigits` fraction digits */
export const decimalString = (opts: { intDigits?: number; fracDigits?: number; signed?: boolean } = {}) => {
  const { intDigits = 12, fracDigits = 16, signed = false } = opts;
  return fc
    .tuple(
      signed ? fc.constantFrom('', '-') : fc.constant(''),
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: intDigits }),
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: fracDigits }),
    )
    .map(([sign, i, f]) => `${sign}${i}${f.length > 0 ? `.${f}` : ''}`);
};

/** Positive steps as venues publish them: 1, 5 or 25 times a power of ten (1e-8 .. 100) */
export const stepString = fc
  .tuple(fc.constantFrom('1', '5', '25'), fc.integer({ min: -8, max: 2 }))
  .map(([mantissa, exp]) => (exp >= 0 ? `${mantissa}${'0'.repeat(exp)}` : shiftLeft(mantissa, -exp)));

function shiftLeft(digits: string, places: number): string {
  const padded = digits.padStart(places + 1, '0');
  const cut = padded.length - places;
  return `${padded.slice(0, cut)}.${padded.slice(cut)}`.replace(/^0+(?=\d)/, '');
}

/** Positive amounts with up to 10 integer digits and 12 decimals, never zero */
export const positiveDecimalString = decimalString({ intDigits: 10, fracDigits: 12 }).filter((s) => /[1-9]/.test(s));

// ---------------------------------------------------------------- malformed input (the fuzz suite, issue 11)

/** Any value JSON.parse can return, kept small */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** Text that no field should take at face value: blank, control and non-Latin-1 characters, escapes, very long */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '\n', '\t', 'a\nb', 'a\r\nb', 'a\u0000b', '\u007f', 'é', 'ı', '€', '中文', '🙂', '\u202e'),
  fc.constantFrom('null', 'undefined', '{}', '[]', '%', '%23', '#', ' padded ', '../..', '<html>'),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 51, max: 3000 }).map((n) => 'x'.repeat(n)),
);

/** Number text that is no valid amount: signs, zero, exponents, separators, specials, unsafe integers */
export const oddNumberText: fc.Arbitrary<string> = fc.constantFrom(
  '-1',
  '0',
  '0.0',
  '-0',
  '-0.00000001',
  '1e20',
  '1E-7',
  '100000000000000000000',
  '9007199254740993',
  '1,5',
  '1.000,5',
  ' 1',
  '',
  '.5',
  '5.',
  '+5',
  '0x10',
  'NaN',
  'Infinity',
);

/** Epoch times that are no plausible milliseconds: seconds, zero, negative, fractions, past 2^53, 1e20 */
export const oddEpochText: fc.Arbitrary<string> = fc.constantFrom(
  '0',
  '1',
  '1613313462',
  '-1613313462021',
  '1613313462021.5',
  '99999999999999',
  '9007199254740993',
  '100000000000000000000',
);

const DELETED = Symbol('deleted');

/**
 * `base` with one or more fields deleted or replaced, by the field's own odd values (weighted up: targeted
 * mutations find far more than random JSON) or by any JSON; sometimes with an extra unknown field
 */
export function mutatedRecord<T extends Record<string, unknown>>(
  base: T,
  odd: Partial<Record<keyof T & string, fc.Arbitrary<unknown>>> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const change = (field: string): fc.Arbitrary<unknown> =>
    fc.oneof(
      { arbitrary: fc.constant(DELETED), weight: 1 },
      { arbitrary: anyJson, weight: 1 },
      { arbitrary: (odd as Record<string, fc.Arbitrary<unknown>>)[field] ?? anyJson, weight: 3 },
    );
  const extra = fc.oneof(
    { arbitrary: fc.constant(null), weight: 4 },
    { arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), anyJson), weight: 1 },
  );
  return fc
    .subarray(Object.keys(base), { minLength: 1 })
    .chain((fields) => fc.tuple(fc.tuple(...fields.map((f) => change(f).map((v) => [f, v] as const))), extra))
    .map(([changes, added]) => {
      const out: Record<string, unknown> = { ...base };
      for (const [field, value] of changes) {
        if (value === DELETED) delete out[field];
        else out[field] = value;
      }
      if (added && !(added[0] in base)) out[added[0]] = added[1];
      return out;
    });
}

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

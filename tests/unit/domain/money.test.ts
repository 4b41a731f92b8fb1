import Decimal from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bpsOf,
  ceilToStep,
  Dec,
  dec,
  floorToStep,
  isDecimalString,
  isMultipleOf,
  minusBps,
  plusBps,
  toPlain,
  toWire,
} from '../../../shared/domain/money';
import { decimalString, positiveDecimalString, stepString } from '../../support/arbitraries';

const normalize = (s: string) => {
  const negative = s.startsWith('-');
  const [i = '0', f = ''] = s.replace(/^[+-]/, '').split('.');
  const int = i.replace(/^0+(?=\d)/, '');
  const frac = f.replace(/0+$/, '');
  const body = frac.length > 0 ? `${int}.${frac}` : int;
  return negative && body !== '0' && /[1-9]/.test(body) ? `-${body}` : body;
};

describe('dec and toPlain', () => {
  it('round-trips every plain decimal string exactly (up to 38 significant digits)', () => {
    fc.assert(
      fc.property(decimalString({ intDigits: 20, fracDigits: 18, signed: true }), (s) => {
        expect(toPlain(dec(s))).toBe(normalize(s));
      }),
    );
  });

  it('keeps 0.00000001 and 30-digit values exact, never in exponent form', () => {
    expect(toPlain(dec('0.00000001'))).toBe('0.00000001');
    expect(toPlain(dec('123456789012345678901234567890'))).toBe('123456789012345678901234567890');
    expect(toPlain(dec('0.1').add(dec('0.2')))).toBe('0.3');
  });

  it.each(['1e-8', 'NaN', 'Infinity', '1,5', '', ' ', '0x10', '1.2.3', '--1'])('refuses %j', (s) => {
    expect(isDecimalString(s)).toBe(false);
    expect(() => dec(s)).toThrow(/expected a plain decimal string/);
  });

  it('refuses a number where a string is required', () => {
    expect(() => dec(0.1 as unknown as string)).toThrow(RangeError);
  });
});

describe('toWire', () => {
  it('never renders an exponent and keeps the requested places', () => {
    expect(new Decimal('0.00000001').toString()).toBe('1e-8'); // why the wire never uses toString
    expect(new Dec('0.00000001').toString()).toBe('0.00000001');
    expect(toWire(dec('0.00000001'), 8)).toBe('0.00000001');
    expect(toWire(dec('1.23456789'), 4)).toBe('1.2345');
    expect(toWire(dec('100'), 2)).toBe('100.00');
  });

  it('round-trips any value that already has at most `places` decimals', () => {
    fc.assert(
      fc.property(decimalString({ intDigits: 12, fracDigits: 8 }), fc.integer({ min: 8, max: 16 }), (s, places) => {
        const wire = toWire(dec(s), places);
        expect(wire).toMatch(/^\d+\.\d+$/);
        expect(dec(wire).eq(dec(s))).toBe(true);
      }),
    );
  });

  it('rounds down, never up', () => {
    fc.assert(
      fc.property(positiveDecimalString, fc.integer({ min: 0, max: 8 }), (s, places) => {
        expect(dec(toWire(dec(s), places)).lte(dec(s))).toBe(true);
      }),
    );
  });
});

describe('floorToStep and ceilToStep', () => {
  it('floor: a multiple of the step, never above the input, less than one step below it, idempotent', () => {
    fc.assert(
      fc.property(positiveDecimalString, stepString, (s, st) => {
        const x = dec(s);
        const step = dec(st);
        const q = floorToStep(x, step);
        expect(isMultipleOf(q, step)).toBe(true);
        expect(q.lte(x)).toBe(true);
        expect(x.sub(q).lt(step)).toBe(true);
        expect(floorToStep(q, step).eq(q)).toBe(true);
      }),
    );
  });

  it('ceil: a multiple of the step, never below the input, idempotent', () => {
    fc.assert(
      fc.property(positiveDecimalString, stepString, (s, st) => {
        const x = dec(s);
        const step = dec(st);
        const q = ceilToStep(x, step);
        expect(isMultipleOf(q, step)).toBe(true);
        expect(q.gte(x)).toBe(true);
        expect(q.sub(x).lt(step)).toBe(true);
        expect(ceilToStep(q, step).eq(q)).toBe(true);
      }),
    );
  });

  it('matches the spec example: tick 0.1 and step 0.0001', () => {
    expect(toPlain(floorToStep(dec('123.456'), dec('0.1')))).toBe('123.4');
    expect(toPlain(floorToStep(dec('1.23456'), dec('0.0001')))).toBe('1.2345');
  });

  it('refuses a zero or negative step', () => {
    expect(() => floorToStep(dec('1'), dec('0'))).toThrow(/step must be positive/);
    expect(() => ceilToStep(dec('1'), dec('-1'))).toThrow(/step must be positive/);
  });
});

describe('basis points', () => {
  it('applies x bps as v * x / 10000 exactly', () => {
    expect(toPlain(bpsOf(dec('1000'), dec('15')))).toBe('1.5');
    expect(toPlain(plusBps(dec('100'), dec('20')))).toBe('100.2');
    expect(toPlain(minusBps(dec('100'), dec('20')))).toBe('99.8');
  });
});

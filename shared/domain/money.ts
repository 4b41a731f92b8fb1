// Exact decimal arithmetic for money, prices and quantities: built from strings only, sent with toFixed.
// Invariant: no binary float ever becomes an amount (a number argument is a type error, not a conversion).
import Decimal from 'decimal.js';

export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;

const DECIMAL_STRING = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** True when `s` is a plain decimal literal (no exponent, no thousands separators, no NaN/Infinity) */
export const isDecimalString = (s: string): boolean => DECIMAL_STRING.test(s.trim());

/** Builds a decimal from a plain decimal string; anything else is a RangeError naming the input */
export function dec(s: string): Dec {
  if (typeof s !== 'string' || !isDecimalString(s)) {
    throw new RangeError(`expected a plain decimal string, was ${JSON.stringify(s)}`);
  }
  return new Dec(s.trim());
}

export const ZERO = new Dec(0);
export const ONE = new Dec(1);
const BPS_DIVISOR = new Dec(10_000);

/** Round down to a multiple of `step` (toward minus infinity) */
export function floorToStep(x: Dec, step: Dec): Dec {
  assertStep(step);
  return x.div(step).floor().mul(step);
}

/** Round up to a multiple of `step`; only for explicit rescues and the safe side of a SELL price */
export function ceilToStep(x: Dec, step: Dec): Dec {
  assertStep(step);
  return x.div(step).ceil().mul(step);
}

export const isMultipleOf = (x: Dec, step: Dec): boolean => x.mod(step).isZero();

function assertStep(step: Dec): void {
  if (!step.isFinite() || step.lte(0)) throw new RangeError(`step must be positive, was ${step.toFixed()}`);
}

/** Wire format: fixed notation with at most `places` decimals, rounded down, trailing zeros kept */
export const toWire = (x: Dec, places: number): string => x.toFixed(places, Decimal.ROUND_DOWN);

/** Canonical string for persistence and hashing: fixed notation, no exponent, no trailing zeros */
export const toPlain = (x: Dec): string => {
  const s = x.toFixed();
  return s === '-0' ? '0' : s;
};

/** `x` basis points of `v`: v * x / 10000 */
export const bpsOf = (v: Dec, bps: Dec): Dec => v.mul(bps).div(BPS_DIVISOR);
/** v * (1 + bps / 10000) */
export const plusBps = (v: Dec, bps: Dec): Dec => v.add(bpsOf(v, bps));
/** v * (1 - bps / 10000) */
export const minusBps = (v: Dec, bps: Dec): Dec => v.sub(bpsOf(v, bps));

/** Decimal places of a step such as 0.001 (3) or 10 (0) */
export const placesOf = (step: Dec): number => Math.max(step.decimalPlaces(), 0);

export const minDec = (a: Dec, b: Dec): Dec => (a.lte(b) ? a : b);
export const maxDec = (a: Dec, b: Dec): Dec => (a.gte(b) ? a : b);
export const sumDec = (xs: readonly Dec[]): Dec => xs.reduce((acc, x) => acc.add(x), ZERO);

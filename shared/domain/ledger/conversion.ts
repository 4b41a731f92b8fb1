// Converting an amount of one asset into another with marks keyed by canonical symbol (spec 3.9): as is in
// the same asset, else times the direct `{FROM}{TO}` mark, else divided by the inverse `{TO}{FROM}` mark.
// No usable mark is `undefined`, for the caller to surface: a missing conversion is never silently 0
// (spec 9.3.20).
import type { Dec } from '../money';

export function convert(amount: Dec, from: string, to: string, marks: ReadonlyMap<string, Dec>): Dec | undefined {
  if (from === to) return amount;
  const direct = marks.get(`${from}${to}`);
  if (direct?.gt(0)) return amount.mul(direct);
  const inverse = marks.get(`${to}${from}`);
  if (inverse?.gt(0)) return amount.div(inverse);
  return undefined;
}

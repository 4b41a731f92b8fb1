// Commission schedule: maker/taker rates on the quote notional plus a tax on the commission (BTCTURK_API 7.7).
// Fee and tax are rounded to 8 decimals as in the captured user-trade rows.
import { type Dec, dec, ONE } from '../../shared/domain/money';

export interface FeeSchedule {
  readonly maker: Dec;
  readonly taker: Dec;
  /** Tax as a fraction of the commission, e.g. 0.2 */
  readonly taxRate: Dec;
}

export interface FeeOptions {
  readonly maker?: string;
  readonly taker?: string;
  readonly taxRate?: string;
}

export const feeSchedule = (o: FeeOptions = {}): FeeSchedule => ({
  maker: dec(o.maker ?? '0.0005'),
  taker: dec(o.taker ?? '0.0009'),
  taxRate: dec(o.taxRate ?? '0.2'),
});

export function feeOf(s: FeeSchedule, notional: Dec, maker: boolean): { fee: Dec; tax: Dec } {
  const fee = notional.mul(maker ? s.maker : s.taker).toDecimalPlaces(8);
  return { fee, tax: fee.mul(s.taxRate).toDecimalPlaces(8) };
}

/** Quote a buy must hold per unit of notional: the worst case is a taker fill with tax */
export const buyLockFactor = (s: FeeSchedule): Dec => ONE.add(s.taker.mul(ONE.add(s.taxRate)));

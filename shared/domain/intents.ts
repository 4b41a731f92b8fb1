// What a strategy asks for (a LIMIT order intent, before risk and quantization) and what risk approves
import type { Side } from './exchange-rules';
import type { Dec } from './money';

export interface Intent {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: Dec;
  readonly limitPrice: Dec;
  readonly reason: string;
  /** In [0, 1] */
  readonly confidence: number;
  readonly ttlSeconds: number;
}

/** An intent risk approved: price and quantity on the venue's grid, and the assets the order moves */
export interface ApprovedIntent extends Intent {
  readonly base: string;
  readonly quote: string;
}

export const notionalOf = (i: Pick<Intent, 'qty' | 'limitPrice'>): Dec => i.qty.mul(i.limitPrice);

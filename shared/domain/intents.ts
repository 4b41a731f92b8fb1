// What a strategy asks for: a LIMIT order intent, before risk and quantization
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

export const notionalOf = (i: Pick<Intent, 'qty' | 'limitPrice'>): Dec => i.qty.mul(i.limitPrice);

// The ledger events one fill writes, live (a venue trade) and simulated (a stage 7 OMS fill) alike: a FILL
// carrying the fee as the position counts it (in the quote when it could be converted), and, when a fee was
// paid, a FEE in the asset it was paid in. Deterministic ids from the trade id, so a fill written twice is
// stored once.
import type { Side } from '../exchange-rules';
import { feeEventId, fillEventId } from '../ids';
import { type Dec, ZERO } from '../money';
import type { LedgerEvent } from './ledger-event';

export interface FillEventsInput {
  readonly account: string;
  readonly symbol: string;
  readonly timestampMs: number;
  readonly tradeId: string;
  readonly clientOrderId: string | undefined;
  readonly side: Side;
  readonly qty: Dec;
  readonly price: Dec;
  /** The fee as paid, in the asset it was paid in */
  readonly fee: Dec;
  readonly feeAsset: string;
  /** The fee as the FILL counts it: in the quote when converted, else as paid */
  readonly fillFee: { readonly fee: Dec; readonly feeAsset: string };
  /** The FEE event's trade id; default the fill's */
  readonly feeTradeId?: string;
}

export function fillEvents(f: FillEventsInput): LedgerEvent[] {
  const shared = { account: f.account, symbol: f.symbol, timestampMs: f.timestampMs, clientOrderId: f.clientOrderId };
  const fill: LedgerEvent = {
    ...shared,
    tradeId: f.tradeId,
    eventId: fillEventId(f.symbol, f.tradeId),
    type: 'FILL',
    side: f.side,
    qty: f.qty,
    price: f.price,
    fee: f.fillFee.fee,
    feeAsset: f.fillFee.feeAsset,
  };
  if (!f.fee.gt(0)) return [fill];
  const fee: LedgerEvent = {
    ...shared,
    tradeId: f.feeTradeId ?? f.tradeId,
    eventId: feeEventId(f.symbol, f.tradeId),
    type: 'FEE',
    side: undefined,
    qty: ZERO,
    price: ZERO,
    fee: f.fee,
    feeAsset: f.feeAsset,
  };
  return [fill, fee];
}

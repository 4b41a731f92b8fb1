// Average-cost positions as a projection of the append-only ledger (spec 2.12; 9.3.20: the ledger is the
// only accounting truth). Applying the same events in the same order always gives the same positions;
// a fee in another currency than the quote is reported, never silently dropped. The ledger reducer
// (ledger/ledger-state.ts) keeps this view per symbol beside its FIFO lots with applyFill and quoteFee.
import { type Dec, ZERO } from './money';
import { splitSymbol } from './symbols';

export interface LedgerFill {
  readonly eventId: string;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly qty: Dec;
  readonly price: Dec;
  readonly fee: Dec;
  readonly feeAsset: string;
  readonly timestampMs: number;
}

export interface Position {
  readonly symbol: string;
  readonly qty: Dec;
  readonly avgCost: Dec;
  readonly realizedPnl: Dec;
  readonly feesPaid: Dec;
}

export const flatPosition = (symbol: string): Position => ({
  symbol,
  qty: ZERO,
  avgCost: ZERO,
  realizedPnl: ZERO,
  feesPaid: ZERO,
});

/** The fill's fee in its pair's quote (the average cost's currency); undefined when paid in another asset */
export function quoteFee(fill: Pick<LedgerFill, 'symbol' | 'fee' | 'feeAsset'>): Dec | undefined {
  if (fill.fee.isZero()) return ZERO;
  return fill.feeAsset.toUpperCase() === splitSymbol(fill.symbol).quote ? fill.fee : undefined;
}

export function applyFill(position: Position, fill: LedgerFill, feeInQuote: Dec): Position {
  if (fill.side === 'BUY') {
    const qty = position.qty.add(fill.qty);
    return {
      ...position,
      qty,
      avgCost: position.qty.mul(position.avgCost).add(fill.qty.mul(fill.price)).add(feeInQuote).div(qty),
      feesPaid: position.feesPaid.add(feeInQuote),
    };
  }
  const sold = fill.qty.lte(position.qty) ? fill.qty : position.qty;
  const feeUsed = fill.qty.isZero() ? ZERO : feeInQuote.mul(sold).div(fill.qty);
  const qty = position.qty.sub(sold);
  return {
    ...position,
    qty,
    avgCost: qty.isZero() ? ZERO : position.avgCost,
    realizedPnl: position.realizedPnl.add(sold.mul(fill.price.sub(position.avgCost))).sub(feeUsed),
    feesPaid: position.feesPaid.add(feeUsed),
  };
}

/** (mark - avg) * qty when the mark is positive, else 0 */
export const unrealizedPnl = (p: Position, mark: Dec): Dec => (mark.gt(0) ? mark.sub(p.avgCost).mul(p.qty) : ZERO);

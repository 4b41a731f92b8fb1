// The end-of-run reconciliation of a local run: every order the venue holds for the account, set against the
// journal row that sent it (by exchange order id, else client order id). An order the venue has that the
// journal lacks is a lost order; a status or filled quantity that differs is an order the bot would account
// for wrongly. A venue fill after the last cycle's refresh is not yet in the journal: it is told apart as
// `lagging` (the journal is behind, and the next cycle would catch it up), not as a disagreement.
import type { VenueOrder } from '../../shared/ports/exchange';
import type { JournalOrder } from '../../shared/ports/state-store';

export interface VenueAgreement {
  /** Venue orders whose journal row has the same status class and filled quantity */
  readonly agree: number;
  /** Venue orders the journal has not caught up with yet: filled or canceled after the last refresh */
  readonly lagging: readonly string[];
  /** Venue orders with no journal row, or whose row says more than the venue (more filled, a different end) */
  readonly disagree: readonly string[];
}

const filledOf = (o: VenueOrder) => o.qty.sub(o.leftQty);
const isOpen = (status: string) => status === 'OPEN' || status === 'PARTIAL';

export function venueAgreement(venue: readonly VenueOrder[], journal: readonly JournalOrder[]): VenueAgreement {
  const byExchangeId = new Map(journal.flatMap((o) => (o.exchangeOrderId ? [[o.exchangeOrderId, o] as const] : [])));
  const byClientId = new Map(journal.map((o) => [o.clientOrderId, o] as const));
  let agree = 0;
  const lagging: string[] = [];
  const disagree: string[] = [];
  for (const v of venue) {
    const row = byExchangeId.get(v.orderId) ?? byClientId.get(v.clientOrderId);
    const label = `${v.symbol} ${v.side} ${v.clientOrderId} (venue ${v.status} filled ${filledOf(v).toFixed()})`;
    if (row === undefined) {
      disagree.push(`${label}: no journal row`);
      continue;
    }
    const filled = filledOf(v);
    const sameEnd = isOpen(v.status) ? isOpen(row.status) : v.status === row.status;
    if (sameEnd && row.filledQty.eq(filled)) agree += 1;
    else if (row.filledQty.lte(filled) && (isOpen(row.status) || row.status === 'CANCEL_REQUESTED'))
      lagging.push(`${label}: journal ${row.status} filled ${row.filledQty.toFixed()}`);
    else disagree.push(`${label}: journal ${row.status} filled ${row.filledQty.toFixed()}`);
  }
  return { agree, lagging, disagree };
}

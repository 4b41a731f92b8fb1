// Maps what the exchange reports about an order onto the journal: the observation event and fill progress
import type { JournalEvent } from '../domain/order-state';
import type { VenueOrder, VenueOrderStatus } from '../ports/exchange';
import type { JournalOrder, JournalPatch } from '../ports/state-store';

const EVENT: Record<Exclude<VenueOrderStatus, 'UNKNOWN'>, JournalEvent> = {
  OPEN: 'OBSERVED_OPEN',
  PARTIAL: 'OBSERVED_PARTIAL',
  FILLED: 'OBSERVED_FILLED',
  CANCELED: 'OBSERVED_CANCELED',
};

export interface Observation {
  readonly event: JournalEvent;
  readonly patch: JournalPatch;
}

/** What the venue's report means for the journal; undefined for a status we cannot interpret (UNKNOWN) */
export function observationOf(venue: VenueOrder): Observation | undefined {
  if (venue.status === 'UNKNOWN') return undefined;
  return {
    event: EVENT[venue.status],
    // a sighting ends any run of "not found" lookups
    patch: { exchangeOrderId: venue.orderId, filledQty: venue.qty.sub(venue.leftQty), notFoundChecks: 0 },
  };
}

/** True when applying the observation would change nothing stored */
export function isNoop(order: JournalOrder, obs: Observation, nextStatus: string): boolean {
  return (
    nextStatus === order.status &&
    (obs.patch.filledQty === undefined || obs.patch.filledQty.eq(order.filledQty)) &&
    (obs.patch.exchangeOrderId === undefined || obs.patch.exchangeOrderId === order.exchangeOrderId)
  );
}

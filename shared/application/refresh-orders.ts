// Order lifecycle refresh (spec 2.11, fixed per 9.1.6): for each symbol, list the exchange's open orders
// and apply what changed to our resting orders; orders no longer listed are looked up once in allOrders.
// Works per configured symbol, so live stale cancellation sees every order (the reference saw none).
import { journalMachine, RESTING } from '../domain/order-state';
import type { Clock } from '../ports/clock';
import type { Exchange, VenueOrder } from '../ports/exchange';
import type { JournalOrder, OrderJournal } from '../ports/state-store';
import { isNoop, observationOf } from './observe-order';

export interface RefreshDeps {
  readonly journal: OrderJournal;
  readonly exchange: Exchange;
  readonly clock: Clock;
}

export interface RefreshSummary {
  readonly updated: number;
  /** Resting in our journal but found nowhere on the exchange: left alone and reported */
  readonly missing: readonly string[];
  /** Symbols whose lookups failed; their orders were not refreshed */
  readonly failedSymbols: readonly string[];
  /** The journal's resting orders after the refresh */
  readonly resting: readonly JournalOrder[];
}

const matches = (order: JournalOrder, venue: VenueOrder) =>
  venue.clientOrderId === order.clientOrderId ||
  (order.exchangeOrderId !== undefined && venue.orderId === order.exchangeOrderId);

export async function refreshOrders(
  deps: RefreshDeps,
  account: string,
  options: { readonly cancelGraceMs: number },
): Promise<RefreshSummary> {
  const resting = await deps.journal.listByStatus(account, [...RESTING]);
  const bySymbol = new Map<string, JournalOrder[]>();
  for (const o of resting) bySymbol.set(o.symbol, [...(bySymbol.get(o.symbol) ?? []), o]);
  let updated = 0;
  const missing: string[] = [];
  const failedSymbols: string[] = [];
  const after: JournalOrder[] = [];
  for (const [symbol, orders] of bySymbol) {
    let venueOrders: VenueOrder[];
    try {
      venueOrders = await deps.exchange.openOrders(symbol);
      const unlisted = orders.filter((o) => !venueOrders.some((v) => matches(o, v)));
      if (unlisted.length > 0) {
        const since = Math.min(...unlisted.map((o) => o.createdAtMs)) - 10_000;
        venueOrders = [...venueOrders, ...(await deps.exchange.allOrders(symbol, since))];
      }
    } catch {
      failedSymbols.push(symbol);
      after.push(...orders);
      continue;
    }
    for (const order of orders) {
      const venue = venueOrders.find((v) => matches(order, v));
      if (!venue) {
        missing.push(order.clientOrderId);
        after.push(order);
        continue;
      }
      const obs = observationOf(venue);
      const now = deps.clock.nowMs();
      const cancelInFlight = order.status === 'CANCEL_REQUESTED' && now - order.updatedAtMs < options.cancelGraceMs;
      const next = journalMachine.next(order.status, obs.event, order.clientOrderId);
      if (isNoop(order, obs, next) || (cancelInFlight && (venue.status === 'OPEN' || venue.status === 'PARTIAL'))) {
        after.push(order);
        continue;
      }
      after.push(await deps.journal.transition(order, obs.event, obs.patch, now));
      updated += 1;
    }
  }
  return { updated, missing, failedSymbols, resting: after.filter((o) => RESTING.has(o.status)) };
}

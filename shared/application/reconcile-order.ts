// Settles one journal order whose exchange outcome is uncertain (ARCHITECTURE 5.5): look it up by client
// id; found -> adopt the exchange state; not found -> "not placed" only after the grace window AND several
// checks, and only then may a new attempt (a new client id) be submitted. An unreachable exchange throws.
import { sumDec } from '../domain/money';
import { IN_FLIGHT, journalMachine } from '../domain/order-state';
import type { Clock } from '../ports/clock';
import type { Exchange } from '../ports/exchange';
import type { JournalOrder, OrderJournal } from '../ports/state-store';
import { isNoop, observationOf } from './observe-order';

export interface ReconcilePolicy {
  /** Minimum age of the order before absence can be believed (venue visibility delay) */
  readonly notPlacedGraceMs: number;
  /** Lookups that must all miss before NOT_PLACED */
  readonly notPlacedChecks: number;
  /** A cancel request younger than this is still in flight even if the order is listed */
  readonly cancelGraceMs: number;
}

export interface ReconcileDeps {
  readonly journal: OrderJournal;
  readonly exchange: Exchange;
  readonly clock: Clock;
}

export type ReconcileOutcome =
  | { readonly kind: 'settled'; readonly order: JournalOrder }
  | { readonly kind: 'pending'; readonly order: JournalOrder; readonly reason: string }
  | { readonly kind: 'nothing_to_do'; readonly order: JournalOrder }
  | { readonly kind: 'missing' };

/** @throws ExchangeUnavailableError when the lookups cannot be made (the caller retries later) */
export async function reconcileOrder(
  deps: ReconcileDeps,
  account: string,
  clientOrderId: string,
  policy: ReconcilePolicy,
): Promise<ReconcileOutcome> {
  const order = await deps.journal.get(account, clientOrderId);
  if (!order) return { kind: 'missing' };
  if (!IN_FLIGHT.has(order.status) && order.status !== 'CANCEL_REQUESTED') return { kind: 'nothing_to_do', order };
  const found = await deps.exchange.findOrderByClientId(order.symbol, clientOrderId, order.createdAtMs);
  const now = deps.clock.nowMs();
  if (found.found && found.source === 'userTrades') {
    const traded = sumDec(found.fills.map((f) => f.qty));
    const event = traded.gte(order.qty) ? 'OBSERVED_FILLED' : 'OBSERVED_PARTIAL';
    return settle(deps, order, event, { exchangeOrderId: found.orderId, filledQty: traded }, now);
  }
  if (found.found) {
    const obs = observationOf(found.order);
    const cancelInFlight = order.status === 'CANCEL_REQUESTED' && now - order.updatedAtMs < policy.cancelGraceMs;
    if (cancelInFlight && (found.order.status === 'OPEN' || found.order.status === 'PARTIAL')) {
      return { kind: 'pending', order, reason: 'cancel_in_flight' };
    }
    return settle(deps, order, obs.event, obs.patch, now);
  }
  if (order.status === 'CANCEL_REQUESTED') return { kind: 'pending', order, reason: 'cancel_target_not_listed' };
  const checks = order.notFoundChecks + 1;
  if (now - order.createdAtMs >= policy.notPlacedGraceMs && checks >= policy.notPlacedChecks) {
    const failed = await deps.journal.transition(
      order,
      'NOT_PLACED',
      { notFoundChecks: checks, lastError: 'not_found_on_exchange' },
      now,
    );
    return { kind: 'settled', order: failed };
  }
  const updated = await deps.journal.update(order, { notFoundChecks: checks }, now);
  return { kind: 'pending', order: updated, reason: `not_found_check_${checks}_of_${policy.notPlacedChecks}` };
}

async function settle(
  deps: ReconcileDeps,
  order: JournalOrder,
  event: Parameters<OrderJournal['transition']>[1],
  patch: Parameters<OrderJournal['transition']>[2],
  now: number,
): Promise<ReconcileOutcome> {
  const next = journalMachine.next(order.status, event, order.clientOrderId);
  if (isNoop(order, { event, patch }, next)) return { kind: 'nothing_to_do', order };
  return { kind: 'settled', order: await deps.journal.transition(order, event, patch, now) };
}

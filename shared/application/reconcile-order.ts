// Settles one journal order whose exchange outcome is uncertain (ARCHITECTURE 5.5): look it up by client
// id; found -> adopt the exchange state; not found -> "not placed" only after the grace window AND several
// checks, and only then may a new attempt (a new client id) be submitted. An unreachable exchange throws.
// Someone else (the reconcile function, a cycle's recovery) may settle the same order at the same time: a
// refused conditional write is re-read and decided again, never an error.
import { ConcurrentUpdateError } from '../domain/errors';
import { sumDec } from '../domain/money';
import { IN_FLIGHT, journalMachine } from '../domain/order-state';
import type { Clock } from '../ports/clock';
import type { ClientIdLookup, Exchange } from '../ports/exchange';
import type { JournalOrder, OrderJournal } from '../ports/state-store';
import { isNoop, type Observation, observationOf } from './observe-order';

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

/** Re-reads after a refused write before giving up for this look (the next look decides again) */
const CONFLICT_REREADS = 3;

const needsReconcile = (order: JournalOrder) => IN_FLIGHT.has(order.status) || order.status === 'CANCEL_REQUESTED';

/** @throws ExchangeUnavailableError when the lookups cannot be made (the caller retries later) */
export async function reconcileOrder(
  deps: ReconcileDeps,
  account: string,
  clientOrderId: string,
  policy: ReconcilePolicy,
): Promise<ReconcileOutcome> {
  let order = await deps.journal.get(account, clientOrderId);
  if (!order) return { kind: 'missing' };
  if (!needsReconcile(order)) return { kind: 'nothing_to_do', order };
  const found = await deps.exchange.findOrderByClientId(order.symbol, clientOrderId, order.createdAtMs);
  for (let reread = 0; ; reread++) {
    try {
      return await decide(deps, order, found, policy);
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError)) throw e;
      const fresh = await deps.journal.get(account, clientOrderId);
      if (!fresh) return { kind: 'missing' };
      if (!needsReconcile(fresh)) return { kind: 'settled', order: fresh };
      if (reread >= CONFLICT_REREADS) return { kind: 'pending', order: fresh, reason: 'concurrent_update' };
      order = fresh;
    }
  }
}

async function decide(
  deps: ReconcileDeps,
  order: JournalOrder,
  found: ClientIdLookup,
  policy: ReconcilePolicy,
): Promise<ReconcileOutcome> {
  const now = deps.clock.nowMs();
  if (found.found && found.source === 'userTrades') {
    const traded = sumDec(found.fills.map((f) => f.qty));
    const event = traded.gte(order.qty) ? 'OBSERVED_FILLED' : 'OBSERVED_PARTIAL';
    return settle(deps, order, { event, patch: { exchangeOrderId: found.orderId, filledQty: traded } }, now);
  }
  if (found.found) {
    const obs = observationOf(found.order);
    if (obs === undefined) return { kind: 'pending', order, reason: 'venue_status_unknown' };
    const cancelInFlight = order.status === 'CANCEL_REQUESTED' && now - order.updatedAtMs < policy.cancelGraceMs;
    if (cancelInFlight && (found.order.status === 'OPEN' || found.order.status === 'PARTIAL')) {
      return { kind: 'pending', order, reason: 'cancel_in_flight' };
    }
    return settle(deps, order, obs, now);
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

async function settle(deps: ReconcileDeps, order: JournalOrder, obs: Observation, now: number) {
  const next = journalMachine.next(order.status, obs.event, order.clientOrderId);
  if (isNoop(order, obs, next)) return { kind: 'nothing_to_do', order } as const;
  return { kind: 'settled', order: await deps.journal.transition(order, obs.event, obs.patch, now) } as const;
}

/**
 * What one reconcile look means for unknown-order escalation (spec 9.1.5): `settled` ends a symbol's run of
 * failures; `failed` (the look could not be made, or its answer cannot be used) extends it; `progress` is the
 * normal road to a proof (a not-found check counted, a cancel still settling) and counts neither way.
 */
export type EscalationVerdict = 'settled' | 'progress' | 'failed';

const PROGRESS = /^(not_found_check_|cancel_in_flight$)/;

export function escalationVerdict(outcome: ReconcileOutcome | { readonly kind: 'error' }): EscalationVerdict {
  if (outcome.kind === 'error') return 'failed';
  if (outcome.kind !== 'pending') return 'settled';
  return PROGRESS.test(outcome.reason) ? 'progress' : 'failed';
}

// Cancels a resting order (spec 2.10 step 6, 9.1.2): re-check every gate, journal CANCEL_REQUESTED, then
// DELETE. BTCTurk cancels asynchronously, so success leaves CANCEL_REQUESTED until a refresh observes the
// final state; an uncertain cancel goes to the reconcile queue. When someone else (reconcile) settled the
// order meanwhile, the refused journal write is re-read: a closed order is not canceled.
import {
  ConcurrentUpdateError,
  ExchangeRejectedError,
  ExchangeUnavailableError,
  LiveTradingNotArmedError,
  OutcomeUnknownError,
} from '../domain/errors';
import { RESTING } from '../domain/order-state';
import type { JournalOrder } from '../ports/state-store';
import type { PlaceOrderDeps } from './place-order';

/** Cancels need exactly what placements need: the journal, the exchange, the reconcile queue, a clock */
export type CancelOrderDeps = PlaceOrderDeps;

export type CancelOutcome =
  | { readonly kind: 'requested'; readonly order: JournalOrder }
  /** The venue refused (typically: already filled); the next refresh observes the real state */
  | { readonly kind: 'refused'; readonly order: JournalOrder; readonly reason: string }
  | { readonly kind: 'unavailable'; readonly order: JournalOrder; readonly reason: string }
  | { readonly kind: 'uncertain'; readonly order: JournalOrder }
  /** A gate is closed: nothing was journaled or sent */
  | { readonly kind: 'blocked'; readonly order: JournalOrder; readonly reason: string }
  /** The order left the resting states before the cancel (settled by someone else): nothing sent */
  | { readonly kind: 'settled_elsewhere'; readonly order: JournalOrder };

export async function cancelOrder(deps: CancelOrderDeps, order: JournalOrder): Promise<CancelOutcome> {
  if (!order.exchangeOrderId)
    throw new RangeError(`${order.clientOrderId}: cannot cancel without an exchange order id`);
  try {
    await deps.gate.assertOpen();
  } catch (e) {
    if (!(e instanceof LiveTradingNotArmedError)) throw e;
    return { kind: 'blocked', order, reason: `gate_closed:${e.reasons.join(',')}` };
  }
  const journaled = await requestCancel(deps, order);
  if (!journaled.ours) return { kind: 'settled_elsewhere', order: journaled.order };
  const requested = journaled.order;
  try {
    await deps.exchange.cancelOrder(order.symbol, order.exchangeOrderId);
    return { kind: 'requested', order: requested };
  } catch (e) {
    if (e instanceof ExchangeRejectedError) return { kind: 'refused', order: requested, reason: e.token };
    if (e instanceof ExchangeUnavailableError) return { kind: 'unavailable', order: requested, reason: e.message };
    if (e instanceof OutcomeUnknownError) {
      await deps.queue.enqueue({
        account: order.account,
        clientOrderId: order.clientOrderId,
        reason: 'cancel_uncertain',
        enqueuedAtMs: deps.clock.nowMs(),
      });
      return { kind: 'uncertain', order: requested };
    }
    throw e;
  }
}

/**
 * Journals CANCEL_REQUESTED; after a refused write, re-reads and tries once more if the order still rests.
 * `ours: false` when someone else closed the order or already requested its cancel.
 */
async function requestCancel(
  deps: CancelOrderDeps,
  order: JournalOrder,
): Promise<{ readonly ours: boolean; readonly order: JournalOrder }> {
  try {
    return { ours: true, order: await deps.journal.transition(order, 'CANCEL_REQUESTED', {}, deps.clock.nowMs()) };
  } catch (e) {
    if (!(e instanceof ConcurrentUpdateError)) throw e;
    const fresh = await deps.journal.get(order.account, order.clientOrderId);
    if (fresh === undefined || fresh.status === 'CANCEL_REQUESTED' || !RESTING.has(fresh.status)) {
      return { ours: false, order: fresh ?? order };
    }
    return { ours: true, order: await deps.journal.transition(fresh, 'CANCEL_REQUESTED', {}, deps.clock.nowMs()) };
  }
}

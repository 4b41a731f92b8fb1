// Cancels a resting order (spec 2.10 step 6, 9.1.2): journal CANCEL_REQUESTED first, then DELETE. BTCTurk
// cancels asynchronously, so success leaves CANCEL_REQUESTED until a refresh observes the final state;
// an uncertain cancel goes to the reconcile queue.
import { ExchangeRejectedError, ExchangeUnavailableError, OutcomeUnknownError } from '../domain/errors';
import type { JournalOrder } from '../ports/state-store';
import type { PlaceOrderDeps } from './place-order';

/** Cancels need exactly what placements need: the journal, the exchange, the reconcile queue, a clock */
export type CancelOrderDeps = PlaceOrderDeps;

export type CancelOutcome =
  | { readonly kind: 'requested'; readonly order: JournalOrder }
  /** The venue refused (typically: already filled); the next refresh observes the real state */
  | { readonly kind: 'refused'; readonly order: JournalOrder; readonly reason: string }
  | { readonly kind: 'unavailable'; readonly order: JournalOrder; readonly reason: string }
  | { readonly kind: 'uncertain'; readonly order: JournalOrder };

export async function cancelOrder(deps: CancelOrderDeps, order: JournalOrder): Promise<CancelOutcome> {
  if (!order.exchangeOrderId)
    throw new RangeError(`${order.clientOrderId}: cannot cancel without an exchange order id`);
  const requested = await deps.journal.transition(order, 'CANCEL_REQUESTED', {}, deps.clock.nowMs());
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

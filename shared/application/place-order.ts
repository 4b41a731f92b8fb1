// Places one approved intent by the order safety protocol (ARCHITECTURE 5.2-5.3): journal PENDING_SUBMIT
// with the lease fence, re-check every gate, send, classify. Rejected -> REJECTED; certainly not processed
// (or a gate closed before sending) -> FAILED, a later attempt gets a new client id; anything ambiguous ->
// UNKNOWN plus a reconcile message, never re-sent.
import {
  ExchangeRejectedError,
  ExchangeUnavailableError,
  LiveTradingNotArmedError,
  OutcomeUnknownError,
} from '../domain/errors';
import type { Side } from '../domain/exchange-rules';
import { clientOrderId, type StageName } from '../domain/ids';
import type { Dec } from '../domain/money';
import type { Clock } from '../ports/clock';
import type { Exchange } from '../ports/exchange';
import type { ReconcileQueue } from '../ports/reconcile-queue';
import type { JournalOrder, LeaseFence, OrderJournal } from '../ports/state-store';
import type { WriteGate } from './write-gate';

export interface PlaceOrderDeps {
  readonly journal: OrderJournal;
  readonly exchange: Exchange;
  readonly queue: ReconcileQueue;
  readonly clock: Clock;
  /** Checked right before the exchange call */
  readonly gate: WriteGate;
}

export interface OrderToPlace {
  readonly account: string;
  readonly stage: StageName;
  readonly cycleId: string;
  readonly intentKey: string;
  readonly symbol: string;
  readonly side: Side;
  /** Quantized to the symbol's rules */
  readonly price: Dec;
  readonly qty: Dec;
}

export type PlaceOutcome =
  | { readonly kind: 'accepted'; readonly order: JournalOrder }
  /** `code`: the venue's numeric reject code when it sent one (stage 4 acts on 1123) */
  | { readonly kind: 'rejected'; readonly order: JournalOrder; readonly reason: string; readonly code?: number }
  | { readonly kind: 'not_placed'; readonly order: JournalOrder; readonly reason: string }
  /** A gate closed between the cycle's start and this write: journaled, never sent */
  | { readonly kind: 'blocked'; readonly order: JournalOrder; readonly reason: string }
  | { readonly kind: 'unknown'; readonly order: JournalOrder }
  /** The intent was journaled before (a retried invocation): the journal and reconcile own it */
  | { readonly kind: 'replayed'; readonly order: JournalOrder };

/**
 * @throws StaleLeaseError this invocation lost its lease: nothing was sent (an entry already journaled stays
 *   PENDING_SUBMIT for the next holder's recovery to settle)
 */
export async function placeOrder(deps: PlaceOrderDeps, intent: OrderToPlace, fence: LeaseFence): Promise<PlaceOutcome> {
  const previous = await deps.journal.latestForIntent(intent.account, intent.intentKey);
  if (previous && previous.status !== 'FAILED') return { kind: 'replayed', order: previous };
  const attempt = previous ? previous.attempt + 1 : 0;
  const id = clientOrderId({
    account: intent.account,
    stage: intent.stage,
    symbol: intent.symbol,
    side: intent.side,
    price: intent.price,
    qty: intent.qty,
    bucket: intent.cycleId,
    attempt,
  });
  const now = deps.clock.nowMs();
  const { created, order } = await deps.journal.create(
    { ...intent, clientOrderId: id, attempt, createdAtMs: now },
    fence,
    now,
  );
  if (!created) return { kind: 'replayed', order };
  try {
    await deps.gate.assertOpen();
  } catch (e) {
    if (!(e instanceof LiveTradingNotArmedError)) throw e;
    const reason = `gate_closed:${e.reasons.join(',')}`;
    const blocked = await deps.journal.transition(order, 'NOT_PLACED', { lastError: reason }, deps.clock.nowMs());
    return { kind: 'blocked', order: blocked, reason };
  }
  try {
    const ack = await deps.exchange.placeLimitOrder({
      clientOrderId: id,
      symbol: intent.symbol,
      side: intent.side,
      price: intent.price,
      qty: intent.qty,
    });
    const open = await deps.journal.transition(
      order,
      'SUBMIT_ACKED',
      { exchangeOrderId: ack.orderId },
      deps.clock.nowMs(),
    );
    return { kind: 'accepted', order: open };
  } catch (e) {
    const at = deps.clock.nowMs();
    if (e instanceof ExchangeRejectedError) {
      const rejected = await deps.journal.transition(order, 'SUBMIT_REJECTED', { lastError: e.token }, at);
      return { kind: 'rejected', order: rejected, reason: e.token, ...(e.code === undefined ? {} : { code: e.code }) };
    }
    if (e instanceof ExchangeUnavailableError) {
      const failed = await deps.journal.transition(order, 'NOT_PLACED', { lastError: e.message }, at);
      return { kind: 'not_placed', order: failed, reason: e.message };
    }
    if (e instanceof OutcomeUnknownError) {
      const unknown = await deps.journal.transition(order, 'SUBMIT_UNCERTAIN', { lastError: e.message }, at);
      await deps.queue.enqueue({
        account: intent.account,
        clientOrderId: id,
        reason: 'submit_uncertain',
        enqueuedAtMs: at,
      });
      return { kind: 'unknown', order: unknown };
    }
    throw e;
  }
}

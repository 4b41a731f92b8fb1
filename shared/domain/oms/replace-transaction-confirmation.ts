// When a replace transaction's cancels count as done (spec 3.18): the exchange lists none of the old orders
// AND the journal holds every one of them in a closed status. Either view alone can be wrong (the open-order
// list lags a fill, a journal entry lags the venue), and sending the replacement while an old order may still
// rest is the double exposure this protects against.
import { CLOSED, type JournalStatus } from '../order-state';

export interface CancelConfirmationInput {
  /** The transaction's old client order ids */
  readonly oldClientOrderIds: readonly string[];
  /** Client order ids on the exchange's open-order list for the symbol, read after the cancels were sent */
  readonly exchangeOpenClientOrderIds: ReadonlySet<string>;
  /** The journal status of each old order; an id without an entry is missing */
  readonly localStatus: ReadonlyMap<string, JournalStatus>;
  /** Why the open-order list could not be read or reconciled this cycle (reason `reconcile_failed:{it}`) */
  readonly reconcileFailure?: string;
}

export type CancelConfirmation =
  | { readonly confirmed: true }
  | { readonly confirmed: false; readonly reasons: readonly [string, ...string[]] };

/**
 * Confirmed only when nothing below holds. The spec's terminal `canceled|filled|rejected|unknown_closed` are
 * the journal's CLOSED statuses: CANCELED (also what reconcile makes of an order gone from the venue), FILLED,
 * REJECTED and FAILED (proven never placed).
 */
export function confirmReplaceCancels(input: CancelConfirmationInput): CancelConfirmation {
  const reasons: string[] = input.reconcileFailure === undefined ? [] : [`reconcile_failed:${input.reconcileFailure}`];
  for (const id of input.oldClientOrderIds) {
    if (input.exchangeOpenClientOrderIds.has(id)) reasons.push(`old_id_still_open:${id}`);
    const status = input.localStatus.get(id);
    if (status === undefined) reasons.push(`local_missing_record:${id}`);
    else if (!CLOSED.has(status)) reasons.push(`local_state_not_terminal:${id}:${status}`);
  }
  const [first, ...rest] = reasons;
  return first === undefined ? { confirmed: true } : { confirmed: false, reasons: [first, ...rest] };
}

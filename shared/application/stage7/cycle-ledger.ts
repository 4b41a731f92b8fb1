// Spec 4.2 step 15 and 4.13: the FILLED OMS orders as ledger FILL/FEE events, appended insert-or-ignore to
// the stage 7 ledger account (apart from the live account). The append runs AFTER the cycle's one store
// write: the client ids it owes are kept with the saved cycle (the risk decision document's `ledger` field),
// and every later run (a re-run of the same cycle included) appends them again first, so a crash between the
// two writes leaves no fill out and a second append writes nothing twice.
import { type Stage7FillBatch, stage7Fills } from '../../domain/ledger/stage7-fills';
import type { Dec } from '../../domain/money';
import type { Stage7Store } from '../../ports/stage7-store';
import type { LedgerStore } from '../../ports/state-store';
import type { Stage7Execution } from './cycle-oms';

export const stage7LedgerAccount = (account: string): string => `stage7-${account}`;

/** The fills of the orders the passes wrote */
export function cycleFills(account: string, exec: Stage7Execution, feesBps: Dec): Stage7FillBatch {
  const orders = exec.passes.flatMap((p) => p.orders).map((o) => exec.state.orders.get(o.clientOrderId) ?? o);
  return stage7Fills({ account: stage7LedgerAccount(account), orders, events: exec.state.events }, feesBps);
}

/** Appends the fills of these client ids as stored; @returns how many ledger events were new */
export async function appendOwedFills(
  store: Stage7Store,
  ledger: LedgerStore,
  account: string,
  clientOrderIds: readonly string[],
  feesBps: Dec,
): Promise<number> {
  if (clientOrderIds.length === 0) return 0;
  const stored = await store.loadOrders(account, clientOrderIds);
  const batch = stage7Fills(
    { account: stage7LedgerAccount(account), orders: stored.orders.values(), events: stored.events },
    feesBps,
  );
  return batch.events.length === 0 ? 0 : ledger.append(batch.events);
}

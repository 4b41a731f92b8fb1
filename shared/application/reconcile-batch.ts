// The reconcile function's work for one queue message: settle the order, and when it is still pending
// (not yet provably absent, or a cancel still settling) look again later with a delayed message.
// An unreachable exchange throws: the queue redelivers, and after maxReceiveCount the DLQ alarms.
import type { Logger } from '../ports/logger';
import type { ReconcileMessage, ReconcileQueue } from '../ports/reconcile-queue';
import { type ReconcileDeps, type ReconcileOutcome, type ReconcilePolicy, reconcileOrder } from './reconcile-order';

export interface ReconcileMessageDeps extends ReconcileDeps {
  readonly queue: ReconcileQueue;
  readonly log: Logger;
  readonly policy: ReconcilePolicy;
  readonly retryDelaySeconds: number;
}

export async function handleReconcileMessage(
  deps: ReconcileMessageDeps,
  message: ReconcileMessage,
): Promise<ReconcileOutcome> {
  const outcome = await reconcileOrder(deps, message.account, message.clientOrderId, deps.policy);
  const fields = {
    client_order_id: message.clientOrderId,
    account: message.account,
    reason: message.reason,
    outcome: outcome.kind,
  };
  if (outcome.kind === 'pending') {
    await deps.queue.enqueue({ ...message, enqueuedAtMs: deps.clock.nowMs() }, deps.retryDelaySeconds);
    deps.log.info('Reconcile pending; looking again later', { ...fields, pending_reason: outcome.reason });
  } else if (outcome.kind === 'missing') {
    deps.log.warn('Reconcile message for an order the journal does not have', fields);
  } else {
    deps.log.info('Reconciled', { ...fields, status: outcome.order.status });
  }
  return outcome;
}

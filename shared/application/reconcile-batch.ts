// The reconcile function's work for one queue message: settle the order. When it does not settle (still
// pending, or the exchange unreachable) the SAME message stays in flight: its visibility timeout becomes a
// back-off delay and the record is reported failed, so the queue's maxReceiveCount bounds it. Nothing here
// ever sends a message, so a duplicate delivery is just one more bounded delivery, never a new chain.
// On the last allowed delivery the order is escalated (spec 9.1.5: symbol observe-only, stored kill
// switch on) and the record fails once more so the queue dead-letters it (the DLQ alarm fires).

import { ExchangeUnavailableError } from '../domain/errors';
import { type EscalationThresholds, observeOnlySymbols } from '../domain/escalation';
import type { LogFields, Logger } from '../ports/logger';
import type { ReconcileMessage, ReconcileRetryQueue } from '../ports/reconcile-queue';
import type { DocumentStore } from '../ports/state-store';
import { escalateExhausted, type OpStateChange, recordReconcileOutcome } from './op-state';
import {
  escalationVerdict,
  type ReconcileDeps,
  type ReconcileOutcome,
  type ReconcilePolicy,
  reconcileOrder,
} from './reconcile-order';

/** SQS's longest message delay, and the cap of the back-off */
export const MAX_RETRY_DELAY_SECONDS = 900;

export interface ReconcileMessageDeps extends ReconcileDeps {
  /** Only the retry side of the queue: the reconcile path cannot send a message */
  readonly queue: ReconcileRetryQueue;
  /** Where the op-state document (escalation, stored kill switch) lives */
  readonly documents: DocumentStore;
  readonly log: Logger;
  readonly policy: ReconcilePolicy;
  /** RECONCILE_RETRY_DELAY_SECONDS: the delay after the first delivery, doubled per delivery */
  readonly retryDelaySeconds: number;
  /** RECONCILE_MAX_RECEIVES: the queue's maxReceiveCount; the delivery with this count is the last */
  readonly maxReceives: number;
  readonly escalation: EscalationThresholds;
}

/** How the record arrived: its receipt handle and ApproximateReceiveCount (1 on the first delivery) */
export interface ReconcileDelivery {
  readonly receiptHandle: string | undefined;
  readonly receiveCount: number;
}

export type ReconcileResult =
  /** Delete the message: settled, nothing to do, or an order the journal does not have */
  | { readonly kind: 'done'; readonly outcome: ReconcileOutcome }
  /** Report it failed: it is visible again after `delaySeconds` */
  | { readonly kind: 'retry'; readonly delaySeconds: number; readonly reason: string }
  /** Report it failed on its last delivery: the queue dead-letters it; escalated */
  | { readonly kind: 'exhausted'; readonly reason: string };

/** RECONCILE_RETRY_DELAY_SECONDS x 2^(receiveCount-1), at most 900 s */
export const retryDelaySeconds = (baseSeconds: number, receiveCount: number): number =>
  Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 2 ** Math.max(0, Math.min(receiveCount, 32) - 1));

export async function handleReconcileMessage(
  deps: ReconcileMessageDeps,
  message: ReconcileMessage,
  delivery: ReconcileDelivery,
): Promise<ReconcileResult> {
  const fields = {
    client_order_id: message.clientOrderId,
    account: message.account,
    reason: message.reason,
    receive_count: delivery.receiveCount,
  };
  let outcome: ReconcileOutcome;
  try {
    outcome = await reconcileOrder(deps, message.account, message.clientOrderId, deps.policy);
  } catch (e) {
    const error = e as Error;
    const retryAfterSeconds = e instanceof ExchangeUnavailableError ? (e.retryAfterMs ?? 0) / 1000 : 0;
    deps.log.warn('Reconcile attempt failed', { ...fields, error_name: error.name, error_message: error.message });
    const symbol = await symbolOf(deps, message);
    const reason = `${error.name}: ${error.message}`;
    return notSettled(deps, message, delivery, { symbol, reason, failed: true, retryAfterSeconds }, fields);
  }
  if (outcome.kind === 'pending') {
    // a counted not-found check or a cancel still settling is progress: retried, but not a failed reconcile
    const failed = escalationVerdict(outcome) === 'failed';
    const look = { symbol: outcome.order.symbol, reason: outcome.reason, failed, retryAfterSeconds: 0 };
    return notSettled(deps, message, delivery, look, { ...fields, outcome: outcome.kind });
  }
  if (outcome.kind === 'missing') {
    deps.log.warn('Reconcile message for an order the journal does not have', { ...fields, outcome: outcome.kind });
  } else {
    deps.log.info('Reconciled', { ...fields, outcome: outcome.kind, status: outcome.order.status });
    await recordOutcome(deps, message, outcome.order.symbol, true, fields);
  }
  return { kind: 'done', outcome };
}

/** A look that did not settle the order */
interface UnsettledLook {
  /** The order's symbol; undefined when the journal could not say */
  readonly symbol: string | undefined;
  readonly reason: string;
  /** A failed reconcile for escalation (spec 9.1.5); false for progress towards a proof */
  readonly failed: boolean;
  /** The venue's Retry-After, when it gave one */
  readonly retryAfterSeconds: number;
}

async function notSettled(
  deps: ReconcileMessageDeps,
  message: ReconcileMessage,
  delivery: ReconcileDelivery,
  { symbol, reason, failed, retryAfterSeconds }: UnsettledLook,
  fields: LogFields,
): Promise<ReconcileResult> {
  if (symbol !== undefined && failed) await recordOutcome(deps, message, symbol, false, fields);
  if (delivery.receiveCount >= deps.maxReceives) {
    await escalate(deps, message, symbol, fields);
    deps.log.error('Reconcile exhausted its deliveries: dead-lettering it, stored kill switch on', {
      ...fields,
      symbol,
      max_receives: deps.maxReceives,
      pending_reason: reason,
    });
    // visible at once: the queue moves it to the DLQ on its next receive instead of after a long timeout
    await retryLater(deps, delivery, 0, fields);
    return { kind: 'exhausted', reason };
  }
  const delaySeconds = Math.min(
    MAX_RETRY_DELAY_SECONDS,
    Math.max(retryDelaySeconds(deps.retryDelaySeconds, delivery.receiveCount), Math.ceil(retryAfterSeconds)),
  );
  await retryLater(deps, delivery, delaySeconds, fields);
  deps.log.info('Reconcile pending; looking again later', {
    ...fields,
    symbol,
    pending_reason: reason,
    delay_seconds: delaySeconds,
  });
  return { kind: 'retry', delaySeconds, reason };
}

/** Without a valid receipt handle the record still fails: it returns after the queue's visibility timeout */
async function retryLater(
  deps: ReconcileMessageDeps,
  delivery: ReconcileDelivery,
  delaySeconds: number,
  fields: LogFields,
): Promise<void> {
  if (!delivery.receiptHandle) return;
  try {
    await deps.queue.retryLater(delivery.receiptHandle, delaySeconds);
  } catch (e) {
    deps.log.warn('Could not change the visibility of a reconcile message', {
      ...fields,
      delay_seconds: delaySeconds,
      error_name: (e as Error).name,
      error_message: (e as Error).message,
    });
  }
}

/** The order's symbol for an attempt that threw; undefined when the journal cannot say */
async function symbolOf(deps: ReconcileMessageDeps, message: ReconcileMessage): Promise<string | undefined> {
  try {
    return (await deps.journal.get(message.account, message.clientOrderId))?.symbol;
  } catch {
    return undefined;
  }
}

// Op-state bookkeeping never blocks settling the journal: a failed write is logged, and a reader of an
// unreadable document fails closed (stored kill switch on)
async function recordOutcome(
  deps: ReconcileMessageDeps,
  message: ReconcileMessage,
  symbol: string,
  settled: boolean,
  fields: LogFields,
): Promise<void> {
  try {
    const change = await recordReconcileOutcome(
      deps.documents,
      message.account,
      symbol,
      settled,
      deps.clock.nowMs(),
      deps.escalation,
      message.clientOrderId,
    );
    logChange(deps.log, change, { ...fields, symbol });
  } catch (e) {
    deps.log.error('Op-state not updated after a reconcile', {
      ...fields,
      symbol,
      settled,
      error_name: (e as Error).name,
      error_message: (e as Error).message,
    });
  }
}

async function escalate(
  deps: ReconcileMessageDeps,
  message: ReconcileMessage,
  symbol: string | undefined,
  fields: LogFields,
): Promise<void> {
  try {
    const change = await escalateExhausted(
      deps.documents,
      message.account,
      symbol,
      message.clientOrderId,
      deps.clock.nowMs(),
    );
    logChange(deps.log, change, { ...fields, symbol });
  } catch (e) {
    deps.log.error('Stored kill switch NOT set for an exhausted reconcile (the DLQ alarm still fires)', {
      ...fields,
      symbol,
      error_name: (e as Error).name,
      error_message: (e as Error).message,
    });
  }
}

function logChange(log: Logger, { before, after }: OpStateChange, fields: LogFields): void {
  const was = new Set(observeOnlySymbols(before));
  const now = new Set(observeOnlySymbols(after));
  for (const s of [...now].filter((x) => !was.has(x))) {
    log.warn('Symbol is observe-only after failed reconciles', { ...fields, observe_only_symbol: s });
  }
  for (const s of [...was].filter((x) => !now.has(x))) {
    log.info('Symbol observe-only lifted by a settled reconcile', { ...fields, observe_only_symbol: s });
  }
  if (after.killSwitch && !before.killSwitch) {
    log.error('Stored kill switch set', { ...fields, kill_switch_reason: after.killSwitch.reason });
  }
}

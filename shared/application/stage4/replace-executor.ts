// Stage 4 replace transactions executed (spec 3.18): one group's cancels, then its replacement, as the
// persisted state machine of replace-transaction.ts, advanced as far as it safely goes in one call and
// resumed by later cycles. The replacement is placed only from SUBMIT_SENT, which is entered only from
// CANCEL_CONFIRMED, which needs a fresh venue listing without any old order AND every old order closed in
// the journal: never two resting orders of one group. BTCTurk settles cancels asynchronously, so a group
// typically blocks (BLOCKED_RECONCILE) in the cycle that cancels and submits in a later one.
//
// The replacement's journal entry is keyed by the transaction's new client order id (its intent key), so
// SUBMIT_SENT is settled from the journal alone: no entry means nothing was sent (journal before send) and
// it is placed now; PENDING_SUBMIT waits for recovery; an UNKNOWN submit counts as sent (SUBMIT_CONFIRMED:
// the journal holds it, reconcile settles it, and the transaction never submits again); REJECTED and FAILED
// (never placed) fail the transaction.
import { ExchangeRejectedError, ExchangeUnavailableError } from '../../domain/errors';
import { type ReplaceGroup, replaceRequestOf } from '../../domain/oms/replace-groups';
import {
  nextReplaceStep,
  type ReplaceGates,
  type ReplaceTransaction,
  type ReplaceTxEvent,
  replaceTxId,
  replaceTxMetadataMismatch,
} from '../../domain/oms/replace-transaction';
import { confirmReplaceCancels } from '../../domain/oms/replace-transaction-confirmation';
import type { JournalStatus } from '../../domain/order-state';
import { cancelOrder } from '../cancel-order';
import {
  type ExecutionContext,
  executionContext,
  placeSubmission,
  type Stage4ExecutionDeps,
  type Stage4ExecutionPlan,
} from './execute-actions-context';
import {
  countCancel,
  decide,
  newExecutionResult,
  reject,
  type Stage4ExecutionResult,
  type Subject,
} from './execute-actions-result';

const gatesOf = (plan: Stage4ExecutionPlan): ReplaceGates => ({
  freezeActive: plan.freezeActive,
  killSwitchActive: plan.killSwitchActive,
  freezeAll: plan.freezeAll,
});

const subjectOf = (tx: ReplaceTransaction): Subject => ({
  symbol: tx.symbol,
  side: tx.side,
  clientOrderId: tx.newClientOrderId,
});

/**
 * One replace group of this cycle. In dry-run it is counted as simulated and nothing is written. A group
 * whose (symbol, side) already has an open transaction under another id waits for that one to finish
 * (`replace_tx_open_for_group`): two open transactions of one group could each place a replacement.
 * @param open the account's open transactions, read before this cycle's groups
 */
export async function executeReplace(
  ctx: ExecutionContext,
  group: ReplaceGroup,
  open: readonly ReplaceTransaction[],
): Promise<void> {
  const { deps, plan, result } = ctx;
  const request = replaceRequestOf(group, plan.account, plan.cycleId);
  const subject = group.submit;
  if (!plan.live) {
    result.counters.simulated += group.cancels.length + 1;
    decide(result, subject, 'ACCEPT', 'replace_simulated');
    return;
  }
  const id = replaceTxId(request.symbol, request.side, request.newClientOrderId, request.oldClientOrderIds);
  if (open.some((tx) => tx.symbol === group.symbol && tx.side === group.side && tx.id !== id)) {
    decide(result, subject, 'DEFER', 'replace_tx_open_for_group');
    return;
  }
  const { created, tx } = await deps.replaceTransactions.create(request, plan.fence, deps.clock.nowMs());
  if (!created && replaceTxMetadataMismatch(tx, request)) {
    decide(result, subject, 'BLOCK', 'replace_tx_metadata_mismatch');
    return;
  }
  await advanceReplace(ctx, tx);
}

/**
 * Advances every open transaction of the account (BLOCKED_RECONCILE retried, CANCEL_SENT confirmed,
 * SUBMIT_SENT settled...), oldest first. Dry-run resumes nothing: nothing may be sent.
 */
export async function resumeOpenReplaces(
  deps: Stage4ExecutionDeps,
  plan: Stage4ExecutionPlan,
): Promise<Stage4ExecutionResult> {
  const result = newExecutionResult();
  if (!plan.live) return result;
  const ctx = executionContext(deps, plan, result);
  for (const tx of await deps.replaceTransactions.listOpen(plan.account)) await advanceReplace(ctx, tx);
  return result;
}

/** Takes `tx` through as many steps as this cycle allows; stops where the next step needs a later cycle */
async function advanceReplace(ctx: ExecutionContext, start: ReplaceTransaction): Promise<void> {
  const { plan, result } = ctx;
  const subject = subjectOf(start);
  let tx = start;
  for (;;) {
    const step = nextReplaceStep(tx.state, gatesOf(plan));
    switch (step) {
      case 'none':
        return;
      case 'hold':
        decide(result, subject, 'DEFER', `replace_hold:${holdReason(plan)}`);
        return;
      case 'block_unknown':
        tx = await record(ctx, tx, 'FROZEN', ['unknown_order_freeze']);
        result.counters.replaceBlocked += 1;
        decide(result, subject, 'BLOCK', 'replace_blocked_unknown');
        // spec 3.17: under the freeze the group's cancels still go out, as plain cancels
        await cancelOldOrders(ctx, tx);
        return;
      case 'cancel': {
        tx = await record(ctx, tx, 'CANCELS_SENT', []);
        await cancelOldOrders(ctx, tx);
        const confirmation = await confirmCancels(ctx, tx);
        if (!confirmation.confirmed) {
          tx = await record(ctx, tx, 'CANCELS_UNCONFIRMED', confirmation.reasons);
          result.counters.replaceBlocked += 1;
          decide(result, subject, 'BLOCK', 'replace_blocked_reconcile');
          return;
        }
        tx = await record(ctx, tx, 'CANCELS_CONFIRMED', []);
        break;
      }
      case 'submit': {
        const verdict = await ctx.cooldown.check(tx.symbol);
        if (verdict !== 'ok') {
          tx = await record(ctx, tx, 'ABANDONED', [verdict]);
          result.counters.replaceFailed += 1;
          reject(result, subject, verdict);
          return;
        }
        tx = await record(ctx, tx, 'SUBMIT_SENT', []);
        break;
      }
      case 'await_submit':
        await settleSubmit(ctx, tx);
        return;
    }
  }
}

const holdReason = (plan: Stage4ExecutionPlan): string =>
  plan.freezeActive ? 'unknown_order_freeze' : plan.freezeAll ? 'kill_switch_freeze_all' : 'kill_switch';

function record(
  ctx: ExecutionContext,
  tx: ReplaceTransaction,
  event: ReplaceTxEvent,
  reasons: readonly string[],
): Promise<ReplaceTransaction> {
  return ctx.deps.replaceTransactions.transition(tx, event, reasons, ctx.deps.clock.nowMs(), ctx.plan.fence);
}

/** Cancels the old orders still resting uncanceled; those closed or with a cancel already requested are left */
async function cancelOldOrders(ctx: ExecutionContext, tx: ReplaceTransaction): Promise<void> {
  const { deps, plan, result } = ctx;
  for (const id of tx.oldClientOrderIds) {
    const order = await deps.journal.get(plan.account, id);
    if (order === undefined || (order.status !== 'OPEN' && order.status !== 'PARTIAL')) continue;
    if (!order.exchangeOrderId) {
      decide(result, order, 'REJECT', 'cancel_missing_exchange_order_id');
      continue;
    }
    countCancel(result, order, await cancelOrder({ ...deps, gate: deps.gates.cancel }, order));
  }
}

/** The confirmation rule against a venue listing read now and the journal read now */
async function confirmCancels(ctx: ExecutionContext, tx: ReplaceTransaction) {
  const { deps, plan } = ctx;
  let exchangeOpen = new Set<string>();
  let reconcileFailure: string | undefined;
  try {
    exchangeOpen = new Set((await deps.exchange.openOrders(tx.symbol)).map((o) => o.clientOrderId));
  } catch (e) {
    if (!(e instanceof ExchangeUnavailableError || e instanceof ExchangeRejectedError)) throw e;
    reconcileFailure = 'open_orders_unavailable';
  }
  const localStatus = new Map<string, JournalStatus>();
  for (const id of tx.oldClientOrderIds) {
    const order = await deps.journal.get(plan.account, id);
    if (order !== undefined) localStatus.set(id, order.status);
  }
  return confirmReplaceCancels({
    oldClientOrderIds: tx.oldClientOrderIds,
    exchangeOpenClientOrderIds: exchangeOpen,
    localStatus,
    ...(reconcileFailure === undefined ? {} : { reconcileFailure }),
  });
}

/** SUBMIT_SENT: places the replacement unless the journal shows it was, then ends the transaction by its status */
async function settleSubmit(ctx: ExecutionContext, tx: ReplaceTransaction): Promise<void> {
  const { deps, plan, result } = ctx;
  const subject = subjectOf(tx);
  let status = (await deps.journal.latestForIntent(plan.account, tx.newClientOrderId))?.status;
  if (status === undefined) {
    if (plan.freezeActive || plan.killSwitchActive) {
      decide(result, subject, 'DEFER', `replace_hold:${holdReason(plan)}`);
      return;
    }
    const outcome = await placeSubmission(ctx, subject, {
      symbol: tx.symbol,
      side: tx.side,
      price: tx.price,
      qty: tx.qty,
      intentKey: tx.newClientOrderId,
      cycleId: tx.cycleId,
    });
    status = outcome.order.status;
  }
  if (status === 'PENDING_SUBMIT') {
    decide(result, subject, 'DEFER', 'replace_submit_pending');
    return;
  }
  if (status === 'REJECTED' || status === 'FAILED') {
    await record(ctx, tx, 'SUBMIT_FAILED', [status === 'REJECTED' ? 'submit_rejected' : 'submit_not_placed']);
    result.counters.replaceFailed += 1;
    decide(result, subject, 'REJECT', 'replace_failed');
    return;
  }
  await record(ctx, tx, 'SUBMIT_CONFIRMED', []);
  result.counters.replaceCommitted += 1;
  decide(result, subject, 'ACCEPT', 'replace_committed');
}

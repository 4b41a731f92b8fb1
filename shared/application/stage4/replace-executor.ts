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
import type { Side } from '../../domain/exchange-rules';
import { type ReplaceGroup, replaceRequestOf } from '../../domain/oms/replace-groups';
import {
  nextReplaceStep,
  type ReplaceGates,
  type ReplaceTransaction,
  type ReplaceTxEvent,
  replaceTxId,
  replaceTxMachine,
  replaceTxMetadataMismatch,
} from '../../domain/oms/replace-transaction';
import { confirmReplaceCancels } from '../../domain/oms/replace-transaction-confirmation';
import type { JournalStatus } from '../../domain/order-state';
import { cancelOrder } from '../cancel-order';
import { type ExecutionContext, placeSubmission, type Stage4ExecutionPlan } from './execute-actions-context';
import { countCancel, decide, reject, type Subject } from './execute-actions-result';

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
 * The account's open transactions during one execution: listed once before the resume, then kept current
 * with every transaction this execution creates or moves (the listing reads an index that may lag).
 */
export class OpenReplaces {
  readonly #byId = new Map<string, ReplaceTransaction>();
  /** Resumed by this execution: a group planned again under the same id (a retried cycle) is not advanced twice */
  readonly #resumed = new Set<string>();

  constructor(listed: readonly ReplaceTransaction[]) {
    for (const tx of listed) this.#byId.set(tx.id, tx);
  }

  get size(): number {
    return this.#byId.size;
  }

  list(): ReplaceTransaction[] {
    return [...this.#byId.values()].sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1));
  }

  hasGroup(symbol: string, side: Side, exceptId?: string): boolean {
    return [...this.#byId.values()].some((tx) => tx.symbol === symbol && tx.side === side && tx.id !== exceptId);
  }

  wasResumed(id: string): boolean {
    return this.#resumed.has(id);
  }

  record(tx: ReplaceTransaction, resumed = false): void {
    if (resumed) this.#resumed.add(tx.id);
    if (replaceTxMachine.isTerminal(tx.state)) this.#byId.delete(tx.id);
    else this.#byId.set(tx.id, tx);
  }
}

/**
 * Advances every open transaction of the account (BLOCKED_RECONCILE retried, CANCEL_SENT confirmed,
 * SUBMIT_SENT settled...), oldest first, and returns those still open.
 */
export async function resumeOpenReplaces(ctx: ExecutionContext): Promise<OpenReplaces> {
  const { deps, plan } = ctx;
  const open = new OpenReplaces(await deps.replaceTransactions.listOpen(plan.account));
  for (const tx of open.list()) open.record(await advanceReplace(ctx, tx), true);
  return open;
}

/**
 * One replace group of this cycle. A group
 * whose (symbol, side) already has an open transaction under another id waits for that one to finish
 * (`replace_tx_open_for_group`): two open transactions of one group could each place a replacement.
 */
export async function executeReplace(ctx: ExecutionContext, group: ReplaceGroup, open: OpenReplaces): Promise<void> {
  const { deps, plan, result } = ctx;
  const request = replaceRequestOf(group, plan.account, plan.cycleId);
  const subject = group.submit;
  const id = replaceTxId(request.symbol, request.side, request.newClientOrderId, request.oldClientOrderIds);
  if (open.hasGroup(group.symbol, group.side, id)) {
    decide(result, subject, 'DEFER', 'replace_tx_open_for_group');
    return;
  }
  if (open.wasResumed(id)) return;
  const { created, tx } = await deps.replaceTransactions.create(request, plan.fence, deps.clock.nowMs());
  if (!created && replaceTxMetadataMismatch(tx, request)) {
    decide(result, subject, 'BLOCK', 'replace_tx_metadata_mismatch');
    return;
  }
  open.record(await advanceReplace(ctx, tx));
}

/**
 * Takes `tx` through as many steps as this cycle allows; stops where the next step needs a later cycle.
 * @returns the transaction as last recorded
 */
async function advanceReplace(ctx: ExecutionContext, start: ReplaceTransaction): Promise<ReplaceTransaction> {
  const { plan, result } = ctx;
  const subject = subjectOf(start);
  let tx = start;
  for (;;) {
    const step = nextReplaceStep(tx.state, gatesOf(plan));
    switch (step) {
      case 'none':
        return tx;
      case 'hold':
        decide(result, subject, 'DEFER', `replace_hold:${holdReason(plan)}`);
        return tx;
      case 'block_unknown':
        tx = await record(ctx, tx, 'FROZEN', ['unknown_order_freeze']);
        result.counters.replaceBlocked += 1;
        decide(result, subject, 'BLOCK', 'replace_blocked_unknown');
        // spec 3.17: under the freeze the group's cancels still go out, as plain cancels
        await cancelOldOrders(ctx, tx);
        return tx;
      case 'cancel': {
        tx = await record(ctx, tx, 'CANCELS_SENT', []);
        await cancelOldOrders(ctx, tx);
        const confirmation = await confirmCancels(ctx, tx);
        if (!confirmation.confirmed) {
          tx = await record(ctx, tx, 'CANCELS_UNCONFIRMED', confirmation.reasons);
          result.counters.replaceBlocked += 1;
          decide(result, subject, 'BLOCK', 'replace_blocked_reconcile');
          return tx;
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
          return tx;
        }
        tx = await record(ctx, tx, 'SUBMIT_SENT', []);
        break;
      }
      case 'await_submit':
        return settleSubmit(ctx, tx);
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
    const outcome = await cancelOrder({ ...deps, gate: deps.gates.cancel }, order);
    countCancel(result, order, outcome);
    ctx.live.seen(outcome.order);
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

/**
 * SUBMIT_SENT: places the replacement unless the journal shows it was, then ends the transaction by its status
 * @returns the transaction as last recorded
 */
async function settleSubmit(ctx: ExecutionContext, tx: ReplaceTransaction): Promise<ReplaceTransaction> {
  const { deps, plan, result } = ctx;
  const subject = subjectOf(tx);
  let status = (await deps.journal.latestForIntent(plan.account, tx.newClientOrderId))?.status;
  if (status === undefined) {
    if (plan.freezeActive || plan.killSwitchActive) {
      decide(result, subject, 'DEFER', `replace_hold:${holdReason(plan)}`);
      return tx;
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
    return tx;
  }
  if (status === 'REJECTED' || status === 'FAILED') {
    const failed = await record(ctx, tx, 'SUBMIT_FAILED', [
      status === 'REJECTED' ? 'submit_rejected' : 'submit_not_placed',
    ]);
    result.counters.replaceFailed += 1;
    decide(result, subject, 'REJECT', 'replace_failed');
    return failed;
  }
  const confirmed = await record(ctx, tx, 'SUBMIT_CONFIRMED', []);
  result.counters.replaceCommitted += 1;
  decide(result, subject, 'ACCEPT', 'replace_committed');
  return confirmed;
}

// Stage 4 execution (spec 3.18) of the actions that passed the mode gate, by the order safety protocol of
// stage 3 (ARCHITECTURE 5): journal before send, the write gate re-checked right before every write, an
// uncertain outcome to the reconcile queue, every journal write fenced by the cycle's lease. One execution
// per cycle, in three parts sharing one context: the open replace transactions of earlier cycles resumed
// first, then the regular actions in the order given, then this cycle's replace groups as replace
// transactions (replace-executor.ts).
//
// Live only: a dry run executes on its simulated order rows (dry-run/execute-simulated.ts), never here.

import { groupReplaces } from '../../domain/oms/replace-groups';
import type { CancelAction, Stage4Action, SubmitAction } from '../../domain/oms/stage4-action';
import { IN_FLIGHT, RESTING } from '../../domain/order-state';
import type { JournalOrder } from '../../ports/state-store';
import { cancelOrder } from '../cancel-order';
import {
  type ExecutionContext,
  executionContext,
  placeSubmission,
  type Stage4ExecutionDeps,
  type Stage4ExecutionPlan,
} from './execute-actions-context';
import { countCancel, decide, newExecutionResult, reject, type Stage4ExecutionResult } from './execute-actions-result';
import { executeReplace, type OpenReplaces, resumeOpenReplaces } from './replace-executor';

export type { Stage4ExecutionDeps, Stage4ExecutionPlan, Stage4ExecutionSettings } from './execute-actions-context';
export type { Stage4ExecutionCounters, Stage4ExecutionResult } from './execute-actions-result';

export async function executeStage4Actions(
  deps: Stage4ExecutionDeps,
  actions: readonly Stage4Action[],
  plan: Stage4ExecutionPlan,
): Promise<Stage4ExecutionResult> {
  const result = newExecutionResult();
  const ctx = executionContext(deps, plan, result);
  const open = await resumeOpenReplaces(ctx);
  const { groups, regular, decisions } = groupReplaces(actions);
  result.decisions.push(...decisions);
  for (const action of regular) {
    if (action.kind === 'SUBMIT') await submit(ctx, open, action);
    else await cancel(ctx, action);
  }
  for (const group of groups) await executeReplace(ctx, group, open);
  result.counters.replaceOpen = open.size;
  return result;
}

/**
 * Why `action` duplicates an order of ours, if it does: one for the same client id (its intent or its
 * journal key) or, since our client ids are derived per cycle, resting or in flight on the same symbol
 * and side. Unknown orders dedupe until reconciled (spec 9.1.4); an order in flight on the symbol blocks
 * either side (ARCHITECTURE 5.4).
 */
async function duplicateOf(ctx: ExecutionContext, action: SubmitAction): Promise<string | undefined> {
  const { deps, plan } = ctx;
  const byId = [
    await deps.journal.latestForIntent(plan.account, action.clientOrderId),
    await deps.journal.get(plan.account, action.clientOrderId),
  ];
  const same = [...(await ctx.live.all())].filter(
    (o) => o.symbol === action.symbol && (o.side === action.side || IN_FLIGHT.has(o.status)),
  );
  const candidates = [...byId.filter((o): o is JournalOrder => o !== undefined), ...same];
  if (candidates.some((o) => IN_FLIGHT.has(o.status) || o.status === 'CANCEL_REQUESTED')) return 'in_flight';
  if (candidates.some((o) => o.status === 'OPEN' || o.status === 'PARTIAL')) return 'open_order_exists';
  return undefined;
}

/**
 * A regular SUBMIT. It is deduped before any gate that could refuse it: an order already placed (a retried
 * cycle, a resumed replacement) is reported as the duplicate it is, never as a reject that would count
 * towards the reject spike. A group with an open replace transaction gets its order from that transaction
 * only: placed beside it, the pending replacement would make two resting orders of one group.
 */
async function submit(ctx: ExecutionContext, open: OpenReplaces, action: SubmitAction): Promise<void> {
  const { plan, result } = ctx;
  if (plan.freezeActive) {
    decide(result, action, 'BLOCK', 'unknown_order_freeze');
    return;
  }
  if (plan.killSwitchActive) {
    decide(result, action, 'SUPPRESS', 'kill_switch');
    return;
  }
  const duplicate = await duplicateOf(ctx, action);
  if (duplicate !== undefined) {
    decide(result, action, 'DROP', duplicate);
    return;
  }
  if (open.hasGroup(action.symbol, action.side)) {
    decide(result, action, 'DEFER', 'replace_tx_open_for_group');
    return;
  }
  const verdict = await ctx.cooldown.check(action.symbol);
  if (verdict !== 'ok') {
    reject(result, action, verdict);
    return;
  }
  await placeSubmission(ctx, action, {
    symbol: action.symbol,
    side: action.side,
    price: action.price,
    qty: action.qty,
    intentKey: action.clientOrderId,
    cycleId: plan.cycleId,
  });
}

async function cancel(ctx: ExecutionContext, action: CancelAction): Promise<void> {
  const { deps, plan, result } = ctx;
  if (plan.killSwitchActive && plan.freezeAll) {
    decide(result, action, 'SUPPRESS', 'kill_switch_freeze_all');
    return;
  }
  const order = await deps.journal.get(plan.account, action.clientOrderId);
  if (order === undefined || !RESTING.has(order.status) || order.status === 'CANCEL_REQUESTED') {
    decide(result, action, 'DROP', order === undefined ? 'cancel_order_not_found' : 'cancel_order_not_resting');
    return;
  }
  if (!order.exchangeOrderId) {
    decide(result, action, 'REJECT', 'cancel_missing_exchange_order_id');
    return;
  }
  const outcome = await cancelOrder({ ...deps, gate: deps.gates.cancel }, order);
  countCancel(result, action, outcome);
  ctx.live.seen(outcome.order);
}

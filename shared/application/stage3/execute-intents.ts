// Execution of one stage 3 cycle's approved intents (spec 2.8), in order. An observe-only cycle acts on none;
// dry-run counts them as simulated; live, an intent passes the write gate, its symbol's escalation and
// freeze, then the balance precheck (step 3: nothing journaled or sent when it fails), and is placed by the
// order safety protocol. Every intent that is not placed leaves its reason code in the cycle's decisions.
import { hashCanonical } from '../../domain/hashing';
import type { ApprovedIntent } from '../../domain/intents';
import type { Dec } from '../../domain/money';
import type { PrecheckVerdict } from '../../domain/stage3-risk';
import type { LeaseFence } from '../../ports/state-store';
import { type PlaceOrderDeps, type PlaceOutcome, placeOrder } from '../place-order';
import type { CycleCounters } from './cycle-counters';

export interface ExecutionPlan {
  readonly live: boolean;
  readonly account: string;
  readonly cycleId: string;
  readonly fence: LeaseFence;
  /** The cycle acts on nothing: every intent is suppressed, none simulated */
  readonly observeOnly: boolean;
  /** Escalated symbols (spec 9.1.5): no submit there */
  readonly observeOnlySymbols: ReadonlySet<string>;
  /** Symbols with an order in flight: nothing new there until it settles */
  readonly frozen: ReadonlySet<string>;
  /** The live balance precheck, asked once per intent in execution order */
  readonly precheck: (intent: ApprovedIntent) => PrecheckVerdict;
}

export async function executeIntents(
  deps: PlaceOrderDeps,
  approved: readonly ApprovedIntent[],
  plan: ExecutionPlan,
  counters: CycleCounters,
  decisions: string[],
): Promise<void> {
  const frozen = new Set(plan.frozen);
  let gateClosed = false;
  for (const intent of approved) {
    if (plan.observeOnly) {
      decisions.push('execution_suppress:observe_only');
      continue;
    }
    if (!plan.live) {
      counters.simulated += 1;
      continue;
    }
    if (gateClosed) {
      decisions.push('execution_block:gate_closed');
      continue;
    }
    if (plan.observeOnlySymbols.has(intent.symbol)) {
      decisions.push('execution_block:symbol_observe_only');
      continue;
    }
    if (frozen.has(intent.symbol)) {
      counters.frozenSkips += 1;
      decisions.push('execution_block:symbol_frozen');
      continue;
    }
    const verdict = plan.precheck(intent);
    if (verdict !== 'ok') {
      counters.rejectedPrecheck += 1;
      decisions.push(`execution_reject:${verdict}`);
      continue;
    }
    const outcome = await placeOrder(
      deps,
      {
        account: plan.account,
        stage: 'stage3',
        cycleId: plan.cycleId,
        intentKey: stage3IntentKey(plan.cycleId, intent.symbol, intent.side, intent.qty, intent.limitPrice),
        symbol: intent.symbol,
        side: intent.side,
        price: intent.limitPrice,
        qty: intent.qty,
      },
      plan.fence,
    );
    countPlacement(counters, decisions, outcome);
    if (outcome.kind === 'unknown') frozen.add(intent.symbol);
    if (outcome.kind === 'blocked') gateClosed = true;
  }
}

function countPlacement(counters: CycleCounters, decisions: string[], outcome: PlaceOutcome): void {
  switch (outcome.kind) {
    case 'accepted':
      counters.submitted += 1;
      return;
    case 'rejected':
      counters.rejected += 1;
      decisions.push(`execution_reject:${outcome.reason}`);
      return;
    case 'not_placed':
      counters.notPlaced += 1;
      decisions.push('execution_reject:exchange_unavailable');
      return;
    case 'unknown':
      counters.unknown += 1;
      decisions.push('submit_uncertain_outcome');
      return;
    case 'replayed':
      counters.replayed += 1;
      return;
    case 'blocked':
      counters.gateBlocked += 1;
      decisions.push('execution_block:gate_closed');
      return;
  }
}

/** The intent key of spec 2.6: stable for a cycle id, so a retried invocation finds its own journal entries */
export const stage3IntentKey = (cycleId: string, symbol: string, side: string, qty: Dec, price: Dec): string =>
  hashCanonical({ cycleId, symbol, side, qty, price });

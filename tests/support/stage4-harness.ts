// A stage 4 execution under test: the stage 3 harness's world (the BTCTurk simulator spoken to by the real
// gateway, memory stores, kill switch and reconcile queue, a ManualClock) plus a stage 4 lease, the stage 4
// write gates, and what a stage 4 cycle does around execution: the order refresh and in-flight recovery.
import { randomUUID } from 'node:crypto';
import { fencedJournal } from '../../shared/application/fenced-journal';
import { loadOpState } from '../../shared/application/op-state';
import { reconcileOrder } from '../../shared/application/reconcile-order';
import { reconcilePolicyOf } from '../../shared/application/reconcile-policy';
import { refreshOrders } from '../../shared/application/refresh-orders';
import type { Stage4ExecutionDeps, Stage4ExecutionPlan } from '../../shared/application/stage4/execute-actions';
import { stage4WriteGates } from '../../shared/application/stage4/execute-actions-gates';
import { runStage4Cycle, type Stage4CycleDeps } from '../../shared/application/stage4/run-stage4-cycle';
import { dec } from '../../shared/domain/money';
import type { CancelAction, SubmitAction } from '../../shared/domain/oms/stage4-action';
import { IN_FLIGHT } from '../../shared/domain/order-state';
import type { VenueOrder } from '../../shared/ports/exchange';
import type { JournalOrder, LeaseFence } from '../../shared/ports/state-store';
import { type Stage3Harness, stage3Harness } from './stage3-harness';

export const ACCOUNT = 'default';

export interface Stage4Harness extends Stage3Harness {
  /** The stage 4 lease this harness writes under */
  readonly fence: LeaseFence;
  /** Execution deps over the harness's world; `freezeAll` is KILL_SWITCH_FREEZE_ALL for the cancel gate */
  executionDeps(overrides?: Partial<Stage4ExecutionDeps>, freezeAll?: boolean): Stage4ExecutionDeps;
  /** A live plan for a new cycle, nothing frozen */
  plan(overrides?: Partial<Stage4ExecutionPlan>): Stage4ExecutionPlan;
  /** What a cycle does before executing: settles in-flight orders, then refreshes every configured symbol */
  settle(): Promise<void>;
  /** The venue's open orders for `symbol`, read through the gateway */
  venueOpen(symbol?: string): Promise<VenueOrder[]>;
  /** The simulator's market bid, as a decimal */
  bid(symbol?: string): ReturnType<typeof dec>;
}

export async function stage4Harness(options: Parameters<typeof stage3Harness>[0] = {}): Promise<Stage4Harness> {
  const h = await stage3Harness(options);
  const lease = await h.stores.leases.acquire('stage4-execution#default', 'stage4-test', 86_400_000, h.clock.nowMs());
  if (!lease) throw new Error('stage 4 lease not free');
  const fence = { name: lease.name, epoch: lease.epoch };
  const policy = reconcilePolicyOf(h.config);
  const journal = () => fencedJournal(h.stores.journal, fence);
  return {
    ...h,
    fence,
    executionDeps: (overrides = {}, freezeAll = false) => ({
      journal: h.stores.journal,
      exchange: h.exchange,
      queue: h.queue,
      clock: h.clock,
      gates: stage4WriteGates(
        {
          settings: h.config,
          killSwitch: h.killSwitch,
          storedKillSwitchOn: async () => (await loadOpState(h.stores.documents, ACCOUNT)).killSwitchOn,
          leases: h.stores.leases,
          fence,
          clock: h.clock,
        },
        freezeAll,
      ),
      replaceTransactions: h.stores.replaceTransactions,
      cooldowns: h.stores.cooldowns,
      settings: h.config,
      ...overrides,
    }),
    plan: (overrides = {}) => ({
      live: true,
      account: ACCOUNT,
      cycleId: randomUUID(),
      fence,
      freezeActive: false,
      killSwitchActive: false,
      freezeAll: false,
      ...overrides,
    }),
    async settle() {
      const deps = { journal: journal(), exchange: h.exchange, clock: h.clock };
      for (const order of await h.stores.journal.listByStatus(ACCOUNT, [...IN_FLIGHT])) {
        await reconcileOrder(deps, ACCOUNT, order.clientOrderId, policy);
      }
      await refreshOrders(deps, ACCOUNT, {
        symbols: h.config.SYMBOLS,
        cancelGraceMs: policy.cancelGraceMs,
        missingGraceMs: policy.notPlacedGraceMs,
        missingChecks: policy.notPlacedChecks,
        stage: 'stage4',
        cycleId: randomUUID(),
        fence,
      });
    },
    venueOpen: (symbol = 'BTCTRY') => h.exchange.openOrders(symbol),
    bid: (symbol = 'BTCTRY') => dec(h.sim.control.state().pairs.find((p) => p.symbol === symbol)?.bid ?? '0'),
  };
}

/** A SUBMIT as stage 4's planning makes it: `reason` new_intent unless told */
export function submitAction(
  h: Stage4Harness,
  fields: Partial<SubmitAction> & { readonly clientOrderId: string },
): SubmitAction {
  const price = fields.price ?? h.bid(fields.symbol).mul('0.7').toDecimalPlaces(0);
  return {
    kind: 'SUBMIT',
    symbol: 'BTCTRY',
    side: 'BUY',
    price,
    qty: dec('300').div(price).toDecimalPlaces(6, 1),
    reason: 'new_intent',
    ...fields,
  };
}

/** The CANCEL of one of our journal orders */
export const cancelAction = (order: JournalOrder, reason = 'stale'): CancelAction => ({
  kind: 'CANCEL',
  symbol: order.symbol,
  side: order.side,
  price: order.price,
  qty: order.qty,
  clientOrderId: order.clientOrderId,
  reason,
});

/** The stage 4 cycle's deps over a stage 3 harness's world (no lease held: the cycle takes its own) */
export function stage4CycleDeps(h: Stage3Harness): Stage4CycleDeps {
  return {
    ...h.deps,
    settings: h.config,
    replaceTransactions: h.stores.replaceTransactions,
    cooldowns: h.stores.cooldowns,
  };
}

/** One stage 4 cycle over `h`'s world */
export const stage4Cycle = (h: Stage3Harness, overrides: Partial<Stage4CycleDeps> = {}) =>
  runStage4Cycle(
    { ...stage4CycleDeps(h), ...overrides },
    { cycleId: randomUUID(), runId: 'test-run', invocationId: randomUUID() },
  );

// A stage 4 execution under test: the stage 3 harness's world (the BTCTurk simulator spoken to by the real
// gateway, memory stores, kill switch and reconcile queue, a ManualClock) plus a stage 4 lease, the stage 4
// write gates, and what a stage 4 cycle does around execution: the order refresh and in-flight recovery.
// And a stage 4 world for whole cycles: one symbol on a minute candle series the test writes, cycles run
// at chosen minutes, and the venue's books checked after each.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Candle } from '../../local/market/candle';
import { LIVE_SIM_ENV } from '../../local/runner/world';
import { fencedJournal } from '../../shared/application/fenced-journal';
import { loadOpState } from '../../shared/application/op-state';
import { reconcileOrder } from '../../shared/application/reconcile-order';
import { reconcilePolicyOf } from '../../shared/application/reconcile-policy';
import { refreshOrders } from '../../shared/application/refresh-orders';
import type { Stage4ExecutionDeps, Stage4ExecutionPlan } from '../../shared/application/stage4/execute-actions';
import { stage4WriteGates } from '../../shared/application/stage4/execute-actions-gates';
import {
  runStage4Cycle,
  type Stage4CycleDeps,
  type Stage4CycleResult,
} from '../../shared/application/stage4/run-stage4-cycle';
import { isBotClientOrderId } from '../../shared/domain/ids';
import { dec } from '../../shared/domain/money';
import type { CancelAction, SubmitAction } from '../../shared/domain/oms/stage4-action';
import { IN_FLIGHT } from '../../shared/domain/order-state';
import type { Exchange, VenueOrder } from '../../shared/ports/exchange';
import type { JournalOrder, LeaseFence, StateStores } from '../../shared/ports/state-store';
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

/** When the stage 3 harness's clock starts: the first candle of a world's series */
export const WORLD_START_MS = Date.UTC(2026, 10, 21, 12, 0, 0);
const MINUTE_MS = 60_000;

/**
 * One BTCTRY candle per minute from WORLD_START_MS, closing at each of `closes` in turn. A candle spans
 * the previous close and its own, so a market moving up never reaches down to an order resting below the
 * previous close, and a market coming back down fills one resting above the new close.
 */
export function minuteCandles(closes: readonly number[]): Candle[] {
  return closes.map((close, i) => {
    const open = closes[i - 1] ?? close;
    return {
      timeMs: WORLD_START_MS + i * MINUTE_MS,
      open: String(open),
      high: String(Math.max(open, close)),
      low: String(Math.min(open, close)),
      close: String(close),
      volume: '10',
    };
  });
}

export interface Stage4World extends Stage3Harness {
  /**
   * One stage 4 cycle `minute` minutes after the start (or now, when the clock is already past it), then
   * the venue's books checked: at most one resting order of ours per symbol and side
   */
  cycleAt(minute: number, overrides?: Partial<Stage4CycleDeps>): Promise<Stage4CycleResult>;
  /** Our resting orders on the venue (read through the gateway) */
  ourResting(symbol?: string): Promise<VenueOrder[]>;
  /** The exchange the cycles use: the harness's, checking the venue before every order it sends */
  readonly watched: Exchange;
}

export interface Stage4WorldOptions {
  /** BTCTRY closes, one per minute (see minuteCandles) */
  readonly closes: readonly number[];
  readonly stores?: StateStores;
  /** Over an armed live configuration trading BTCTRY only, with orders that never expire by age */
  readonly env?: Record<string, string>;
}

/**
 * A stage 4 world: armed live (LIVE_SIM_ENV) on BTCTRY alone, TTL_SECONDS so long that only a price drift
 * makes an order stale. Every order the cycles place is checked against the venue right before it is sent:
 * no resting order of ours may be on its symbol and side then.
 */
export async function stage4World(options: Stage4WorldOptions): Promise<Stage4World> {
  const h = await stage3Harness({
    env: { ...LIVE_SIM_ENV, SYMBOLS: 'BTCTRY', TTL_SECONDS: '86400', ...options.env },
    sim: { symbols: ['BTCTRY'], market: { BTCTRY: minuteCandles(options.closes) } },
    ...(options.stores ? { stores: options.stores } : {}),
  });
  expect(h.clock.nowMs(), 'the candle series starts with the harness clock').toBe(WORLD_START_MS);
  const ourResting = async (symbol = 'BTCTRY') =>
    (await h.exchange.openOrders(symbol)).filter((o) => isBotClientOrderId(o.clientOrderId));
  const watched: Exchange = {
    ...h.exchange,
    async placeLimitOrder(order) {
      const resting = (await ourResting(order.symbol)).filter((o) => o.side === order.side);
      expect(
        resting.map((o) => o.clientOrderId),
        `resting beside ${order.clientOrderId}`,
      ).toEqual([]);
      return h.exchange.placeLimitOrder(order);
    },
  };
  return {
    ...h,
    ourResting,
    watched,
    async cycleAt(minute, overrides = {}) {
      h.clock.set(Math.max(h.clock.nowMs(), WORLD_START_MS + minute * MINUTE_MS + 1_000));
      const result = await stage4Cycle(h, { exchange: watched, ...overrides });
      for (const side of ['BUY', 'SELL']) {
        const resting = (await ourResting()).filter((o) => o.side === side);
        expect(resting.length, `our resting ${side}s after the cycle at minute ${minute}`).toBeLessThanOrEqual(1);
      }
      return result;
    },
  };
}

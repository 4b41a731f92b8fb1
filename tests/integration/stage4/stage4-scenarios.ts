// The stage 4 cycle end to end, written once and run on every store set (memory; DynamoDB on moto_server):
// whole cycles against the BTCTurk simulator, each claim checked against the venue's own books as well as
// the journal and the replace transactions. After every cycle the venue holds at most one resting order of
// ours per symbol and side, and no order is sent while one of ours rests on its symbol and side
// (stage4World checks both).
import { describe, expect, it } from 'vitest';
import { saveDegradeOverride } from '../../../shared/application/stage4/state/degrade-override';
import { loadFreezeState, saveFreezeState } from '../../../shared/application/stage4/state/freeze-state';
import { ExchangeUnavailableError } from '../../../shared/domain/errors';
import type { ReplaceTransaction } from '../../../shared/domain/oms/replace-transaction';
import { clearFreeze } from '../../../shared/domain/oms/unknown-order-freeze';
import type { StateStores } from '../../../shared/ports/state-store';
import { ACCOUNT, type Stage4World, stage4World } from '../../support/stage4-harness';
import { CrashPoints, ReplaceCrash } from './replace-crash-points';

export interface ScenarioOptions {
  /**
   * Crash after every step of a replace transaction (default), or after its writes only: a crash right
   * after a read leaves what the write before it left, so `writes` reaches every state a crash can leave
   */
  readonly crashAfter?: 'every_step' | 'writes';
}

const WRITES =
  /^(replace\.(create|transition)|journal\.(create|transition|update)|exchange\.(cancelOrder|placeLimitOrder))/;

const P0 = 3_000_000;
/** A market 0.1 % up a minute for four minutes (a resting BUY never fills), then flat, then back down */
const DRIFT_THEN_DIP = [P0, 3_003_000, 3_006_000, 3_009_000, 3_012_000, 3_012_000, 3_012_000, 3_012_000, 2_990_000];
const DIP_MINUTE = DRIFT_THEN_DIP.length - 1;
/** One step up of 0.5 %, far past the 25 bps lifecycle drift, then flat: the order of minute 0 goes stale */
const JUMP = [P0, 3_015_000];

const DRY_ENV = { DRY_RUN: 'true', LIVE_TRADING: 'false' };

/** The newest stage 4 audit's summary JSON */
const summaryOf = async (w: Stage4World) =>
  JSON.parse((await w.stores.audits.latest('stage4', ACCOUNT, 1))[0]?.summary ?? '{}');

/** The replace transactions written by `points`' cycles, as last stored */
const storedTxs = async (w: Stage4World, points: CrashPoints): Promise<(ReplaceTransaction | undefined)[]> =>
  Promise.all(points.transactions.map((tx) => w.stores.replaceTransactions.get(ACCOUNT, tx.id)));

/** The order of minute 0, replaced once the market jumps: the clean run records every step of the transaction */
async function replaceRun(stores: StateStores, crashAt?: number) {
  const w = await stage4World({ closes: JUMP, stores });
  const points = new CrashPoints(crashAt);
  const deps = () => ({
    exchange: points.exchange(w.watched),
    journal: points.journal(w.stores.journal),
    replaceTransactions: points.replaceTransactions(w.stores.replaceTransactions),
  });
  await w.cycleAt(0, deps());
  const original = (await w.ourResting())[0];
  let crash: string | undefined;
  for (let minute = 1; minute <= 7; minute++) {
    points.newCycle();
    try {
      await w.cycleAt(minute, deps());
    } catch (e) {
      if (!(e instanceof ReplaceCrash)) throw e;
      crash = e.message;
    }
    const open = await w.stores.replaceTransactions.listOpen(ACCOUNT);
    if (minute >= 2 && open.length === 0 && points.transactions.length > 0) break;
  }
  return { w, points, original, crash };
}

export function stage4CycleScenarios(
  kind: string,
  makeStores: () => Promise<StateStores>,
  options: ScenarioOptions = {},
) {
  describe(`stage 4 cycles on ${kind} stores and the simulator`, () => {
    it('dry-run writes no exchange order: the venue holds none, the journal none', async () => {
      const w = await stage4World({ closes: DRIFT_THEN_DIP, stores: await makeStores(), env: DRY_ENV });
      try {
        for (let minute = 0; minute <= 4; minute++) {
          const result = await w.cycleAt(minute);
          expect(result.mode).toBe('DRY_RUN');
        }
        expect(w.exchange.writes).toEqual({ submits: 0, cancels: 0 });
        expect(w.sim.control.state().orders.total).toBe(0);
        expect(await w.stores.journal.listByStatus(ACCOUNT, ['PENDING_SUBMIT', 'OPEN', 'UNKNOWN'])).toEqual([]);
        expect(await w.stores.replaceTransactions.listOpen(ACCOUNT)).toEqual([]);
      } finally {
        await w.close();
      }
    });

    it('armed live: places, replaces the order the market left (cancel confirmed, then submit), and the fill reaches the ledger', async () => {
      const w = await stage4World({ closes: DRIFT_THEN_DIP, stores: await makeStores() });
      try {
        const points = new CrashPoints();
        const deps = () => ({ replaceTransactions: points.replaceTransactions(w.stores.replaceTransactions) });
        const first = await w.cycleAt(0, deps());
        expect(first.execution?.submitted).toBe(1);
        const [original] = await w.ourResting();
        expect(original?.price.toFixed()).toBe(w.sim.control.state().pairs[0]?.bid);

        let replacing: string | undefined;
        for (let minute = 1; minute < DIP_MINUTE; minute++) {
          const result = await w.cycleAt(minute, deps());
          replacing ??= points.transactions.length > 0 ? result.decisions.join(' ') : undefined;
          // the market only rose: the order was never filled, only moved
          expect(w.sim.control.state().fills).toBe(0);
        }
        const [tx, ...others] = await storedTxs(w, points);
        expect(others).toEqual([]);
        expect(tx?.state).toBe('SUBMIT_CONFIRMED');
        expect(tx?.oldClientOrderIds).toEqual([original?.clientOrderId]);
        // BTCTurk settles a cancel after answering it: the cycle that cancels blocks, a later one submits
        expect(replacing).toContain('execution:replace_blocked_reconcile');
        const transitions = points.steps.filter((step) => step.startsWith('replace.transition:'));
        expect(transitions).toEqual([
          'replace.transition:CANCELS_SENT',
          'replace.transition:CANCELS_UNCONFIRMED',
          'replace.transition:CANCELS_SENT',
          'replace.transition:CANCELS_CONFIRMED',
          'replace.transition:SUBMIT_SENT',
          'replace.transition:SUBMIT_CONFIRMED',
        ]);
        const [replacement] = await w.ourResting();
        expect(replacement?.clientOrderId).not.toBe(original?.clientOrderId);
        expect(replacement?.price.toFixed()).toBe(tx?.price.toFixed());
        expect(replacement?.price.gt(original?.price ?? P0)).toBe(true);
        expect(w.exchange.writes).toEqual({ submits: 2, cancels: 1 });

        // the market comes back down through the replacement's price: it fills, and the fill is ingested
        const back = await w.cycleAt(DIP_MINUTE, deps());
        expect(back.counters.fillsInserted).toBeGreaterThan(0);
        expect((await w.ourResting()).map((o) => o.clientOrderId)).not.toContain(replacement?.clientOrderId);
        const filled = await w.stores.journal.latestForIntent(ACCOUNT, tx?.newClientOrderId ?? '');
        expect(filled?.status).toBe('FILLED');
        const fills = (await w.stores.ledger.list(ACCOUNT)).filter((e) => e.type === 'FILL');
        expect(fills.map((e) => [e.symbol, e.side, e.qty.toFixed(), e.price.toFixed()])).toEqual([
          ['BTCTRY', 'BUY', replacement?.qty.toFixed(), replacement?.price.toFixed()],
        ]);
      } finally {
        await w.close();
      }
    });

    it('the audit summary names the risk mode, the freeze, the degrade level, the replace counters and why nothing went out', async () => {
      const w = await stage4World({ closes: JUMP, stores: await makeStores() });
      try {
        await w.cycleAt(0);
        const placed = await summaryOf(w);
        expect(placed).toMatchObject({
          status: 'completed',
          risk_mode: 'NORMAL',
          freeze_active: false,
          degrade_level: 0,
          degrade_level_next: 0,
          breaker_state: 'closed',
          reasons_no_action: [],
          replace_transactions: { committed: 0, blocked: 0, failed: 0, open: 0 },
        });
        const blocked = await w.cycleAt(1);
        expect(await summaryOf(w)).toMatchObject({
          replace_transactions: { committed: 0, blocked: 1, open: 1 },
        });
        expect(blocked.execution?.replaceOpen).toBe(1);
        await w.cycleAt(2);
        expect(await summaryOf(w)).toMatchObject({ replace_transactions: { committed: 1, blocked: 0, open: 0 } });
        const quiet = await w.cycleAt(3);
        expect(quiet.reasonsNoAction).toEqual(['no_planned_actions']);
        expect((await summaryOf(w)).reasons_no_action).toEqual(['no_planned_actions']);
        await saveDegradeOverride(
          w.stores.documents,
          ACCOUNT,
          { mode: 'OBSERVE_ONLY', untilMs: w.clock.nowMs() + 600_000 },
          0,
        );
        const observing = await w.cycleAt(4);
        expect(observing.degradeLevel).toBe(3);
        expect(await summaryOf(w)).toMatchObject({
          risk_mode: 'OBSERVE_ONLY',
          degrade_level: 3,
          degrade_reasons: ['MANUAL_OVERRIDE'],
        });
      } finally {
        await w.close();
      }
    });

    it('a crash after any step of a replace transaction: the next cycles resume it, never two resting orders', {
      timeout: 60_000,
    }, async () => {
      const clean = await replaceRun(await makeStores());
      const steps = clean.points.steps;
      try {
        expect(clean.crash).toBeUndefined();
        expect((await storedTxs(clean.w, clean.points)).map((tx) => tx?.state)).toEqual(['SUBMIT_CONFIRMED']);
        expect(steps).toContain('exchange.cancelOrder');
        expect(steps).toContain('exchange.placeLimitOrder');
      } finally {
        await clean.w.close();
      }
      let runs = 0;
      for (let k = 0; k < steps.length; k++) {
        if (options.crashAfter === 'writes' && !WRITES.test(steps[k] ?? '')) continue;
        runs += 1;
        const run = await replaceRun(await makeStores(), k);
        const at = `crash after step ${k} (${steps[k]})`;
        try {
          expect(run.crash, at).toBe(`crash after step ${k}: ${steps[k]}`);
          const txs = await storedTxs(run.w, run.points);
          expect(txs.length, at).toBeGreaterThan(0);
          // FAILED only for a replacement proven never sent (journaled, then the crash): a later cycle places the group's order
          for (const tx of txs)
            expect(
              [
                ['SUBMIT_CONFIRMED', ''],
                ['FAILED', 'submit_not_placed'],
              ],
              at,
            ).toContainEqual([tx?.state, tx?.reasons.join()]);
          const resting = await run.w.ourResting();
          expect(resting.length, at).toBe(1);
          expect(resting[0]?.clientOrderId, at).not.toBe(run.original?.clientOrderId);
          // the original and exactly one replacement ever reached the venue
          expect(run.w.sim.control.state().orders.total, at).toBe(2);
          expect(await run.w.stores.journal.listByStatus(ACCOUNT, ['PENDING_SUBMIT', 'UNKNOWN']), at).toEqual([]);
        } finally {
          await run.w.close();
        }
      }
      // the transaction's writes alone: its create, six transitions, the cancel and the replacement's journal entry and send
      expect(runs).toBeGreaterThanOrEqual(11);
    });

    it("a venue listing lost while confirming a replace: the group's order waits for its transaction, none beside it", async () => {
      const w = await stage4World({ closes: JUMP, stores: await makeStores() });
      try {
        const store = w.stores.replaceTransactions;
        let failNextListing = false;
        let failed = false;
        const deps = {
          // the listing the transaction's confirmation reads (right after the open transactions were listed) fails once
          replaceTransactions: {
            create: store.create.bind(store),
            get: store.get.bind(store),
            transition: store.transition.bind(store),
            async listOpen(account: string) {
              const open = await store.listOpen(account);
              failNextListing = open.length > 0 && !failed;
              return open;
            },
          },
          exchange: {
            ...w.watched,
            async openOrders(symbol: string) {
              if (!failNextListing) return w.watched.openOrders(symbol);
              failNextListing = false;
              failed = true;
              throw new ExchangeUnavailableError('open orders listing lost');
            },
          },
        };
        await w.cycleAt(0, deps);
        await w.cycleAt(1, deps);
        const [tx] = await store.listOpen(ACCOUNT);
        expect(tx?.state).toBe('BLOCKED_RECONCILE');
        // the old order is canceled now, so the plan wants a BUY again: it must not go out beside the replacement
        const waiting = await w.cycleAt(2, deps);
        expect((await store.get(ACCOUNT, tx?.id ?? ''))?.reasons).toEqual(['reconcile_failed:open_orders_unavailable']);
        expect(waiting.decisions).toContain('execution:replace_tx_open_for_group');
        expect(waiting.execution?.submitted).toBe(0);
        const resumed = await w.cycleAt(3, deps);
        expect(resumed.decisions).toContain('execution:replace_committed');
        expect(await w.ourResting()).toHaveLength(1);
        expect(w.sim.control.state().orders.total).toBe(2);
      } finally {
        await w.close();
      }
    });

    it('a journal index lagging the writes: a replacement placed this cycle still dedupes the regular BUY of its group', async () => {
      const w = await stage4World({ closes: JUMP, stores: await makeStores() });
      try {
        const journal = w.stores.journal;
        let indexedBeforeMs = Number.POSITIVE_INFINITY;
        // an eventually consistent status index: entries created during the running cycle are not listed yet
        const lagging = new Proxy(journal, {
          get(target, property) {
            if (property === 'listByStatus')
              return async (account: string, statuses: Parameters<typeof journal.listByStatus>[1]) =>
                (await target.listByStatus(account, statuses)).filter((o) => o.createdAtMs < indexedBeforeMs);
            const value = Reflect.get(target, property, target);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        const cycle = (minute: number) => {
          indexedBeforeMs = w.clock.nowMs() + 1;
          return w.cycleAt(minute, { journal: lagging });
        };
        await cycle(0);
        await cycle(1);
        const resumed = await cycle(2);
        expect(resumed.decisions).toContain('execution:replace_committed');
        expect(resumed.decisions).toContain('execution:open_order_exists');
        expect(resumed.execution?.submitted).toBe(1);
        expect(await w.ourResting()).toHaveLength(1);
      } finally {
        await w.close();
      }
    });

    it('an uncertain cancel blocks the transaction (BLOCKED_RECONCILE); reconcile settles it and a later cycle submits', async () => {
      const w = await stage4World({ closes: JUMP, stores: await makeStores() });
      try {
        const points = new CrashPoints();
        const deps = () => ({ replaceTransactions: points.replaceTransactions(w.stores.replaceTransactions) });
        await w.cycleAt(0, deps());
        const [original] = await w.ourResting();
        w.sim.control.injectNext({ kind: 'drop', method: 'DELETE', path: '/api/v1/order' });
        const uncertain = await w.cycleAt(1, deps());
        expect(uncertain.decisions).toContain('execution:cancel_uncertain_outcome');
        const [tx] = await storedTxs(w, points);
        expect(tx?.state).toBe('BLOCKED_RECONCILE');
        expect(tx?.reasons).toContain(`local_state_not_terminal:${original?.clientOrderId}:CANCEL_REQUESTED`);

        w.clock.advance(61_000);
        expect(await w.drainReconcile()).toBeGreaterThan(0);
        expect((await w.stores.journal.get(ACCOUNT, original?.clientOrderId ?? ''))?.status).toBe('CANCELED');
        expect((await w.stores.replaceTransactions.get(ACCOUNT, tx?.id ?? ''))?.state).toBe('BLOCKED_RECONCILE');

        const resumed = await w.cycleAt(3, deps());
        expect(resumed.decisions).toContain('execution:replace_committed');
        expect((await w.stores.replaceTransactions.get(ACCOUNT, tx?.id ?? ''))?.state).toBe('SUBMIT_CONFIRMED');
        const [replacement] = await w.ourResting();
        expect(replacement?.price.toFixed()).toBe(tx?.price.toFixed());
        expect(w.sim.control.state().orders.total).toBe(2);
      } finally {
        await w.close();
      }
    });

    it('a foreign order freezes the account: nothing is submitted until an operator clears the freeze', async () => {
      const w = await stage4World({ closes: JUMP, stores: await makeStores() });
      try {
        w.sim.control.placeOrder({
          symbol: 'BTCTRY',
          side: 'buy',
          price: '1000000',
          quantity: '0.001',
          clientId: 'advanced',
        });
        for (let minute = 0; minute <= 10; minute += 5) {
          const frozen = await w.cycleAt(minute);
          expect(frozen.freezeActive).toBe(true);
          expect(frozen.riskMode).toBe('OBSERVE_ONLY');
        }
        expect(w.exchange.writes.submits).toBe(0);
        expect(await w.ourResting()).toEqual([]);
        expect((await summaryOf(w)).freeze_active).toBe(true);

        const { value, version } = await loadFreezeState(w.stores.documents, ACCOUNT);
        await saveFreezeState(
          w.stores.documents,
          ACCOUNT,
          clearFreeze(value, 'operator', 'canceled the foreign order', w.clock.nowMs()),
          version,
        );
        const cleared = await w.cycleAt(11);
        expect(cleared.freezeActive).toBe(false);
        // the foreign order is known now: it does not freeze the account again
        const later = await w.cycleAt(12);
        expect(later.freezeActive).toBe(false);
        expect((await loadFreezeState(w.stores.documents, ACCOUNT)).value.active).toBeUndefined();
      } finally {
        await w.close();
      }
    });

    it('under the kill switch a cycle only cancels: no submit, and our order is gone from the venue', async () => {
      const w = await stage4World({ closes: JUMP, stores: await makeStores() });
      try {
        await w.cycleAt(0);
        expect(await w.ourResting()).toHaveLength(1);
        w.killSwitch.set(true);
        const killed = await w.cycleAt(1);
        expect(killed.mode).toBe('LIVE');
        expect(killed.decisions).toContain('mode_gate:kill_switch_suppressed:parameter');
        expect(w.exchange.writes).toEqual({ submits: 1, cancels: 1 });
        expect(await w.ourResting()).toEqual([]);
        const still = await w.cycleAt(2);
        expect(still.execution?.submitted).toBe(0);
        expect(w.exchange.writes).toEqual({ submits: 1, cancels: 1 });
        expect(w.sim.control.state().orders).toEqual({ open: 0, total: 1 });
      } finally {
        await w.close();
      }
    });
  });
}

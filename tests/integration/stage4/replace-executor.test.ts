// Stage 4 replace transactions against the BTCTurk simulator: whatever happens (asynchronous cancels, a
// crash after any step, an uncertain cancel, the kill switch, the freeze), the venue never holds two resting
// orders of one group, and a group ends with exactly one replacement.
import { afterEach, describe, expect, it } from 'vitest';
import { executeStage4Actions } from '../../../shared/application/stage4/execute-actions';
import type { ReplaceTransaction, ReplaceTxEvent } from '../../../shared/domain/oms/replace-transaction';
import type { Exchange } from '../../../shared/ports/exchange';
import type { JournalOrder, ReplaceTransactionStore } from '../../../shared/ports/state-store';
import { restingBuy } from '../../support/stage3-harness';
import { ACCOUNT, cancelAction, type Stage4Harness, stage4Harness, submitAction } from '../../support/stage4-harness';

let h: Stage4Harness;
afterEach(async () => {
  await h.close();
});

const codes = (result: { decisions: readonly { code: string }[] }) => result.decisions.map((d) => d.code);

/** The group replacing `old` with a BUY at a new price */
const replaceGroup = (old: JournalOrder) => [
  cancelAction(old, 'replace_cancel'),
  submitAction(h, { clientOrderId: 'bb4-BTCTRY-b-replacement', reason: 'replace_submit' }),
];

/** Fails the test the moment a replacement is sent while the venue still lists an order of its group */
function watched(inner: Exchange, oldIds: () => readonly string[]): Exchange & { placed: number } {
  const exchange = {
    ...inner,
    placed: 0,
    async placeLimitOrder(order: Parameters<Exchange['placeLimitOrder']>[0]) {
      const resting = (await inner.openOrders(order.symbol)).map((o) => o.clientOrderId);
      expect(resting.filter((id) => oldIds().includes(id))).toEqual([]);
      exchange.placed += 1;
      return inner.placeLimitOrder(order);
    },
  };
  return exchange;
}

async function onlyTx(): Promise<ReplaceTransaction | undefined> {
  const [tx, ...more] = await h.stores.replaceTransactions.listOpen(ACCOUNT);
  expect(more).toEqual([]);
  return tx;
}

async function storedTx(id: string) {
  return h.stores.replaceTransactions.get(ACCOUNT, id);
}

describe('a replace transaction', () => {
  it('blocks while the venue still lists the old order, and submits once it is gone', async () => {
    h = await stage4Harness({ sim: { cancelDelayMs: 60_000 } });
    const old = await restingBuy(h);
    const exchange = watched(h.exchange, () => [old.clientOrderId]);
    const deps = h.executionDeps({ exchange });
    const first = await executeStage4Actions(deps, replaceGroup(old), h.plan());
    expect(codes(first)).toEqual(['replace_blocked_reconcile']);
    const tx = await onlyTx();
    expect(tx?.state).toBe('BLOCKED_RECONCILE');
    expect(tx?.reasons).toContain(`old_id_still_open:${old.clientOrderId}`);
    expect((await h.venueOpen()).map((o) => o.clientOrderId)).toEqual([old.clientOrderId]);
    expect(exchange.placed).toBe(0);

    await h.settle();
    const early = await executeStage4Actions(deps, [], h.plan());
    expect(codes(early)).toEqual(['replace_blocked_reconcile']);
    expect(exchange.placed).toBe(0);

    h.sim.control.advanceMarket(61_000);
    await h.settle();
    const resumed = await executeStage4Actions(deps, [], h.plan());
    expect(codes(resumed)).toEqual(['replace_committed']);
    expect(resumed.counters.replaceCommitted).toBe(1);
    expect((await storedTx(tx?.id ?? ''))?.state).toBe('SUBMIT_CONFIRMED');
    const venue = await h.venueOpen();
    const replacement = await h.stores.journal.latestForIntent(ACCOUNT, 'bb4-BTCTRY-b-replacement');
    expect(venue.map((o) => o.clientOrderId)).toEqual([replacement?.clientOrderId]);
    expect(exchange.placed).toBe(1);
    expect(await executeStage4Actions(deps, [], h.plan())).toMatchObject({ decisions: [] });
  });

  const crashes: readonly (ReplaceTxEvent | 'cancelOrder' | 'placeLimitOrder')[] = [
    'CANCELS_SENT',
    'cancelOrder',
    'CANCELS_UNCONFIRMED',
    'CANCELS_CONFIRMED',
    'SUBMIT_SENT',
    'placeLimitOrder',
    'SUBMIT_CONFIRMED',
  ];

  it.each(crashes)('survives a crash after %s: never two resting orders, exactly one replacement', async (at) => {
    h = await stage4Harness();
    const old = await restingBuy(h);
    let armed = true;
    const crash = () => {
      if (!armed) return;
      armed = false;
      throw new Error(`crash after ${at}`);
    };
    const inner = watched(h.exchange, () => [old.clientOrderId]);
    const exchange: Exchange & { placed: number } = Object.assign(inner, {
      cancelOrder: async (symbol: string, id: string) => {
        await h.exchange.cancelOrder(symbol, id);
        if (at === 'cancelOrder') crash();
      },
    });
    const place = inner.placeLimitOrder;
    inner.placeLimitOrder = async (order) => {
      const ack = await place(order);
      if (at === 'placeLimitOrder') crash();
      return ack;
    };
    const store = h.stores.replaceTransactions;
    const replaceTransactions: ReplaceTransactionStore = {
      create: (r, f, n) => store.create(r, f, n),
      get: (a, id) => store.get(a, id),
      listOpen: (a) => store.listOpen(a),
      async transition(tx, event, reasons, now, fence) {
        const next = await store.transition(tx, event, reasons, now, fence);
        if (event === at) crash();
        return next;
      },
    };
    const deps = h.executionDeps({ exchange, replaceTransactions });
    let thrown = false;
    try {
      await executeStage4Actions(deps, replaceGroup(old), h.plan());
      await h.settle();
      await executeStage4Actions(deps, [], h.plan());
    } catch {
      thrown = true;
    }
    expect(thrown).toBe(true);
    for (let cycle = 0; cycle < 4; cycle++) {
      await h.settle();
      await executeStage4Actions(deps, [], h.plan());
    }
    expect(await store.listOpen(ACCOUNT)).toEqual([]);
    const replacement = await h.stores.journal.latestForIntent(ACCOUNT, 'bb4-BTCTRY-b-replacement');
    expect((await h.venueOpen()).map((o) => o.clientOrderId)).toEqual([replacement?.clientOrderId]);
    expect(exchange.placed).toBe(1);
  });

  it('an uncertain cancel blocks the group until the cancel is settled, then resumes', async () => {
    h = await stage4Harness();
    const old = await restingBuy(h);
    const exchange = watched(h.exchange, () => [old.clientOrderId]);
    const deps = h.executionDeps({ exchange });
    h.sim.control.injectNext({ kind: 'drop', method: 'DELETE', path: '/api/v1/order' });
    const first = await executeStage4Actions(deps, replaceGroup(old), h.plan());
    expect(codes(first)).toEqual(['cancel_uncertain_outcome', 'replace_blocked_reconcile']);
    expect((await onlyTx())?.state).toBe('BLOCKED_RECONCILE');
    for (let cycle = 0; cycle < 3 && (await onlyTx()) !== undefined; cycle++) {
      h.sim.control.advanceMarket(61_000);
      await h.drainReconcile();
      await h.settle();
      await executeStage4Actions(deps, [], h.plan());
    }
    expect(await onlyTx()).toBeUndefined();
    const replacement = await h.stores.journal.latestForIntent(ACCOUNT, 'bb4-BTCTRY-b-replacement');
    expect((await h.venueOpen()).map((o) => o.clientOrderId)).toEqual([replacement?.clientOrderId]);
    expect(exchange.placed).toBe(1);
  });

  it('under the kill switch only the cancels go out; the replacement waits for the switch', async () => {
    h = await stage4Harness();
    const old = await restingBuy(h);
    h.killSwitch.set(true);
    const deps = h.executionDeps();
    const plan = h.plan({ killSwitchActive: true });
    await executeStage4Actions(deps, replaceGroup(old), plan);
    await h.settle();
    const held = await executeStage4Actions(deps, [], { ...plan, cycleId: 'next' });
    expect(codes(held)).toEqual(['replace_hold:kill_switch']);
    expect((await onlyTx())?.state).toBe('CANCEL_CONFIRMED');
    expect(await h.venueOpen()).toEqual([]);
    expect(h.exchange.writes).toEqual({ submits: 1, cancels: 1 });

    h.killSwitch.set(false);
    const resumed = await executeStage4Actions(deps, [], h.plan());
    expect(codes(resumed)).toEqual(['replace_committed']);
    expect(await h.venueOpen()).toHaveLength(1);
  });

  it('under the unknown-order freeze it blocks (BLOCKED_UNKNOWN) and submits nothing', async () => {
    h = await stage4Harness();
    const old = await restingBuy(h);
    const deps = h.executionDeps();
    const plan = h.plan({ freezeActive: true });
    const result = await executeStage4Actions(deps, replaceGroup(old), plan);
    expect(codes(result)).toEqual(['replace_blocked_unknown']);
    expect((await onlyTx())?.state).toBe('BLOCKED_UNKNOWN');
    await h.settle();
    await executeStage4Actions(deps, [], { ...plan, cycleId: 'next' });
    expect((await onlyTx())?.state).toBe('BLOCKED_UNKNOWN');
    expect(h.exchange.writes.submits).toBe(1);
    expect(await h.venueOpen()).toEqual([]);
  });

  it('a later cycle planning the same group under a new id waits for the open transaction', async () => {
    h = await stage4Harness({ sim: { cancelDelayMs: 60_000 } });
    const old = await restingBuy(h);
    const deps = h.executionDeps();
    await executeStage4Actions(deps, replaceGroup(old), h.plan());
    const again = [
      cancelAction(old, 'replace_cancel'),
      submitAction(h, { clientOrderId: 'bb4-BTCTRY-b-second', reason: 'replace_submit' }),
    ];
    const second = await executeStage4Actions(deps, again, h.plan());
    expect(codes(second)).toEqual(['replace_blocked_reconcile', 'replace_tx_open_for_group']);
    expect(await h.stores.replaceTransactions.listOpen(ACCOUNT)).toHaveLength(1);
  });
});

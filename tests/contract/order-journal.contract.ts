// OrderJournal contract: create-if-absent under a lease fence, transitions only through the state machine,
// version-guarded writes, exact decimals, and one winner per race (ARCHITECTURE section 5).
import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, InvalidTransitionError, StaleLeaseError } from '../../shared/domain/errors';
import { dec } from '../../shared/domain/money';
import type { LeaseFence, StateStores } from '../../shared/ports/state-store';
import { aNewOrder, settle, T0 } from './state-store-builders';

async function withLease(makeStores: () => Promise<StateStores>) {
  const stores = await makeStores();
  const lease = await stores.leases.acquire('stage3#default', 'inv-a', 60_000, T0);
  if (!lease) throw new Error('expected a free lease');
  const fence: LeaseFence = { name: lease.name, epoch: lease.epoch };
  return { ...stores, fence };
}

export function orderJournalContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`OrderJournal (${label})`, () => {
    it('records a new order as PENDING_SUBMIT at version 1, and a replay returns the stored entry', async () => {
      const { journal, fence } = await withLease(makeStores);
      const first = await journal.create(aNewOrder(), fence, T0 + 1);
      expect(first.created).toBe(true);
      expect(first.order).toMatchObject({
        status: 'PENDING_SUBMIT',
        version: 1,
        notFoundChecks: 0,
        updatedAtMs: T0 + 1,
      });
      expect(first.order.filledQty.isZero()).toBe(true);
      const again = await journal.create(aNewOrder({ qty: dec('9') }), fence, T0 + 2);
      expect(again).toEqual({ created: false, order: first.order });
      expect(await journal.get('default', first.order.clientOrderId)).toEqual(first.order);
    });

    it('creates one order out of 20 parallel creates of one client id; the 19 others replay it', async () => {
      const { journal, fence } = await withLease(makeStores);
      const runs = Array.from({ length: 20 }, (_, i) => journal.create(aNewOrder({ cycleId: `c-${i}` }), fence, T0));
      const { values, errors } = await settle(runs);
      expect(errors).toEqual([]);
      const created = values.filter((r) => r.created);
      expect(created).toHaveLength(1);
      for (const replay of values.filter((r) => !r.created)) expect(replay.order).toEqual(created[0]?.order);
      expect(await journal.get('default', aNewOrder().clientOrderId)).toEqual(created[0]?.order);
    });

    it('refuses a stale lease epoch with StaleLeaseError and writes nothing', async () => {
      const { journal, leases, fence } = await withLease(makeStores);
      await leases.acquire('stage3#default', 'inv-b', 60_000, T0 + 60_001);
      const stale = journal.create(aNewOrder({ clientOrderId: 'bb3-BTCTRY-b-stale' }), fence, T0 + 60_002);
      await expect(stale).rejects.toBeInstanceOf(StaleLeaseError);
      expect(await journal.get('default', 'bb3-BTCTRY-b-stale')).toBeUndefined();
      expect(await journal.latestForIntent('default', 'intent-1')).toBeUndefined();
      const never = journal.create(aNewOrder(), { name: 'stage9#nobody', epoch: 1 }, T0);
      await expect(never).rejects.toBeInstanceOf(StaleLeaseError);
    });

    it('moves through the state machine with a patch, one version per write', async () => {
      const { journal, fence } = await withLease(makeStores);
      const { order } = await journal.create(aNewOrder(), fence, T0);
      const open = await journal.transition(
        order,
        'SUBMIT_ACKED',
        { exchangeOrderId: '9007199254740993', submittedAtMs: T0 + 5 },
        T0 + 10,
      );
      expect(open).toMatchObject({
        status: 'OPEN',
        version: 2,
        exchangeOrderId: '9007199254740993',
        submittedAtMs: T0 + 5,
        updatedAtMs: T0 + 10,
      });
      const partial = await journal.transition(open, 'OBSERVED_PARTIAL', { filledQty: dec('0.000000005') }, T0 + 20);
      const checked = await journal.update(partial, { notFoundChecks: 2, lastError: 'timeout' }, T0 + 30);
      expect(checked).toMatchObject({ status: 'PARTIAL', version: 4, notFoundChecks: 2, lastError: 'timeout' });
      expect(checked.filledQty.toFixed()).toBe('0.000000005');
      expect(await journal.get('default', order.clientOrderId)).toEqual(checked);
    });

    it('refuses an illegal transition with InvalidTransitionError and writes nothing', async () => {
      const { journal, fence } = await withLease(makeStores);
      const { order } = await journal.create(aNewOrder(), fence, T0);
      const rejected = await journal.transition(order, 'SUBMIT_REJECTED', {}, T0 + 1);
      await expect(
        journal.transition(rejected, 'OBSERVED_FILLED', { filledQty: dec('1') }, T0 + 2),
      ).rejects.toBeInstanceOf(InvalidTransitionError);
      expect(await journal.get('default', order.clientOrderId)).toEqual(rejected);
    });

    it('refuses a write from a stale version with ConcurrentUpdateError naming the versions', async () => {
      const { journal, fence } = await withLease(makeStores);
      const { order } = await journal.create(aNewOrder(), fence, T0);
      const open = await journal.transition(order, 'SUBMIT_ACKED', {}, T0 + 1);
      const stale = journal.transition(order, 'SUBMIT_UNCERTAIN', {}, T0 + 2);
      await expect(stale).rejects.toThrow(/expected version 1 in PENDING_SUBMIT, was version 2 in OPEN/);
      await expect(journal.update(order, { notFoundChecks: 1 }, T0 + 3)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(await journal.get('default', order.clientOrderId)).toEqual(open);
      const ghost = { ...open, clientOrderId: 'bb3-BTCTRY-b-never-created' };
      await expect(journal.update(ghost, {}, T0 + 4)).rejects.toThrow(/was absent/);
    });

    it('lets exactly one of 20 parallel transitions from one version succeed', async () => {
      const { journal, fence } = await withLease(makeStores);
      const { order } = await journal.create(aNewOrder(), fence, T0);
      const runs = Array.from({ length: 20 }, (_, i) =>
        journal.transition(order, i % 2 ? 'SUBMIT_ACKED' : 'SUBMIT_UNCERTAIN', { lastError: `run-${i}` }, T0 + i),
      );
      const { values, errors } = await settle(runs);
      expect(values).toHaveLength(1);
      expect(errors).toHaveLength(19);
      for (const e of errors) expect(e).toBeInstanceOf(ConcurrentUpdateError);
      expect(await journal.get('default', order.clientOrderId)).toEqual(values[0]);
    });

    it('round-trips 0.00000001 and 30-digit decimals exactly', async () => {
      const { journal, fence } = await withLease(makeStores);
      const price = dec('123456789012345678901234.567891');
      const { order } = await journal.create(aNewOrder({ price, qty: dec('0.00000001') }), fence, T0);
      const filled = await journal.transition(order, 'OBSERVED_FILLED', { filledQty: dec('0.00000001') }, T0 + 1);
      const stored = await journal.get('default', filled.clientOrderId);
      expect(stored?.price.toFixed()).toBe('123456789012345678901234.567891');
      expect(stored?.qty.toFixed()).toBe('0.00000001');
      expect(stored?.filledQty.toFixed()).toBe('0.00000001');
    });

    it('lists by status in creation order, finds the newest attempt of an intent, and counts per status', async () => {
      const { journal, fence } = await withLease(makeStores);
      const a = (await journal.create(aNewOrder({ clientOrderId: 'bb3-BTCTRY-b-a', createdAtMs: T0 + 2 }), fence, T0))
        .order;
      const b = (
        await journal.create(aNewOrder({ clientOrderId: 'bb3-BTCTRY-b-b', attempt: 1, createdAtMs: T0 + 1 }), fence, T0)
      ).order;
      const lookalike = (
        await journal.create(
          aNewOrder({ clientOrderId: 'bb3-BTCTRY-b-x', intentKey: 'intent-1#2', attempt: 5 }),
          fence,
          T0,
        )
      ).order;
      await journal.create(aNewOrder({ account: 'other', clientOrderId: 'bb3-BTCTRY-b-y' }), fence, T0);
      const unknown = await journal.transition(a, 'SUBMIT_UNCERTAIN', {}, T0 + 3);
      expect(await journal.listByStatus('default', ['PENDING_SUBMIT', 'UNKNOWN'])).toEqual([lookalike, b, unknown]);
      expect(await journal.listByStatus('default', ['OPEN'])).toEqual([]);
      expect((await journal.latestForIntent('default', 'intent-1'))?.clientOrderId).toBe('bb3-BTCTRY-b-b');
      expect(await journal.latestForIntent('default', 'intent-9')).toBeUndefined();
      const counts = await journal.countByStatus('default');
      expect(counts).toMatchObject({ PENDING_SUBMIT: 2, UNKNOWN: 1, OPEN: 0, FILLED: 0, FAILED: 0 });
      expect(Object.keys(counts)).toHaveLength(9);
    });
  });
}

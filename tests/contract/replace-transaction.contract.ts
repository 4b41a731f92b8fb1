// ReplaceTransactionStore contract: create-if-absent under a lease fence, transitions only through the
// replace state machine, version-guarded and fenced, terminal replays that write nothing, the open list,
// and nothing unsound stored (spec 3.18).
import { describe, expect, it } from 'vitest';
import {
  ConcurrentUpdateError,
  CorruptStateError,
  InvalidTransitionError,
  StaleLeaseError,
} from '../../shared/domain/errors';
import { dec } from '../../shared/domain/money';
import {
  type NewReplaceTransaction,
  type ReplaceTransaction,
  type ReplaceTxEvent,
  replaceTxId,
  replaceTxMetadataMismatch,
} from '../../shared/domain/oms/replace-transaction';
import type { LeaseFence, StateStores } from '../../shared/ports/state-store';
import { settle, T0 } from './state-store-builders';

const OLD_A = 'bb4-BTCTRY-b-aaaaaaaaaaaaaaaaaaaa';
const OLD_B = 'bb4-BTCTRY-b-bbbbbbbbbbbbbbbbbbbb';
const NEW = 'bb4-BTCTRY-b-cccccccccccccccccccc';

const aRequest = (overrides: Partial<NewReplaceTransaction> = {}): NewReplaceTransaction => ({
  account: 'default',
  symbol: 'BTCTRY',
  side: 'BUY',
  newClientOrderId: NEW,
  oldClientOrderIds: [OLD_B, OLD_A],
  price: dec('2500000.5'),
  qty: dec('0.00000001'),
  cycleId: 'cycle-1',
  ...overrides,
});

async function withLease(makeStores: () => Promise<StateStores>) {
  const stores = await makeStores();
  const lease = await stores.leases.acquire('stage4#default', 'inv-a', 60_000, T0);
  if (!lease) throw new Error('expected a free lease');
  const fence: LeaseFence = { name: lease.name, epoch: lease.epoch };
  return { ...stores, store: stores.replaceTransactions, fence };
}

export function replaceTransactionContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`ReplaceTransactionStore (${label})`, () => {
    it('creates INIT at version 1 under the group id, old ids sorted; a replay returns the stored one', async () => {
      const { store, fence } = await withLease(makeStores);
      const first = await store.create(aRequest(), fence, T0 + 1);
      expect(first.created).toBe(true);
      expect(first.tx).toMatchObject({
        id: replaceTxId('BTCTRY', 'BUY', NEW, [OLD_A, OLD_B]),
        state: 'INIT',
        version: 1,
        reasons: [],
        oldClientOrderIds: [OLD_A, OLD_B],
        createdAtMs: T0 + 1,
        updatedAtMs: T0 + 1,
      });
      const changed = aRequest({ oldClientOrderIds: [OLD_A, OLD_B], price: dec('9'), cycleId: 'cycle-2' });
      const again = await store.create(changed, fence, T0 + 2);
      expect(again).toEqual({ created: false, tx: first.tx });
      expect(replaceTxMetadataMismatch(again.tx, changed)).toBe(true);
      expect(replaceTxMetadataMismatch(again.tx, aRequest({ cycleId: 'cycle-2' }))).toBe(false);
      expect(await store.get('default', first.tx.id)).toEqual(first.tx);
      expect(await store.get('other', first.tx.id)).toBeUndefined();
    });

    it('creates one transaction out of 20 parallel creates; the 19 others replay it', async () => {
      const { store, fence } = await withLease(makeStores);
      const runs = Array.from({ length: 20 }, (_, i) => store.create(aRequest({ cycleId: `c-${i}` }), fence, T0 + i));
      const { values, errors } = await settle(runs);
      expect(errors).toEqual([]);
      const created = values.filter((r) => r.created);
      expect(created).toHaveLength(1);
      for (const replay of values.filter((r) => !r.created)) expect(replay.tx).toEqual(created[0]?.tx);
    });

    it('refuses a stale lease epoch on create and on transition, writing nothing', async () => {
      const { store, leases, fence } = await withLease(makeStores);
      const { tx } = await store.create(aRequest(), fence, T0);
      await leases.acquire('stage4#default', 'inv-b', 60_000, T0 + 60_001);
      const other = aRequest({ newClientOrderId: 'bb4-BTCTRY-b-dddddddddddddddddddd' });
      await expect(store.create(other, fence, T0 + 60_002)).rejects.toBeInstanceOf(StaleLeaseError);
      await expect(store.transition(tx, 'CANCELS_SENT', [], T0 + 60_003, fence)).rejects.toBeInstanceOf(
        StaleLeaseError,
      );
      expect(await store.get('default', tx.id)).toEqual(tx);
      expect(await store.listOpen('default')).toEqual([tx]);
    });

    it('walks cancel, block, resume, confirm and submit, one version per write, leaving the open list at the end', async () => {
      const { store, fence } = await withLease(makeStores);
      let { tx } = await store.create(aRequest(), fence, T0);
      const walk: [ReplaceTxEvent, string[], ReplaceTransaction['state']][] = [
        ['CANCELS_SENT', [], 'CANCEL_SENT'],
        ['CANCELS_UNCONFIRMED', [`old_id_still_open:${OLD_A}`, `local_missing_record:${OLD_B}`], 'BLOCKED_RECONCILE'],
        ['CANCELS_SENT', [], 'CANCEL_SENT'],
        ['CANCELS_CONFIRMED', [], 'CANCEL_CONFIRMED'],
        ['SUBMIT_SENT', [], 'SUBMIT_SENT'],
      ];
      for (const [i, [event, reasons, state]] of walk.entries()) {
        tx = await store.transition(tx, event, reasons, T0 + 10 * (i + 1), fence);
        expect(tx).toMatchObject({ state, reasons, version: i + 2, updatedAtMs: T0 + 10 * (i + 1) });
        expect(await store.get('default', tx.id)).toEqual(tx);
        expect(await store.listOpen('default')).toEqual([tx]);
      }
      const done = await store.transition(tx, 'SUBMIT_CONFIRMED', [], T0 + 100, fence);
      expect(done).toMatchObject({ state: 'SUBMIT_CONFIRMED', version: 7, reasons: [] });
      expect(await store.get('default', tx.id)).toEqual(done);
      expect(await store.listOpen('default')).toEqual([]);
    });

    it('replays a terminal transaction as a no-op, whatever the event, and writes nothing', async () => {
      const { store, leases, fence } = await withLease(makeStores);
      const { tx } = await store.create(aRequest(), fence, T0);
      const failed = await store.transition(tx, 'ABANDONED', ['superseded'], T0 + 1, fence);
      expect(failed).toMatchObject({ state: 'FAILED', reasons: ['superseded'], version: 2 });
      for (const event of ['CANCELS_SENT', 'SUBMIT_SENT', 'SUBMIT_CONFIRMED', 'FROZEN'] as const)
        expect(await store.transition(failed, event, [], T0 + 2, fence)).toBe(failed);
      await leases.acquire('stage4#default', 'inv-b', 60_000, T0 + 60_001);
      expect(await store.transition(failed, 'CANCELS_SENT', [], T0 + 60_002, fence)).toBe(failed);
      expect(await store.get('default', tx.id)).toEqual(failed);
    });

    it('refuses a regression or a submit before the cancels are confirmed, writing nothing', async () => {
      const { store, fence } = await withLease(makeStores);
      const { tx } = await store.create(aRequest(), fence, T0);
      await expect(store.transition(tx, 'SUBMIT_SENT', [], T0 + 1, fence)).rejects.toBeInstanceOf(
        InvalidTransitionError,
      );
      const sent = await store.transition(tx, 'CANCELS_SENT', [], T0 + 2, fence);
      await expect(store.transition(sent, 'SUBMIT_SENT', [], T0 + 3, fence)).rejects.toThrow(
        `replace transaction ${tx.id}: no transition from CANCEL_SENT on SUBMIT_SENT`,
      );
      const confirmed = await store.transition(sent, 'CANCELS_CONFIRMED', [], T0 + 4, fence);
      const submitting = await store.transition(confirmed, 'SUBMIT_SENT', [], T0 + 5, fence);
      for (const event of ['CANCELS_SENT', 'FROZEN', 'ABANDONED'] as const)
        await expect(store.transition(submitting, event, ['x'], T0 + 6, fence)).rejects.toBeInstanceOf(
          InvalidTransitionError,
        );
      expect(await store.get('default', tx.id)).toEqual(submitting);
    });

    it('refuses a write from a stale version with ConcurrentUpdateError naming the versions', async () => {
      const { store, fence } = await withLease(makeStores);
      const { tx } = await store.create(aRequest(), fence, T0);
      const sent = await store.transition(tx, 'CANCELS_SENT', [], T0 + 1, fence);
      await expect(store.transition(tx, 'FROZEN', ['stage4_freeze_active'], T0 + 2, fence)).rejects.toThrow(
        /expected version 1 in INIT, was version 2 in CANCEL_SENT/,
      );
      const ghost = { ...sent, newClientOrderId: 'bb4-BTCTRY-b-eeeeeeeeeeeeeeeeeeee' };
      const ghostTx = { ...ghost, id: replaceTxId('BTCTRY', 'BUY', ghost.newClientOrderId, ghost.oldClientOrderIds) };
      await expect(store.transition(ghostTx, 'CANCELS_CONFIRMED', [], T0 + 3, fence)).rejects.toThrow(/was absent/);
      expect(await store.get('default', tx.id)).toEqual(sent);
    });

    it('lets exactly one of 20 parallel transitions from one version succeed', async () => {
      const { store, fence } = await withLease(makeStores);
      const { tx } = await store.create(aRequest(), fence, T0);
      const sent = await store.transition(tx, 'CANCELS_SENT', [], T0 + 1, fence);
      const runs = Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? store.transition(sent, 'CANCELS_CONFIRMED', [], T0 + 2 + i, fence)
          : store.transition(sent, 'CANCELS_UNCONFIRMED', [`run-${i}`], T0 + 2 + i, fence),
      );
      const { values, errors } = await settle(runs);
      expect(values).toHaveLength(1);
      expect(errors).toHaveLength(19);
      for (const e of errors) expect(e).toBeInstanceOf(ConcurrentUpdateError);
      expect(await store.get('default', tx.id)).toEqual(values[0]);
    });

    it('lists the open transactions of one account, oldest first', async () => {
      const { store, fence } = await withLease(makeStores);
      const later = (await store.create(aRequest(), fence, T0 + 5)).tx;
      const sell = (
        await store.create(
          aRequest({ side: 'SELL', newClientOrderId: 'bb4-BTCTRY-s-ffffffffffffffffffff', oldClientOrderIds: [OLD_A] }),
          fence,
          T0 + 1,
        )
      ).tx;
      const ended = (await store.create(aRequest({ newClientOrderId: 'bb4-BTCTRY-b-gggggggggggggggggggg' }), fence, T0))
        .tx;
      await store.transition(ended, 'ABANDONED', ['superseded'], T0 + 6, fence);
      await store.create(aRequest({ account: 'other' }), fence, T0);
      const blocked = await store.transition(later, 'FROZEN', ['stage4_freeze_active'], T0 + 7, fence);
      expect(await store.listOpen('default')).toEqual([sell, blocked]);
      expect(await store.listOpen('nobody')).toEqual([]);
    });

    it('stores nothing unsound: no old order, a block without its reason, a reason where none belongs', async () => {
      const { store, fence } = await withLease(makeStores);
      await expect(store.create(aRequest({ oldClientOrderIds: [] }), fence, T0)).rejects.toBeInstanceOf(
        CorruptStateError,
      );
      await expect(store.create(aRequest({ oldClientOrderIds: [NEW] }), fence, T0)).rejects.toThrow(
        /newClientOrderId: expected an id not among the old ones/,
      );
      await expect(store.create(aRequest({ qty: dec('0') }), fence, T0)).rejects.toThrow(/qty: expected a decimal > 0/);
      expect(await store.listOpen('default')).toEqual([]);
      const { tx } = await store.create(aRequest(), fence, T0);
      const sent = await store.transition(tx, 'CANCELS_SENT', [], T0 + 1, fence);
      await expect(store.transition(sent, 'CANCELS_UNCONFIRMED', [], T0 + 2, fence)).rejects.toThrow(
        /reasons: expected a reason in BLOCKED_RECONCILE/,
      );
      await expect(store.transition(sent, 'CANCELS_CONFIRMED', ['why'], T0 + 2, fence)).rejects.toBeInstanceOf(
        CorruptStateError,
      );
      expect(await store.get('default', tx.id)).toEqual(sent);
    });

    it('round-trips 30-digit prices and 0.00000001 quantities exactly', async () => {
      const { store, fence } = await withLease(makeStores);
      const price = dec('123456789012345678901234.567891');
      const { tx } = await store.create(aRequest({ price, qty: dec('0.00000001') }), fence, T0);
      const stored = await store.get('default', tx.id);
      expect(stored?.price.toFixed()).toBe('123456789012345678901234.567891');
      expect(stored?.qty.toFixed()).toBe('0.00000001');
    });
  });
}

// Stage7Store contract (spec 4.15, 6.3; issue 15 point 5): a cycle's write round-trips (open orders with every
// event and key, documents, params, run rows), is one all-or-nothing unit under the lease fence, is
// insert-or-ignore (writing or re-running the same cycle changes nothing), refuses version conflicts and
// records it could not read back, and a write of more than 100 items behaves like any other.
import { describe, expect, it } from 'vitest';
import type { Stage7Params } from '../../shared/domain/adaptation/stage7-params';
import {
  ConcurrentUpdateError,
  CorruptStateError,
  IdempotencyConflictError,
  StaleLeaseError,
  ValidationError,
} from '../../shared/domain/errors';
import { dec, ZERO } from '../../shared/domain/money';
import type { SimulatedFailure } from '../../shared/domain/oms/stage7-intent';
import { type Stage7OmsState, type Stage7OrderEvent, stage7EventId } from '../../shared/domain/oms/stage7-oms-state';
import { SimulatedAccount } from '../../shared/domain/portfolio/simulated-account';
import type { Stage7CycleWrite } from '../../shared/ports/stage7-store';
import type { StateStores } from '../../shared/ports/state-store';
import {
  ACCOUNT,
  aCheckpoint,
  anIntent,
  aParams,
  aRunRow,
  aWrite,
  clientId,
  dump,
  only,
  runOms,
  type Stage7World,
  stage7World,
  T0,
  takeOver,
} from './stage7-store-builders';

const A = clientId(1); // fills in one slice
const B = clientId(2, 'even'); // fills in two slices
const C = clientId(3); // qty 0: rejected before the limiter
const D = clientId(4); // one timeout, then fills
const E = clientId(5); // times out three times: gives up, stays PLANNED
const F = clientId(6); // no token left: throttled, stays PLANNED
const IDS = [A, B, C, D, E, F];
const UNIVERSE = { selected: ['BTCTRY', 'ETHTRY'], scores: { BTCTRY: '0.75' }, churn: 1 };
const RISK = { mode: 'NORMAL', cooldownUntilMs: null, reasons: ['OK'] };

/** Cycle 1's inputs: six intents, a bucket of 4 tokens, injected timeouts */
const firstInputs = () => ({
  intents: IDS.map((id) => anIntent(id, id === C ? { qty: ZERO, notionalTry: ZERO } : {})),
  nowMs: T0,
  burst: 4,
  failures: new Map<string, readonly SimulatedFailure[]>([
    [D, ['TIMEOUT']],
    [E, ['TIMEOUT', 'TIMEOUT', 'TIMEOUT']],
  ]),
});
const firstCycle = () => runOms(firstInputs());

function firstWrite(cycle = firstCycle()): Stage7CycleWrite {
  const base = aWrite('c1', T0, cycle, { account: 0, bucket: 0 });
  return {
    ...base,
    trace: { cycleId: 'c1', universe: UNIVERSE.selected, intents: 6, notes: null, ok: true },
    documents: {
      ...base.documents,
      universe: { value: UNIVERSE, expectedVersion: 0 },
      riskDecision: { value: RISK, expectedVersion: 0 },
    },
    params: { expectedRevision: 0, activeParams: aParams(), checkpoints: [aCheckpoint(aParams())] },
  };
}

/** A later cycle: a write of its own with the loaded versions */
async function secondWrite(world: Stage7World, over: Partial<Stage7CycleWrite> = {}) {
  const loaded = await world.store.load(ACCOUNT, world.fence);
  const cycle = runOms({
    state: loaded.oms,
    intents: [],
    nowMs: T0 + 60_000,
    burst: 4,
    account: SimulatedAccount.restore(loaded.documents.account.value ?? {}),
    ...(loaded.documents.tokenBucket.value ? { bucket: loaded.documents.tokenBucket.value } : {}),
  });
  const versions = { account: loaded.documents.account.version, bucket: loaded.documents.tokenBucket.version };
  return { cycle, write: aWrite('c2', T0 + 60_000, cycle, versions, over) };
}

const merged = (a: Stage7OmsState, b: Stage7OmsState): Stage7OmsState => ({
  orders: new Map([...a.orders, ...b.orders]),
  events: new Map([...a.events, ...b.events]),
  idempotency: new Map([...a.idempotency, ...b.idempotency]),
});

const statuses = (state: Stage7OmsState) => [...state.orders.values()].map((o) => [o.clientOrderId, o.status]);
const types = (state: Stage7OmsState, id: string) => (state.events.get(id) ?? []).map((e) => e.type);

/** Everything the store holds for the account, as one comparable text */
const snapshot = async (world: Stage7World, ids: readonly string[] = IDS) =>
  dump({
    ...(await world.store.load(ACCOUNT, world.fence)),
    orders: await world.store.loadOrders(ACCOUNT, ids),
  });

export function stage7StoreContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`Stage7Store (${label})`, () => {
    it('loads nothing from an empty store: no orders, params, rows or documents, each document at version 0', async () => {
      const { store, fence } = await stage7World(makeStores);
      const loaded = await store.load(ACCOUNT, fence);
      expect(dump(loaded.oms)).toBe(dump({ orders: new Map(), events: new Map(), idempotency: new Map() }));
      expect(loaded.params).toEqual({ active: { value: undefined, version: 0 }, checkpoints: [] });
      expect(loaded.runMetrics).toEqual([]);
      expect(Object.values(loaded.documents)).toEqual(Array(4).fill({ value: undefined, version: 0 }));
      expect(loaded.completedWrite).toBeUndefined();
      expect(dump(await store.loadOrders(ACCOUNT, IDS))).toBe(dump(loaded.oms));
    });

    it('round-trips a cycle: the open orders with every event and key, documents, params and the run row', async () => {
      const world = await stage7World(makeStores);
      const cycle = firstCycle();
      expect(statuses(cycle.state)).toEqual([
        [A, 'FILLED'],
        [B, 'FILLED'],
        [C, 'REJECTED'],
        [D, 'FILLED'],
        [E, 'PLANNED'],
        [F, 'PLANNED'],
      ]);
      expect(types(cycle.state, B)).toContain('PARTIAL_FILL');
      expect(types(cycle.state, D)).toContain('RETRY_SCHEDULED');
      expect(types(cycle.state, E)).toContain('RETRY_GIVEUP');
      expect(types(cycle.state, F)).toEqual(['THROTTLED', 'THROTTLED']);
      await world.store.saveCycle(firstWrite(cycle), world.fence);

      const loaded = await world.store.load(ACCOUNT, world.fence);
      expect([...loaded.oms.orders.keys()]).toEqual([E, F]);
      expect(dump(loaded.oms)).toBe(dump(only(cycle.state, [E, F])));
      expect(dump(await world.store.loadOrders(ACCOUNT, [...IDS, clientId(99)]))).toBe(dump(cycle.state));
      expect(dump(loaded.documents.account)).toBe(dump({ value: cycle.account.balances(), version: 1 }));
      expect(loaded.documents.tokenBucket).toEqual({ value: cycle.bucket, version: 1 });
      expect(loaded.documents.universe).toEqual({ value: UNIVERSE, version: 1 });
      expect(loaded.documents.riskDecision).toEqual({ value: RISK, version: 1 });
      expect(dump(loaded.params)).toBe(
        dump({ active: { value: aParams(), version: 1 }, checkpoints: [aCheckpoint(aParams())] }),
      );
      expect(dump(loaded.runMetrics)).toBe(dump([aRunRow('c1', T0)]));
      expect(
        SimulatedAccount.restore(loaded.documents.account.value ?? {})
          .balance('BTC')
          .free.toFixed(),
      ).toBe('0.75');
      expect(dump(await world.store.loadOrders('other', IDS))).toBe(dump({ orders: {}, events: {}, idempotency: {} }));
    });

    it('changes nothing when the same cycle is written again, nor when the whole cycle is re-run on what it stored', async () => {
      const world = await stage7World(makeStores);
      await world.store.saveCycle(firstWrite(), world.fence);
      const stored = await snapshot(world);
      await world.store.saveCycle(firstWrite(), world.fence);
      expect(await snapshot(world)).toBe(stored);

      // a crash after the write landed: the cycle runs again from its first inputs on the state it stored
      const loaded = await world.store.load(ACCOUNT, world.fence);
      const state = merged(loaded.oms, await world.store.loadOrders(ACCOUNT, IDS));
      const rerun = runOms({ ...firstInputs(), state });
      expect(rerun.passes.map((p) => [p.events.length, p.orders.length, p.idempotencyKeys.length])).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ]);
      await world.store.saveCycle(firstWrite(rerun), world.fence);
      expect(await snapshot(world)).toBe(stored);
    });

    it('completes a throttled order in a later cycle: the filled order leaves the open set, documents move to version 2', async () => {
      const world = await stage7World(makeStores);
      await world.store.saveCycle(firstWrite(), world.fence);
      const { cycle, write } = await secondWrite(world);
      await world.store.saveCycle(write, world.fence);
      const loaded = await world.store.load(ACCOUNT, world.fence);
      expect([...loaded.oms.orders.keys()]).toEqual([E]);
      expect(dump(loaded.oms)).toBe(dump(only(cycle.state, [E])));
      const f = (await world.store.loadOrders(ACCOUNT, [F])).orders.get(F);
      expect([f?.status, f?.filledQty.toFixed()]).toEqual(['FILLED', '0.25']);
      expect([loaded.documents.account.version, loaded.documents.tokenBucket.version]).toEqual([2, 2]);
      expect([loaded.documents.universe.version, loaded.params.active.version]).toEqual([1, 1]);
      expect(loaded.runMetrics.map((r) => r.cycleId)).toEqual(['c2', 'c1']);
    });

    it('writes nothing under a stale lease epoch, even a write that would change nothing', async () => {
      const world = await stage7World(makeStores);
      await world.store.saveCycle(firstWrite(), world.fence);
      const { write } = await secondWrite(world);
      const stored = await snapshot(world);
      const current = await takeOver(world);
      await expect(world.store.saveCycle(write, world.fence)).rejects.toBeInstanceOf(StaleLeaseError);
      await expect(world.store.saveCycle(firstWrite(), world.fence)).rejects.toBeInstanceOf(StaleLeaseError);
      expect(await snapshot({ ...world, fence: current })).toBe(stored);
      await world.store.saveCycle(write, current);
    });

    describe('refuses a write that conflicts with what is stored, writing none of it', () => {
      const refusals: [string, (w: Stage7CycleWrite) => Stage7CycleWrite, RegExp | (new (...a: never[]) => Error)][] = [
        [
          'a document past its expected version',
          (w) => ({ ...w, documents: { ...w.documents, universe: { value: {}, expectedVersion: 0 } } }),
          /DOC#universe: expected version 0, was version 1/,
        ],
        [
          'active params past their expected revision',
          (w) => ({
            ...w,
            params: { expectedRevision: 0, activeParams: next(2), checkpoints: [aCheckpoint(next(2))] },
          }),
          /PARAMS#ACTIVE: expected version 0, was version 1/,
        ],
        [
          'a checkpoint whose version holds other params',
          (w) => ({ ...w, params: { expectedRevision: 1, checkpoints: [aCheckpoint(aParams({ universeSize: 30 }))] } }),
          /expected the params this version activated/,
        ],
        [
          'params written against a moved revision, even without activating',
          (w) => ({ ...w, params: { expectedRevision: 2, checkpoints: [aCheckpoint(aParams(), false)] } }),
          /PARAMS#ACTIVE: expected version 2, was version 1/,
        ],
        [
          'a run row of a stored cycle with other content',
          (w) => ({ ...w, cycleId: 'c1', runMetrics: aRunRow('c1', T0, { feesTry: dec('9') }) }),
          /expected the stored record to be the one written, was another/,
        ],
        [
          'a trace of a stored cycle with other content',
          (w) => ({ ...w, cycleId: 'c1', runMetrics: aRunRow('c1', T0), trace: { other: true } }),
          /TRACE#c1: expected the stored record to be the one written/,
        ],
        [
          'an idempotency key stored with another payload hash',
          (w) => ({
            ...w,
            oms: [
              ...w.oms,
              {
                orders: [],
                events: [],
                idempotencyKeys: [{ key: `submit:${A}`, payloadHash: 'f'.repeat(64), tsMs: T0, passId: 'p' }],
              },
            ],
          }),
          IdempotencyConflictError,
        ],
        [
          'another event under a stored seq of an order',
          (w) => ({ ...w, oms: [...w.oms, { orders: [], events: [otherEvent()], idempotencyKeys: [] }] }),
          /EVENT#.*expected the stored record to be the one written/,
        ],
      ];
      // every case leaves the store as it found it (that is what each checks), so they share one
      const ready = once(async () => {
        const world = await stage7World(makeStores);
        await world.store.saveCycle(firstWrite(), world.fence);
        return { world, stored: await snapshot(world), ...(await secondWrite(world)) };
      });
      for (const [what, change, refusal] of refusals)
        it(`refuses ${what}`, async () => {
          const { world, stored, write } = await ready();
          const saving = world.store.saveCycle(change(write), world.fence);
          if (refusal instanceof RegExp) await expect(saving).rejects.toThrow(refusal);
          else await expect(saving).rejects.toBeInstanceOf(refusal);
          if (refusal instanceof RegExp) await expect(saving).rejects.toBeInstanceOf(ConcurrentUpdateError);
          expect(await snapshot(world)).toBe(stored);
        });
    });

    it('writes a cycle of more than 100 items, and writing it again changes nothing', async () => {
      const world = await stage7World(makeStores);
      const ids = Array.from({ length: 17 }, (_, i) => clientId(100 + i, 'even'));
      const cycle = runOms({ intents: ids.map((id) => anIntent(id)), nowMs: T0 });
      expect(cycle.passes[0]?.events).toHaveLength(68); // 4 per order, + 17 keys + 17 rows + 3 records: 105 items
      const write = aWrite('c1', T0, cycle, { account: 0, bucket: 0 });
      await world.store.saveCycle(write, world.fence);
      const loaded = await world.store.load(ACCOUNT, world.fence);
      expect(loaded.oms.orders.size).toBe(0);
      expect(dump(await world.store.loadOrders(ACCOUNT, ids))).toBe(dump(cycle.state));
      expect(dump(loaded.documents.account)).toBe(dump({ value: cycle.account.balances(), version: 1 }));
      expect(loaded.runMetrics.map((r) => r.cycleId)).toEqual(['c1']);
      const stored = await snapshot(world, ids);
      await world.store.saveCycle(write, world.fence);
      expect(await snapshot(world, ids)).toBe(stored);
    });

    describe('refuses a record it could not read back, or a write that contradicts itself, writing nothing', () => {
      const row = aRunRow('c1', T0);
      const bad: [string, (w: Stage7CycleWrite) => Stage7CycleWrite, new (...a: never[]) => Error, RegExp][] = [
        [
          'a negative fee',
          (w) => ({ ...w, runMetrics: { ...row, feesTry: dec('-0.01') } }),
          CorruptStateError,
          /feesTry: expected a decimal >= 0, was -0.01/,
        ],
        [
          'repeated counts that disagree',
          (w) => ({ ...w, runMetrics: { ...row, omsRejectedCount: 5 } }),
          CorruptStateError,
          /omsRejectedCount: expected counts.omsRejected \(1\), was 5/,
        ],
        [
          'a float in a document',
          (w) => ({ ...w, documents: { ...w.documents, universe: { value: { share: 0.5 }, expectedVersion: 0 } } }),
          CorruptStateError,
          /expected integers only/,
        ],
        [
          'a negative balance',
          (w) => ({
            ...w,
            documents: { account: { value: { TRY: { free: dec('-1'), locked: ZERO } }, expectedVersion: 0 } },
          }),
          CorruptStateError,
          /value\.M\.TRY\.M\.free: expected a decimal >= 0/,
        ],
        [
          'an order id its client id does not make',
          (w) => ({
            ...w,
            oms: [
              {
                ...(w.oms[0] as Stage7CycleWrite['oms'][number]),
                orders: w.oms[0]?.orders.map((o) => ({ ...o, orderId: 's7o:000000000000' })) ?? [],
              },
            ],
          }),
          CorruptStateError,
          /orderId: expected s7o:/,
        ],
        [
          'params outside the adaptation bounds',
          (w) => ({
            ...w,
            params: { expectedRevision: 0, activeParams: aParams({ universeSize: 51 }), checkpoints: [] },
          }),
          CorruptStateError,
          /universeSize: expected 5..50, was 51/,
        ],
        [
          'an item over 400 KB',
          (w) => ({ ...w, trace: { text: 'x'.repeat(400_001) } }),
          ValidationError,
          /expected an item of at most 400000 bytes/,
        ],
        [
          'a run row of another cycle',
          (w) => ({ ...w, runMetrics: aRunRow('c9', T0) }),
          ValidationError,
          /runMetrics.cycleId: expected c1, was c9/,
        ],
        [
          'two events for one seq',
          (w) => ({ ...w, oms: [...w.oms, { orders: [], events: [otherEvent()], idempotencyKeys: [] }] }),
          ValidationError,
          /expected one event for .* seq 1, was two/,
        ],
      ];
      const ready = once(async () => {
        const world = await stage7World(makeStores);
        return { world, empty: await snapshot(world) };
      });
      for (const [what, change, type, message] of bad)
        it(`refuses ${what}`, async () => {
          const { world, empty } = await ready();
          const saving = world.store.saveCycle(change(firstWrite()), world.fence);
          await expect(saving).rejects.toBeInstanceOf(type);
          await expect(saving).rejects.toThrow(message);
          expect(await snapshot(world)).toBe(empty);
        });
    });

    it('loads the five newest run rows, newest first', async () => {
      const { store, fence } = await stage7World(makeStores);
      for (const i of [3, 1, 7, 2, 6, 4, 5])
        await store.saveCycle(
          { account: ACCOUNT, cycleId: `c${i}`, oms: [], runMetrics: aRunRow(`c${i}`, T0 + i * 60_000), documents: {} },
          fence,
        );
      const rows = (await store.load(ACCOUNT, fence)).runMetrics;
      expect(rows.map((r) => [r.cycleId, r.tsMs - T0])).toEqual([7, 6, 5, 4, 3].map((i) => [`c${i}`, i * 60_000]));
    });

    it('loads the newest checkpoint, the active version and the newest good other one; marking one bad keeps its params', async () => {
      const { store, fence } = await stage7World(makeStores);
      const good = [true, true, true, true, false, false];
      const checkpoints = good.map((ok, i) => aCheckpoint(next(i + 1), ok));
      const write = (cycleId: string, revision: number, active: Stage7Params, marks: typeof checkpoints) =>
        store.saveCycle(
          {
            account: ACCOUNT,
            cycleId,
            oms: [],
            runMetrics: aRunRow(cycleId, T0),
            documents: {},
            params: { expectedRevision: revision, activeParams: active, checkpoints: marks },
          },
          fence,
        );
      await write('c1', 0, next(4), checkpoints);
      const versions = async () =>
        (await store.load(ACCOUNT, fence)).params.checkpoints.map((c) => [c.params.version, c.isGood]);
      expect(await versions()).toEqual([
        [3, true],
        [4, true],
        [6, false],
      ]);
      await write('c2', 1, next(6), [aCheckpoint(next(4), false)]);
      expect(await versions()).toEqual([
        [3, true],
        [6, false],
      ]);
      expect((await store.load(ACCOUNT, fence)).params.active.version).toBe(2);
    });
  });
}

/** The first call's promise, for cases that share one store */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

/** Params version `version`, a bounded neighbour of aParams */
const next = (version: number) => aParams({ version, universeSize: 20 + version, updatedAtMs: T0 + version });

/** An ACKED event for A under seq 1, where cycle 1 stored SUBMIT_REQUESTED */
function otherEvent(): Stage7OrderEvent {
  const [first] = firstCycle().passes[0]?.events ?? [];
  if (first?.clientOrderId !== A) throw new Error('expected A first');
  return { ...first, type: 'ACKED', eventId: stage7EventId(A, 1, 'ACKED') } as Stage7OrderEvent;
}

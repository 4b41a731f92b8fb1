// Properties of the simulated stage 7 OMS (spec 4.10) over random batches, market scripts, token buckets and
// sequences of process/reconcile calls: terminal orders never change, every stored event is a legal transition
// recorded once, a call re-run on its own result writes nothing, a crash that stored any part of a result is
// repaired by re-running the call (same final state, no duplicate event), an idempotency conflict touches only
// its own order, and the same inputs give the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CanonicalValue, canonicalJson } from '../../../../shared/domain/hashing';
import { dec } from '../../../../shared/domain/money';
import type { SimulatedFailure, Stage7Intent, Stage7Market } from '../../../../shared/domain/oms/stage7-intent';
import { processIntents, reconcileOpenOrders, type Stage7OmsResult } from '../../../../shared/domain/oms/stage7-oms';
import {
  applyStage7Writes,
  EMPTY_STAGE7_OMS_STATE,
  isStateChanging,
  projectEvents,
  type Stage7OmsState,
  type Stage7OmsWrites,
  stage7EventId,
  stage7IdempotencyKey,
} from '../../../../shared/domain/oms/stage7-oms-state';
import { omsMachine } from '../../../../shared/domain/order-state';
import { DEFAULT_GROUP, TokenBucket, type TokenBucketState } from '../../../../shared/domain/token-bucket';

const T0 = 1_700_000_000_000;
const RUNS = { numRuns: 150 };

type Tag = SimulatedFailure | 'reject' | 'one' | 'two';

/** Answers by (client id, attempt) only, so a re-run meets the same market */
class TagMarket implements Stage7Market {
  constructor(private readonly scripts: ReadonlyMap<string, readonly Tag[]>) {}
  submit(intent: Stage7Intent, attempt: number) {
    const tag = this.scripts.get(intent.clientOrderId)?.[attempt - 1] ?? 'one';
    if (tag === 'reject') return { outcome: { kind: 'rejected' as const, reason: 'sim_reject' } };
    if (tag === 'one')
      return { outcome: { kind: 'filled' as const, slices: [{ qty: intent.qty, price: intent.price }] } };
    if (tag === 'two') {
      const first = intent.qty.mul(dec('0.6')).toDecimalPlaces(8);
      const slices = [
        { qty: first, price: intent.price },
        { qty: intent.qty.sub(first), price: intent.price.add(1) },
      ];
      return { outcome: { kind: 'filled' as const, slices } };
    }
    return { failure: tag };
  }
}

interface World {
  readonly pool: readonly string[];
  readonly baseQty: readonly string[];
  readonly scripts: ReadonlyMap<string, readonly Tag[]>;
  readonly burst: number;
  readonly rps: number;
  readonly maxAttempts: number;
}

interface Call {
  readonly kind: 'intents' | 'reconcile';
  readonly gapMs: number;
  /** Per pool entry: 0 absent, 1 present, 2 present with another payload, 3 present and skipped */
  readonly presence: readonly number[];
  readonly cancel: readonly boolean[];
}

const hex4 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 4, maxLength: 4 });
const tag = fc.constantFrom<Tag>('RATE_LIMIT', 'TIMEOUT', 'UNAVAILABLE', 'reject', 'one', 'two', 'two');
const world = fc.uniqueArray(hex4, { minLength: 1, maxLength: 6 }).chain((hexes) =>
  fc.record({
    pool: fc.constant(hexes.map((h) => `s7:c1:BTCTRY:BUY:00000000${h}`)),
    baseQty: fc.array(fc.constantFrom('1', '0.5', '2', '0'), { minLength: hexes.length, maxLength: hexes.length }),
    scripts: fc
      .array(fc.array(tag, { maxLength: 4 }), { minLength: hexes.length, maxLength: hexes.length })
      .map((lists) => new Map(lists.map((l, i) => [`s7:c1:BTCTRY:BUY:00000000${hexes[i]}`, l]))),
    burst: fc.integer({ min: 1, max: 3 }),
    rps: fc.constantFrom(0.5, 1, 4),
    maxAttempts: fc.integer({ min: 1, max: 3 }),
  }),
);
const call = fc.record({
  kind: fc.constantFrom<Call['kind']>('intents', 'intents', 'reconcile'),
  gapMs: fc.integer({ min: 0, max: 2500 }),
  presence: fc.array(fc.constantFrom(0, 1, 1, 1, 2, 3), { minLength: 6, maxLength: 6 }),
  cancel: fc.array(fc.constantFrom(false, false, false, false, true), { minLength: 6, maxLength: 6 }),
});
const calls = fc.array(call, { minLength: 1, maxLength: 5 });

function intentOf(w: World, i: number, variant: boolean, skipped: boolean): Stage7Intent {
  const qty = dec(w.baseQty[i] ?? '1').add(variant ? 1 : 0);
  return {
    cycleId: 'c1',
    symbol: 'BTCTRY',
    side: 'BUY',
    orderType: 'LIMIT',
    price: dec('100'),
    qty,
    notionalTry: qty.mul(100),
    clientOrderId: w.pool[i] ?? '',
    reason: 'rebalance',
    skipped,
  };
}

/** One call with collaborators rebuilt from the bucket's state before it: the same call, whenever it runs */
function perform(w: World, c: Call, state: Stage7OmsState, bucket: TokenBucketState, nowMs: number) {
  const tokens = new TokenBucket({ [DEFAULT_GROUP]: { ratePerSecond: w.rps, burst: w.burst } }, bucket);
  const deps = {
    market: new TagMarket(w.scripts),
    limiter: { tryConsume: (now: number) => tokens.tryConsume(DEFAULT_GROUP, 1, now) },
    retryDelayMs: (n: number, id: string) => n * 100 + id.length,
  };
  const settings = { STAGE7_RETRY_MAX_ATTEMPTS: w.maxAttempts };
  const cancelRequested = new Set(w.pool.filter((_, i) => c.cancel[i]));
  const result =
    c.kind === 'intents'
      ? processIntents(
          {
            state,
            nowMs,
            cancelRequested,
            intents: w.pool.flatMap((_, i) => {
              const p = c.presence[i] ?? 0;
              return p === 0 ? [] : [intentOf(w, i, p === 2, p === 3)];
            }),
          },
          deps,
          settings,
        )
      : reconcileOpenOrders({ state, nowMs, cancelRequested }, deps, settings);
  return { result, bucket: tokens.snapshot() };
}

interface Step {
  readonly call: Call;
  readonly nowMs: number;
  readonly before: Stage7OmsState;
  readonly bucketBefore: TokenBucketState;
  readonly result: Stage7OmsResult;
  readonly after: Stage7OmsState;
}

/** Runs the calls in order, each one applied whole; two passes of one kind never share a time */
function simulate(w: World, cs: readonly Call[]): Step[] {
  let state = EMPTY_STAGE7_OMS_STATE;
  let bucket: TokenBucketState = {};
  let nowMs = T0;
  const steps: Step[] = [];
  cs.forEach((c, i) => {
    nowMs += c.gapMs === 0 && cs[i - 1]?.kind === c.kind ? 1 : c.gapMs;
    const done = perform(w, c, state, bucket, nowMs);
    const after = applyStage7Writes(state, done.result);
    steps.push({ call: c, nowMs, before: state, bucketBefore: bucket, result: done.result, after });
    [state, bucket] = [after, done.bucket];
  });
  return steps;
}

const dump = (s: Stage7OmsState): string =>
  canonicalJson({
    orders: [...s.orders.values()].sort((a, b) => (a.clientOrderId < b.clientOrderId ? -1 : 1)),
    events: [...s.events.keys()].sort().map((k) => s.events.get(k)),
    keys: [...s.idempotency.keys()].sort().map((k) => s.idempotency.get(k)),
  } as unknown as CanonicalValue);

const isEmpty = (w: Stage7OmsWrites) => w.events.length + w.orders.length + w.idempotencyKeys.length === 0;

/** Every order's history: seqs 1..n with spec ids, legal transitions only, each state-changing type once */
function checkHistories(state: Stage7OmsState): void {
  const ids = new Set<string>();
  for (const [id, events] of state.events) {
    let status = 'PLANNED' as ReturnType<typeof projectEvents>['status'];
    const seen = new Set<string>();
    events.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      expect(e.eventId).toBe(stage7EventId(id, e.seq, e.type));
      expect(ids.has(e.eventId)).toBe(false);
      ids.add(e.eventId);
      if (!isStateChanging(e.type)) return;
      expect(seen.has(e.type)).toBe(false);
      seen.add(e.type);
      expect(omsMachine.can(status, e.type)).toBe(true);
      status = omsMachine.next(status, e.type);
    });
    const row = state.orders.get(id);
    if (row !== undefined) {
      const projected = projectEvents(events);
      expect([row.status, row.filledQty.toFixed(), row.avgFillPrice?.toFixed()]).toEqual([
        projected.status,
        projected.filledQty.toFixed(),
        projected.avgFillPrice?.toFixed(),
      ]);
      expect(row.filledQty.lte(row.qty)).toBe(true);
    }
  }
}

describe('the stage 7 OMS over random call sequences', () => {
  it('never changes a terminal order and stores only legal transitions, each state-changing type once', () => {
    fc.assert(
      fc.property(world, calls, (w, cs) => {
        for (const step of simulate(w, cs)) {
          for (const [id, before] of step.before.events) {
            const was = projectEvents(before);
            if (!omsMachine.isTerminal(was.status)) continue;
            const now = projectEvents(step.after.events.get(id) ?? []);
            expect(canonicalJson(now as unknown as CanonicalValue)).toBe(
              canonicalJson(was as unknown as CanonicalValue),
            );
            expect(step.result.events.filter((e) => e.clientOrderId === id && isStateChanging(e.type))).toEqual([]);
          }
          checkHistories(step.after);
        }
      }),
      RUNS,
    );
  });

  it('writes nothing when a call runs again on the state it produced', () => {
    fc.assert(
      fc.property(world, calls, (w, cs) => {
        for (const step of simulate(w, cs)) {
          const again = perform(w, step.call, step.after, step.bucketBefore, step.nowMs);
          expect(isEmpty(again.result)).toBe(true);
          expect(again.result.eventCounts).toEqual(step.result.eventCounts);
        }
      }),
      RUNS,
    );
  });

  it('after a crash that stored any prefix or part of a result, a re-run reaches the same state, no event twice', () => {
    const crash = fc.oneof(
      fc.nat(40).map((n) => (i: number) => i < n),
      fc.array(fc.boolean(), { maxLength: 40 }).map((mask) => (i: number) => mask[i] ?? false),
    );
    fc.assert(
      fc.property(world, calls, fc.array(crash, { minLength: 5, maxLength: 5 }), (w, cs, crashes) => {
        simulate(w, cs).forEach((step, n) => {
          const keep = crashes[n] ?? (() => false);
          const r = step.result;
          // A store's write order: registrations, events, rows; `keep` says which of them landed
          const writes = [...r.idempotencyKeys, ...r.events, ...r.orders];
          const kept = new Set(writes.filter((_, i) => keep(i)));
          const partial = applyStage7Writes(step.before, {
            idempotencyKeys: r.idempotencyKeys.filter((k) => kept.has(k)),
            events: r.events.filter((e) => kept.has(e)),
            orders: r.orders.filter((o) => kept.has(o)),
          });
          const rerun = perform(w, step.call, partial, step.bucketBefore, step.nowMs).result;
          const stored = new Set([...partial.events.values()].flat().map((e) => e.eventId));
          expect(rerun.events.filter((e) => stored.has(e.eventId))).toEqual([]);
          expect(dump(applyStage7Writes(partial, rerun))).toBe(dump(step.after));
        });
      }),
      RUNS,
    );
  });

  it('gives byte-identical states for the same inputs', () => {
    fc.assert(
      fc.property(world, calls, (w, cs) => {
        const once = simulate(w, cs).map((s) => dump(s.after));
        expect(simulate(w, cs).map((s) => dump(s.after))).toEqual(once);
      }),
      { numRuns: 50 },
    );
  });
});

describe('an idempotency conflict is isolated to its order', () => {
  it('rejects the conflicting orders and leaves every other order exactly as without the conflict', () => {
    fc.assert(
      fc.property(
        world,
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.array(fc.constantFrom(0, 1, 1, 3), { minLength: 6, maxLength: 6 }),
        (w, conflicting, presence) => {
          const conflicts = new Set(w.pool.filter((_, i) => conflicting[i]));
          const registered = new Map(
            [...conflicts].map((id) => [
              stage7IdempotencyKey(id),
              { key: stage7IdempotencyKey(id), payloadHash: 'f'.repeat(64), tsMs: T0 - 1, passId: `intents:${T0 - 1}` },
            ]),
          );
          const c: Call = { kind: 'intents', gapMs: 0, presence, cancel: [] };
          const clean = perform(w, c, EMPTY_STAGE7_OMS_STATE, {}, T0).result;
          const withConflicts = perform(w, c, { ...EMPTY_STAGE7_OMS_STATE, idempotency: registered }, {}, T0).result;
          const of = (r: Stage7OmsResult, id: string) =>
            canonicalJson({
              events: r.events.filter((e) => e.clientOrderId === id),
              orders: r.orders.filter((o) => o.clientOrderId === id),
            } as unknown as CanonicalValue);
          for (const id of w.pool) {
            if (!conflicts.has(id)) {
              expect(of(withConflicts, id)).toBe(of(clean, id));
              continue;
            }
            const types = withConflicts.events.filter((e) => e.clientOrderId === id).map((e) => e.type);
            expect([[], ['IDEMPOTENCY_CONFLICT', 'REJECTED'], ['THROTTLED'], ['REJECTED']]).toContainEqual(types);
            if (types[0] === 'IDEMPOTENCY_CONFLICT') {
              expect(withConflicts.orders.find((o) => o.clientOrderId === id)?.statusReason).toBe(
                'idempotency_conflict',
              );
            }
          }
          expect(withConflicts.idempotencyKeys.filter((k) => registered.has(k.key))).toEqual([]);
        },
      ),
      RUNS,
    );
  });
});

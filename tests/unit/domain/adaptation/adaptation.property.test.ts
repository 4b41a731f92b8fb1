// Invariants of stage 7 adaptation (spec 4.16) over random windows and checkpoint histories: at most 3
// proposals, a rollback never activates the bad version, applied params within bounds under a fresh version
// number, deterministic results and change ids
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateAndApply, MAX_PROPOSALS } from '../../../../shared/domain/adaptation/adaptation';
import {
  type AdaptationInput,
  type AdaptationMetricsRow,
  changeId,
  ROLLBACK_TRIGGERS,
} from '../../../../shared/domain/adaptation/adaptation-model';
import { ALERT_FLAGS, QUALITY_FLAGS } from '../../../../shared/domain/adaptation/stage7-metrics';
import { boundParams, paramsRecord, type Stage7Params } from '../../../../shared/domain/adaptation/stage7-params';
import { type CanonicalValue, canonicalJson } from '../../../../shared/domain/hashing';
import { dec } from '../../../../shared/domain/money';
import type { Mode } from '../../../../shared/domain/risk/mode';
import { adaptationSettings, aParams, T0 } from './adaptation-builders';

const decIn = (min: number, max: number, places: number) =>
  fc.integer({ min: min * 10 ** places, max: max * 10 ** places }).map((n) => dec(n.toString()).div(10 ** places));

const paramsOf = (version: number) =>
  fc
    .record({
      universeSize: fc.integer({ min: 1, max: 60 }),
      orderOffsetBps: decIn(0, 60, 1),
      turnoverCapTry: decIn(0, 1200, 2),
      maxOrdersPerCycle: fc.integer({ min: 0, max: 25 }),
      maxSpreadBps: decIn(0, 600, 0),
      minQuoteVolumeTry: decIn(0, 500, 0),
      inBounds: fc.boolean(),
    })
    .map(({ inBounds, ...p }) => {
      const raw: Stage7Params = aParams({ ...p, version, updatedAtMs: T0 - version * 60_000 });
      return inBounds ? boundParams(raw, adaptationSettings) : raw;
    });

// each flag set with probability p %
const flagSet = <F extends string>(names: readonly F[], p: number) =>
  fc
    .array(fc.integer({ min: 0, max: 99 }), { minLength: names.length, maxLength: names.length })
    .map((rolls) => Object.fromEntries(names.map((n, k) => [n, (rolls[k] ?? 100) < p])) as Record<F, boolean>);

const row = (activeVersion: number) =>
  fc.record({
    paramVersion: fc.constantFrom(activeVersion, activeVersion, activeVersion + 1, Math.max(1, activeVersion - 1)),
    modeFinal: fc.constantFrom<Mode>('NORMAL', 'NORMAL', 'NORMAL', 'REDUCE_RISK_ONLY', 'OBSERVE_ONLY'),
    alertFlags: flagSet(ALERT_FLAGS, 25),
    qualityFlags: flagSet(QUALITY_FLAGS, 25),
    netPnlTry: decIn(-100, 100, 2),
    maxDrawdownRatio: decIn(0, 1, 3),
    omsRejectedCount: fc.nat(5),
    omsThrottledCount: fc.nat(5),
  });

const input: fc.Arbitrary<AdaptationInput> = fc
  .record({ versions: fc.integer({ min: 1, max: 6 }), activeAt: fc.nat(), rowCount: fc.nat(7) })
  .chain(({ versions, activeAt, rowCount }) => {
    const activeVersion = (activeAt % versions) + 1;
    return fc.record({
      checkpoints: fc.tuple(
        ...Array.from({ length: versions }, (_, i) =>
          fc.record({ params: paramsOf(i + 1), isGood: fc.boolean(), tsMs: fc.constant(T0 - (i + 1) * 60_000) }),
        ),
      ),
      hasOwnCheckpoint: fc.boolean(),
      rows: fc.array(row(activeVersion), { minLength: rowCount, maxLength: rowCount }),
      nowMs: fc.integer({ min: T0, max: T0 + 10 * 365 * 86_400_000 }),
      activeVersion: fc.constant(activeVersion),
    });
  })
  .map(({ checkpoints, hasOwnCheckpoint, rows, nowMs, activeVersion }) => {
    const own = checkpoints[activeVersion - 1];
    if (own === undefined) throw new Error('no checkpoint for the active version');
    return {
      active: own.params,
      checkpoints: hasOwnCheckpoint ? checkpoints : checkpoints.filter((c) => c.params.version !== activeVersion),
      rows: rows.map((r, i): AdaptationMetricsRow => ({ ...r, cycleId: `c${i}`, tsMs: T0 - i * 60_000 })),
      nowMs,
    };
  });

const evaluate = (i: AdaptationInput) => evaluateAndApply(i, adaptationSettings);
const encode = (x: unknown) => canonicalJson(x as CanonicalValue);

describe('adaptation invariants', () => {
  it('never makes more than 3 proposals', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = evaluate(i);
        const notes = r.writes.change?.notes ?? [];
        return r.kind === 'ROLLED_BACK'
          ? notes.every((n) => (ROLLBACK_TRIGGERS as readonly string[]).includes(n))
          : notes.length <= MAX_PROPOSALS;
      }),
      { numRuns: 400 },
    );
  });

  it('a rollback activates a good checkpoint of another version, and marks the active one bad', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = evaluate(i);
        if (r.kind !== 'ROLLED_BACK' && r.kind !== 'ROLLBACK_UNAVAILABLE') return true;
        const marked = r.writes.checkpoints;
        expect(marked).toHaveLength(1);
        expect(marked[0]?.isGood).toBe(false);
        expect(marked[0]?.params.version).toBe(i.active.version);
        if (r.kind === 'ROLLBACK_UNAVAILABLE') {
          expect(i.checkpoints.some((c) => c.isGood && c.params.version !== i.active.version)).toBe(false);
          return r.writes.activeParams === undefined && r.writes.change === undefined;
        }
        const target = r.writes.activeParams;
        const source = i.checkpoints.find((c) => c.params === target);
        expect(target?.version).not.toBe(i.active.version);
        expect(source?.isGood).toBe(true);
        // the newest good one
        const newestGood = Math.max(
          ...i.checkpoints
            .filter((c) => c.isGood && c.params.version !== i.active.version)
            .map((c) => c.params.version),
        );
        return target?.version === newestGood && r.writes.change?.outcome === 'ROLLED_BACK';
      }),
      { numRuns: 400 },
    );
  });

  it('an applied change is within bounds, under a version above every known one, checkpointed as good', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = evaluate(i);
        if (r.kind !== 'APPLIED') return r.kind === 'REJECTED' ? r.writes.activeParams === undefined : true;
        const next = r.writes.activeParams as Stage7Params;
        const known = Math.max(i.active.version, ...i.checkpoints.map((c) => c.params.version));
        expect(encode(paramsRecord(boundParams(next, adaptationSettings)))).toBe(encode(paramsRecord(next)));
        expect(next.version).toBe(known + 1);
        expect(r.writes.checkpoints).toEqual([{ params: next, isGood: true, tsMs: i.nowMs }]);
        return Object.keys(r.writes.change?.diff ?? {}).length > 0;
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic: the same inputs give byte-identical writes and the change id of its params', () => {
    fc.assert(
      fc.property(input, (i) => {
        const a = evaluate(i);
        const b = evaluate({ ...i, rows: [...i.rows], checkpoints: [...i.checkpoints] });
        expect(encode(a)).toBe(encode(b));
        const change = a.writes.change;
        if (change === undefined) return true;
        expect(change.changeId).toMatch(/^s7chg:\d{14}:\d+->\d+:[0-9a-f]{10}$/);
        const params = a.writes.activeParams;
        return (
          params === undefined ||
          change.changeId === changeId(i.nowMs, change.fromVersion, change.toVersion, params, i.rows[0]?.cycleId ?? '')
        );
      }),
      { numRuns: 300 },
    );
  });
});

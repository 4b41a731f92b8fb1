import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import {
  clearFreeze,
  evaluateFreeze,
  type FreezeObservation,
  type FreezeSettings,
  type FreezeState,
  INITIAL_FREEZE_STATE,
  isFrozen,
  MAX_FREEZE_DETAILS,
} from '../../../../shared/domain/oms/unknown-order-freeze';

const T0 = 1_700_000_000_000;
const settings: FreezeSettings = {
  STAGE4_UNKNOWN_FREEZE_ENABLED: true,
  STAGE4_UNKNOWN_FREEZE_THRESHOLD: 2,
  STAGE4_UNKNOWN_FREEZE_PERSIST_CYCLES: 3,
  STAGE4_UNKNOWN_FREEZE_PERSIST_SECONDS: 30,
};
const quiet = (nowMs = T0): FreezeObservation => ({
  nowMs,
  ordersWithoutClientId: [],
  importedExternal: [],
  mismatches: [],
});
const run = (observations: readonly FreezeObservation[], s = settings, from: FreezeState = INITIAL_FREEZE_STATE) =>
  observations.reduce((state, o) => evaluateFreeze(state, o, s).state, from);

describe('evaluateFreeze triggers (spec 3.7)', () => {
  it('freezes on an exchange open order without a client id', () => {
    const r = evaluateFreeze(INITIAL_FREEZE_STATE, { ...quiet(), ordersWithoutClientId: ['9001'] }, settings);
    expect(r.activated).toBe(true);
    expect(r.state.active).toEqual({
      reason: 'order_without_client_id',
      sinceMs: T0,
      details: ['order_without_client_id:9001'],
    });
  });

  it('freezes when imported external orders reach the threshold, not below it', () => {
    const one = evaluateFreeze(INITIAL_FREEZE_STATE, { ...quiet(), importedExternal: ['ext-1'] }, settings);
    expect(isFrozen(one.state)).toBe(false);
    const two = evaluateFreeze(INITIAL_FREEZE_STATE, { ...quiet(), importedExternal: ['ext-1', 'ext-2'] }, settings);
    expect(two.state.active?.reason).toBe('imported_external_orders');
    expect(two.state.active?.details).toEqual(['imported_external:ext-1', 'imported_external:ext-2']);
  });

  it('freezes on a mismatch seen PERSIST_CYCLES cycles in a row, tracking the streak in the state', () => {
    const seen = (i: number) => ({ ...quiet(T0 + i * 5_000), mismatches: ['c-1'] });
    const twice = run([seen(0), seen(1)]);
    expect(isFrozen(twice)).toBe(false);
    expect(twice.mismatches.get('c-1')).toEqual({ firstSeenMs: T0, cycles: 2 });
    const r = evaluateFreeze(twice, seen(2), settings);
    expect(r.activated).toBe(true);
    expect(r.state.active).toEqual({
      reason: 'mismatch_persisted',
      sinceMs: T0 + 10_000,
      details: ['mismatch:c-1:cycles=3:seconds=10'],
    });
  });

  it('freezes on a mismatch persisting PERSIST_SECONDS, even in its second cycle', () => {
    const state = run([{ ...quiet(T0), mismatches: ['c-1'] }]);
    expect(isFrozen(evaluateFreeze(state, { ...quiet(T0 + 29_999), mismatches: ['c-1'] }, settings).state)).toBe(false);
    expect(evaluateFreeze(state, { ...quiet(T0 + 30_000), mismatches: ['c-1'] }, settings).state.active?.reason).toBe(
      'mismatch_persisted',
    );
  });

  it('a cycle without the mismatch breaks its streak; another mismatch does not continue it', () => {
    const state = run([
      { ...quiet(T0), mismatches: ['c-1'] },
      { ...quiet(T0 + 1_000), mismatches: ['c-1'] },
      { ...quiet(T0 + 2_000), mismatches: ['c-2'] },
      { ...quiet(T0 + 3_000), mismatches: ['c-1'] },
    ]);
    expect(isFrozen(state)).toBe(false);
    expect([...state.mismatches]).toEqual([['c-1', { firstSeenMs: T0 + 3_000, cycles: 1 }]]);
  });

  it('names the first trigger in the spec order and lists every detail, capped for the document', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `${1000 + i}`);
    const r = evaluateFreeze(
      INITIAL_FREEZE_STATE,
      { ...quiet(), ordersWithoutClientId: ids, importedExternal: ['a', 'b'] },
      settings,
    );
    expect(r.state.active?.reason).toBe('order_without_client_id');
    expect(r.state.active?.details).toHaveLength(MAX_FREEZE_DETAILS);
    expect(r.state.active?.details.at(-1)).toBe('+13 more');
  });

  it('disabled: nothing freezes, the streaks are still tracked', () => {
    const off = { ...settings, STAGE4_UNKNOWN_FREEZE_ENABLED: false };
    const state = run(
      Array.from({ length: 5 }, (_, i) => ({
        ...quiet(T0 + i * 60_000),
        ordersWithoutClientId: ['1'],
        mismatches: ['c'],
      })),
      off,
    );
    expect(isFrozen(state)).toBe(false);
    expect(state.mismatches.get('c')?.cycles).toBe(5);
  });

  it('refuses an observation that cannot be', () => {
    expect(() => evaluateFreeze(INITIAL_FREEZE_STATE, { ...quiet(), nowMs: -1 }, settings)).toThrow(ValidationError);
    expect(() => evaluateFreeze(INITIAL_FREEZE_STATE, { ...quiet(), mismatches: [''] }, settings)).toThrow(
      /mismatches: expected non-empty ids/,
    );
  });
});

describe('the freeze holds until the operator clears it', () => {
  const frozen = evaluateFreeze(INITIAL_FREEZE_STATE, { ...quiet(), ordersWithoutClientId: ['1'] }, settings).state;

  const observation = fc.record({
    nowMs: fc.integer({ min: T0, max: T0 + 86_400_000 }),
    ordersWithoutClientId: fc.array(fc.constantFrom('1', '2'), { maxLength: 2 }),
    importedExternal: fc.array(fc.constantFrom('e1', 'e2', 'e3'), { maxLength: 3 }),
    mismatches: fc.array(fc.constantFrom('c1', 'c2'), { maxLength: 2 }),
  });
  const anySettings = fc.record({
    STAGE4_UNKNOWN_FREEZE_ENABLED: fc.boolean(),
    STAGE4_UNKNOWN_FREEZE_THRESHOLD: fc.integer({ min: 1, max: 4 }),
    STAGE4_UNKNOWN_FREEZE_PERSIST_CYCLES: fc.integer({ min: 1, max: 4 }),
    STAGE4_UNKNOWN_FREEZE_PERSIST_SECONDS: fc.integer({ min: 0, max: 120 }),
  });

  it('no sequence of observations (under any settings) deactivates it or changes why it froze', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 20 }), anySettings, (observations, s) => {
        const after = run(observations, s, frozen);
        expect(after.active).toBe(frozen.active);
      }),
    );
  });

  it('clearFreeze lifts it and records who cleared which freeze', () => {
    const cleared = clearFreeze(frozen, 'alice', 'fixed', T0 + 5_000);
    expect(cleared.active).toBeUndefined();
    expect(cleared.lastClear).toEqual({
      operator: 'alice',
      atMs: T0 + 5_000,
      reason: 'order_without_client_id',
      note: 'fixed',
    });
    expect(isFrozen(evaluateFreeze(cleared, quiet(T0 + 6_000), settings).state)).toBe(false);
  });

  it('clearing keeps the streaks: a mismatch still there freezes again on the next cycle', () => {
    const persisted = run(Array.from({ length: 3 }, (_, i) => ({ ...quiet(T0 + i * 1_000), mismatches: ['c-1'] })));
    const cleared = clearFreeze(persisted, 'alice', 'fixed', T0 + 3_000);
    const next = evaluateFreeze(cleared, { ...quiet(T0 + 4_000), mismatches: ['c-1'] }, settings);
    expect(next.activated).toBe(true);
  });

  it('clearing what is not frozen changes nothing (the same object: nothing to write)', () => {
    expect(clearFreeze(INITIAL_FREEZE_STATE, 'alice', 'fixed', T0)).toBe(INITIAL_FREEZE_STATE);
  });

  it('refuses a clear without an operator, without a note or with a time that is no epoch ms', () => {
    expect(() => clearFreeze(frozen, ' ', 'fixed', T0)).toThrow(/operator: expected who clears/);
    expect(() => clearFreeze(frozen, 'alice', ' ', T0)).toThrow(/note: expected why the freeze may lift/);
    expect(() => clearFreeze(frozen, 'alice', 'fixed', Number.NaN)).toThrow(ValidationError);
  });
});

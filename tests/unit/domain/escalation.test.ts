// Unknown-order escalation rules (spec 9.1.5): per-symbol consecutive failures -> observe-only; enough
// observe-only symbols or one exhausted reconcile -> stored kill switch; a settle lifts the symbol; only
// the operator clears the stored kill switch.
import { describe, expect, it } from 'vitest';
import {
  clearKillSwitch,
  clearSymbol,
  EMPTY_OP_STATE,
  type EscalationThresholds,
  escalationThresholdsOf,
  isObserveOnly,
  killSwitchOn,
  type OpState,
  observeOnlySymbols,
  recordExhausted,
  recordReconcile,
} from '../../../shared/domain/escalation';

const T: EscalationThresholds = { symbolAfter: 3, killSwitchSymbols: 2 };
const fail = (s: OpState, symbol: string, nowMs = 1_000, coid?: string) =>
  recordReconcile(s, symbol, false, nowMs, T, coid);
const failTimes = (s: OpState, symbol: string, n: number, nowMs = 1_000) =>
  Array.from({ length: n }).reduce<OpState>((acc) => fail(acc, symbol, nowMs), s);

describe('recordReconcile', () => {
  it('counts consecutive failures and makes the symbol observe-only at the threshold (3)', () => {
    const two = failTimes(EMPTY_OP_STATE, 'BTCTRY', 2);
    expect(two.symbols.BTCTRY).toEqual({ consecutiveFailures: 2 });
    expect(isObserveOnly(two, 'BTCTRY')).toBe(false);
    const three = fail(two, 'BTCTRY', 5_000, 'bb3-x');
    expect(three.symbols.BTCTRY).toEqual({
      consecutiveFailures: 3,
      observeOnlySinceMs: 5_000,
      lastClientOrderId: 'bb3-x',
    });
    expect(observeOnlySymbols(three)).toEqual(['BTCTRY']);
    expect(killSwitchOn(three)).toBe(false);
  });

  it('keeps the time the symbol first became observe-only', () => {
    const s = fail(failTimes(EMPTY_OP_STATE, 'BTCTRY', 3, 5_000), 'BTCTRY', 9_000);
    expect(s.symbols.BTCTRY).toMatchObject({ consecutiveFailures: 4, observeOnlySinceMs: 5_000 });
  });

  it('a settle resets the count and lifts observe-only', () => {
    const observeOnly = failTimes(EMPTY_OP_STATE, 'BTCTRY', 3);
    const settled = recordReconcile(observeOnly, 'BTCTRY', true, 2_000, T);
    expect(settled.symbols.BTCTRY).toBeUndefined();
    expect(observeOnlySymbols(settled)).toEqual([]);
    // the count starts again from zero: two failures are not enough
    expect(isObserveOnly(failTimes(settled, 'BTCTRY', 2), 'BTCTRY')).toBe(false);
  });

  it('a settle of a symbol with no record changes nothing (the same object: no write)', () => {
    const s = fail(EMPTY_OP_STATE, 'ETHTRY');
    expect(recordReconcile(s, 'BTCTRY', true, 1, T)).toBe(s);
  });

  it('failures of one symbol never count for another', () => {
    const s = failTimes(failTimes(EMPTY_OP_STATE, 'BTCTRY', 2), 'ETHTRY', 2);
    expect(observeOnlySymbols(s)).toEqual([]);
  });

  it('sets the stored kill switch when the observe-only symbols reach the global threshold (2)', () => {
    const one = failTimes(EMPTY_OP_STATE, 'BTCTRY', 3, 1_000);
    expect(killSwitchOn(one)).toBe(false);
    const two = failTimes(one, 'ETHTRY', 3, 7_000);
    expect(two.killSwitch).toEqual({
      on: true,
      reason: 'reconcile_failures:observe_only=BTCTRY,ETHTRY',
      sinceMs: 7_000,
    });
  });

  it('a settle lifts the symbol but never the stored kill switch', () => {
    const on = failTimes(failTimes(EMPTY_OP_STATE, 'BTCTRY', 3), 'ETHTRY', 3);
    const settled = recordReconcile(recordReconcile(on, 'BTCTRY', true, 9, T), 'ETHTRY', true, 9, T);
    expect(observeOnlySymbols(settled)).toEqual([]);
    expect(killSwitchOn(settled)).toBe(true);
  });

  it('with both thresholds at 1, the first failure makes the symbol observe-only and sets the kill switch', () => {
    const s = recordReconcile(EMPTY_OP_STATE, 'BTCTRY', false, 1, { symbolAfter: 1, killSwitchSymbols: 1 });
    expect(observeOnlySymbols(s)).toEqual(['BTCTRY']);
    expect(killSwitchOn(s)).toBe(true);
  });

  it('never mutates the state it is given', () => {
    const before = failTimes(EMPTY_OP_STATE, 'BTCTRY', 2);
    const copy = structuredClone(before);
    fail(before, 'BTCTRY');
    recordReconcile(before, 'BTCTRY', true, 1, T);
    expect(before).toEqual(copy);
  });
});

describe('recordExhausted', () => {
  it('makes the symbol observe-only at once and sets the stored kill switch naming the order', () => {
    const s = recordExhausted(EMPTY_OP_STATE, 'BTCTRY', 'bb3-BTCTRY-b-1', 4_000);
    expect(s.symbols.BTCTRY).toEqual({
      consecutiveFailures: 0,
      observeOnlySinceMs: 4_000,
      lastClientOrderId: 'bb3-BTCTRY-b-1',
    });
    expect(s.killSwitch).toEqual({ on: true, reason: 'reconcile_exhausted:bb3-BTCTRY-b-1:BTCTRY', sinceMs: 4_000 });
  });

  it('sets the kill switch even when the symbol is unknown', () => {
    const s = recordExhausted(EMPTY_OP_STATE, undefined, 'bb3-x', 4_000);
    expect(s.symbols).toEqual({});
    expect(s.killSwitch?.reason).toBe('reconcile_exhausted:bb3-x');
  });

  it('keeps the first reason and time of a kill switch already on', () => {
    const first = recordExhausted(EMPTY_OP_STATE, 'BTCTRY', 'bb3-a', 1_000);
    const second = recordExhausted(first, 'ETHTRY', 'bb3-b', 2_000);
    expect(second.killSwitch).toEqual(first.killSwitch);
    expect(observeOnlySymbols(second)).toEqual(['BTCTRY', 'ETHTRY']);
  });
});

describe('operator clears', () => {
  it('clearKillSwitch turns only the stored kill switch off', () => {
    const on = recordExhausted(EMPTY_OP_STATE, 'BTCTRY', 'bb3-a', 1_000);
    const cleared = clearKillSwitch(on);
    expect(killSwitchOn(cleared)).toBe(false);
    expect(cleared.killSwitch).toBeUndefined();
    expect(observeOnlySymbols(cleared)).toEqual(['BTCTRY']);
    expect(clearKillSwitch(cleared)).toBe(cleared);
  });

  it('clearSymbol removes one symbol and leaves the kill switch', () => {
    const on = recordExhausted(EMPTY_OP_STATE, 'BTCTRY', 'bb3-a', 1_000);
    const cleared = clearSymbol(on, 'BTCTRY');
    expect(cleared.symbols).toEqual({});
    expect(killSwitchOn(cleared)).toBe(true);
    expect(clearSymbol(cleared, 'BTCTRY')).toBe(cleared);
  });
});

describe('escalationThresholdsOf', () => {
  it('reads the two knobs', () => {
    expect(
      escalationThresholdsOf({ RECONCILE_ESCALATE_SYMBOL_AFTER: 3, RECONCILE_ESCALATE_KILL_SWITCH_SYMBOLS: 2 }),
    ).toEqual({ symbolAfter: 3, killSwitchSymbols: 2 });
  });
});

// Stage 7 adaptation (spec 4.16): the spec's example, rollback to the last good checkpoint, each trigger and
// proposal, the apply conditions, the change id, the refusals and determinism
import { describe, expect, it } from 'vitest';
import { evaluateAndApply } from '../../../../shared/domain/adaptation/adaptation';
import {
  type AdaptationInput,
  type AdaptationResult,
  changeId,
  type ParamChange,
} from '../../../../shared/domain/adaptation/adaptation-model';
import { paramsRecord, type Stage7Params } from '../../../../shared/domain/adaptation/stage7-params';
import { ValidationError } from '../../../../shared/domain/errors';
import { type CanonicalValue, canonicalJson, hashCanonical } from '../../../../shared/domain/hashing';
import { dec } from '../../../../shared/domain/money';
import { aCheckpoint, adaptationSettings, aParams, healthy, rowsOf, T0 } from './adaptation-builders';

const NOW = Date.UTC(2024, 0, 1, 0, 1, 0);
const run = (input: Partial<AdaptationInput> & Pick<AdaptationInput, 'rows'>): AdaptationResult => {
  const active = input.active ?? aParams();
  return evaluateAndApply(
    { active, checkpoints: input.checkpoints ?? [aCheckpoint(active)], nowMs: input.nowMs ?? NOW, rows: input.rows },
    adaptationSettings,
  );
};
const changeOf = (r: AdaptationResult): ParamChange => {
  if (!r.writes.change) throw new Error(`expected a change row, got ${r.kind}`);
  return r.writes.change;
};
const activated = (r: AdaptationResult): Stage7Params => {
  if (!r.writes.activeParams) throw new Error(`expected an activation, got ${r.kind}`);
  return r.writes.activeParams;
};

describe('the spec example (4.16)', () => {
  it('active universe 20, turnover 900, cap 1000, three healthy rows -> universe 21, turnover 945.00', () => {
    const r = run({ rows: healthy(3) });
    expect(r.kind).toBe('APPLIED');
    const next = activated(r);
    expect(next.universeSize).toBe(21);
    expect(next.turnoverCapTry.toFixed(2)).toBe('945.00');
    expect([next.version, next.updatedAtMs]).toEqual([2, NOW]);
    const change = changeOf(r);
    expect(change.diff).toEqual({
      universe_size: { old: 20, new: 21 },
      turnover_cap_try: { old: '900', new: '945' },
    });
    expect([change.outcome, change.reason, change.fromVersion, change.toVersion]).toEqual([
      'APPLIED',
      'healthy_window_expand_small',
      1,
      2,
    ]);
    expect(change.notes).toEqual(['healthy_window_expand_small']);
    // the new version is checkpointed as good in the same writes
    expect(r.writes.checkpoints).toEqual([{ params: next, isGood: true, tsMs: NOW }]);
  });

  it('summarises the metrics window: cycles, average net PnL, max drawdown, rejects and throttles', () => {
    const rows = rowsOf([
      { netPnlTry: '10', maxDrawdownRatio: '0.01', rejected: 1 },
      { netPnlTry: '-4', maxDrawdownRatio: '0.03', throttled: 0 },
      { netPnlTry: '0', maxDrawdownRatio: '0.02', rejected: 2 },
    ]);
    const w = changeOf(run({ rows })).metricsWindow;
    expect([
      w.cycles,
      w.avgNetPnlTry.toFixed(),
      w.maxDrawdownRatio.toFixed(),
      w.rejectsTotal,
      w.throttledTotal,
    ]).toEqual([3, '2', '0.03', 3, 0]);
  });

  it('caps the expanded turnover at NOTIONAL_CAP_TRY_PER_CYCLE', () => {
    const active = aParams({ turnoverCapTry: dec('980') });
    expect(activated(run({ active, rows: healthy(3) })).turnoverCapTry.toFixed()).toBe('1000');
  });

  it('needs three rows for a healthy window: with two nothing is proposed and nothing applied', () => {
    const r = run({ rows: healthy(2) });
    expect(r.kind).toBe('REJECTED');
    expect(changeOf(r)).toMatchObject({ outcome: 'REJECTED', reason: 'no_bounded_change', diff: {}, notes: [] });
    expect(changeOf(r).toVersion).toBe(1);
    expect(r.writes.activeParams).toBeUndefined();
  });

  it('does nothing without run metrics', () => {
    expect(run({ rows: [] })).toEqual({ kind: 'NO_METRICS', writes: { checkpoints: [] } });
  });
});

describe('rollback (4.16 step 1)', () => {
  const v1 = aParams({ version: 1, universeSize: 10 });
  const v2 = aParams({ version: 2, universeSize: 11, updatedAtMs: T0 - 3_600_000 });
  const v3 = aParams({ version: 3, universeSize: 12, updatedAtMs: T0 - 600_000 });

  it('on drawdown_breach activates the previous good checkpoint, marks the active one bad: ROLLED_BACK', () => {
    const rows = rowsOf([{}, {}, {}, { alerts: ['drawdown_breach'] }], 3);
    const r = run({ active: v3, rows, checkpoints: [aCheckpoint(v1), aCheckpoint(v2), aCheckpoint(v3)] });
    expect(r.kind).toBe('ROLLED_BACK');
    expect(activated(r)).toBe(v2);
    expect(r.writes.checkpoints).toEqual([{ ...aCheckpoint(v3), isGood: false }]);
    const change = changeOf(r);
    expect([change.outcome, change.reason, change.fromVersion, change.toVersion]).toEqual([
      'ROLLED_BACK',
      'guardrail_breach_rollback',
      3,
      2,
    ]);
    expect(change.notes).toEqual(['drawdown_breach']);
    expect(change.diff).toEqual({ universe_size: { old: 12, new: 11 } });
    expect(change.changeId).toBe(changeId(NOW, 3, 2, v2, rows[0]?.cycleId ?? ''));
  });

  it('passes over bad checkpoints to the newest good one', () => {
    const rows = rowsOf([{ alerts: ['reject_spike'] }], 3);
    const r = run({ active: v3, rows, checkpoints: [aCheckpoint(v1), aCheckpoint(v2, false), aCheckpoint(v3)] });
    expect(activated(r)).toBe(v1);
  });

  it('with no good checkpoint takes no action: only the active version is marked bad', () => {
    const rows = rowsOf([{ alerts: ['drawdown_breach'] }], 3);
    const r = run({ active: v3, rows, checkpoints: [aCheckpoint(v1, false), aCheckpoint(v3)] });
    expect(r).toEqual({
      kind: 'ROLLBACK_UNAVAILABLE',
      triggers: ['drawdown_breach'],
      writes: { checkpoints: [{ ...aCheckpoint(v3), isGood: false }] },
    });
  });

  it('never returns to the active version even when its own checkpoint is the only good one', () => {
    const rows = rowsOf([{ alerts: ['drawdown_breach'] }], 1);
    const r = run({ active: v1, rows, checkpoints: [aCheckpoint(v1)] });
    expect(r.kind).toBe('ROLLBACK_UNAVAILABLE');
  });

  it('writes a bad checkpoint from the active params when its checkpoint is missing', () => {
    const rows = rowsOf([{ alerts: ['drawdown_breach'] }], 3);
    const r = run({ active: v3, rows, checkpoints: [aCheckpoint(v2)] });
    expect(activated(r)).toBe(v2);
    expect(r.writes.checkpoints).toEqual([{ params: v3, isGood: false, tsMs: NOW }]);
  });

  const triggers = (rows: ReturnType<typeof rowsOf>) => {
    const r = run({ active: v2, rows, checkpoints: [aCheckpoint(v1), aCheckpoint(v2)] });
    return r.kind === 'ROLLED_BACK' || r.kind === 'ROLLBACK_UNAVAILABLE' ? r.triggers : [];
  };

  it('triggers on reject_spike in any of the 5 rows', () => {
    expect(triggers(rowsOf([{}, {}, {}, {}, { alerts: ['reject_spike'] }], 2))).toEqual(['reject_spike']);
  });

  it('triggers on throttled only when the 3 newest rows all are', () => {
    const t = { alerts: ['throttled' as const] };
    expect(triggers(rowsOf([t, t, t], 2))).toEqual(['throttled_persistent']);
    expect(triggers(rowsOf([t, t, {}, t], 2))).toEqual([]);
    expect(triggers(rowsOf([t, t], 2))).toEqual([]);
  });

  it('triggers when the 3 newest rows all have net PnL below -50 (not at -50)', () => {
    const loss = { netPnlTry: '-50.01' };
    expect(triggers(rowsOf([loss, loss, loss], 2))).toEqual(['pnl_floor']);
    expect(triggers(rowsOf([loss, loss, { netPnlTry: '-50' }], 2))).toEqual([]);
  });

  it('reads only the newest 5 rows', () => {
    expect(triggers(rowsOf([{}, {}, {}, {}, {}, { alerts: ['drawdown_breach'] }], 2))).toEqual([]);
  });

  it('counts only rows of cycles that ran under the active version (no cascade of rollbacks)', () => {
    // the breach happened under v3; v2 was activated by that rollback and has not breached since
    const rows = rowsOf([{ paramVersion: 2 }, { paramVersion: 3, alerts: ['drawdown_breach'] }]);
    expect(triggers(rows)).toEqual([]);
    const r = run({ active: v2, rows, checkpoints: [aCheckpoint(v1), aCheckpoint(v2), aCheckpoint(v3, false)] });
    expect(r.kind).toBe('REJECTED');
  });
});

describe('proposals and apply conditions (4.16 steps 2 and 4)', () => {
  it('reduces the turnover 5 % when the newest drawdown ratio reaches 0.8 x STAGE7_MAX_DRAWDOWN_PCT, and applies it', () => {
    const r = run({ rows: rowsOf([{ maxDrawdownRatio: '0.2' }]) });
    expect(r.kind).toBe('APPLIED');
    expect(changeOf(r).reason).toBe('high_drawdown_reduce_turnover');
    expect(activated(r).turnoverCapTry.toFixed(2)).toBe('855.00');
    expect(run({ rows: rowsOf([{ maxDrawdownRatio: '0.1999' }]) }).kind).toBe('REJECTED');
  });

  it('rounds a reduced turnover down to the kurus: 999.99 x 0.95 = 949.9905 -> 949.99', () => {
    const r = run({ active: aParams({ turnoverCapTry: dec('999.99') }), rows: rowsOf([{ maxDrawdownRatio: '0.3' }]) });
    // 0.3 >= 0.25 is also a drawdown_breach in a real row; this row carries no alert flag
    expect(activated(r).turnoverCapTry.toFixed()).toBe('949.99');
  });

  it('tightens filters on missing_mark_price: spread - 10 (min 10), min volume + 100, and applies it', () => {
    const r = run({
      active: aParams({ maxSpreadBps: dec('15') }),
      rows: rowsOf([{ quality: ['missing_mark_price'] }]),
    });
    expect(changeOf(r).diff).toEqual({
      max_spread_bps: { old: '15', new: '10' },
      min_quote_volume_try: { old: '0', new: '100' },
    });
    expect(changeOf(r).reason).toBe('low_liquidity_tighten_filters');
    expect(r.kind).toBe('APPLIED');
  });

  it('proposes fewer orders when throttled but does not apply it (recent breach flag)', () => {
    const r = run({ rows: rowsOf([{ alerts: ['throttled'] }]) });
    expect(r.kind).toBe('REJECTED');
    const change = changeOf(r);
    expect([change.reason, change.notes]).toEqual(['recent_breach_flags', ['throttled_reduce_order_count']]);
    expect(change.diff).toEqual({ max_orders_per_cycle: { old: 2, new: 1 } });
    expect(change.toVersion).toBe(2);
  });

  it('proposes a smaller offset on reject_spike (seen under another version, so no rollback), not applied', () => {
    const r = run({ rows: rowsOf([{ alerts: ['reject_spike'], paramVersion: 9 }]) });
    expect(changeOf(r)).toMatchObject({
      reason: 'recent_breach_flags',
      notes: ['reject_spike_reduce_offset'],
      diff: { order_offset_bps: { old: '5', new: '3' } },
    });
  });

  it('makes at most 3 proposals, in the spec order', () => {
    const rows = rowsOf([
      {
        alerts: ['reject_spike', 'throttled'],
        quality: ['missing_mark_price'],
        maxDrawdownRatio: '0.21',
        paramVersion: 9,
      },
    ]);
    const change = changeOf(run({ rows }));
    expect(change.notes).toEqual([
      'reject_spike_reduce_offset',
      'throttled_reduce_order_count',
      'high_drawdown_reduce_turnover',
    ]);
    expect(Object.keys(change.diff)).toEqual(['order_offset_bps', 'turnover_cap_try', 'max_orders_per_cycle']);
  });

  it('does not apply when the newest cycle was not NORMAL', () => {
    const rows = rowsOf([{ modeFinal: 'REDUCE_RISK_ONLY' }, {}, {}]);
    expect(changeOf(run({ rows }))).toMatchObject({ outcome: 'REJECTED', reason: 'mode_not_normal' });
  });

  it('does not expand when an older row of the healthy window has an alert', () => {
    const rows = rowsOf([{}, {}, { alerts: ['retry_excess'] }]);
    expect(changeOf(run({ rows }))).toMatchObject({ outcome: 'REJECTED', reason: 'no_bounded_change' });
  });

  it('labels an apply that only brings out-of-bounds active params back within bounds heuristic_update', () => {
    const r = run({ active: aParams({ maxSpreadBps: dec('900') }), rows: rowsOf([{}]) });
    expect(changeOf(r)).toMatchObject({
      outcome: 'APPLIED',
      reason: 'heuristic_update',
      diff: { max_spread_bps: { old: '900', new: '500' } },
    });
  });

  it('numbers a new version above every checkpoint, so a rolled-back version number is never reused', () => {
    const v1 = aParams({ version: 1 });
    const v2 = aParams({ version: 2, universeSize: 19 });
    const v3bad = aParams({ version: 3, universeSize: 25 });
    const r = run({
      active: v2,
      rows: healthy(3, 2),
      checkpoints: [aCheckpoint(v1), aCheckpoint(v2), aCheckpoint(v3bad, false)],
    });
    expect([activated(r).version, changeOf(r).fromVersion, changeOf(r).toVersion]).toEqual([4, 2, 4]);
  });
});

describe('change id (4.16 step 5)', () => {
  it('is s7chg:{YYYYmmddHHMMSS UTC}:{from}->{to}: + sha256(canonical params and the cycle id)[:10]', () => {
    const rows = healthy(3);
    const r = run({ rows, nowMs: Date.UTC(2024, 2, 5, 7, 8, 9, 999) });
    const next = activated(r);
    const hash = hashCanonical({ ...paramsRecord(next), cycle_id: rows[0]?.cycleId ?? '' }).slice(0, 10);
    expect(changeOf(r).changeId).toBe(`s7chg:20240305070809:1->2:${hash}`);
    expect(changeOf(r).changeId).toMatch(/^s7chg:\d{14}:1->2:[0-9a-f]{10}$/);
  });

  it('differs when the params differ', () => {
    const a = changeId(NOW, 1, 2, aParams(), 'c1');
    expect(changeId(NOW, 1, 2, aParams({ universeSize: 21 }), 'c1')).not.toBe(a);
    expect(changeId(NOW, 1, 2, aParams(), 'c1')).toBe(a);
  });

  it('differs per cycle: two cycles at the same millisecond refusing the same params get two ids', () => {
    const a = changeId(NOW, 1, 1, aParams(), 'c1');
    const b = changeId(NOW, 1, 1, aParams(), 'c2');
    expect(b).not.toBe(a);
    expect(b).toMatch(/^s7chg:\d{14}:1->1:[0-9a-f]{10}$/);
  });
});

describe('refusals', () => {
  it('refuses a negative nowMs and one past year 9999', () => {
    expect(() => run({ rows: healthy(1), nowMs: -1 })).toThrow(/nowMs/);
    expect(() => run({ rows: healthy(1), nowMs: 253_402_300_800_000 })).toThrow(ValidationError);
  });

  it('refuses rows that are not newest first', () => {
    expect(() => run({ rows: [...healthy(3)].reverse() })).toThrow(/rows\[1\]\.tsMs: expected rows newest first/);
  });

  it('refuses two checkpoints of one version', () => {
    const p = aParams();
    expect(() => run({ rows: healthy(1), checkpoints: [aCheckpoint(p), aCheckpoint(p, false)] })).toThrow(
      /checkpoints\[1\]\.version/,
    );
  });

  it('refuses unusable active or checkpoint params, naming where', () => {
    expect(() => run({ rows: healthy(1), active: aParams({ universeSize: 1.5 }) })).toThrow(/active\.universeSize/);
    expect(() =>
      run({ rows: healthy(1), checkpoints: [aCheckpoint(aParams({ version: 2, maxOrdersPerCycle: 0.5 }))] }),
    ).toThrow(/checkpoints\[0\]\.params\.maxOrdersPerCycle/);
  });

  it('refuses a non-finite net PnL in a row', () => {
    const rows = healthy(1).map((r) => ({ ...r, netPnlTry: dec('1').div(0) }));
    expect(() => run({ rows })).toThrow(/rows\[0\]/);
  });
});

describe('determinism', () => {
  it('gives byte-identical results for the same inputs', () => {
    const encode = (r: AdaptationResult) => canonicalJson(r as unknown as CanonicalValue);
    const rows = rowsOf([{ quality: ['missing_mark_price'], netPnlTry: '3.3' }, {}, { netPnlTry: '-1.1' }]);
    expect(encode(run({ rows }))).toBe(
      encode(run({ rows: rowsOf([{ quality: ['missing_mark_price'], netPnlTry: '3.3' }, {}, { netPnlTry: '-1.1' }]) })),
    );
  });
});

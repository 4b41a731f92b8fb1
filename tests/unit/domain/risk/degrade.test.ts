import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { toPlain } from '../../../../shared/domain/money';
import type { AnomalyCode, AnomalyEvent, AnomalySeverity } from '../../../../shared/domain/risk/anomalies';
import {
  DEGRADE_POLICIES,
  type DegradeDecision,
  type DegradeInputs,
  type DegradeSettings,
  type DegradeState,
  decideDegrade,
  INITIAL_DEGRADE_STATE,
  REQUIRED_STABILITY_STREAK,
} from '../../../../shared/domain/risk/degrade';
import { MODES, modeSeverity } from '../../../../shared/domain/risk/mode';

const T0 = 1_700_000_000_000;
const SETTINGS: DegradeSettings = {
  DEGRADE_WARN_WINDOW_CYCLES: 10,
  DEGRADE_WARN_THRESHOLD: 3,
  DEGRADE_WARN_CODES_CSV: ['STALE_MARKET_DATA', 'ORDER_REJECT_SPIKE', 'PNL_DIVERGENCE'],
};
const event = (code: AnomalyCode, severity: AnomalySeverity = 'WARN'): AnomalyEvent => ({
  id: `c:${code}:${severity}`,
  cycleId: 'c',
  code,
  severity,
  detail: '',
});
const decide = (overrides: Partial<DegradeInputs> = {}, settings: Partial<DegradeSettings> = {}) =>
  decideDegrade(
    {
      nowMs: T0,
      anomalies: [],
      breakerOpen: false,
      freezeActive: false,
      baseMode: 'NORMAL',
      override: undefined,
      previous: INITIAL_DEGRADE_STATE,
      ...overrides,
    },
    { ...SETTINGS, ...settings },
  );
/** Runs one decision per step, each `stepMs` after the last, threading the state */
const sequence = (steps: Partial<DegradeInputs>[], from: DegradeState = INITIAL_DEGRADE_STATE, stepMs = 60_000) => {
  const out: DegradeDecision[] = [];
  let previous = from;
  steps.forEach((step, i) => {
    const d = decide({ nowMs: T0 + i * stepMs, previous, ...step });
    out.push(d);
    previous = d.state;
  });
  return out;
};
const atLevel = (level: 1 | 2 | 3, more: Partial<DegradeState> = {}): DegradeState => ({
  level,
  cooldownUntilMs: T0 - 1,
  reasons: ['STALE_MARKET_DATA'],
  stabilityStreak: 0,
  warnWindow: [],
  ...more,
});

describe('degrade level policy (spec 3.16)', () => {
  it('has the table of the spec', () => {
    expect(
      Object.values(DEGRADE_POLICIES).map((p) => [
        p.level,
        p.modeOverride,
        toPlain(p.buyShrinkFactor),
        p.universeCap,
        p.cooldownSeconds,
      ]),
    ).toEqual([
      [0, undefined, '1', undefined, 0],
      [1, 'REDUCE_RISK_ONLY', '0.5', 8, 900],
      [2, 'REDUCE_RISK_ONLY', '0.25', 4, 900],
      [3, 'OBSERVE_ONLY', '0', 2, 1800],
    ]);
  });
});

describe('decide_degrade (spec 3.16)', () => {
  it('stays at level 0 with nothing to report', () => {
    const d = decide();
    expect([d.level, d.mode, d.reasons, d.decisions]).toEqual([0, 'NORMAL', [], []]);
  });

  it('breaker open or freeze active gives level 3, whatever the previous state (9.1.3)', () => {
    const cooling = atLevel(1, { cooldownUntilMs: T0 + 500_000 });
    const both = decide({
      breakerOpen: true,
      freezeActive: true,
      previous: cooling,
      anomalies: [event('PNL_DIVERGENCE', 'ERROR')],
    });
    expect([both.level, both.mode, both.reasons]).toEqual([
      3,
      'OBSERVE_ONLY',
      ['PNL_DIVERGENCE', 'BREAKER_OPEN', 'STAGE4_FREEZE_ACTIVE'],
    ]);
    expect(both.state.cooldownUntilMs).toBe(T0 + 1_800_000);
    expect(decide({ freezeActive: true }).reasons).toEqual(['STAGE4_FREEZE_ACTIVE']);
    expect(decide({ breakerOpen: true }).decisions).toEqual([
      { layer: 'degrade', code: 'BREAKER_OPEN', action: 'DEGRADE', scope: 'global' },
    ]);
  });

  it('an ERROR anomaly gives level 3 with the sorted codes', () => {
    const d = decide({ anomalies: [event('PNL_DIVERGENCE', 'ERROR'), event('STALE_MARKET_DATA')] });
    expect([d.level, d.reasons, d.policy.universeCap]).toEqual([3, ['PNL_DIVERGENCE'], 2]);
  });

  it('counts allowed WARNs over the window: >= threshold level 1, >= twice it level 2', () => {
    const warn = { anomalies: [event('STALE_MARKET_DATA')] };
    const levels = sequence([warn, warn, warn, {}, warn, warn, warn]).map((d) => d.level);
    expect(levels).toEqual([0, 0, 1, 1, 1, 1, 2]);
    const mixed = sequence([{ anomalies: [event('ORDER_REJECT_SPIKE'), event('STALE_MARKET_DATA')] }, warn]);
    expect([mixed[1]?.level, mixed[1]?.reasons]).toEqual([1, ['ORDER_REJECT_SPIKE', 'STALE_MARKET_DATA']]);
  });

  it('forgets WARNs older than DEGRADE_WARN_WINDOW_CYCLES', () => {
    const warn = { anomalies: [event('STALE_MARKET_DATA')] };
    const levels = sequence([warn, warn, {}, warn], INITIAL_DEGRADE_STATE).map((d) => d.level);
    expect(levels).toEqual([0, 0, 0, 1]);
    const short = [warn, warn, {}, warn].reduce<DegradeState>(
      (previous, step) => decide({ previous, ...step }, { DEGRADE_WARN_WINDOW_CYCLES: 2 }).state,
      INITIAL_DEGRADE_STATE,
    );
    expect([short.level, short.warnWindow]).toEqual([0, [[], ['STALE_MARKET_DATA']]]);
  });

  it('counts only the allowed warn codes; an empty list allows every code', () => {
    const stall = { anomalies: [event('CURSOR_STALL')] };
    expect(sequence([stall, stall, stall]).map((d) => d.level)).toEqual([0, 0, 0]);
    const all = [stall, stall, stall].reduce<DegradeState>(
      (previous, step) => decide({ previous, ...step }, { DEGRADE_WARN_CODES_CSV: [] }).state,
      INITIAL_DEGRADE_STATE,
    );
    expect([all.level, all.reasons]).toEqual([1, ['CURSOR_STALL']]);
  });

  it('re-entering a level during its cooldown keeps the original cooldown_until (9.2.13)', () => {
    const warn = { anomalies: [event('STALE_MARKET_DATA')] };
    const run = sequence([warn, warn, warn, warn, warn]);
    const entered = run[2] as DegradeDecision;
    expect([entered.level, entered.state.cooldownUntilMs]).toEqual([1, T0 + 2 * 60_000 + 900_000]);
    // the reference moved it to now + 900 s on every re-entry, so it never expired while warnings persisted
    expect(run.slice(3).map((d) => [d.level, d.state.cooldownUntilMs])).toEqual([
      [1, T0 + 2 * 60_000 + 900_000],
      [1, T0 + 2 * 60_000 + 900_000],
    ]);
  });

  it('re-entering after the cooldown ran out starts a new one; escalating starts the higher level own', () => {
    const expired = atLevel(1, { cooldownUntilMs: T0 });
    const warns = { warnWindow: [['STALE_MARKET_DATA'], ['STALE_MARKET_DATA']] };
    const again = decide({ previous: { ...expired, ...warns }, anomalies: [event('STALE_MARKET_DATA')] });
    expect([again.level, again.state.cooldownUntilMs]).toEqual([1, T0 + 900_000]);
    const cooling = atLevel(1, { cooldownUntilMs: T0 + 100_000 });
    const escalated = decide({ previous: cooling, anomalies: [event('PNL_DIVERGENCE', 'ERROR')] });
    expect([escalated.level, escalated.state.cooldownUntilMs]).toEqual([3, T0 + 1_800_000]);
  });

  it('holds the level with its last reasons while the cooldown runs, without counting stability', () => {
    const cooling = atLevel(2, { cooldownUntilMs: T0 + 1, stabilityStreak: 3 });
    const d = decide({ previous: cooling });
    expect([d.level, d.reasons, d.state.stabilityStreak, d.state.cooldownUntilMs]).toEqual([
      2,
      ['STALE_MARKET_DATA'],
      3,
      T0 + 1,
    ]);
  });

  it('steps down one level after 8 stable decisions from level 1, after 4 from levels 2 and 3', () => {
    const fromOne = sequence(Array(8).fill({}), atLevel(1)).map((d) => d.level);
    expect(fromOne).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    const fromThree = sequence(Array(16).fill({}), atLevel(3)).map((d) => d.level);
    expect(fromThree).toEqual([3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(sequence([{}], atLevel(1, { stabilityStreak: 7 }))[0]?.reasons).toEqual([]);
  });

  it('a trigger below the current level neither re-enters nor resets the stability streak', () => {
    const warns = { warnWindow: [['STALE_MARKET_DATA'], ['STALE_MARKET_DATA']] };
    const d = decide({
      previous: atLevel(3, { ...warns, stabilityStreak: 3 }),
      anomalies: [event('STALE_MARKET_DATA')],
    });
    expect([d.level, d.state.stabilityStreak]).toEqual([2, 0]);
  });

  it('the operator override holds at least its level until it expires; NORMAL relaxes nothing', () => {
    const observe = decide({ override: { mode: 'OBSERVE_ONLY', untilMs: T0 + 1 } });
    expect([observe.level, observe.mode, observe.reasons]).toEqual([3, 'OBSERVE_ONLY', ['MANUAL_OVERRIDE']]);
    const reduce = decide({ override: { mode: 'REDUCE_RISK_ONLY', untilMs: T0 + 1 } });
    expect([reduce.level, reduce.mode]).toEqual([1, 'REDUCE_RISK_ONLY']);
    expect(decide({ override: { mode: 'OBSERVE_ONLY', untilMs: T0 } }).level).toBe(0);
    const normal = decide({ override: { mode: 'NORMAL', untilMs: T0 + 1 }, previous: atLevel(2) });
    expect([normal.level, normal.mode]).toEqual([2, 'REDUCE_RISK_ONLY']);
  });

  it('combines the base mode with the level, never relaxing it', () => {
    expect(decide({ baseMode: 'OBSERVE_ONLY' }).mode).toBe('OBSERVE_ONLY');
    expect(decide({ baseMode: 'OBSERVE_ONLY', previous: atLevel(1, { cooldownUntilMs: T0 + 1 }) }).mode).toBe(
      'OBSERVE_ONLY',
    );
    expect(decide({ baseMode: 'NORMAL', previous: atLevel(1, { cooldownUntilMs: T0 + 1 }) }).mode).toBe(
      'REDUCE_RISK_ONLY',
    );
  });

  it('refuses a stored state that cannot be', () => {
    expect(() => decide({ previous: atLevel(1, { stabilityStreak: -1 }) })).toThrow(ValidationError);
    expect(() => decide({ previous: { ...atLevel(1), level: 4 as 1 } })).toThrow(/previous.level/);
    expect(() => decide({ previous: atLevel(1, { cooldownUntilMs: Number.NaN }) })).toThrow(/cooldownUntilMs/);
    expect(() => decide({ nowMs: 1.5 })).toThrow(/nowMs/);
  });
});

describe('decide_degrade invariants (property)', () => {
  const codes: AnomalyCode[] = ['STALE_MARKET_DATA', 'ORDER_REJECT_SPIKE', 'CURSOR_STALL', 'PNL_DIVERGENCE'];
  const stepArb = fc.record({
    anomalies: fc
      .subarray(codes)
      .chain((picked) =>
        fc.tuple(
          ...picked.map((code) =>
            fc.constantFrom<AnomalySeverity>('WARN', 'WARN', 'WARN', 'ERROR').map((s) => event(code, s)),
          ),
        ),
      ),
    breakerOpen: fc.constantFrom(false, false, false, false, true),
    freezeActive: fc.constantFrom(false, false, false, false, true),
    baseMode: fc.constantFrom(...MODES),
    override: fc.option(
      fc.record({ mode: fc.constantFrom(...MODES), untilOffsetMs: fc.integer({ min: -600_000, max: 600_000 }) }),
      { nil: undefined, freq: 5 },
    ),
    advanceMs: fc.integer({ min: 0, max: 2_000_000 }),
  });

  it('never drops without the stability streak, at most one level at a time; cooldowns never move later on re-entry; breaker or freeze is level 3; the mode is never laxer than the base', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        (steps, threshold) => {
          let previous = INITIAL_DEGRADE_STATE;
          let nowMs = T0;
          for (const step of steps) {
            nowMs += step.advanceMs;
            const override = step.override && {
              mode: step.override.mode,
              untilMs: Math.max(0, nowMs + step.override.untilOffsetMs),
            };
            const d = decide(
              {
                nowMs,
                anomalies: step.anomalies,
                breakerOpen: step.breakerOpen,
                freezeActive: step.freezeActive,
                baseMode: step.baseMode,
                override,
                previous,
              },
              { DEGRADE_WARN_THRESHOLD: threshold },
            );
            const cooling = previous.cooldownUntilMs !== undefined && nowMs < previous.cooldownUntilMs;
            if (d.level < previous.level) {
              expect(previous.level - d.level).toBe(1);
              expect(cooling).toBe(false);
              expect(previous.stabilityStreak + 1).toBeGreaterThanOrEqual(
                REQUIRED_STABILITY_STREAK[previous.level as 1 | 2 | 3],
              );
            }
            if (cooling && d.level === previous.level && d.level >= 1)
              expect(d.state.cooldownUntilMs).toBe(previous.cooldownUntilMs);
            if (step.breakerOpen || step.freezeActive) expect(d.level).toBe(3);
            expect(modeSeverity(d.mode)).toBeGreaterThanOrEqual(modeSeverity(step.baseMode));
            expect(modeSeverity(d.mode)).toBeGreaterThanOrEqual(
              modeSeverity(DEGRADE_POLICIES[d.level].modeOverride ?? 'NORMAL'),
            );
            previous = d.state;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

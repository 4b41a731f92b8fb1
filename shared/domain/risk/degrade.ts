// The degrade decision (spec 3.16 with the 9.1.3 and 9.2.13 fixes): levels 0-3, each with a mode override,
// a BUY quantity shrink factor, a universe cap and a cooldown. A trigger at or above the previous level
// enters its level; below it, the level is held through its cooldown and then steps down one level per
// decision after a streak of stable decisions (8 from level 1, 4 from levels 2 and 3). Invariants: breaker
// open or freeze active is always level 3; re-entering a level during its cooldown keeps the original
// cooldown_until (the reference restarted it each cycle, so it never expired); the mode only gets stricter.
import type { Decision } from '../decision';
import { ValidationError, type ValidationIssue } from '../errors';
import { type Dec, dec, ONE, ZERO } from '../money';
import type { AnomalyEvent } from './anomalies';
import { combineModes, type Mode } from './mode';

export type DegradeLevel = 0 | 1 | 2 | 3;

export interface DegradePolicy {
  readonly level: DegradeLevel;
  readonly modeOverride: Mode | undefined;
  readonly buyShrinkFactor: Dec;
  /** At most this many symbols; undefined: no cap */
  readonly universeCap: number | undefined;
  readonly cooldownSeconds: number;
}

export const DEGRADE_POLICIES: Readonly<Record<DegradeLevel, DegradePolicy>> = {
  0: { level: 0, modeOverride: undefined, buyShrinkFactor: ONE, universeCap: undefined, cooldownSeconds: 0 },
  1: { level: 1, modeOverride: 'REDUCE_RISK_ONLY', buyShrinkFactor: dec('0.5'), universeCap: 8, cooldownSeconds: 900 },
  2: { level: 2, modeOverride: 'REDUCE_RISK_ONLY', buyShrinkFactor: dec('0.25'), universeCap: 4, cooldownSeconds: 900 },
  3: { level: 3, modeOverride: 'OBSERVE_ONLY', buyShrinkFactor: ZERO, universeCap: 2, cooldownSeconds: 1800 },
};

/** Stable decisions in a row needed to step down from a level */
export const REQUIRED_STABILITY_STREAK: Readonly<Record<1 | 2 | 3, number>> = { 1: 8, 2: 4, 3: 4 };

export interface DegradeSettings {
  readonly DEGRADE_WARN_WINDOW_CYCLES: number;
  readonly DEGRADE_WARN_THRESHOLD: number;
  /** Anomaly codes whose WARN events count; empty: every code */
  readonly DEGRADE_WARN_CODES_CSV: readonly string[];
}

/** The singleton `degrade_state_current` */
export interface DegradeState {
  readonly level: DegradeLevel;
  readonly cooldownUntilMs: number | undefined;
  readonly reasons: readonly string[];
  readonly stabilityStreak: number;
  /** The counted WARN codes of the last DEGRADE_WARN_WINDOW_CYCLES decisions, oldest first */
  readonly warnWindow: readonly (readonly string[])[];
}

export const INITIAL_DEGRADE_STATE: DegradeState = {
  level: 0,
  cooldownUntilMs: undefined,
  reasons: [],
  stabilityStreak: 0,
  warnWindow: [],
};

/** Set by `btcbot degrade override`: until `untilMs` the level is at least the mode's (OBSERVE 3, REDUCE 1) */
export interface OperatorOverride {
  readonly mode: Mode;
  readonly untilMs: number;
  /** The operator's own words, kept for whoever reads the override later; the decision never reads it */
  readonly reason?: string;
}

export interface DegradeInputs {
  readonly nowMs: number;
  readonly anomalies: readonly AnomalyEvent[];
  readonly breakerOpen: boolean;
  readonly freezeActive: boolean;
  /** The risk budget's mode (3.12), which the result can only make stricter */
  readonly baseMode: Mode;
  readonly override: OperatorOverride | undefined;
  readonly previous: DegradeState;
}

export interface DegradeDecision {
  readonly level: DegradeLevel;
  readonly policy: DegradePolicy;
  /** combineModes of the base mode, the level's override and the operator's override */
  readonly mode: Mode;
  readonly reasons: readonly string[];
  readonly decisions: readonly Decision[];
  readonly state: DegradeState;
}

const OVERRIDE_LEVEL: Readonly<Record<Mode, DegradeLevel>> = { NORMAL: 0, REDUCE_RISK_ONLY: 1, OBSERVE_ONLY: 3 };

interface Trigger {
  readonly level: DegradeLevel;
  readonly reasons: readonly string[];
}

/** @throws ValidationError a `nowMs`, cooldown, streak or level that cannot be */
export function decideDegrade(inputs: DegradeInputs, settings: DegradeSettings): DegradeDecision {
  checkInputs(inputs);
  const { nowMs, previous } = inputs;
  const warnWindow = [...previous.warnWindow, countedWarnCodes(inputs.anomalies, settings)].slice(
    -settings.DEGRADE_WARN_WINDOW_CYCLES,
  );
  const trigger = triggerOf(inputs, warnWindow, settings);
  const cooling = previous.cooldownUntilMs !== undefined && nowMs < previous.cooldownUntilMs;
  const keep = { warnWindow, cooldownUntilMs: previous.cooldownUntilMs };
  let state: DegradeState;
  if (trigger.level >= 1 && trigger.level >= previous.level) {
    const reentered = cooling && trigger.level === previous.level;
    const cooldownUntilMs = reentered
      ? previous.cooldownUntilMs
      : nowMs + DEGRADE_POLICIES[trigger.level].cooldownSeconds * 1000;
    state = { level: trigger.level, reasons: trigger.reasons, stabilityStreak: 0, warnWindow, cooldownUntilMs };
  } else if (previous.level === 0) {
    state = { ...keep, level: 0, reasons: [], stabilityStreak: 0 };
  } else if (cooling) {
    state = { ...previous, ...keep };
  } else {
    const streak = previous.stabilityStreak + 1;
    const level = previous.level;
    state =
      streak >= REQUIRED_STABILITY_STREAK[level]
        ? { ...keep, level: stepDown(level), reasons: level === 1 ? [] : previous.reasons, stabilityStreak: 0 }
        : { ...keep, level, reasons: previous.reasons, stabilityStreak: streak };
  }
  const policy = DEGRADE_POLICIES[state.level];
  const operatorMode = overrideActive(inputs) ? inputs.override?.mode : undefined;
  return {
    level: state.level,
    policy,
    mode: combineModes(combineModes(inputs.baseMode, policy.modeOverride), operatorMode),
    reasons: state.reasons,
    decisions: state.reasons.map((code): Decision => ({ layer: 'degrade', code, action: 'DEGRADE', scope: 'global' })),
    state,
  };
}

/** Level 3 for a breaker, a freeze or an ERROR; 2 or 1 for WARNs in the window; at least the override's level */
function triggerOf(
  inputs: DegradeInputs,
  warnWindow: readonly (readonly string[])[],
  settings: DegradeSettings,
): Trigger {
  const overrideLevel = overrideActive(inputs) ? OVERRIDE_LEVEL[inputs.override?.mode ?? 'NORMAL'] : 0;
  const withOverride = (t: Trigger): Trigger =>
    overrideLevel === 0
      ? t
      : { level: overrideLevel > t.level ? overrideLevel : t.level, reasons: [...t.reasons, 'MANUAL_OVERRIDE'] };
  const errors = unique(inputs.anomalies.filter((a) => a.severity === 'ERROR').map((a) => a.code));
  if (inputs.breakerOpen || inputs.freezeActive || errors.length > 0) {
    const flags = [
      ...(inputs.breakerOpen ? ['BREAKER_OPEN'] : []),
      ...(inputs.freezeActive ? ['STAGE4_FREEZE_ACTIVE'] : []),
    ];
    return withOverride({ level: 3, reasons: [...errors, ...flags] });
  }
  const warnCount = warnWindow.reduce((sum, codes) => sum + codes.length, 0);
  const warnReasons = unique(warnWindow.flat());
  const threshold = settings.DEGRADE_WARN_THRESHOLD;
  if (warnCount >= 2 * threshold) return withOverride({ level: 2, reasons: warnReasons });
  if (warnCount >= threshold) return withOverride({ level: 1, reasons: warnReasons });
  return withOverride({ level: 0, reasons: [] });
}

/** This decision's WARN codes that count towards degrading, sorted (the detector emits each code once) */
function countedWarnCodes(anomalies: readonly AnomalyEvent[], settings: DegradeSettings): string[] {
  const allowed = settings.DEGRADE_WARN_CODES_CSV;
  return unique(
    anomalies
      .filter((a) => a.severity === 'WARN' && (allowed.length === 0 || allowed.includes(a.code)))
      .map((a) => a.code),
  );
}

const overrideActive = (inputs: DegradeInputs): boolean =>
  inputs.override !== undefined && inputs.nowMs < inputs.override.untilMs;

const stepDown = (level: 1 | 2 | 3): DegradeLevel => (level - 1) as DegradeLevel;

const unique = (codes: readonly string[]): string[] => [...new Set(codes)].sort();

function checkInputs(inputs: DegradeInputs): void {
  const issues: ValidationIssue[] = [];
  const { previous } = inputs;
  if (!Number.isSafeInteger(inputs.nowMs) || inputs.nowMs < 0)
    issues.push({ path: 'nowMs', message: `expected epoch milliseconds, was ${inputs.nowMs}` });
  if (!Object.hasOwn(DEGRADE_POLICIES, previous.level))
    issues.push({ path: 'previous.level', message: `expected 0, 1, 2 or 3, was ${previous.level}` });
  if (!Number.isSafeInteger(previous.stabilityStreak) || previous.stabilityStreak < 0)
    issues.push({
      path: 'previous.stabilityStreak',
      message: `expected an integer >= 0, was ${previous.stabilityStreak}`,
    });
  const times: [string, number | undefined][] = [
    ['previous.cooldownUntilMs', previous.cooldownUntilMs],
    ['override.untilMs', inputs.override?.untilMs],
  ];
  for (const [path, ms] of times)
    if (ms !== undefined && (!Number.isSafeInteger(ms) || ms < 0))
      issues.push({ path, message: `expected epoch milliseconds, was ${ms}` });
  if (issues.length > 0) throw new ValidationError('degrade inputs', issues);
}

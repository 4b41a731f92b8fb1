// Live side-effects arming policy (spec 1.7). Reasons are collected in a fixed order; live writes are
// allowed only when none applies. Callers pass effective inputs: unreadable gates arrive as "blocked".

export const LIVE_TRADING_ACK_PHRASE = 'I_UNDERSTAND';

export const ARMING_REASONS = ['MONITOR_ROLE', 'KILL_SWITCH', 'DRY_RUN', 'NOT_ARMED', 'ACK_MISSING'] as const;
export type ArmingReason = (typeof ARMING_REASONS)[number];

export type ProcessRole = 'LIVE' | 'MONITOR';

export interface ArmingInputs {
  readonly role: ProcessRole;
  readonly dryRun: boolean;
  readonly killSwitch: boolean;
  readonly liveTradingEnabled: boolean;
  /** The raw LIVE_TRADING_ACK value; only the exact phrase arms */
  readonly liveTradingAck: string | undefined;
  /** Every runtime caller passes true (spec 1.7); the pure default is false */
  readonly enforceMonitorRole?: boolean;
}

export interface ArmingDecision {
  readonly allowed: boolean;
  readonly reasons: readonly ArmingReason[];
  /** `policy_block:<reason lower-case>` per reason, same order */
  readonly reasonCodes: readonly string[];
  readonly message: string;
}

/** The kill switch parameter allows live side effects only when it reads exactly "off" (fail closed) */
export const KILL_SWITCH_OFF = 'off';
export const killSwitchReadsOn = (value: string | undefined): boolean => value !== KILL_SWITCH_OFF;

/** Unknown or blank roles coerce to MONITOR (spec 1.3); comparison is trimmed and case-insensitive */
export const parseRole = (raw: string | undefined): ProcessRole =>
  raw?.trim().toUpperCase() === 'LIVE' ? 'LIVE' : 'MONITOR';

/** The settings the gates read (names as in spec section 1; the loaded Config satisfies it) */
export interface ArmingSettings {
  readonly APP_ROLE: ProcessRole;
  readonly DRY_RUN: boolean;
  readonly SAFE_MODE: boolean;
  readonly KILL_SWITCH: boolean;
  readonly LIVE_TRADING: boolean;
  readonly LIVE_TRADING_ACK?: string | undefined;
}

/**
 * Effective runtime inputs (spec 1.7): SAFE_MODE counts as dry-run and as kill switch; the kill switch is
 * also on when the operator's parameter says so (pass true when it could not be read)
 */
export const armingInputsOf = (s: ArmingSettings, killSwitchParameterOn = false): ArmingInputs => ({
  role: s.APP_ROLE,
  dryRun: s.DRY_RUN || s.SAFE_MODE,
  killSwitch: s.KILL_SWITCH || s.SAFE_MODE || killSwitchParameterOn,
  liveTradingEnabled: s.LIVE_TRADING,
  liveTradingAck: s.LIVE_TRADING_ACK,
  enforceMonitorRole: true,
});

export function evaluateArming(inputs: ArmingInputs): ArmingDecision {
  const ack = inputs.liveTradingAck === LIVE_TRADING_ACK_PHRASE;
  const applies: Record<ArmingReason, boolean> = {
    MONITOR_ROLE: (inputs.enforceMonitorRole ?? false) && inputs.role === 'MONITOR',
    KILL_SWITCH: inputs.killSwitch,
    DRY_RUN: inputs.dryRun,
    NOT_ARMED: !inputs.liveTradingEnabled,
    ACK_MISSING: !ack,
  };
  const reasons = ARMING_REASONS.filter((r) => applies[r]);
  return {
    allowed: reasons.length === 0,
    reasons,
    reasonCodes: reasons.map((r) => `policy_block:${r.toLowerCase()}`),
    message: humanMessage(reasons),
  };
}

function humanMessage(reasons: readonly ArmingReason[]): string {
  if (reasons.length === 0) return 'Live side effects are armed';
  if (reasons.includes('MONITOR_ROLE')) return 'MONITOR role blocks side effects';
  if (reasons.includes('KILL_SWITCH')) return 'KILL_SWITCH=true blocks side effects';
  if (reasons.includes('DRY_RUN')) return 'DRY_RUN=true blocks side effects';
  return `Live trading is not armed; set LIVE_TRADING=true and LIVE_TRADING_ACK=${LIVE_TRADING_ACK_PHRASE}`;
}

/** The startup banner of spec 1.7, one line */
export function armingBanner(inputs: ArmingInputs, decision: ArmingDecision): string {
  const state = decision.allowed ? 'ARMED' : 'BLOCKED';
  const line =
    `Effective Side-Effects State: ${state} | process_role=${inputs.role} dry_run=${inputs.dryRun} ` +
    `kill_switch=${inputs.killSwitch} live_trading_enabled=${inputs.liveTradingEnabled} ` +
    `ack=${inputs.liveTradingAck === LIVE_TRADING_ACK_PHRASE} | reasons=${decision.reasons.join(',') || 'NONE'}`;
  return decision.allowed ? line : `${line} | WARNING: Side effects are BLOCKED`;
}

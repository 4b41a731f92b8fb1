// The trading modes of stage 4 (spec 3.12), ordered by severity, and the rule that combines them: a later
// layer (degrade, agent, operator) can only make the mode stricter, never relax it (spec 3.16 combine_modes).
export const MODES = ['NORMAL', 'REDUCE_RISK_ONLY', 'OBSERVE_ONLY'] as const;
export type Mode = (typeof MODES)[number];

export const modeSeverity = (mode: Mode): number => MODES.indexOf(mode);

/** The stricter of the two; `undefined` (no override) leaves the base */
export const combineModes = (base: Mode, override: Mode | undefined): Mode =>
  override === undefined || modeSeverity(base) >= modeSeverity(override) ? base : override;

/** The strictest of several modes (NORMAL when none) */
export const strictestMode = (modes: readonly Mode[]): Mode => modes.reduce(combineModes, 'NORMAL');

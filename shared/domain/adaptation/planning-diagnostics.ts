// Stage 7 planning diagnostics (spec 4.14): what planning saw and, when it planned nothing, why, as an
// enumerated reason (a stored reason outside the vocabulary reads back as UNKNOWN).
import type { Dec } from '../money';
import type { Stage7Intent } from '../oms/stage7-intent';
import { countIntents } from './stage7-metrics';

export const PLANNING_DISABLED_REASONS = [
  'STRATEGY_DISABLED',
  'PLANNER_NOT_WIRED',
  'DATA_UNAVAILABLE',
  'BUDGET_ZERO',
  'ALL_INTENTS_REJECTED_BY_RISK',
  'MIN_NOTIONAL_ALL_REJECTED',
  'SIM_EXECUTION_DISABLED',
  'UNKNOWN',
] as const;
export type PlanningDisabledReason = (typeof PLANNING_DISABLED_REASONS)[number];

/** A stored or external reason read back: anything outside the vocabulary is UNKNOWN (spec 4.14) */
export const coercePlanningDisabledReason = (raw: string | null | undefined): PlanningDisabledReason | null =>
  raw === null || raw === undefined || raw === ''
    ? null
    : (PLANNING_DISABLED_REASONS as readonly string[]).includes(raw)
      ? (raw as PlanningDisabledReason)
      : 'UNKNOWN';

export interface PlanningInput {
  readonly strategyEnabled: boolean;
  readonly dryRun: boolean;
  readonly killSwitch: boolean;
  readonly backtest: boolean;
  readonly universeCount: number;
  readonly markCount: number;
  readonly turnoverCapTry: Dec;
  readonly planActionCount: number;
  readonly intents: readonly Pick<Stage7Intent, 'skipped' | 'skipReason'>[];
}

export interface PlanningDiagnostics {
  readonly planningEnabled: boolean;
  readonly planningDisabledReason: PlanningDisabledReason | null;
  readonly backtest: boolean;
  readonly dryRun: boolean;
  readonly killSwitch: boolean;
  readonly strategyEnabled: boolean;
  readonly universeCount: number;
  readonly markCount: number;
  readonly turnoverCapTry: Dec;
  readonly planActionCount: number;
  readonly planned: number;
  readonly skipped: number;
  /** Skip reason -> count, keys sorted */
  readonly skipReasons: Readonly<Record<string, number>>;
  /** Intents skipped by the risk policy (reasons RISK_*) */
  readonly riskRejections: number;
}

// the risk policy's reasons are RISK_* (spec 4.9, Appendix A); matched without case so `risk_*` counts too
const isRiskReason = (r: string) => /^risk_/i.test(r);

/** Spec 4.14 planning diagnostics; the disabled reason says why nothing was planned, first that holds */
export function planningDiagnostics(input: PlanningInput): PlanningDiagnostics {
  const { planned, skipped } = countIntents(input.intents);
  const reasons = input.intents.filter((i) => i.skipped).map((i) => i.skipReason ?? 'unknown');
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const skipReasons = Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    planningEnabled: planned > 0,
    planningDisabledReason: disabledReason(input, planned, reasons),
    backtest: input.backtest,
    dryRun: input.dryRun,
    killSwitch: input.killSwitch,
    strategyEnabled: input.strategyEnabled,
    universeCount: input.universeCount,
    markCount: input.markCount,
    turnoverCapTry: input.turnoverCapTry,
    planActionCount: input.planActionCount,
    planned,
    skipped,
    skipReasons,
    riskRejections: reasons.filter(isRiskReason).length,
  };
}

function disabledReason(
  input: PlanningInput,
  planned: number,
  reasons: readonly string[],
): PlanningDisabledReason | null {
  if (planned > 0) return null;
  if (!input.strategyEnabled) return 'STRATEGY_DISABLED';
  if (input.universeCount === 0 || input.markCount === 0) return 'DATA_UNAVAILABLE';
  if (input.turnoverCapTry.lte(0)) return 'BUDGET_ZERO';
  if (reasons.length > 0 && reasons.every(isRiskReason)) return 'ALL_INTENTS_REJECTED_BY_RISK';
  if (reasons.length > 0 && reasons.every((r) => r.toLowerCase().includes('min_notional')))
    return 'MIN_NOTIONAL_ALL_REJECTED';
  return 'UNKNOWN';
}

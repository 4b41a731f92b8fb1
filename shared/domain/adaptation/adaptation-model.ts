// The vocabulary of stage 7 adaptation (spec 4.16): the run-metric rows it reads, checkpoints, the change row
// it writes (id, diff, reason, metrics window summary) and what a caller persists in one transaction.
import { ValidationError, type ValidationIssue } from '../errors';
import { hashCanonical } from '../hashing';
import { type Dec, maxDec, sumDec, ZERO } from '../money';
import type { Mode } from '../risk/mode';
import type { AlertFlags, QualityFlags } from './stage7-metrics';
import {
  type ParamsDiff,
  paramsRecord,
  type Stage7BoundsSettings,
  type Stage7Params,
  validateParams,
} from './stage7-params';

/** Rows evaluated: the newest 5 (spec 4.16) */
export const ADAPTATION_WINDOW = 5;

export interface AdaptationSettings extends Stage7BoundsSettings {
  /** A ratio: 0.25 = 25 % */
  readonly STAGE7_MAX_DRAWDOWN_PCT: Dec;
}

/** The part of a stage 7 run-metric row (spec 4.14) adaptation reads */
export interface AdaptationMetricsRow {
  readonly cycleId: string;
  readonly tsMs: number;
  /** The active params version the cycle ran under (stage7_cycle_trace.active_param_version) */
  readonly paramVersion: number;
  readonly modeFinal: Mode;
  readonly alertFlags: AlertFlags;
  readonly qualityFlags: QualityFlags;
  readonly netPnlTry: Dec;
  readonly maxDrawdownRatio: Dec;
  readonly omsRejectedCount: number;
  readonly omsThrottledCount: number;
}

export interface ParamsCheckpoint {
  /** The params the version activated; the checkpoint's version is `params.version` */
  readonly params: Stage7Params;
  readonly isGood: boolean;
  readonly tsMs: number;
}

export const ROLLBACK_TRIGGERS = ['drawdown_breach', 'reject_spike', 'throttled_persistent', 'pnl_floor'] as const;
export type RollbackTrigger = (typeof ROLLBACK_TRIGGERS)[number];

export const PROPOSAL_REASONS = [
  'reject_spike_reduce_offset',
  'throttled_reduce_order_count',
  'high_drawdown_reduce_turnover',
  'low_liquidity_tighten_filters',
  'healthy_window_expand_small',
] as const;
export type ProposalReason = (typeof PROPOSAL_REASONS)[number];

/** Why a change row was written: its first proposal, or why it was not applied, or the rollback */
export type ChangeReason =
  | ProposalReason
  | 'heuristic_update'
  | 'no_change'
  | 'mode_not_normal'
  | 'recent_breach_flags'
  | 'no_bounded_change'
  | 'guardrail_breach_rollback';

export type ChangeOutcome = 'APPLIED' | 'REJECTED' | 'ROLLED_BACK';

export interface MetricsWindowSummary {
  readonly cycles: number;
  /** Mean net PnL of the window, 8 decimals */
  readonly avgNetPnlTry: Dec;
  readonly maxDrawdownRatio: Dec;
  readonly rejectsTotal: number;
  readonly throttledTotal: number;
}

/** A `stage7_param_changes` row */
export interface ParamChange {
  /** `s7chg:{YYYYmmddHHMMSS}:{from}->{to}:` + sha256(canonical params)[:10] */
  readonly changeId: string;
  readonly tsMs: number;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly diff: ParamsDiff;
  readonly reason: ChangeReason;
  readonly metricsWindow: MetricsWindowSummary;
  readonly outcome: ChangeOutcome;
  /** The proposals made (at most 3), or the rollback's triggers */
  readonly notes: readonly (ProposalReason | RollbackTrigger)[];
}

/** What to write, all in one transaction: the active row, a change row, checkpoint rows (upserts by version) */
export interface AdaptationWrites {
  readonly activeParams?: Stage7Params;
  readonly change?: ParamChange;
  readonly checkpoints: readonly ParamsCheckpoint[];
}

export type AdaptationResult =
  /** No run-metric rows yet: nothing to write */
  | { readonly kind: 'NO_METRICS'; readonly writes: AdaptationWrites }
  /** A guardrail breach with no good checkpoint to return to: only the active version is marked bad */
  | {
      readonly kind: 'ROLLBACK_UNAVAILABLE';
      readonly triggers: readonly RollbackTrigger[];
      readonly writes: AdaptationWrites;
    }
  | { readonly kind: 'ROLLED_BACK'; readonly triggers: readonly RollbackTrigger[]; readonly writes: AdaptationWrites }
  | { readonly kind: 'APPLIED'; readonly writes: AdaptationWrites }
  /** A change row with outcome REJECTED is written; the active params stay */
  | { readonly kind: 'REJECTED'; readonly writes: AdaptationWrites };

export interface AdaptationInput {
  readonly active: Stage7Params;
  /**
   * Run-metric rows, newest first; only the first ADAPTATION_WINDOW are read. The newest is the evaluating
   * cycle's: its cycle id goes into the change id.
   */
  readonly rows: readonly AdaptationMetricsRow[];
  /** Every stored checkpoint, any order */
  readonly checkpoints: readonly ParamsCheckpoint[];
  readonly nowMs: number;
}

/**
 * `s7chg:{YYYYmmddHHMMSS}:{from}->{to}:` + the first 10 hex of sha256 of the canonical params record with the
 * evaluating cycle's id beside it (`cycle_id`). Spec 4.16 step 5 hashes the params alone; the cycle id is added
 * so the id is unique per cycle: two cycles in one second (or one millisecond) that refuse a change write the
 * same from->to and params, and their change rows must not share a key. The spec's prefix, time and versions stay.
 */
export function changeId(
  nowMs: number,
  fromVersion: number,
  toVersion: number,
  params: Stage7Params,
  cycleId: string,
): string {
  const stamp = new Date(nowMs).toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const hash = hashCanonical({ ...paramsRecord(params), cycle_id: cycleId }).slice(0, 10);
  return `s7chg:${stamp}:${fromVersion}->${toVersion}:${hash}`;
}

export function summarize(rows: readonly AdaptationMetricsRow[]): MetricsWindowSummary {
  const cycles = rows.length;
  return {
    cycles,
    avgNetPnlTry:
      cycles === 0
        ? ZERO
        : sumDec(rows.map((r) => r.netPnlTry))
            .div(cycles)
            .toDecimalPlaces(8),
    maxDrawdownRatio: rows.reduce((m, r) => maxDec(m, r.maxDrawdownRatio), ZERO),
    rejectsTotal: rows.reduce((n, r) => n + r.omsRejectedCount, 0),
    throttledTotal: rows.reduce((n, r) => n + r.omsThrottledCount, 0),
  };
}

/** 9999-12-31T23:59:59.999Z: the change id's 14-digit stamp holds no later time */
const MAX_NOW_MS = 253_402_300_799_999;

/** @throws ValidationError a bad `nowMs`, rows not newest first, two checkpoints of one version, unusable params */
export function assertAdaptationInput(input: AdaptationInput): void {
  const issues: ValidationIssue[] = [];
  if (!Number.isSafeInteger(input.nowMs) || input.nowMs < 0 || input.nowMs > MAX_NOW_MS)
    issues.push({ path: 'nowMs', message: `expected epoch ms in 1970..9999, was ${input.nowMs}` });
  const rows = input.rows.slice(0, ADAPTATION_WINDOW);
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    if (prev !== undefined && r.tsMs > prev.tsMs)
      issues.push({ path: `rows[${i}].tsMs`, message: `expected rows newest first, ${r.tsMs} is after ${prev.tsMs}` });
    if (!r.netPnlTry.isFinite() || !r.maxDrawdownRatio.isFinite())
      issues.push({ path: `rows[${i}]`, message: 'expected finite net PnL and drawdown' });
  });
  const seen = new Set<number>();
  input.checkpoints.forEach((c, i) => {
    if (seen.has(c.params.version))
      issues.push({
        path: `checkpoints[${i}].version`,
        message: `expected one checkpoint per version, ${c.params.version} repeats`,
      });
    seen.add(c.params.version);
  });
  issues.push(...validateParams(input.active, 'active'));
  input.checkpoints.forEach((c, i) => {
    issues.push(...validateParams(c.params, `checkpoints[${i}].params`));
  });
  if (issues.length > 0) throw new ValidationError('stage 7 adaptation input', issues);
}

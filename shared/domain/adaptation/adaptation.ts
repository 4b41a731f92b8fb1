// Stage 7 adaptation (spec 4.16): from the newest run-metric rows and the params checkpoints, roll back to the
// last good version on a guardrail breach, or propose at most 3 small changes, bound them and apply them when
// the newest cycle was healthy. Pure: the result says what to write (active row, change row, checkpoint rows)
// and the caller writes it in one transaction. Time is `nowMs`; the same inputs give the same result.
//
// Kept invariants: a rolled-back version is never re-activated by that rollback (the target is a good
// checkpoint of another version); a version number is never reused (the next version is above every
// checkpoint); rollback triggers only count rows of cycles that ran under the active version.
import { dec, floorToStep, maxDec, ZERO } from '../money';
import {
  ADAPTATION_WINDOW,
  type AdaptationInput,
  type AdaptationMetricsRow,
  type AdaptationResult,
  type AdaptationSettings,
  assertAdaptationInput,
  type ChangeOutcome,
  type ChangeReason,
  changeId,
  type ParamChange,
  type ParamsCheckpoint,
  type ProposalReason,
  ROLLBACK_TRIGGERS,
  type RollbackTrigger,
  summarize,
} from './adaptation-model';
import { boundParams, diffParams, type Stage7Params } from './stage7-params';

/** Rows that must all be healthy (or all throttled, or all under the PnL floor) */
export const SAFE_WINDOW = 3;
/** At most this many proposals per evaluation */
export const MAX_PROPOSALS = 3;
const PNL_FLOOR_TRY = dec('-50');
const TRY_STEP = dec('0.01');
const OFFSET_STEP_BPS = dec('2');
const SPREAD_STEP_BPS = dec('10');
const SPREAD_FLOOR_BPS = dec('10');
const MIN_VOLUME_STEP_TRY = dec('100');
const DRAWDOWN_WARN_SHARE = dec('0.8');
const TURNOVER_SHRINK = dec('0.95');
const TURNOVER_GROW = dec('1.05');
/** The guardrail breaches among `rows` (newest first) that call for a rollback, in vocabulary order */
export function rollbackTriggers(rows: readonly AdaptationMetricsRow[]): RollbackTrigger[] {
  const newest = rows.slice(0, SAFE_WINDOW);
  const full = newest.length === SAFE_WINDOW;
  const hits: Record<RollbackTrigger, boolean> = {
    drawdown_breach: rows.some((r) => r.alertFlags.drawdown_breach),
    reject_spike: rows.some((r) => r.alertFlags.reject_spike),
    throttled_persistent: full && newest.every((r) => r.alertFlags.throttled),
    pnl_floor: full && newest.every((r) => r.netPnlTry.lt(PNL_FLOOR_TRY)),
  };
  return ROLLBACK_TRIGGERS.filter((t) => hits[t]);
}

/**
 * Spec 4.16 steps 1-5.
 * @throws ValidationError a bad `nowMs`, rows not newest first, two checkpoints of one version, unusable params
 */
export function evaluateAndApply(input: AdaptationInput, settings: AdaptationSettings): AdaptationResult {
  assertAdaptationInput(input);
  const { active, nowMs } = input;
  const rows = input.rows.slice(0, ADAPTATION_WINDOW);
  if (rows.length === 0) return { kind: 'NO_METRICS', writes: { checkpoints: [] } };

  const triggers = rollbackTriggers(rows.filter((r) => r.paramVersion === active.version));
  if (triggers.length > 0) return rollback(input, rows, triggers);

  const { proposed, reasons } = propose(active, rows, settings);
  const bounded = boundParams(proposed, settings);
  const diff = diffParams(active, bounded);
  const changed = Object.keys(diff).length > 0;
  const toVersion = changed ? nextVersion(input) : active.version;
  const candidate: Stage7Params = { ...bounded, version: toVersion, updatedAtMs: nowMs };
  const newest = rows[0] as AdaptationMetricsRow;
  const change = (outcome: ChangeOutcome, reason: ChangeReason): ParamChange => ({
    changeId: changeId(nowMs, active.version, toVersion, candidate, newest.cycleId),
    tsMs: nowMs,
    fromVersion: active.version,
    toVersion,
    diff,
    reason,
    metricsWindow: summarize(rows),
    outcome,
    notes: reasons,
  });

  const f = newest.alertFlags;
  const refusal: ChangeReason | undefined =
    newest.modeFinal !== 'NORMAL'
      ? 'mode_not_normal'
      : f.drawdown_breach || f.reject_spike || f.throttled
        ? 'recent_breach_flags'
        : !changed
          ? 'no_bounded_change'
          : undefined;
  if (refusal !== undefined)
    return { kind: 'REJECTED', writes: { change: change('REJECTED', refusal), checkpoints: [] } };
  return {
    kind: 'APPLIED',
    writes: {
      activeParams: candidate,
      change: change('APPLIED', reasons[0] ?? 'heuristic_update'),
      checkpoints: [{ params: candidate, isGood: true, tsMs: nowMs }],
    },
  };
}

/** Step 1: mark the active version bad; activate the newest good checkpoint of another version, if any */
function rollback(
  input: AdaptationInput,
  rows: readonly AdaptationMetricsRow[],
  triggers: readonly RollbackTrigger[],
): AdaptationResult {
  const { active, nowMs } = input;
  const own = input.checkpoints.find((c) => c.params.version === active.version);
  // a missing checkpoint is written from the active params, so the version stays known as bad
  const markBad: ParamsCheckpoint = own ? { ...own, isGood: false } : { params: active, isGood: false, tsMs: nowMs };
  const target = input.checkpoints
    .filter((c) => c.isGood && c.params.version !== active.version)
    .reduce<ParamsCheckpoint | undefined>(
      (best, c) => (best && best.params.version > c.params.version ? best : c),
      undefined,
    );
  if (target === undefined) return { kind: 'ROLLBACK_UNAVAILABLE', triggers, writes: { checkpoints: [markBad] } };
  const change: ParamChange = {
    changeId: changeId(
      nowMs,
      active.version,
      target.params.version,
      target.params,
      (rows[0] as AdaptationMetricsRow).cycleId,
    ),
    tsMs: nowMs,
    fromVersion: active.version,
    toVersion: target.params.version,
    diff: diffParams(active, target.params),
    reason: 'guardrail_breach_rollback',
    metricsWindow: summarize(rows),
    outcome: 'ROLLED_BACK',
    notes: triggers,
  };
  return { kind: 'ROLLED_BACK', triggers, writes: { activeParams: target.params, change, checkpoints: [markBad] } };
}

/** Step 2: proposals from the newest row, at most MAX_PROPOSALS; the healthy expansion only when none */
function propose(
  active: Stage7Params,
  rows: readonly AdaptationMetricsRow[],
  settings: AdaptationSettings,
): { proposed: Stage7Params; reasons: ProposalReason[] } {
  const newest = rows[0] as AdaptationMetricsRow;
  let p = active;
  const reasons: ProposalReason[] = [];
  const when = (cond: boolean, reason: ProposalReason, change: (q: Stage7Params) => Stage7Params) => {
    if (cond && reasons.length < MAX_PROPOSALS) {
      p = change(p);
      reasons.push(reason);
    }
  };
  when(newest.alertFlags.reject_spike, 'reject_spike_reduce_offset', (q) => ({
    ...q,
    orderOffsetBps: maxDec(ZERO, q.orderOffsetBps.sub(OFFSET_STEP_BPS)),
  }));
  when(newest.alertFlags.throttled, 'throttled_reduce_order_count', (q) => ({
    ...q,
    maxOrdersPerCycle: Math.max(1, q.maxOrdersPerCycle - 1),
  }));
  // the row's drawdown as a ratio against the ratio knob (the reference compares percent with ratio)
  when(
    newest.maxDrawdownRatio.gte(settings.STAGE7_MAX_DRAWDOWN_PCT.mul(DRAWDOWN_WARN_SHARE)),
    'high_drawdown_reduce_turnover',
    (q) => ({
      ...q,
      turnoverCapTry: floorToStep(q.turnoverCapTry.mul(TURNOVER_SHRINK), TRY_STEP),
    }),
  );
  when(newest.qualityFlags.missing_mark_price, 'low_liquidity_tighten_filters', (q) => ({
    ...q,
    maxSpreadBps: maxDec(SPREAD_FLOOR_BPS, q.maxSpreadBps.sub(SPREAD_STEP_BPS)),
    minQuoteVolumeTry: q.minQuoteVolumeTry.add(MIN_VOLUME_STEP_TRY),
  }));
  const healthy = rows.slice(0, SAFE_WINDOW);
  const healthyWindow =
    healthy.length === SAFE_WINDOW &&
    healthy.every((r) => r.modeFinal === 'NORMAL' && !Object.values(r.alertFlags).some(Boolean));
  when(healthyWindow && reasons.length === 0, 'healthy_window_expand_small', (q) => ({
    ...q,
    universeSize: q.universeSize + 1,
    turnoverCapTry: floorToStep(q.turnoverCapTry.mul(TURNOVER_GROW), TRY_STEP),
  }));
  return { proposed: p, reasons };
}

/** Above the active version and every checkpoint, so a rolled-back version number is never reused */
const nextVersion = (input: AdaptationInput): number =>
  Math.max(input.active.version, ...input.checkpoints.map((c) => c.params.version)) + 1;

// What one stage 7 cycle measured (spec 4.14): its counts, quality flags, alert flags and why it traded
// nothing (the planning diagnostics are in planning-diagnostics.ts). Pure: the cycle counts its intents, OMS
// orders and events and passes the ledger's drawdown; flags and reasons are enumerated, every flag always
// present (true or false).
import { ValidationError, type ValidationIssue } from '../errors';
import { type Dec, dec } from '../money';
import type { Stage7Intent } from '../oms/stage7-intent';
import type { Mode } from '../risk/mode';

export const QUALITY_FLAGS = [
  'stale_data',
  'missing_mark_price',
  'spread_spike',
  'throttled',
  'retry_scheduled',
  'retry_giveup',
  'blocked_exchange_writes',
  'simulated_execution',
] as const;
export type QualityFlag = (typeof QUALITY_FLAGS)[number];
export type QualityFlags = Readonly<Record<QualityFlag, boolean>>;

export const ALERT_FLAGS = [
  'drawdown_breach',
  'reject_spike',
  'missing_data',
  'throttled',
  'retry_excess',
  'retry_giveup',
] as const;
export type AlertFlag = (typeof ALERT_FLAGS)[number];
export type AlertFlags = Readonly<Record<AlertFlag, boolean>>;

export const NO_TRADES_REASONS = ['NO_TRADE_PLANNING', 'MODE_OBSERVE_ONLY', 'KILL_SWITCH', 'NO_FILLS'] as const;
export type NoTradesReason = (typeof NO_TRADES_REASONS)[number];
export type NoMetricsReason = 'NO_TRADES';

export interface Stage7MetricsSettings {
  readonly STAGE7_MAX_DATA_AGE_SEC: number;
  readonly STAGE7_SPREAD_SPIKE_BPS: Dec;
  /** A ratio: 0.25 = 25 % */
  readonly STAGE7_MAX_DRAWDOWN_PCT: Dec;
  readonly STAGE7_REJECT_SPIKE_THRESHOLD: number;
  readonly STAGE7_RETRY_ALERT_THRESHOLD: number;
}

export interface Stage7CycleCounts {
  /** Intents not skipped */
  readonly planned: number;
  readonly skipped: number;
  /** OMS orders in SUBMITTED, ACKED, PARTIALLY_FILLED or FILLED */
  readonly omsSubmitted: number;
  readonly omsFilled: number;
  readonly omsRejected: number;
  readonly omsCanceled: number;
  /** OMS events of this cycle by type: THROTTLED, RETRY_SCHEDULED, RETRY_GIVEUP */
  readonly throttledEvents: number;
  readonly retryEvents: number;
  readonly retryGiveups: number;
  /** Held symbols the cycle had no fresh mark for (valued at their last mark): quality flag `missing_mark_price` */
  readonly missingMarkDecisions: number;
}

export interface Stage7CycleObservation {
  readonly counts: Stage7CycleCounts;
  /** Spec 4.2 step 7 */
  readonly dataAgeSec: number;
  /** The largest spread over the configured symbols (spec 4.2 step 6) */
  readonly spreadBps: Dec;
  /** The ledger's max drawdown as a ratio (0.25 = 25 %) */
  readonly maxDrawdownRatio: Dec;
  readonly finalMode: Mode;
  /** The configured kill switch, not the runtime copy stage 7 forces off (spec 4.1) */
  readonly killSwitch: boolean;
  /** A backtest replay: execution is simulated and the kill switch does not explain a lack of trades */
  readonly backtest: boolean;
}

export interface Stage7CycleMetrics {
  readonly counts: Stage7CycleCounts;
  readonly qualityFlags: QualityFlags;
  readonly alertFlags: AlertFlags;
  readonly noTradesReason: NoTradesReason | null;
  readonly noMetricsReason: NoMetricsReason | null;
  readonly maxDrawdownRatio: Dec;
  /** ratio x 100 */
  readonly maxDrawdownPct: Dec;
}

const HUNDRED = dec('100');

/** Planned (not skipped) and skipped intents */
export const countIntents = (intents: readonly Pick<Stage7Intent, 'skipped'>[]) => {
  const skipped = intents.filter((i) => i.skipped).length;
  return { planned: intents.length - skipped, skipped };
};

function observationIssues(o: Stage7CycleObservation): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [name, n] of Object.entries(o.counts)) {
    if (!Number.isSafeInteger(n) || n < 0)
      issues.push({ path: `counts.${name}`, message: `expected an integer >= 0, was ${n}` });
  }
  if (!Number.isFinite(o.dataAgeSec) || o.dataAgeSec < 0)
    issues.push({ path: 'dataAgeSec', message: `expected a finite number >= 0, was ${o.dataAgeSec}` });
  if (!o.spreadBps.isFinite()) issues.push({ path: 'spreadBps', message: 'expected a finite decimal' });
  if (!o.maxDrawdownRatio.isFinite() || o.maxDrawdownRatio.lt(0))
    issues.push({ path: 'maxDrawdownRatio', message: `expected a decimal >= 0, was ${o.maxDrawdownRatio.toString()}` });
  return issues;
}

/**
 * Spec 4.14. No-trades reason, first that holds: nothing planned, observe-only, kill switch (outside
 * backtests), no fills. No-metrics reason NO_TRADES when nothing was planned and nothing submitted.
 * @throws ValidationError a negative or fractional count, a negative data age, a non-finite amount
 */
export function cycleMetrics(o: Stage7CycleObservation, s: Stage7MetricsSettings): Stage7CycleMetrics {
  const issues = observationIssues(o);
  if (issues.length > 0) throw new ValidationError('stage 7 cycle observation', issues);
  const c = o.counts;
  const qualityFlags: QualityFlags = {
    stale_data: o.dataAgeSec > s.STAGE7_MAX_DATA_AGE_SEC,
    missing_mark_price: c.missingMarkDecisions > 0,
    spread_spike: o.spreadBps.gte(s.STAGE7_SPREAD_SPIKE_BPS),
    throttled: c.throttledEvents > 0,
    retry_scheduled: c.retryEvents > 0,
    retry_giveup: c.retryGiveups > 0,
    blocked_exchange_writes: o.killSwitch,
    simulated_execution: o.backtest,
  };
  const alertFlags: AlertFlags = {
    drawdown_breach: o.maxDrawdownRatio.gte(s.STAGE7_MAX_DRAWDOWN_PCT),
    reject_spike: c.omsRejected >= s.STAGE7_REJECT_SPIKE_THRESHOLD,
    missing_data: c.missingMarkDecisions > 0,
    throttled: c.throttledEvents > 0,
    retry_excess: c.retryEvents >= s.STAGE7_RETRY_ALERT_THRESHOLD,
    retry_giveup: c.retryGiveups > 0,
  };
  return {
    counts: c,
    qualityFlags,
    alertFlags,
    noTradesReason: noTradesReason(o),
    noMetricsReason: c.planned === 0 && c.omsSubmitted === 0 ? 'NO_TRADES' : null,
    maxDrawdownRatio: o.maxDrawdownRatio,
    maxDrawdownPct: o.maxDrawdownRatio.mul(HUNDRED),
  };
}

function noTradesReason(o: Stage7CycleObservation): NoTradesReason | null {
  if (o.counts.planned === 0) return 'NO_TRADE_PLANNING';
  if (o.finalMode === 'OBSERVE_ONLY') return 'MODE_OBSERVE_ONLY';
  if (o.killSwitch && !o.backtest) return 'KILL_SWITCH';
  if (o.counts.omsFilled === 0) return 'NO_FILLS';
  return null;
}

/** The names the flags that are set, in vocabulary order (for logs and reports) */
export const setFlags = <F extends string>(flags: Readonly<Record<F, boolean>>, names: readonly F[]): F[] =>
  names.filter((n) => flags[n]);

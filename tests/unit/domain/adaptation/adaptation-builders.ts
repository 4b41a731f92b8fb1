// Builders for the stage 7 adaptation tests: run-metric rows, params and checkpoints
import type {
  AdaptationMetricsRow,
  AdaptationSettings,
  ParamsCheckpoint,
} from '../../../../shared/domain/adaptation/adaptation-model';
import {
  ALERT_FLAGS,
  type AlertFlag,
  QUALITY_FLAGS,
  type QualityFlag,
} from '../../../../shared/domain/adaptation/stage7-metrics';
import { DEFAULT_SCORE_WEIGHTS, type Stage7Params } from '../../../../shared/domain/adaptation/stage7-params';
import { dec } from '../../../../shared/domain/money';

export const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);

export const adaptationSettings: AdaptationSettings = {
  NOTIONAL_CAP_TRY_PER_CYCLE: dec('1000'),
  TRY_CASH_MAX: dec('600'),
  STAGE7_MAX_DRAWDOWN_PCT: dec('0.25'),
};

export const aParams = (over: Partial<Stage7Params> = {}): Stage7Params => ({
  universeSize: 20,
  scoreWeights: DEFAULT_SCORE_WEIGHTS,
  orderOffsetBps: dec('5'),
  turnoverCapTry: dec('900'),
  maxOrdersPerCycle: 2,
  maxSpreadBps: dec('100'),
  cashTargetTry: dec('300'),
  minQuoteVolumeTry: dec('0'),
  version: 1,
  updatedAtMs: T0 - 86_400_000,
  ...over,
});

export const aCheckpoint = (params: Stage7Params, isGood = true): ParamsCheckpoint => ({
  params,
  isGood,
  tsMs: params.updatedAtMs,
});

const flags = <F extends string>(names: readonly F[], set: readonly F[]) =>
  Object.fromEntries(names.map((n) => [n, set.includes(n)])) as Record<F, boolean>;

export interface RowSpec {
  readonly alerts?: readonly AlertFlag[];
  readonly quality?: readonly QualityFlag[];
  readonly modeFinal?: AdaptationMetricsRow['modeFinal'];
  readonly netPnlTry?: string;
  readonly maxDrawdownRatio?: string;
  readonly paramVersion?: number;
  readonly rejected?: number;
  readonly throttled?: number;
}

/** Rows newest first, one minute apart, ending at T0 */
export const rowsOf = (specs: readonly RowSpec[], paramVersion = 1): AdaptationMetricsRow[] =>
  specs.map((s, i) => ({
    cycleId: `c${specs.length - i}`,
    tsMs: T0 - i * 60_000,
    paramVersion: s.paramVersion ?? paramVersion,
    modeFinal: s.modeFinal ?? 'NORMAL',
    alertFlags: flags(ALERT_FLAGS, s.alerts ?? []),
    qualityFlags: flags(QUALITY_FLAGS, s.quality ?? []),
    netPnlTry: dec(s.netPnlTry ?? '0'),
    maxDrawdownRatio: dec(s.maxDrawdownRatio ?? '0'),
    omsRejectedCount: s.rejected ?? 0,
    omsThrottledCount: s.throttled ?? 0,
  }));

export const healthy = (n: number, paramVersion = 1) =>
  rowsOf(
    Array.from({ length: n }, () => ({})),
    paramVersion,
  );

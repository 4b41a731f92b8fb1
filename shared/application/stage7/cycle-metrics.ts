// Spec 4.2 step 16 and 4.14: the cycle's counts, flags and the stage7_run_metrics row. Equity is the simulated
// account at the marks; net PnL runs from DRY_RUN_TRY_BALANCE; fees accumulate over the rows; the drawdown is
// measured from the peak equity (cycle-marks.ts), its worst kept. The reject rate (an input of the risk budget,
// spec 4.4 step 10) is derived from a row's counts, so the next cycle reads it from the row it loads.
import { countIntents, cycleMetrics, type Stage7CycleCounts } from '../../domain/adaptation/stage7-metrics';
import type { Stage7FillBatch } from '../../domain/ledger/stage7-fills';
import { type Dec, dec, maxDec, sumDec, ZERO } from '../../domain/money';
import type { Stage7Intent } from '../../domain/oms/stage7-intent';
import type { Mode } from '../../domain/risk/mode';
import type { Stage7RunMetricsRow } from '../../ports/stage7-store';
import type { Stage7Execution } from './cycle-oms';
import type { Stage7CycleSettings } from './stage7-settings';

const SUBMITTED = new Set(['SUBMITTED', 'ACKED', 'PARTIALLY_FILLED', 'FILLED']);

/** @param unmarked held symbols this cycle's market read gave no mark (valued at their last mark) */
export function cycleCounts(
  intents: readonly Stage7Intent[],
  exec: Stage7Execution,
  unmarked: number,
): Stage7CycleCounts {
  const ids = new Set(exec.passes.flatMap((p) => p.orders.map((o) => o.clientOrderId)));
  const orders = [...ids].map((id) => exec.state.orders.get(id)).filter((o) => o !== undefined);
  const events = (type: 'THROTTLED' | 'RETRY_SCHEDULED' | 'RETRY_GIVEUP') =>
    exec.passes.reduce((n, p) => n + p.eventCounts[type], 0);
  return {
    ...countIntents(intents),
    omsSubmitted: orders.filter((o) => SUBMITTED.has(o.status)).length,
    omsFilled: orders.filter((o) => o.status === 'FILLED').length,
    omsRejected: orders.filter((o) => o.status === 'REJECTED').length,
    omsCanceled: orders.filter((o) => o.status === 'CANCELED').length,
    throttledEvents: events('THROTTLED'),
    retryEvents: events('RETRY_SCHEDULED'),
    retryGiveups: events('RETRY_GIVEUP'),
    missingMarkDecisions: unmarked,
  };
}

/**
 * The share of a cycle's OMS orders that ended REJECTED: rejected / (submitted + rejected + canceled), in
 * [0, 1]; 0 when no order was decided. An order still PLANNED (throttled, or its retries given up) has not
 * ended and counts in neither side. Not spec 4.21's SLO ratio rejected / submitted: `submitted` leaves the
 * rejected orders out, so that ratio exceeds 1 when most are rejected, and the risk budget takes a share.
 */
export function rejectRateOf(c: Pick<Stage7CycleCounts, 'omsSubmitted' | 'omsRejected' | 'omsCanceled'>): Dec {
  const decided = c.omsSubmitted + c.omsRejected + c.omsCanceled;
  return decided === 0 ? ZERO : dec(String(c.omsRejected)).div(decided);
}

export function runMetricsRow(
  args: {
    readonly cycleId: string;
    readonly runId: string;
    readonly nowMs: number;
    readonly paramVersion: number;
    readonly finalMode: Mode;
    readonly counts: Stage7CycleCounts;
    readonly dataAgeMs: number;
    readonly spreadBps: Dec;
    readonly equityTry: Dec;
    /** (peak - equity) / peak at this cycle's equity */
    readonly drawdownRatio: Dec;
    readonly fills: Stage7FillBatch;
    readonly latest: Stage7RunMetricsRow | undefined;
    readonly storedKillSwitch: boolean;
    readonly totalMs: number;
  },
  s: Stage7CycleSettings,
): Stage7RunMetricsRow {
  const start = s.DRY_RUN_TRY_BALANCE;
  const netPnlTry = args.equityTry.sub(start);
  const feesTry = (args.latest?.feesTry ?? ZERO).add(args.fills.feesTry);
  const maxDrawdownRatio = maxDec(args.latest?.maxDrawdownRatio ?? ZERO, args.drawdownRatio);
  const m = cycleMetrics(
    {
      counts: args.counts,
      dataAgeSec: Math.floor(args.dataAgeMs / 1000),
      spreadBps: args.spreadBps,
      maxDrawdownRatio,
      finalMode: args.finalMode,
      killSwitch: args.storedKillSwitch,
      backtest: false,
    },
    s,
  );
  return {
    cycleId: args.cycleId,
    runId: args.runId,
    tsMs: args.nowMs,
    paramVersion: args.paramVersion,
    modeFinal: args.finalMode,
    alertFlags: m.alertFlags,
    qualityFlags: m.qualityFlags,
    netPnlTry,
    maxDrawdownRatio,
    omsRejectedCount: args.counts.omsRejected,
    omsThrottledCount: args.counts.throttledEvents,
    counts: args.counts,
    noTradesReason: m.noTradesReason,
    noMetricsReason: m.noMetricsReason,
    equityTry: args.equityTry,
    grossPnlTry: netPnlTry.add(feesTry),
    feesTry,
    slippageTry: args.fills.slippageTry,
    turnoverTry: sumDec(args.fills.fills.map((f) => f.qty.mul(f.price))),
    timingsMs: { selection: 0, planning: 0, intents: 0, oms: 0, ledger: 0, persist: 0, total: args.totalMs },
  };
}

// What the local schedule keeps of one stage 7 cycle: its status, and when it completed the measures of its
// stage7_run_metrics row (spec 4.14), the HTTP requests stage 7's own gateway sent during it (public market
// reads only: it has no credentials), and the ledger events it appended. Stage 7 has no journal orders, so
// nothing here touches the journal or reconcile.
import { type RequestCounters, requestCountersOf } from '../../shared/application/exchange-read-monitor';
import type { Stage7CycleResult } from '../../shared/application/stage7/run-stage7-cycle';
import {
  ALERT_FLAGS,
  type AlertFlag,
  type NoTradesReason,
  QUALITY_FLAGS,
  type QualityFlag,
  type Stage7CycleCounts,
  setFlags,
} from '../../shared/domain/adaptation/stage7-metrics';
import { toPlain } from '../../shared/domain/money';
import type { Mode } from '../../shared/domain/risk/mode';
import type { Stage7RunMetricsRow } from '../../shared/ports/stage7-store';

/** The measures of a completed cycle's run-metric row; TRY amounts exact, as decimal strings */
export interface Stage7CycleMetrics {
  readonly finalMode: Mode;
  readonly counts: Stage7CycleCounts;
  /** The active params version the cycle ran under */
  readonly paramVersion: number;
  /** The params version active after the cycle's adaptation */
  readonly activeParamVersion: number;
  /** The risk budget's reasons (spec 4.4), `OK` when none */
  readonly riskReasons: readonly string[];
  /** The simulated account at the cycle's marks */
  readonly equityTry: string;
  /** Equity minus DRY_RUN_TRY_BALANCE */
  readonly netPnlTry: string;
  /** Fees of the simulated account so far (the rows accumulate them) */
  readonly feesTry: string;
  /** This cycle's fills: traded notional and slippage against their LIMIT prices */
  readonly turnoverTry: string;
  readonly slippageTry: string;
  /** The worst drawdown from the peak equity so far, in percent */
  readonly maxDrawdownPct: string;
  /** The spec 4.14 flags the cycle raised (each flag is always present in the row, true or false) */
  readonly qualityFlags: readonly QualityFlag[];
  readonly alertFlags: readonly AlertFlag[];
  readonly noTradesReason: NoTradesReason | null;
}

export interface Stage7CycleRecord {
  readonly stage: 'stage7';
  /** The simulated minute, from 1 */
  readonly index: number;
  readonly cycleId: string;
  readonly timeIso: string;
  readonly status: Stage7CycleResult['status'] | 'error';
  /** Stage 7 always runs dry (spec 4.1), whatever mode the trading stages run in */
  readonly mode: 'DRY_RUN';
  /** Present when the cycle completed */
  readonly metrics?: Stage7CycleMetrics;
  /** FILL and FEE events appended to the stage 7 ledger account (a saved cycle's owed ones included) */
  readonly ledgerEvents: number;
  /** HTTP requests stage 7's gateway sent during the cycle, by endpoint */
  readonly requests: RequestCounters;
  readonly error?: string;
}

export function stage7Metrics(result: Stage7CycleResult & { status: 'completed' }): Stage7CycleMetrics {
  const row: Stage7RunMetricsRow = result.row;
  return {
    finalMode: result.finalMode,
    counts: row.counts,
    paramVersion: row.paramVersion,
    activeParamVersion: result.activeParamVersion,
    riskReasons: result.riskReasons,
    equityTry: toPlain(row.equityTry),
    netPnlTry: toPlain(row.netPnlTry),
    feesTry: toPlain(row.feesTry),
    turnoverTry: toPlain(row.turnoverTry),
    slippageTry: toPlain(row.slippageTry),
    maxDrawdownPct: toPlain(row.maxDrawdownRatio.mul(100)),
    qualityFlags: setFlags(row.qualityFlags, QUALITY_FLAGS),
    alertFlags: setFlags(row.alertFlags, ALERT_FLAGS),
    noTradesReason: row.noTradesReason,
  };
}

/** @param requests what stage 7's gateway sent during the invocation, by `METHOD /path` */
export function stage7Record(
  at: Pick<Stage7CycleRecord, 'index' | 'cycleId' | 'timeIso'>,
  invoked: { readonly result?: Stage7CycleResult; readonly error?: string },
  requests: Readonly<Record<string, number>>,
): Stage7CycleRecord {
  const r = invoked.result;
  return {
    stage: 'stage7',
    ...at,
    status: r?.status ?? 'error',
    mode: 'DRY_RUN',
    ...(r?.status === 'completed' ? { metrics: stage7Metrics(r) } : {}),
    ledgerEvents: r?.status === 'completed' || r?.status === 'already_saved' ? r.ledgerEventsAppended : 0,
    requests: requestCountersOf(requests),
    ...(invoked.error ? { error: invoked.error } : {}),
  };
}

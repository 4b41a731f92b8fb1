// Stage 7's totals in summary.json (`stages.stage7`), from its cycle records: what it planned and simulated,
// the fills and fees of its simulated account, that account's equity from DRY_RUN_TRY_BALANCE to the last
// completed cycle, the worst drawdown, the params adaptation moved to, cycles per final mode, the spec 4.14
// flags raised, the HTTP requests its gateway sent, and the per-cycle series the reports chart. Stage 7's
// store starts empty in every local run, so the last row's accumulated fees and drawdown are the run's.
import { NO_REQUESTS, type RequestCounters } from '../../shared/application/exchange-read-monitor';
import { changedParams, type Stage7RunRecord } from '../../shared/application/stage7/run-record';
import {
  ALERT_FLAGS,
  type AlertFlag,
  QUALITY_FLAGS,
  type QualityFlag,
} from '../../shared/domain/adaptation/stage7-metrics';
import { type Dec, dec, sumDec, toPlain } from '../../shared/domain/money';
import type { Stage7CycleRecord } from './stage7-record';
import { sumOf, tally } from './tally';

export interface Stage7SeriesPoint {
  readonly index: number;
  readonly timeIso: string;
  readonly equityTry: string;
  readonly netPnlTry: string;
  readonly maxDrawdownPct: string;
  readonly paramVersion: number;
  readonly finalMode: Stage7RunRecord['finalMode'];
}

export interface Stage7Totals {
  readonly cycles: number;
  /** Cycles per status: completed, already_saved, locked, expired, error */
  readonly statuses: Readonly<Record<string, number>>;
  /** Invocations that threw (a Stage7RefusedError, a store or exchange failure...) */
  readonly errors: number;
  /** Intents planned (not skipped) and skipped, over every cycle */
  readonly intentsPlanned: number;
  readonly intentsSkipped: number;
  /**
   * Simulated OMS orders per cycle, summed: submitted counts the orders a cycle's passes left SUBMITTED,
   * ACKED, PARTIALLY_FILLED or FILLED (an order still open counts again in the next cycle that touches it);
   * filled counts each order once, in the cycle it filled: one fill each in the stage 7 ledger (spec 4.13)
   */
  readonly ordersSubmitted: number;
  readonly ordersFilled: number;
  readonly ordersRejected: number;
  readonly ordersCanceled: number;
  readonly throttledEvents: number;
  readonly retryEvents: number;
  readonly retryGiveups: number;
  /** FILL and FEE events appended to the stage 7 ledger account */
  readonly ledgerEvents: number;
  /** Fees of the simulated account, traded notional and slippage over the run, TRY */
  readonly feesTry: string;
  readonly turnoverTry: string;
  readonly slippageTry: string;
  /** The simulated account: DRY_RUN_TRY_BALANCE, then its equity after the last completed cycle */
  readonly equity: { readonly start: string; readonly end: string; readonly netPnl: string };
  /** The worst drawdown from the peak equity, percent */
  readonly maxDrawdownPct: string;
  /** The params version the last completed cycle ran under (null: none completed) */
  readonly finalParamVersion: number | null;
  /** Times the params version changed from one completed cycle to the next (adaptation applied or rolled back) */
  readonly paramChanges: number;
  /** Completed cycles per final mode */
  readonly finalModes: Readonly<Record<string, number>>;
  /** Completed cycles per reason they filled nothing (spec 4.14 no_trades_reason) */
  readonly noTradesReasons: Readonly<Record<string, number>>;
  /** Cycles by risk budget reason (spec 4.4; `OK` when none) */
  readonly riskReasons: Readonly<Record<string, number>>;
  /** Completed cycles that raised each flag (flags never raised are left out) */
  readonly qualityFlags: Readonly<Partial<Record<QualityFlag, number>>>;
  readonly alertFlags: Readonly<Partial<Record<AlertFlag, number>>>;
  /** HTTP requests stage 7's gateway sent, by endpoint counter */
  readonly requests: RequestCounters;
  /** Of those, every one that is not a public market read (server time, exchange info, ticker, order book): 0 */
  readonly privateRequests: number;
  readonly series: readonly Stage7SeriesPoint[];
}

const total = (ms: readonly Stage7RunRecord[], pick: (m: Stage7RunRecord) => number): number =>
  ms.reduce((n, m) => n + pick(m), 0);

const totalTry = (ms: readonly Stage7RunRecord[], pick: (m: Stage7RunRecord) => string): string =>
  toPlain(sumDec(ms.map((m) => dec(pick(m)))));

const publicRequests = (r: RequestCounters): number =>
  r.requestsServerTime + r.requestsExchangeInfo + r.requestsTicker + r.requestsOrderBook;

/** A ratio as a percent, exact */
const pctOf = (ratio: string): string => toPlain(dec(ratio).mul(100));

/** @param startTry the simulated account's opening balance (stage 7's DRY_RUN_TRY_BALANCE) */
export function stage7Totals(records: readonly Stage7CycleRecord[], startTry: Dec): Stage7Totals {
  const done = records.flatMap((r) => (r.record ? [{ r, m: r.record }] : []));
  const ms = done.map((d) => d.m);
  const last = ms.at(-1);
  const requests = sumOf(
    NO_REQUESTS,
    records.map((r) => r.requests),
  );
  const flagged = <F extends string>(names: readonly F[], of: (m: Stage7RunRecord) => readonly F[]) => {
    const counts = tally(ms.flatMap(of));
    return Object.fromEntries(names.flatMap((f) => (counts[f] ? [[f, counts[f]]] : []))) as Partial<Record<F, number>>;
  };
  return {
    cycles: records.length,
    statuses: tally(records.map((r) => r.status)),
    errors: records.filter((r) => r.status === 'error').length,
    intentsPlanned: total(ms, (m) => m.intents),
    intentsSkipped: total(ms, (m) => m.skipped),
    ordersSubmitted: total(ms, (m) => m.submitted),
    ordersFilled: total(ms, (m) => m.filled),
    ordersRejected: total(ms, (m) => m.rejected),
    ordersCanceled: total(ms, (m) => m.canceled),
    throttledEvents: total(ms, (m) => m.throttled),
    retryEvents: total(ms, (m) => m.retries),
    retryGiveups: total(ms, (m) => m.retryGiveups),
    ledgerEvents: records.reduce((n, r) => n + r.ledgerEvents, 0),
    feesTry: last?.feesTry ?? '0',
    turnoverTry: totalTry(ms, (m) => m.turnoverTry),
    slippageTry: totalTry(ms, (m) => m.slippageTry),
    equity: {
      start: toPlain(startTry),
      end: last?.equityTry ?? toPlain(startTry),
      netPnl: last?.netPnlTry ?? '0',
    },
    maxDrawdownPct: last ? pctOf(last.maxDrawdownRatio) : '0',
    finalParamVersion: last?.activeParamVersion ?? null,
    paramChanges: ms.filter(changedParams).length,
    finalModes: tally(ms.map((m) => m.finalMode)),
    noTradesReasons: tally(ms.flatMap((m) => (m.noTradesReason ? [m.noTradesReason] : []))),
    riskReasons: tally(ms.flatMap((m) => m.riskReasons)),
    qualityFlags: flagged(QUALITY_FLAGS, (m) => m.qualityFlags),
    alertFlags: flagged(ALERT_FLAGS, (m) => m.alertFlags),
    requests,
    privateRequests: requests.requestsTotal - publicRequests(requests),
    series: done.map(({ r, m }) => ({
      index: r.index,
      timeIso: r.timeIso,
      equityTry: m.equityTry,
      netPnlTry: m.netPnlTry,
      maxDrawdownPct: pctOf(m.maxDrawdownRatio),
      paramVersion: m.paramVersion,
      finalMode: m.finalMode,
    })),
  };
}

// The report of a stage 7 run folder (spec 4.21 adapted to run folders), built in ONE pass over the records:
// validations, SLO, rollups, return statistics, trades and chart points are folds, and only the last `last`
// cycle rows are kept, so a run of any length is reported with flat memory. Everything in it is plain data
// (decimal strings, numbers, null): `btcbot report --json` prints it as is, and the text and HTML reports
// render it. Ratios are rounded to 4 decimals for reading; money stays exact.
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { type Dec, dec, toPlain, ZERO } from '../../shared/domain/money';
import type { Stage7RunMeta } from '../backtest/run-folder';
import { type ChartData, ChartSeries, strideFor } from './chart-series';
import { LastN } from './last-n';
import type { OpenRun } from './open-run';
import { EquityCurve } from './returns';
import { dayKey, isoWeekKey, Rollup, type RollupRow } from './rollups';
import { type SloEvaluation, type SloStatus, type SloThresholds, SloWindow } from './slo';
import { type PairRow, TradeBook } from './trades';
import { RunValidator, type ValidationFinding } from './validation';

export const REPORT_SCHEMA_VERSION = 'stage7-run-report-v1';

/** One row of the cycle table (spec 4.21's columns, plus the alert flags) */
export interface CycleRow {
  readonly cycleId: string;
  readonly ts: string;
  readonly mode: Stage7RunRecord['finalMode'];
  readonly netPnlTry: string;
  readonly maxDrawdownRatio: string;
  readonly turnoverTry: string;
  readonly intents: number;
  readonly rejected: number;
  readonly throttled: number;
  readonly noTradesReason: string | null;
  readonly alertFlags: readonly string[];
  /** SLO status of the window ending at this cycle */
  readonly sloStatus: SloStatus;
}

export interface RunSummary {
  readonly openingTry: string;
  readonly finalTry: string;
  readonly netPnlTry: string;
  readonly totalReturnPct: string | null;
  readonly maxDrawdownPct: string;
  readonly sharpe: string | null;
  readonly sortino: string | null;
  /** How Sharpe and Sortino are measured, in words */
  readonly ratioBasis: string;
  readonly fills: number;
  readonly buys: number;
  readonly sells: number;
  /** SELLs that closed held quantity */
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRatePct: string | null;
  readonly profitFactor: string | null;
  readonly grossProfitTry: string;
  readonly grossLossTry: string;
  readonly volumeTry: string;
  /** Fees of the run (the last cycle's cumulative fees) */
  readonly feesTry: string;
  /** Cycles that ended holding a position, in % of the cycles */
  readonly exposurePct: string;
}

export interface RunReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly run: Stage7RunMeta & { readonly dir: string };
  /** Cycles in the run (every figure but `rows` covers them all) */
  readonly cycles: number;
  /** The last cycles, oldest first */
  readonly rows: readonly CycleRow[];
  readonly daily: readonly RollupRow[];
  readonly weekly: readonly RollupRow[];
  readonly validation: {
    readonly ok: boolean;
    readonly errorCount: number;
    /** The first 100 */
    readonly errors: readonly ValidationFinding[];
  };
  /** The window ending at the last cycle; null for a run without cycles */
  readonly slo: (SloEvaluation & { readonly lookback: number }) | null;
  /** Null for a run without cycles */
  readonly summary: RunSummary | null;
  readonly pairs: readonly PairRow[];
}

export interface BuiltReport {
  readonly report: RunReport;
  /** What report.html plots */
  readonly chart: ChartData;
}

const ratio = (x: Dec | null): string | null => (x === null ? null : toPlain(x.toDecimalPlaces(4)));

export function buildRunReport(
  run: OpenRun,
  options: { readonly last: number; readonly slo: SloThresholds },
): BuiltReport {
  const validator = new RunValidator();
  const sloWindow = new SloWindow(options.slo);
  const daily = new Rollup(dayKey);
  const weekly = new Rollup(isoWeekKey);
  const trades = new TradeBook();
  const chart = new ChartSeries(strideFor(run.meta.cyclesRun));
  const rows = new LastN<CycleRow>(options.last);
  let curve: EquityCurve | undefined;
  let slo: SloEvaluation | undefined;
  let last: Stage7RunRecord | undefined;
  let cycles = 0;
  for (const r of run.records()) {
    cycles += 1;
    validator.add(r);
    slo = sloWindow.add(r);
    daily.add(r);
    weekly.add(r);
    trades.add(r);
    chart.add(r);
    curve ??= new EquityCurve(dec(r.equityTry).sub(dec(r.netPnlTry)), run.meta.stepSeconds);
    curve.add(dec(r.equityTry));
    rows.push(cycleRow(r, slo.status));
    last = r;
  }
  return {
    report: {
      schemaVersion: REPORT_SCHEMA_VERSION,
      run: { dir: run.dir, ...run.meta },
      cycles,
      rows: rows.items(),
      daily: daily.rows(),
      weekly: weekly.rows(),
      validation: { ok: validator.errorCount === 0, errorCount: validator.errorCount, errors: validator.errors },
      slo: slo ? { ...slo, lookback: options.slo.lookback } : null,
      summary: curve && last ? summary(curve, trades, last, run.meta.stepSeconds) : null,
      pairs: trades.pairs(),
    },
    chart: chart.data(),
  };
}

const cycleRow = (r: Stage7RunRecord, sloStatus: SloStatus): CycleRow => ({
  cycleId: r.cycleId,
  ts: r.ts,
  mode: r.finalMode,
  netPnlTry: r.netPnlTry,
  maxDrawdownRatio: r.maxDrawdownRatio,
  turnoverTry: r.turnoverTry,
  intents: r.intents,
  rejected: r.rejected,
  throttled: r.throttled,
  noTradesReason: r.noTradesReason,
  alertFlags: r.alertFlags,
  sloStatus,
});

function summary(curve: EquityCurve, trades: TradeBook, last: Stage7RunRecord, stepSeconds: number): RunSummary {
  const s = curve.stats();
  const o = trades.outcomes();
  const pairs = trades.pairs();
  const { exposed, cycles } = trades.exposure();
  const sum = (pick: (p: PairRow) => number) => pairs.reduce((n, p) => n + pick(p), 0);
  return {
    openingTry: toPlain(s.opening),
    finalTry: toPlain(s.final),
    netPnlTry: last.netPnlTry,
    totalReturnPct: ratio(s.totalReturnPct),
    maxDrawdownPct: ratio(s.maxDrawdownPct) ?? '0',
    sharpe: ratio(s.sharpe),
    sortino: ratio(s.sortino),
    ratioBasis:
      `per-cycle returns (one every ${stepSeconds} s), annualised by sqrt(${toPlain(s.periodsPerYear.toDecimalPlaces(2))} ` +
      'cycles per 365-day year), risk-free rate 0; Sharpe over the sample standard deviation, Sortino over the ' +
      'downside deviation below 0',
    fills: sum((p) => p.fills),
    buys: sum((p) => p.buys),
    sells: sum((p) => p.sells),
    trades: o.trades,
    wins: o.wins,
    losses: o.losses,
    winRatePct: ratio(o.winRate?.mul(100) ?? null),
    profitFactor: ratio(o.profitFactor),
    grossProfitTry: toPlain(o.grossProfit),
    grossLossTry: toPlain(o.grossLoss),
    volumeTry: toPlain(pairs.reduce((v, p) => v.add(dec(p.volumeTry)), ZERO)),
    feesTry: last.feesTry,
    exposurePct: toPlain(dec(String(exposed)).div(cycles).mul(100).toDecimalPlaces(2)),
  };
}

// `btcbot report` as text: the header line of spec 4.21 (`report: cycles=N daily_buckets=D weekly_buckets=W
// validation_errors=E`), the run, its summary, SLO and validation lines, then tables: daily and weekly rollups,
// pairs, and the last cycles with spec 4.21's columns. TRY to the kurus, ratios to 4 decimals; --json keeps
// every figure exact.
import { columns } from '../../bin/commands/columns';
import { dec } from '../../shared/domain/money';
import { tryAmount } from '../runner/amounts';
import type { RollupRow } from './rollups';
import type { RunReport, RunSummary } from './run-report';
import type { SloCheck } from './slo';

const orDash = (x: string | null, unit = ''): string => (x === null ? '-' : `${x}${unit}`);

export const headerLine = (r: RunReport): string =>
  `report: cycles=${r.cycles} daily_buckets=${r.daily.length} weekly_buckets=${r.weekly.length} ` +
  `validation_errors=${r.validation.errorCount}`;

function runLine(r: RunReport): string {
  const m = r.run;
  return (
    `run: ${m.dir} (${m.kind}, dataset ${m.dataset ?? 'generated market'}, seed ${m.seed}, ${m.startedAt} -> ` +
    `${m.endedAt}, step ${m.stepSeconds} s, adaptation ${m.includeAdaptation ? 'on' : 'off'}, ` +
    `${m.paramChanges} param changes, fingerprint ${m.fingerprint})`
  );
}

function summaryLines(s: RunSummary): string[] {
  return [
    `summary: equity ${tryAmount(s.openingTry)} -> ${tryAmount(s.finalTry)} TRY, net PnL ${tryAmount(s.netPnlTry)} TRY ` +
      `(total return ${orDash(s.totalReturnPct, ' %')}), max drawdown ${s.maxDrawdownPct} %, ` +
      `Sharpe ${orDash(s.sharpe)}, Sortino ${orDash(s.sortino)}`,
    `trades: ${s.trades} closed (${s.wins} won, ${s.losses} lost, win rate ${orDash(s.winRatePct, ' %')}, ` +
      `profit factor ${orDash(s.profitFactor)}), ${s.fills} fills (${s.buys} buys, ${s.sells} sells), volume ` +
      `${tryAmount(s.volumeTry)} TRY, fees ${tryAmount(s.feesTry)} TRY, exposure ${s.exposurePct} % of cycles`,
    `ratios: ${s.ratioBasis}`,
  ];
}

const sloCheckText = (c: SloCheck): string =>
  c.status === 'not_measured'
    ? `${c.name} not measured (${c.note ?? ''})`
    : `${c.name} ${c.value === null ? '-' : dec(c.value).toFixed(4)} ${c.status} (warn ${c.warn}, fail ${c.fail})`;

function sloLine(r: RunReport): string {
  if (r.slo === null) return 'slo: - (no cycles)';
  const window = `last ${r.slo.cycles} of lookback ${r.slo.lookback} cycles`;
  return `slo: ${r.slo.status} over the ${window}: ${r.slo.checks.map(sloCheckText).join('; ')}`;
}

function validationLines(r: RunReport): string[] {
  const v = r.validation;
  if (v.ok) return ['validation: ok (timestamps monotonic, net = gross - fees within 0.01 TRY, drawdown in [0, 1])'];
  const shown = v.errors.length < v.errorCount ? ` (first ${v.errors.length} shown)` : '';
  return [
    `validation: FAIL ${v.errorCount} error(s)${shown}`,
    ...v.errors.map((e) => `  ${e.ts} ${e.cycleId} ${e.check}: ${e.message}`),
  ];
}

const rollupTable = (title: string, rows: readonly RollupRow[]): string[] => [
  `${title}:`,
  ...columns([
    [
      'bucket',
      'cycles',
      'equity_end_try',
      'pnl_try',
      'fees_try',
      'turnover_try',
      'fills',
      'rejects',
      'alert_cycles',
      'max_dd',
    ],
    ...rows.map((b) => [
      b.bucket,
      String(b.cycles),
      tryAmount(b.equityEndTry),
      tryAmount(b.pnlTry),
      tryAmount(b.feesTry),
      tryAmount(b.turnoverTry),
      String(b.fills),
      String(b.rejected),
      String(b.alertCycles),
      dec(b.maxDrawdownRatio).toFixed(4),
    ]),
  ]).map((l) => `  ${l}`),
];

function pairTable(r: RunReport): string[] {
  return [
    'pairs:',
    ...columns([
      ['symbol', 'fills', 'buys', 'sells', 'volume_try', 'fees_try', 'realized_pnl_try', 'trades', 'wins', 'held_qty'],
      ...r.pairs.map((p) => [
        p.symbol,
        String(p.fills),
        String(p.buys),
        String(p.sells),
        tryAmount(p.volumeTry),
        tryAmount(p.feesTry),
        tryAmount(p.realizedPnlTry),
        String(p.trades),
        String(p.wins),
        p.heldQty,
      ]),
    ]).map((l) => `  ${l}`),
  ];
}

function cycleTable(r: RunReport): string[] {
  return [
    `last ${r.rows.length} cycles:`,
    ...columns([
      [
        'cycle_id',
        'ts',
        'mode',
        'net_pnl_try',
        'max_dd',
        'turnover',
        'intents',
        'rejects',
        'throttled',
        'no_trades_reason',
        'slo_status',
      ],
      ...r.rows.map((c) => [
        c.cycleId,
        c.ts,
        c.mode,
        tryAmount(c.netPnlTry),
        dec(c.maxDrawdownRatio).toFixed(4),
        tryAmount(c.turnoverTry),
        String(c.intents),
        String(c.rejected),
        String(c.throttled),
        c.noTradesReason ?? '-',
        c.sloStatus,
      ]),
    ]).map((l) => `  ${l}`),
  ];
}

export function reportText(r: RunReport): string[] {
  return [
    headerLine(r),
    runLine(r),
    ...(r.summary ? summaryLines(r.summary) : ['summary: - (no cycles)']),
    sloLine(r),
    ...validationLines(r),
    ...rollupTable('daily', r.daily),
    ...rollupTable('weekly', r.weekly),
    ...pairTable(r),
    ...cycleTable(r),
  ];
}

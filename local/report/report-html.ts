// report.html of a stage 7 run: one self-contained page (inline CSS and SVG, no script, no network) laid out
// the way a Freqtrade backtest result reads: the summary (return, drawdown, Sharpe, Sortino, win rate, profit
// factor, trades, fees, exposure), the validation and SLO status, the equity and drawdown curves, each pair's
// price with its buy and sell markers, the per-pair table, the daily and weekly rollups and the last cycles.
// Every summary value carries `data-metric="<name>"` so a test (or a scraper) reads exactly what is shown.
import { dec } from '../../shared/domain/money';
import { tryAmount } from '../runner/amounts';
import { escapeHtml as esc, htmlTable as table } from '../runner/html';
import { lineChartSvg } from '../runner/svg-chart';
import type { ChartData } from './chart-series';
import type { RollupRow } from './rollups';
import type { RunReport, RunSummary } from './run-report';

const orDash = (x: string | null): string => x ?? '—';

/** The summary rows: label, metric name, shown value */
export function summaryMetrics(s: RunSummary): [string, string, string][] {
  return [
    ['Starting balance (TRY)', 'opening_try', tryAmount(s.openingTry)],
    ['Final balance (TRY)', 'final_try', tryAmount(s.finalTry)],
    ['Absolute profit (TRY)', 'net_pnl_try', tryAmount(s.netPnlTry)],
    ['Total return (%)', 'total_return_pct', orDash(s.totalReturnPct)],
    ['Max drawdown (%)', 'max_drawdown_pct', s.maxDrawdownPct],
    ['Sharpe', 'sharpe', orDash(s.sharpe)],
    ['Sortino', 'sortino', orDash(s.sortino)],
    ['Closed trades', 'trades', String(s.trades)],
    ['Win rate (%)', 'win_rate_pct', orDash(s.winRatePct)],
    ['Profit factor', 'profit_factor', s.profitFactor ?? (s.losses === 0 && s.wins > 0 ? '∞' : '—')],
    ['Fills (buys / sells)', 'fills', `${s.fills} (${s.buys} / ${s.sells})`],
    ['Volume (TRY)', 'volume_try', tryAmount(s.volumeTry)],
    ['Fees (TRY)', 'fees_try', tryAmount(s.feesTry)],
    ['Exposure time (% of cycles)', 'exposure_pct', s.exposurePct],
  ];
}

function summarySection(r: RunReport): string {
  const s = r.summary;
  if (s === null) return '<p>The run has no cycles.</p>';
  const rows = summaryMetrics(s)
    .map(([label, key, value]) => `<tr><th>${esc(label)}</th><td data-metric="${key}">${esc(value)}</td></tr>`)
    .join('');
  return [
    `<table class="summary"><tbody>${rows}</tbody></table>`,
    `<p class="note">Sharpe and Sortino: ${esc(s.ratioBasis)}. A trade is a SELL that closed held quantity, ` +
      'its PnL after fees at average cost; profit factor = gross profit / gross loss.</p>',
  ].join('\n');
}

function statusSection(r: RunReport): string {
  const v = r.validation;
  const validation = v.ok
    ? '<span class="ok">pass</span>'
    : `<span class="fail">FAIL_CLOSED: ${v.errorCount} financial validation error(s)</span>`;
  const errors = v.errors.length
    ? table(
        ['ts', 'cycle', 'check', 'message'],
        v.errors.map((e) => [e.ts, e.cycleId, e.check, e.message]),
      )
    : '';
  const slo = r.slo
    ? `<span class="${r.slo.status}" data-metric="slo_status">${r.slo.status}</span> over the last ${r.slo.cycles} cycles (lookback ${r.slo.lookback})${table(
        ['check', 'value', 'warn', 'fail', 'status'],
        r.slo.checks.map((c) => [
          c.name,
          c.value === null ? '—' : dec(c.value).toFixed(4),
          c.warn ?? '—',
          c.fail ?? '—',
          c.status === 'not_measured' ? `not measured: ${c.note ?? ''}` : c.status,
        ]),
      )}`
    : '—';
  return [
    `<p>Financial validations: <span data-metric="validation">${validation}</span></p>`,
    errors,
    `<p>SLO: ${slo}</p>`,
  ].join('\n');
}

function chartsSection(c: ChartData): string {
  if (c.firstTs === null || c.lastTs === null) return '';
  const range: [string, string] = [c.firstTs, c.lastTs];
  const per = c.stride === 1 ? 'one point per cycle' : `one point per ${c.stride} cycles`;
  return [
    `<h2>Equity and drawdown</h2><p class="note">${esc(per)}, from the opening balance; the drawdown point is the worst inside its cycles.</p>`,
    `<div class="chart" data-chart="equity">${lineChartSvg('Equity (TRY)', c.equityTry, '#1565c0', 'TRY', { xLabels: range })}</div>`,
    `<div class="chart" data-chart="drawdown">${lineChartSvg('Drawdown (% below peak)', c.drawdownPct, '#c62828', '%', { xLabels: range })}</div>`,
    '<h2>Price and fills per pair</h2><p class="note">Mid mark per point; ▲ buys and ▼ sells at the volume-weighted fill price of the point\'s cycles.</p>',
    ...c.prices.map(
      (p) =>
        `<div class="chart" data-chart="price" data-symbol="${esc(p.symbol)}">${lineChartSvg(`${p.symbol} (TRY)`, p.marks, '#455a64', 'TRY', { markers: p.markers, xLabels: [p.firstTs, p.lastTs] })}</div>`,
    ),
  ].join('\n');
}

const rollupTable = (rows: readonly RollupRow[]): string =>
  table(
    [
      'bucket',
      'cycles',
      'equity end TRY',
      'PnL TRY',
      'fees TRY',
      'turnover TRY',
      'fills',
      'rejects',
      'alert cycles',
      'max DD',
    ],
    rows.map((b) => [
      b.bucket,
      b.cycles,
      tryAmount(b.equityEndTry),
      tryAmount(b.pnlTry),
      tryAmount(b.feesTry),
      tryAmount(b.turnoverTry),
      b.fills,
      b.rejected,
      b.alertCycles,
      dec(b.maxDrawdownRatio).toFixed(4),
    ]),
  );

export function runReportHtml(r: RunReport, chart: ChartData): string {
  const m = r.run;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>btcbot stage 7 ${esc(m.kind)} report</title>
<style>body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px}table{border-collapse:collapse;margin:1em 0;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}table.summary td{text-align:right;min-width:9em}
.note{color:#555;font-size:12px}.ok,.pass{color:#2e7d32;font-weight:bold}.warn{color:#ef6c00;font-weight:bold}.fail{color:#c62828;font-weight:bold}
.chart{margin:0.5em 0}</style>
</head><body>
<h1>btcbot stage 7 ${esc(m.kind)} report</h1>
<p>${esc(m.startedAt)} → ${esc(m.endedAt)}, <span data-metric="cycles">${r.cycles}</span> cycles every ${m.stepSeconds} s,
dataset <code>${esc(m.dataset ?? 'generated market')}</code>, seed ${m.seed}, adaptation ${m.includeAdaptation ? 'on' : 'off'} (${m.paramChanges} param changes).
Fingerprint <code>${esc(m.fingerprint)}</code>. Stage 7 never trades: these are simulated fills on a simulated account.</p>
<h2>Summary</h2>
${summarySection(r)}
<h2>Status</h2>
${statusSection(r)}
${chartsSection(chart)}
<h2>Per pair</h2>
${table(
  [
    'pair',
    'fills',
    'buys',
    'sells',
    'volume TRY',
    'fees TRY',
    'realized PnL TRY (after fees)',
    'closed trades',
    'wins',
    'held at end',
  ],
  r.pairs.map((p) => [
    p.symbol,
    p.fills,
    p.buys,
    p.sells,
    tryAmount(p.volumeTry),
    tryAmount(p.feesTry),
    tryAmount(p.realizedPnlTry),
    p.trades,
    p.wins,
    p.heldQty,
  ]),
)}
<h2>Daily</h2>
${rollupTable(r.daily)}
<h2>Weekly</h2>
${rollupTable(r.weekly)}
<h2>Last ${r.rows.length} cycles</h2>
${table(
  [
    'cycle',
    'ts',
    'mode',
    'net PnL TRY',
    'max DD',
    'turnover TRY',
    'intents',
    'rejects',
    'throttled',
    'no-trades reason',
    'alerts',
    'SLO',
  ],
  r.rows.map((c) => [
    c.cycleId,
    c.ts,
    c.mode,
    tryAmount(c.netPnlTry),
    dec(c.maxDrawdownRatio).toFixed(4),
    tryAmount(c.turnoverTry),
    c.intents,
    c.rejected,
    c.throttled,
    c.noTradesReason ?? '—',
    c.alertFlags.join(', ') || '—',
    c.sloStatus,
  ]),
)}
</body></html>
`;
}

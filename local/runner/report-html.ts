// out/report.html: one self-contained page (inline CSS and SVG, no external assets) with the equity and
// drawdown charts, the safety checks, positions, and the orders and fills tables
import { drawdownPercent } from './drawdown';
import {
  FILL_COLUMNS,
  fillRows,
  minutesOf,
  ORDER_COLUMNS,
  orderRows,
  POSITION_COLUMNS,
  positionRows,
  safetyChecks,
  totalsTables,
} from './report-md';
import type { LocalRunSummary } from './summary';
import { lineChartSvg } from './svg-chart';

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const table = (head: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c ?? ''))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

export function reportHtml(s: LocalRunSummary): string {
  const equity = s.equitySeries.map((p) => p.equity);
  const o = s.config.options;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>btcbot local run</title>
<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}</style>
</head><body>
<h1>btcbot local run</h1>
<p>Mode <b>${esc(s.config.mode)}</b> (APP_ROLE=${esc(s.config.appRole)}, DRY_RUN=${s.config.dryRun}, kill switch ${s.config.killSwitch ? 'on' : 'off'}),
stages ${esc(o.stages.join(','))}, symbols ${esc(o.symbols.join(','))}, seed ${o.seed}, faults <code>${esc(o.faults)}</code>, ${minutesOf(s)} simulated minutes from ${esc(s.config.startIso)}.</p>
<p>Equity ${esc(s.equity.start)} → ${esc(s.equity.end)} TRY; bot PnL ${esc(s.equity.pnl)} TRY.</p>
${lineChartSvg('Equity (TRY, at mid marks)', equity, '#1565c0', 'TRY')}
${lineChartSvg('Drawdown (% below peak)', drawdownPercent(equity), '#c62828', '%')}
${totalsTables(s)
  .map((t) => `<h2>${esc(t.title)}</h2>\n${table(t.head, t.rows)}`)
  .join('\n')}
<h2>Safety checks</h2>
${table(
  ['check', 'value', 'ok'],
  safetyChecks(s).map(([name, value, ok]) => [name, value, ok ? 'yes' : 'NO']),
)}
<h2>Final positions</h2>
${table(POSITION_COLUMNS, positionRows(s))}
<h2>Orders</h2>
${table(ORDER_COLUMNS, orderRows(s))}
<h2>Fills</h2>
${table(FILL_COLUMNS, fillRows(s))}
</body></html>
`;
}

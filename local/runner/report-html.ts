// out/report.html: one self-contained page (inline CSS and SVG, no external assets) with the equity and
// drawdown charts of the venue account (when a trading stage ran), stage 7's section with the equity and
// drawdown of its simulated account, the safety checks, positions, and the orders and fills tables
import { drawdownPercent } from './drawdown';
import { escapeHtml as esc, htmlTable as table } from './html';
import {
  FILL_COLUMNS,
  fillRows,
  minutesOf,
  ORDER_COLUMNS,
  orderRows,
  POSITION_COLUMNS,
  positionRows,
  safetyChecks,
  type TotalsTable,
  totalsTables,
  venueEquityLine,
} from './report-md';
import { STAGE7_TITLE, stage7Intro, stage7Tables } from './report-stage7';
import type { LocalRunSummary } from './summary';
import { lineChartSvg } from './svg-chart';

function venueSection(s: LocalRunSummary): string {
  const line = venueEquityLine(s);
  if (line === undefined) return '';
  const equity = s.equitySeries.map((p) => p.equity);
  return [
    `<p>${esc(line)}</p>`,
    lineChartSvg('Equity (TRY, at mid marks)', equity, '#1565c0', 'TRY'),
    lineChartSvg('Drawdown (% below peak)', drawdownPercent(equity), '#c62828', '%'),
  ].join('\n');
}

const tables = (level: 'h2' | 'h3', ts: readonly TotalsTable[]): string =>
  ts.map((t) => `<${level}>${esc(t.title)}</${level}>\n${table(t.head, t.rows)}`).join('\n');

/** Stage 7's account from its opening balance, one point per completed cycle */
function stage7Section(s: LocalRunSummary): string {
  const t = s.stages.stage7;
  if (t === undefined) return '';
  const equity = [t.equity.start, ...t.series.map((p) => p.equityTry)];
  return [
    `<h2>${esc(STAGE7_TITLE)}</h2>`,
    `<p>${esc(stage7Intro(t))}</p>`,
    lineChartSvg('Stage 7 simulated account equity (TRY)', equity, '#2e7d32', 'TRY'),
    lineChartSvg('Stage 7 drawdown (% below peak)', drawdownPercent(equity), '#c62828', '%'),
    tables('h3', stage7Tables(s)),
  ].join('\n');
}

export function reportHtml(s: LocalRunSummary): string {
  const o = s.config.options;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>btcbot local run</title>
<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}</style>
</head><body>
<h1>btcbot local run</h1>
<p>Mode <b>${esc(s.config.mode)}</b> (APP_ROLE=${esc(s.config.appRole)}, DRY_RUN=${s.config.dryRun}, kill switch ${s.config.killSwitch ? 'on' : 'off'}),
stages ${esc(o.stages.join(','))}, symbols ${esc(o.symbols.join(','))}, seed ${o.seed}, faults <code>${esc(o.faults)}</code>, ${minutesOf(s)} simulated minutes from ${esc(s.config.startIso)}.</p>
${venueSection(s)}
${tables('h2', totalsTables(s))}
${stage7Section(s)}
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

// out/report.html: one self-contained page (inline CSS and SVG, no external assets): what happened, each bot's
// equity chart with its fills as buy/sell markers and its drawdown (when a trading stage ran), the totals, every trading cycle with why it traded nothing, each order's status history, the faults
// and what they caused, the requests per endpoint, stage 7's section with the equity and drawdown of its
// simulated account, the safety checks, positions, and the orders and fills tables. Every text is escaped.
import { drawdownPercent } from './drawdown';
import { escapeHtml as esc, htmlTable as table } from './html';
import { equityMarkers, equityPoints } from './report-markers';
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
} from './report-md';
import { STAGE7_TITLE, stage7Intro, stage7Tables } from './report-stage7';
import {
  CYCLES_TITLE,
  cycleTables,
  FAULTS_TITLE,
  faultTables,
  HISTORY_TITLE,
  historyTable,
  REQUESTS_TITLE,
  requestsTable,
} from './report-tables';
import type { BotView, LocalRunSummary } from './summary';
import { lineChartSvg } from './svg-chart';

const STAGE_NAME = { stage3: 'Stage 3', stage4: 'Stage 4' } as const;

/** Each bot's own account: its equity with its fills as markers, and its drawdown */
function botSection(s: LocalRunSummary, bot: BotView): string {
  const equity = equityPoints(bot);
  const first = `start ${s.config.startIso}`;
  const last = bot.equitySeries.at(-1)?.timeIso ?? '';
  const name = STAGE_NAME[bot.stage];
  return [
    `<h3>${esc(`${name} bot (account ${bot.account})`)}</h3>`,
    `<p>${esc(`Equity ${bot.equity.start} → ${bot.equity.end} TRY; PnL (realized + unrealized) ${bot.equity.pnl} TRY.`)}</p>`,
    `<div data-chart="equity" data-stage="${bot.stage}">${lineChartSvg(`${name} bot equity (TRY, at mid marks) with its fills`, equity, '#1565c0', 'TRY', { markers: equityMarkers(bot, s.fills), xLabels: [first, last] })}</div>`,
    `<div data-chart="drawdown" data-stage="${bot.stage}">${lineChartSvg(`${name} bot drawdown (% below peak)`, drawdownPercent(equity), '#c62828', '%')}</div>`,
  ].join('\n');
}

function botsSection(s: LocalRunSummary): string {
  if (s.bots.length === 0) return '';
  return section(
    'equity',
    'Equity with trade markers',
    [
      '<p>Each bot trades its own simulator account, valued at mid marks from its start and after each cycle. Triangles mark its fills: green pointing up a buy, red pointing down a sell (hover for details).</p>',
      ...s.bots.map((bot) => botSection(s, bot)),
    ].join('\n'),
  );
}

const section = (id: string, title: string, body: string): string =>
  `<section id="${id}">\n<h2>${esc(title)}</h2>\n${body}\n</section>`;

function activitySections(s: LocalRunSummary): string {
  const history = historyTable(s);
  const requests = requestsTable(s);
  return [
    s.timeline.length === 0 ? '' : section('cycles', CYCLES_TITLE, tables('h3', cycleTables(s))),
    s.timeline.length === 0
      ? ''
      : section(
          'order-history',
          HISTORY_TITLE,
          history.rows.length === 0 ? '<p>No order was journaled.</p>' : table(history.head, history.rows),
        ),
    section('faults', FAULTS_TITLE, tables('h3', faultTables(s))),
    section('requests', REQUESTS_TITLE, table(requests.head, requests.rows)),
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
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}
td{overflow-wrap:anywhere}
#what-happened{background:#f5f8fc;border-left:4px solid #1565c0;padding:.5em 1em;max-width:60em}</style>
</head><body>
<h1>btcbot local run</h1>
<section id="what-happened">
<h2>What happened</h2>
${s.whatHappened.map((line) => `<p>${esc(line)}</p>`).join('\n')}
</section>
<p>Mode <b>${esc(s.config.mode)}</b> (APP_ROLE=${esc(s.config.appRole)}, DRY_RUN=${s.config.dryRun}, kill switch ${s.config.killSwitch ? 'on' : 'off'}),
stages ${esc(o.stages.join(','))}, symbols ${esc(o.symbols.join(','))}, seed ${o.seed}, faults <code>${esc(o.faults)}</code>, ${minutesOf(s)} simulated minutes from ${esc(s.config.startIso)}.</p>
${botsSection(s)}
${tables('h2', totalsTables(s))}
${activitySections(s)}
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

// out/report.md: the run at a glance (configuration, totals, safety checks, positions, orders and fills)
import { dec } from '../../shared/domain/money';
import type { LocalRunSummary } from './summary';

export const POSITION_COLUMNS = ['symbol', 'qty', 'avg cost TRY', 'realized PnL TRY', 'mark TRY'];

/** TRY amounts shown to the kurus (2 decimals); summary.json keeps them exact */
export const positionRows = (s: LocalRunSummary): string[][] =>
  s.positions.map((p) => [p.symbol, p.qty, ...[p.avgCost, p.realizedPnl, p.mark].map((x) => dec(x).toFixed(2))]);

const table = (head: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string[] => [
  `| ${head.join(' | ')} |`,
  `| ${head.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${r.map((c) => String(c ?? '')).join(' | ')} |`),
];

export const ORDER_COLUMNS = [
  'cycle',
  'client order id',
  'symbol',
  'side',
  'price',
  'qty',
  'filled',
  'status',
  'exchange id',
];
export const FILL_COLUMNS = ['time', 'trade id', 'client order id', 'symbol', 'side', 'price', 'qty', 'fee'];

export const orderRows = (s: LocalRunSummary) =>
  s.orders.map((o) => [
    o.cycleId,
    o.clientOrderId,
    o.symbol,
    o.side,
    o.price,
    o.qty,
    o.filledQty,
    o.status,
    o.exchangeOrderId,
  ]);
export const fillRows = (s: LocalRunSummary) =>
  s.fills.map((f) => [
    f.timeIso,
    f.tradeId,
    f.clientOrderId,
    f.symbol,
    f.side,
    f.price,
    f.qty,
    `${f.fee} ${f.feeAsset}`,
  ]);

export function safetyChecks(s: LocalRunSummary): [string, string, boolean][] {
  return [
    [
      'exchange orders <= journal orders',
      `${s.exchange.orders} <= ${s.exchange.journalOrders}`,
      s.exchange.orders <= s.exchange.journalOrders,
    ],
    [
      'every client order id at most once on the exchange',
      `${s.exchange.duplicateClientIds.length} duplicates`,
      s.exchange.duplicateClientIds.length === 0,
    ],
    ['no UNKNOWN order left', `${s.outcome.unknown} UNKNOWN`, s.outcome.unknown === 0],
    [
      'reconcile queue drained',
      `${s.outcome.reconcileLeft} left, ${s.outcome.deadLetters} in DLQ`,
      s.outcome.reconcileLeft === 0 && s.outcome.deadLetters === 0,
    ],
  ];
}

export function reportMarkdown(s: LocalRunSummary): string {
  const o = s.config.options;
  return [
    '# btcbot local run',
    '',
    `Mode **${s.config.mode}** (APP_ROLE=${s.config.appRole}, DRY_RUN=${s.config.dryRun}, kill switch ${s.config.killSwitch ? 'on' : 'off'}), ` +
      `stages ${o.stages.join(',')}, symbols ${o.symbols.join(',')}, seed ${o.seed}, faults \`${o.faults}\`, ` +
      `${s.totals.cycles} cycles of ${o.intervalMs / 1000} s simulated time from ${s.config.startIso}.`,
    '',
    '## Totals',
    '',
    ...table(
      ['intents', 'approved', 'submitted', 'simulated', 'rejected', 'unknown', 'recovered', 'fills', 'cycle errors'],
      [
        [
          s.totals.intents,
          s.totals.approved,
          s.totals.submitted,
          s.totals.simulated,
          s.totals.rejected,
          s.totals.unknown,
          s.totals.recovered,
          s.fills.length,
          s.totals.errors,
        ],
      ],
    ),
    '',
    `Equity ${s.equity.start} → ${s.equity.end} TRY; bot PnL (realized + unrealized) ${s.equity.pnl} TRY.`,
    '',
    '## Safety checks',
    '',
    ...table(
      ['check', 'value', 'ok'],
      safetyChecks(s).map(([name, value, ok]) => [name, value, ok ? 'yes' : '**NO**']),
    ),
    '',
    '## Final positions',
    '',
    ...table(POSITION_COLUMNS, positionRows(s)),
    '',
    '## Orders',
    '',
    ...table(ORDER_COLUMNS, orderRows(s)),
    '',
    '## Fills',
    '',
    ...table(FILL_COLUMNS, fillRows(s)),
    '',
  ].join('\n');
}

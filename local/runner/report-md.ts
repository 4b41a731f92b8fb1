// out/report.md: the run at a glance (what happened, configuration, totals, every trading cycle with why it
// traded nothing, each order's status history, faults and what they caused, requests per endpoint, stage 7's
// simulation, safety checks, positions, orders and fills). Table cells escape `|` so a reason cannot break a row.
import { dec } from '../../shared/domain/money';
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
import type { LocalRunSummary } from './summary';

export const POSITION_COLUMNS = ['bot', 'symbol', 'qty', 'avg cost TRY', 'realized PnL TRY', 'mark TRY'];

/** TRY amounts shown to the kurus (2 decimals); summary.json keeps them exact */
export const positionRows = (s: LocalRunSummary): string[][] =>
  s.positions.map((p) => [
    p.stage,
    p.symbol,
    p.qty,
    ...[p.avgCost, p.realizedPnl, p.mark].map((x) => dec(x).toFixed(2)),
  ]);

const table = (head: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string[] => [
  `| ${head.join(' | ')} |`,
  `| ${head.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${r.map((c) => String(c ?? '').replaceAll('|', '\\|')).join(' | ')} |`),
];

export const ORDER_COLUMNS = [
  'cycle',
  'client order id',
  'bot',
  'symbol',
  'side',
  'price',
  'qty',
  'filled',
  'status',
  'exchange id',
];
export const FILL_COLUMNS = ['bot', 'time', 'trade id', 'client order id', 'symbol', 'side', 'price', 'qty', 'fee'];

export const orderRows = (s: LocalRunSummary) =>
  s.orders.map((o) => [
    o.cycleId,
    o.clientOrderId,
    o.stage,
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
    f.stage,
    f.timeIso,
    f.tradeId,
    f.clientOrderId,
    f.symbol,
    f.side,
    f.price,
    f.qty,
    `${f.fee} ${f.feeAsset}`,
  ]);

/** Simulated minutes the run scheduled (each fires every selected stage once) */
export const minutesOf = (s: LocalRunSummary): number => new Set(s.cycles.map((c) => c.index)).size;

export interface TotalsTable {
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** One totals table per stage the run scheduled */
export function totalsTables(s: LocalRunSummary): TotalsTable[] {
  const tables: TotalsTable[] = [];
  const s3 = s.stages.stage3;
  if (s3) {
    tables.push({
      title: 'Stage 3 totals',
      head: [
        'cycles',
        'intents',
        'approved',
        'submitted',
        'simulated',
        'rejected',
        'unknown',
        'recovered',
        'fills',
        'reconciled',
        'unknown outstanding',
        'duplicates',
        'cycle errors',
      ],
      rows: [
        [
          s3.cycles,
          s3.intents,
          s3.approved,
          s3.submitted,
          s3.simulated,
          s3.rejected,
          s3.unknown,
          s3.recovered,
          s3.fillsInserted,
          s3.reconciled,
          s3.unknownOutstanding,
          s3.duplicates,
          s3.errors,
        ],
      ],
    });
  }
  const s4 = s.stages.stage4;
  if (s4) {
    tables.push({
      title: 'Stage 4 totals',
      head: [
        'cycles',
        'planned',
        'actions',
        'placed',
        'replaced',
        'canceled',
        'filled',
        'simulated',
        'rejected',
        'uncertain',
        'reconciled',
        'unknown outstanding',
        'duplicates',
        'cycle errors',
      ],
      rows: [
        [
          s4.cycles,
          s4.planned,
          s4.actions,
          s4.placed,
          s4.replaced,
          s4.canceled,
          s4.filled,
          s4.simulated,
          s4.rejected,
          s4.uncertainSubmits + s4.uncertainCancels,
          s4.reconciled,
          s4.unknownOutstanding,
          s4.duplicates,
          s4.errors,
        ],
      ],
    });
    tables.push({
      title: 'Stage 4 risk modes and reasons for no action (cycles)',
      head: ['what', 'cycles'],
      rows: [
        ...Object.entries(s4.riskModes).map(([mode, n]) => [`mode ${mode}`, n]),
        ['unknown-order freeze', s4.freezeCycles],
        ...Object.entries(s4.reasonsNoAction).map(([reason, n]) => [`no action: ${reason}`, n]),
      ],
    });
  }
  return tables;
}

export function safetyChecks(s: Pick<LocalRunSummary, 'stages' | 'exchange' | 'outcome'>): [string, string, boolean][] {
  const s7 = s.stages.stage7;
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
    [
      'never two orders resting at once for one client id, intent or replace group',
      `${s.exchange.restingDuplicates.length} duplicates`,
      s.exchange.restingDuplicates.length === 0,
    ],
    ['no UNKNOWN order left', `${s.outcome.unknown} UNKNOWN`, s.outcome.unknown === 0],
    [
      'reconcile queue drained',
      `${s.outcome.reconcileLeft} left, ${s.outcome.deadLetters} in DLQ`,
      s.outcome.reconcileLeft === 0 && s.outcome.deadLetters === 0,
    ],
    ...(s7
      ? [
          [
            'stage 7 sent public market reads only',
            `${s7.privateRequests} private or write requests`,
            s7.privateRequests === 0,
          ] as [string, string, boolean],
        ]
      : []),
  ];
}

/** The bots' accounts, when a trading stage ran (stage 7 alone never touches one) */
export const venueEquityLine = (s: LocalRunSummary): string | undefined =>
  s.bots.length === 0
    ? undefined
    : s.bots
        .map(
          (b) =>
            `${b.stage} bot (account ${b.account}): equity ${b.equity.start} → ${b.equity.end} TRY, ` +
            `PnL (realized + unrealized) ${b.equity.pnl} TRY.`,
        )
        .join(' ');

function activity(s: LocalRunSummary): string[] {
  const section = (title: string, body: string[]) => [`## ${title}`, '', ...body, ''];
  const subTables = (ts: readonly TotalsTable[]) =>
    ts.flatMap((t) => [`### ${t.title}`, '', ...table(t.head, t.rows), '']);
  const history = historyTable(s);
  const requests = requestsTable(s);
  return [
    ...(s.timeline.length === 0 ? [] : section(CYCLES_TITLE, subTables(cycleTables(s)))),
    ...(s.timeline.length === 0 ? [] : section(HISTORY_TITLE, table(history.head, history.rows))),
    ...section(FAULTS_TITLE, subTables(faultTables(s))),
    ...section(REQUESTS_TITLE, table(requests.head, requests.rows)),
  ];
}

export function reportMarkdown(s: LocalRunSummary): string {
  const o = s.config.options;
  return [
    '# btcbot local run',
    '',
    '## What happened',
    '',
    ...s.whatHappened.flatMap((line) => [line, '']),
    `Mode **${s.config.mode}** (APP_ROLE=${s.config.appRole}, DRY_RUN=${s.config.dryRun}, kill switch ${s.config.killSwitch ? 'on' : 'off'}), ` +
      `stages ${o.stages.join(',')}, symbols ${o.symbols.join(',')}, seed ${o.seed}, faults \`${o.faults}\`, ` +
      `${minutesOf(s)} simulated minutes of ${o.intervalMs / 1000} s from ${s.config.startIso}.`,
    '',
    ...totalsTables(s).flatMap((t) => [`## ${t.title}`, '', ...table(t.head, t.rows), '']),
    ...[venueEquityLine(s)].flatMap((line) => (line ? [line, ''] : [])),
    ...activity(s),
    ...(s.stages.stage7
      ? [
          `## ${STAGE7_TITLE}`,
          '',
          stage7Intro(s.stages.stage7),
          '',
          ...stage7Tables(s).flatMap((t) => [`### ${t.title}`, '', ...table(t.head, t.rows), '']),
        ]
      : []),
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

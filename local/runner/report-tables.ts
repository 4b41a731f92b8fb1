// The tables report.md and report.html both show about what happened during the run: the trading cycles with
// why each idle one sent nothing, every order's status history, the faults injected and what they caused,
// and the requests per endpoint as the bot's gateways and the simulator counted them
import type { TotalsTable } from './report-md';
import type { LocalRunSummary } from './summary';

export const CYCLES_TITLE = 'Trading cycles: decisions and why nothing was traded';
export const HISTORY_TITLE = 'Order status history';
export const FAULTS_TITLE = 'Faults injected and retries';
export const REQUESTS_TITLE = 'Requests per endpoint';

/** One table per trading stage the run scheduled */
export function cycleTables(s: LocalRunSummary): TotalsTable[] {
  const stages = [...new Set(s.timeline.map((r) => r.stage))];
  return stages.map((stage) => ({
    title: `${stage === 'stage3' ? 'Stage 3' : 'Stage 4'} per cycle`,
    head: [
      'cycle',
      'sim time',
      'mode',
      'status',
      stage === 'stage3' ? 'intents' : 'planned',
      'submitted',
      'simulated',
      'uncertain',
      'rejected',
      'fills',
      'reconciled',
      'why nothing was traded',
      'decisions',
    ],
    rows: s.timeline
      .filter((r) => r.stage === stage)
      .map((r) => [
        r.index,
        r.timeIso,
        r.mode,
        r.status,
        r.intents,
        r.submitted,
        r.simulated,
        r.uncertain,
        r.rejected,
        r.fills,
        r.reconciled,
        r.why.join('; '),
        r.decisions.join(', '),
      ]),
  }));
}

/** One row per step of every order, orders in the order they were created */
export function historyTable(s: LocalRunSummary): TotalsTable {
  return {
    title: HISTORY_TITLE,
    head: ['client order id', 'stage', 'order', 'time', 'from', 'to', 'event', 'by', 'cause'],
    rows: s.orders.flatMap((o) =>
      o.history.map((step) => [
        o.clientOrderId,
        o.stage,
        `${o.side} ${o.qty} ${o.symbol} @ ${o.price}`,
        step.atIso,
        step.from ?? '(new)',
        step.to,
        step.event,
        step.by,
        step.cause,
      ]),
    ),
  };
}

/** Faults by kind, then one row per fault */
export function faultTables(s: LocalRunSummary): TotalsTable[] {
  const f = s.faults;
  return [
    {
      title: 'Faults by kind',
      head: ['what', 'count'],
      rows: [
        ['API requests the simulator answered', f.requests],
        ['faults injected', f.injected],
        ['faulted reads retried', f.retried],
        ...Object.entries(f.byKind).map(([kind, n]) => [`fault ${kind}`, n]),
      ],
    },
    {
      title: 'Each fault and what it caused',
      head: ['time', 'request', 'fault', 'what the simulator did', 'what followed'],
      rows: f.list.map((r) => [r.atIso, r.endpoint, r.kind, r.what, r.followUp]),
    },
  ];
}

/** Endpoints as rows, the bot's gateway, stage 7's and the simulator's counts as columns */
export function requestsTable(s: LocalRunSummary): TotalsTable {
  const r = s.requests;
  const endpoints = [...new Set([r.bots, r.stage7 ?? {}, r.simulator].flatMap((c) => Object.keys(c)))].sort();
  const cell = (counts: Readonly<Record<string, number>> | null, e: string) =>
    counts === null ? '-' : (counts[e] ?? 0);
  const total = (counts: Readonly<Record<string, number>> | null) =>
    counts === null ? '-' : Object.values(counts).reduce((n, x) => n + x, 0);
  return {
    title: REQUESTS_TITLE,
    head: ['endpoint', 'sent by the bots (stages 3, 4, reconcile)', 'sent by stage 7', 'answered by the simulator'],
    rows: [
      ...endpoints.map((e) => [e, cell(r.bots, e), cell(r.stage7, e), cell(r.simulator, e)]),
      ['total', total(r.bots), total(r.stage7), total(r.simulator)],
    ],
  };
}

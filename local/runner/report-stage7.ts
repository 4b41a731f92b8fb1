// The "Stage 7 (simulated)" section of report.md and report.html: its totals, cycles per final mode and per
// spec 4.14 flag and no-trades reason, the requests its gateway sent, and one row per cycle. TRY amounts to
// the kurus and percentages to 2 decimals; summary.json keeps them exact.
import { dec } from '../../shared/domain/money';
import { tryAmount } from './amounts';
import type { TotalsTable } from './report-md';
import type { Stage7CycleRecord } from './stage7-record';
import type { Stage7Totals } from './stage7-totals';
import type { LocalRunSummary } from './summary';

export const STAGE7_TITLE = 'Stage 7 (simulated)';

const pct = (x: string): string => `${dec(x).toFixed(2)}%`;

/** What stage 7 is in one sentence, then where its account went */
export function stage7Intro(t: Stage7Totals): string {
  return (
    `Stage 7 never trades: each cycle plans a portfolio, builds LIMIT orders and runs them through the ` +
    `simulated order-management machine on its own simulated account, opened with ${tryAmount(t.equity.start)} TRY ` +
    `(DRY_RUN_TRY_BALANCE), reading only public market data (${t.requests.requestsTotal} requests, ` +
    `${t.privateRequests} private or write). Equity ${tryAmount(t.equity.start)} → ${tryAmount(t.equity.end)} TRY, ` +
    `net PnL ${tryAmount(t.equity.netPnl)} TRY, max drawdown ${pct(t.maxDrawdownPct)}.`
  );
}

function totalsTable(t: Stage7Totals): TotalsTable {
  return {
    title: 'Stage 7 totals',
    head: [
      'cycles',
      'planned',
      'skipped',
      'submitted',
      'filled',
      'rejected',
      'canceled',
      'throttled',
      'retries',
      'give-ups',
      'fees TRY',
      'turnover TRY',
      'slippage TRY',
      'params',
      'param changes',
      'cycle errors',
    ],
    rows: [
      [
        t.cycles,
        t.intentsPlanned,
        t.intentsSkipped,
        t.ordersSubmitted,
        t.ordersFilled,
        t.ordersRejected,
        t.ordersCanceled,
        t.throttledEvents,
        t.retryEvents,
        t.retryGiveups,
        tryAmount(t.feesTry),
        tryAmount(t.turnoverTry),
        tryAmount(t.slippageTry),
        t.finalParamVersion === null ? '-' : `v${t.finalParamVersion}`,
        t.paramChanges,
        t.errors,
      ],
    ],
  };
}

function cyclesTable(t: Stage7Totals): TotalsTable {
  const rows = (prefix: string, counts: Readonly<Record<string, number | undefined>>) =>
    Object.entries(counts).map(([k, n]) => [`${prefix} ${k}`, n ?? 0]);
  return {
    title: 'Stage 7 cycles by status, final mode, no-trades reason, risk reason and flag',
    head: ['what', 'cycles'],
    rows: [
      ...rows('status', t.statuses),
      ...rows('final mode', t.finalModes),
      ...rows('no trades:', t.noTradesReasons),
      ...rows('risk:', t.riskReasons),
      ...rows('quality flag', t.qualityFlags),
      ...rows('alert flag', t.alertFlags),
    ],
  };
}

const flagsOf = (r: Stage7CycleRecord): string =>
  r.record ? [...r.record.alertFlags, ...r.record.qualityFlags].join(', ') : (r.error ?? r.status);

function perCycleTable(records: readonly Stage7CycleRecord[]): TotalsTable {
  return {
    title: 'Stage 7 per cycle',
    head: [
      'cycle',
      'sim time',
      'status',
      'final mode',
      'planned',
      'submitted',
      'filled',
      'rejected',
      'equity TRY',
      'net PnL TRY',
      'max drawdown',
      'params',
      'flags',
    ],
    rows: records.map((r) => {
      const m = r.record;
      return [
        r.index,
        r.timeIso,
        r.status,
        m?.finalMode ?? '',
        m?.intents ?? '',
        m?.submitted ?? '',
        m?.filled ?? '',
        m?.rejected ?? '',
        m ? tryAmount(m.equityTry) : '',
        m ? tryAmount(m.netPnlTry) : '',
        m ? pct(dec(m.maxDrawdownRatio).mul(100).toFixed()) : '',
        m ? `v${m.paramVersion}` : '',
        flagsOf(r),
      ];
    }),
  };
}

/** The stage 7 tables, in the order both reports show them (none when the run did not schedule stage 7) */
export function stage7Tables(s: LocalRunSummary): TotalsTable[] {
  const t = s.stages.stage7;
  if (t === undefined) return [];
  const records = s.cycles.filter((c): c is Stage7CycleRecord => c.stage === 'stage7');
  return [totalsTable(t), cyclesTable(t), perCycleTable(records)];
}

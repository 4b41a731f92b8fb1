// The "what happened" paragraph at the top of both reports, generated from the summary itself: how the run was
// armed, what each trading stage placed and how those orders ended (an UNKNOWN one with the cause and how it
// was settled), why the idle cycles sent nothing, what stage 7 simulated, the faults and what they caused, the
// bot's equity, and whether every safety check held. Amounts are the summary's decimal strings.
import { tryAmount } from './amounts';
import { safetyChecks } from './report-md';
import type { TimelineRow } from './report-timeline';
import type { LocalRunSummary } from './summary';

type Unstoried = Omit<LocalRunSummary, 'whatHappened'>;
type Order = Unstoried['orders'][number];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const STAGE_NAME = { stage3: 'Stage 3', stage4: 'Stage 4' } as const;

/** `2 FILLED, 1 CANCELED`: final statuses, most frequent first */
function statusCounts(orders: readonly Order[]): string {
  const counts = new Map<string, number>();
  for (const o of orders) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
}

/** The top reasons idle cycles gave, with how many cycles gave each */
function topReasons(rows: readonly TimelineRow[], limit = 3): string {
  const counts = new Map<string, number>();
  for (const r of rows) for (const why of new Set(r.why)) counts.set(why, (counts.get(why) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
  return top.length === 0
    ? 'no reason was recorded'
    : top.map(([why, n]) => `${why} (${plural(n, 'cycle')})`).join('; ');
}

/**
 * One sentence about the orders that went UNKNOWN: what the simulator did to the submit (the fault linked to the
 * order) or else the step's own event, and how each was settled, by whom
 */
function unknownSentence(s: Unstoried, orders: readonly Order[]): string | undefined {
  const went = orders.filter((o) => o.history?.some((st) => st.to === 'UNKNOWN'));
  if (went.length === 0) return undefined;
  const causes = went.map((o) => {
    const fault = s.faults.list.find((f) => f.clientOrderId === o.clientOrderId);
    return fault ? `its submit was ${fault.what}` : 'its submit got no usable answer';
  });
  const settled = went.map((o) => {
    const last = o.history?.at(-1);
    if (last === undefined || last.to === 'UNKNOWN') return `still ${o.status}`;
    return `${last.to} by ${last.by === 'reconcile' ? 'reconcile (found by client id)' : `the ${last.by}`}`;
  });
  return (
    `${plural(went.length, 'order')} went UNKNOWN (${[...new Set(causes)].join('; ')}) and ` +
    `${went.length === 1 ? 'was' : 'were'} settled as ${[...new Set(settled)].join(', ')}`
  );
}

function stageSentence(s: Unstoried, stage: 'stage3' | 'stage4'): string | undefined {
  const rows = s.timeline.filter((r) => r.stage === stage);
  if (rows.length === 0) return undefined;
  const name = STAGE_NAME[stage];
  const orders = s.orders.filter((o) => o.stage === stage);
  const simulated = rows.reduce((n, r) => n + r.simulated, 0);
  const idle = rows.filter((r) => r.why.length > 0);
  if (orders.length === 0 && simulated === 0) {
    return `${name} traded nothing in ${plural(rows.length, 'cycle')}: ${topReasons(idle)}.`;
  }
  const parts: string[] = [];
  if (orders.length > 0) parts.push(`${name} placed ${plural(orders.length, 'order')} (${statusCounts(orders)})`);
  if (simulated > 0)
    parts.push(`${orders.length > 0 ? 'and' : name} simulated ${plural(simulated, 'order')} (dry run: not sent)`);
  const unknown = unknownSentence(s, orders);
  if (unknown) parts.push(`; ${unknown}`);
  const lastError = rows.filter((r) => r.status !== 'completed').length;
  if (lastError > 0) parts.push(`; ${plural(lastError, 'cycle')} did not complete`);
  const quiet =
    idle.length > 0 ? ` In the other ${plural(idle.length, 'cycle')} it sent nothing: ${topReasons(idle)}.` : '';
  return `${parts.join(' ').replaceAll(' ;', ';')}.${quiet}`;
}

function stage7Sentence(s: Unstoried): string | undefined {
  const t = s.stages.stage7;
  if (t === undefined) return undefined;
  return (
    `Stage 7 (simulated on its own account, never trades) planned ${plural(t.intentsPlanned, 'order')}, ` +
    `simulated ${t.ordersSubmitted} and filled ${t.ordersFilled} in ${plural(t.cycles, 'cycle')}; its account went ` +
    `${tryAmount(t.equity.start)} → ${tryAmount(t.equity.end)} TRY.`
  );
}

function faultSentence(s: Unstoried): string | undefined {
  const f = s.faults;
  const profile = s.config.options.faults;
  if (f === null)
    return profile === 'none' ? undefined : `Fault profile ${profile} (no per-request record in this run).`;
  if (f.injected === 0)
    return profile === 'none' ? undefined : `Fault profile ${profile} injected nothing in ${f.requests} requests.`;
  const kinds = Object.entries(f.byKind)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  return (
    `The simulator injected ${plural(f.injected, 'fault')} in ${f.requests} requests (${kinds}); ` +
    `${plural(f.retried, 'read')} ${f.retried === 1 ? 'was' : 'were'} retried` +
    (s.exchange.duplicateClientIds.length === 0
      ? ', and no client order id reached the venue twice.'
      : `, and ${plural(s.exchange.duplicateClientIds.length, 'client order id')} reached the venue TWICE.`)
  );
}

function equitySentence(s: Unstoried): string | undefined {
  if (s.bots.length === 0) return undefined;
  const each = s.bots.map((b) => {
    const fills = s.fills.filter((f) => f.stage === b.stage).length;
    return (
      `${STAGE_NAME[b.stage]}'s bot account went ${tryAmount(b.equity.start)} → ${tryAmount(b.equity.end)} TRY ` +
      `(PnL ${tryAmount(b.equity.pnl)} TRY, ${plural(fills, 'fill')})`
    );
  });
  return `${each.join('; ')}.`;
}

export function whatHappened(s: Unstoried): string[] {
  const o = s.config.options;
  const armed = s.config.dryRun
    ? 'Dry run against the local simulator: no order was sent'
    : 'Live against the local simulator (fake money, every gate armed)';
  const failed = safetyChecks(s).filter(([, , ok]) => !ok);
  return [
    `${armed}; ${o.stages.join(', ')} over ${plural(new Set(s.cycles.map((c) => c.index)).size, 'simulated minute')}, seed ${o.seed}, faults ${o.faults}.`,
    ...[
      stageSentence(s, 'stage3'),
      stageSentence(s, 'stage4'),
      stage7Sentence(s),
      faultSentence(s),
      equitySentence(s),
    ].filter((x): x is string => x !== undefined),
    failed.length === 0
      ? `Every safety check held (${plural(safetyChecks(s).length, 'check')}).`
      : `SAFETY CHECK FAILED: ${failed.map(([name, value]) => `${name} (${value})`).join('; ')}.`,
  ];
}

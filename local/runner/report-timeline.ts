// One row per trading cycle for the reports: what the cycle decided and sent, and when it sent nothing, why
// (the stage's own reasons: stage 4's reasons for no action, stage 3's decisions and counters, the mode, a
// freeze, a cycle that did not complete)
import type { Stage3CycleRecord, Stage4CycleRecord, TradingCycleRecord } from './scheduler';

export interface TimelineRow {
  readonly stage: 'stage3' | 'stage4';
  readonly index: number;
  readonly cycleId: string;
  readonly timeIso: string;
  readonly status: string;
  readonly mode: string;
  /** Stage 3: intents; stage 4: orders planned */
  readonly intents: number;
  /** Orders sent to the venue (stage 4: placements, replacements included) */
  readonly submitted: number;
  readonly simulated: number;
  /** Submits whose answer never came: UNKNOWN until reconcile settles them */
  readonly uncertain: number;
  readonly rejected: number;
  readonly fills: number;
  /** Journal entries reconcile settled right after the cycle */
  readonly reconciled: number;
  readonly decisions: readonly string[];
  /** Why the cycle traded nothing, in plain words with the code; empty when it sent or simulated an order */
  readonly why: readonly string[];
}

/** Plain words for the codes a newcomer meets most; any other code is shown as it is */
const PLAIN: readonly [RegExp, string][] = [
  [/min_notional|1123/, 'below the venue minimum notional'],
  [/kill_switch/, 'kill switch on'],
  [/cooldown/, 'symbol cooldown running'],
  [/^no_planned_actions$/, 'the strategy planned no order'],
  [/^lease_held_elsewhere$/, 'another invocation held the lease'],
  [/stale/, 'market data stale (fail closed)'],
  [/gate_closed|gate_blocked/, 'a safety gate was closed'],
  [/observe_only/, 'observe-only'],
  [/frozen|freeze/, 'unknown-order freeze'],
  [/insufficient_history/, 'not enough market history yet'],
];

/** `plain words (code)`, or the code alone when no plain wording is known */
export function explainCode(code: string): string {
  const plain = PLAIN.find(([re]) => re.test(code))?.[1];
  return plain === undefined ? code : `${plain} (${code})`;
}

const notCompleted = (r: TradingCycleRecord): string[] =>
  r.status === 'completed' ? [] : [`cycle ${r.status}${r.error ? `: ${r.error}` : ''}`];

const modeReason = (mode: string): string[] => (mode === 'LIVE' || mode === 'DRY_RUN' ? [] : [`mode ${mode}`]);

function stage3Row(r: Stage3CycleRecord): TimelineRow {
  const c = r.counters;
  const decisions = r.decisions;
  const submitted = c?.submitted ?? 0;
  const simulated = c?.simulated ?? 0;
  const uncertain = c?.unknown ?? 0;
  const acted = submitted + simulated + uncertain > 0;
  const counted: string[] = [];
  if (c && c.intents === 0) counted.push('the strategy wanted no order this minute (no intent)');
  if (c && c.intents > 0 && c.approved === 0)
    counted.push(`risk approved none of ${c.intents === 1 ? 'the 1 intent' : `${c.intents} intents`}`);
  if (c && c.rejectedPrecheck > 0) counted.push(`balance precheck stopped ${c.rejectedPrecheck}`);
  if (c && c.gateBlocked > 0) counted.push(`a safety gate closed during the cycle (${c.gateBlocked})`);
  if (c && c.frozenSkips > 0) counted.push(`symbol frozen by unknown orders (${c.frozenSkips})`);
  if (c && c.rejected > 0) counted.push(`venue rejected ${c.rejected}`);
  return {
    stage: 'stage3',
    index: r.index,
    cycleId: r.cycleId,
    timeIso: r.timeIso,
    status: r.status,
    mode: r.mode,
    intents: c?.intents ?? 0,
    submitted,
    simulated,
    uncertain,
    rejected: c?.rejected ?? 0,
    fills: r.fills,
    reconciled: r.reconciled,
    decisions,
    why: acted ? [] : [...notCompleted(r), ...modeReason(r.mode), ...counted, ...decisions.map(explainCode)],
  };
}

function stage4Row(r: Stage4CycleRecord): TimelineRow {
  const x = r.execution;
  const submitted = x?.submitted ?? 0;
  const simulated = x?.simulated ?? 0;
  const acted = submitted + simulated + (x?.canceled ?? 0) + (x?.replaceCommitted ?? 0) + (x?.unknown ?? 0) > 0;
  const extra: string[] = [];
  if (r.freezeActive) extra.push('unknown-order freeze active');
  if (r.riskMode !== undefined && r.riskMode !== 'NORMAL') extra.push(`risk mode ${r.riskMode}`);
  if (x && x.rejectedMinNotional > 0) extra.push(`venue refused ${x.rejectedMinNotional} below the minimum notional`);
  return {
    stage: 'stage4',
    index: r.index,
    cycleId: r.cycleId,
    timeIso: r.timeIso,
    status: r.status,
    mode: r.mode,
    intents: r.counters?.planned ?? 0,
    submitted,
    simulated,
    uncertain: x?.unknown ?? 0,
    rejected: x?.rejected ?? 0,
    fills: r.fills,
    reconciled: r.reconciled,
    decisions: r.decisions,
    why: acted ? [] : [...notCompleted(r), ...modeReason(r.mode), ...extra, ...r.reasonsNoAction.map(explainCode)],
  };
}

export function timelineOf(records: readonly TradingCycleRecord[]): TimelineRow[] {
  return records.map((r) => (r.stage === 'stage3' ? stage3Row(r) : stage4Row(r)));
}

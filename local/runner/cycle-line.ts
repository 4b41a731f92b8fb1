// The one line printed per cycle: simulated time, stage, mode, what the cycle did, the bot's equity and PnL.
// `submitted` counts orders sent to the venue, `simulated` orders a dry run (or stage 7) only simulated, as the
// totals line and summary.json count them. Stage 3's notes name why an intent was blocked (risk and venue
// rules: `risk_block:min_notional`...). Stage 4 counts its planned orders as intents and its actions past every
// filter as approved; its notes add what replace transactions, cancels and the risk layers did, and why it sent
// nothing. Stage 7 counts its intents (skipped included), planned ones as approved, its simulated orders and
// fills, no UNKNOWN column (it has no journal), and the equity and net PnL of its own simulated account; its
// notes add rejects, cancels, throttling, a final mode other than NORMAL and the spec 4.14 flags raised.
import { dec } from '../../shared/domain/money';
import {
  type CycleRecord,
  isTradingRecord,
  type Stage3CycleRecord,
  type Stage4CycleRecord,
  type TradingCycleRecord,
} from './scheduler';
import type { Stage7CycleRecord } from './stage7-record';

export const CYCLE_HEADER =
  'cycle  sim time             stage   mode      intents approved submitted simulated fills unknown    equity TRY     PnL TRY';

interface Columns {
  readonly intents: number;
  readonly approved: number;
  readonly submitted: number;
  readonly simulated: number;
  readonly fills: number;
  readonly unknown: string;
  readonly equity: string;
  readonly pnl: string;
}

function tradingColumns(r: TradingCycleRecord): Columns {
  const venue = { fills: r.fills, unknown: String(r.unknown), equity: r.equity, pnl: r.pnl };
  if (r.stage === 'stage3') {
    const c = r.counters;
    return {
      intents: c?.intents ?? 0,
      approved: c?.approved ?? 0,
      submitted: c?.submitted ?? 0,
      simulated: c?.simulated ?? 0,
      ...venue,
    };
  }
  const x = r.execution;
  return {
    intents: r.counters?.planned ?? 0,
    approved: r.counters?.actions ?? 0,
    submitted: x?.submitted ?? 0,
    simulated: x?.simulated ?? 0,
    ...venue,
  };
}

function stage7Columns(r: Stage7CycleRecord): Columns {
  const m = r.record;
  return {
    intents: m ? m.intents + m.skipped : 0,
    approved: m?.intents ?? 0,
    submitted: 0,
    simulated: m?.submitted ?? 0,
    fills: m?.filled ?? 0,
    unknown: '-',
    equity: m ? dec(m.equityTry).toFixed(2) : '-',
    pnl: m ? dec(m.netPnlTry).toFixed(2) : '-',
  };
}

function stage4Notes(r: Stage4CycleRecord): string[] {
  const x = r.execution;
  return [
    x && x.replaceCommitted > 0 ? `replaced ${x.replaceCommitted}` : '',
    x && x.canceled > 0 ? `canceled ${x.canceled}` : '',
    x && x.replaceBlocked > 0 ? `replace blocked ${x.replaceBlocked}` : '',
    x && x.replaceFailed > 0 ? `replace failed ${x.replaceFailed}` : '',
    r.riskMode !== undefined && r.riskMode !== 'NORMAL' ? `risk ${r.riskMode}` : '',
    r.freezeActive ? 'frozen' : '',
    x && x.unknown > 0 ? `submit uncertain ${x.unknown}` : '',
    x && x.cancelUncertain > 0 ? `cancel uncertain ${x.cancelUncertain}` : '',
    // why nothing was sent, when nothing was (an uncertain submit was sent)
    ...(x && x.submitted + x.simulated + x.unknown > 0
      ? []
      : r.reasonsNoAction.map((reason) => `no action: ${reason}`)),
  ];
}

/** Decision codes that say why an intent went no further (risk blocks and drops, venue rules, observe-only) */
const BLOCKING = /block|drop|observe_only|stale|unavailable/;

/** Submits whose outcome was unclear, then each blocking decision of the cycle once, with how many it stopped */
function stage3Notes(r: Stage3CycleRecord): string[] {
  const counts = new Map<string, number>();
  for (const d of r.decisions.filter((code) => BLOCKING.test(code))) counts.set(d, (counts.get(d) ?? 0) + 1);
  const uncertain = r.counters?.unknown ?? 0;
  return [
    uncertain > 0 ? `submit uncertain ${uncertain}` : '',
    ...[...counts].map(([code, n]) => `blocked ${code}${n > 1 ? ` x${n}` : ''}`),
  ];
}

function stage7Notes(r: Stage7CycleRecord): string[] {
  const m = r.record;
  if (m === undefined) return [];
  return [
    m.rejected > 0 ? `rejected ${m.rejected}` : '',
    m.canceled > 0 ? `canceled ${m.canceled}` : '',
    m.throttled > 0 ? `throttled ${m.throttled}` : '',
    m.finalMode !== 'NORMAL' ? `mode ${m.finalMode}` : '',
    m.alertFlags.length > 0 ? `alert ${m.alertFlags.join(',')}` : '',
    m.qualityFlags.length > 0 ? `quality ${m.qualityFlags.join(',')}` : '',
  ];
}

export function cycleLine(r: CycleRecord): string {
  const c = isTradingRecord(r) ? tradingColumns(r) : stage7Columns(r);
  const cells = [
    String(r.index).padStart(5),
    r.timeIso.slice(0, 19).replace('T', ' ').padEnd(20),
    r.stage.padEnd(7),
    r.mode.padEnd(9),
    String(c.intents).padStart(7),
    String(c.approved).padStart(8),
    String(c.submitted).padStart(9),
    String(c.simulated).padStart(9),
    String(c.fills).padStart(5),
    c.unknown.padStart(7),
    c.equity.padStart(13),
    c.pnl.padStart(11),
  ];
  const notes = [
    r.status === 'completed' ? '' : r.status,
    ...(r.stage === 'stage4' ? stage4Notes(r) : r.stage === 'stage7' ? stage7Notes(r) : stage3Notes(r)),
    isTradingRecord(r) && r.reconciled > 0 ? `reconciled ${r.reconciled}` : '',
    r.error ?? '',
  ].filter(Boolean);
  return `${cells.join(' ')}${notes.length > 0 ? `  ${notes.join('; ')}` : ''}`;
}

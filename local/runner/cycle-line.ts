// The one line printed per cycle: simulated time, stage, mode, what the cycle did, equity and PnL. Stage 4
// counts its planned orders as intents and its actions past every filter as approved; its notes add what
// replace transactions, cancels and the risk layers did.
import type { CycleRecord, Stage4CycleRecord } from './scheduler';

export const CYCLE_HEADER =
  'cycle  sim time             stage   mode      intents approved submitted fills unknown        equity TRY     PnL TRY';

interface Columns {
  readonly intents: number;
  readonly approved: number;
  readonly submitted: number;
}

function columnsOf(r: CycleRecord): Columns {
  if (r.stage === 'stage3') {
    const c = r.counters;
    return { intents: c?.intents ?? 0, approved: c?.approved ?? 0, submitted: c ? c.submitted + c.simulated : 0 };
  }
  const x = r.execution;
  return {
    intents: r.counters?.planned ?? 0,
    approved: r.counters?.actions ?? 0,
    submitted: x ? x.submitted + x.simulated : 0,
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
  ];
}

export function cycleLine(r: CycleRecord): string {
  const c = columnsOf(r);
  const cells = [
    String(r.index).padStart(5),
    r.timeIso.slice(0, 19).replace('T', ' ').padEnd(20),
    r.stage.padEnd(7),
    r.mode.padEnd(9),
    String(c.intents).padStart(7),
    String(c.approved).padStart(8),
    String(c.submitted).padStart(9),
    String(r.fills).padStart(5),
    String(r.unknown).padStart(7),
    r.equity.padStart(17),
    r.pnl.padStart(11),
  ];
  const notes = [
    r.status === 'completed' ? '' : r.status,
    ...(r.stage === 'stage4' ? stage4Notes(r) : []),
    r.reconciled > 0 ? `reconciled ${r.reconciled}` : '',
    r.error ?? '',
  ].filter(Boolean);
  return `${cells.join(' ')}${notes.length > 0 ? `  ${notes.join('; ')}` : ''}`;
}

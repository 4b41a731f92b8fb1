// The one line printed per cycle: simulated time, stage, mode, what the cycle did, equity and PnL
import type { CycleRecord } from './scheduler';

export const CYCLE_HEADER =
  'cycle  sim time             stage   mode      intents approved submitted fills unknown        equity TRY     PnL TRY';

export function cycleLine(r: CycleRecord): string {
  const c = r.counters;
  const cells = [
    String(r.index).padStart(5),
    r.timeIso.slice(0, 19).replace('T', ' ').padEnd(20),
    r.stage.padEnd(7),
    r.mode.padEnd(9),
    String(c?.intents ?? 0).padStart(7),
    String(c?.approved ?? 0).padStart(8),
    String(c ? c.submitted + c.simulated : 0).padStart(9),
    String(r.fills).padStart(5),
    String(r.unknown).padStart(7),
    r.equity.padStart(17),
    r.pnl.padStart(11),
  ];
  const notes = [
    r.status === 'completed' ? '' : r.status,
    r.reconcile.delivered > 0 ? `reconciled ${r.reconcile.delivered}` : '',
    r.error ?? '',
  ].filter(Boolean);
  return `${cells.join(' ')}${notes.length > 0 ? `  ${notes.join('; ')}` : ''}`;
}

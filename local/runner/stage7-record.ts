// What the local schedule keeps of one stage 7 cycle: its status, and when it completed its run record (the line
// a run folder's cycles.jsonl holds, the same a backtest writes), the HTTP requests stage 7's own gateway sent
// during it (public market reads only: it has no credentials), and the ledger events it appended. Stage 7 has no journal orders, so
// nothing here touches the journal or reconcile.
import { type RequestCounters, requestCountersOf } from '../../shared/application/exchange-read-monitor';
import { runRecordOf, type Stage7RunRecord } from '../../shared/application/stage7/run-record';
import type { Stage7CycleResult } from '../../shared/application/stage7/run-stage7-cycle';

export interface Stage7CycleRecord {
  readonly stage: 'stage7';
  /** The simulated minute, from 1 */
  readonly index: number;
  readonly cycleId: string;
  readonly timeIso: string;
  readonly status: Stage7CycleResult['status'] | 'error';
  /** Stage 7 always runs dry (spec 4.1), whatever mode the trading stages run in */
  readonly mode: 'DRY_RUN';
  /** What the completed cycle measured: the line it adds to the run folder's cycles.jsonl */
  readonly record?: Stage7RunRecord;
  /** FILL and FEE events appended to the stage 7 ledger account (a saved cycle's owed ones included) */
  readonly ledgerEvents: number;
  /** HTTP requests stage 7's gateway sent during the cycle, by endpoint */
  readonly requests: RequestCounters;
  readonly error?: string;
}

/** @param requests what stage 7's gateway sent during the invocation, by `METHOD /path` */
export function stage7Record(
  at: Pick<Stage7CycleRecord, 'index' | 'cycleId' | 'timeIso'>,
  invoked: { readonly result?: Stage7CycleResult; readonly error?: string },
  requests: Readonly<Record<string, number>>,
): Stage7CycleRecord {
  const r = invoked.result;
  return {
    stage: 'stage7',
    ...at,
    status: r?.status ?? 'error',
    mode: 'DRY_RUN',
    ...(r?.status === 'completed' ? { record: runRecordOf(at.cycleId, r) } : {}),
    ledgerEvents: r?.status === 'completed' || r?.status === 'already_saved' ? r.ledgerEventsAppended : 0,
    requests: requestCountersOf(requests),
    ...(invoked.error ? { error: invoked.error } : {}),
  };
}

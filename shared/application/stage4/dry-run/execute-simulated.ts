// Dry-run execution of one stage 4 cycle (spec 3.18 step 9): the gated actions applied to the simulated rows
// the cycle loaded, saved over the version it loaded, reported like live execution. Nothing reaches the venue,
// the order journal or the ledger. A save that lost a race (ConcurrentUpdateError) fails the cycle: the next
// one re-reads the rows and decides again.
import type { Stage4Action } from '../../../domain/oms/stage4-action';
import type { DocumentStore, Versioned } from '../../../ports/state-store';
import { newExecutionResult, type Stage4ExecutionCounters } from '../execute-actions-result';
import {
  applySimulated,
  type SimulatedCounters,
  type SimulatedExecution,
  type SimulatedOrder,
  type SimulatedQuote,
} from './simulated-orders';
import { saveSimulatedOrders } from './simulated-orders-state';

export interface SimulatedExecutionResult {
  readonly counters: Stage4ExecutionCounters & SimulatedCounters;
  readonly decisions: SimulatedExecution['decisions'];
}

export async function executeSimulated(
  documents: DocumentStore,
  account: string,
  loaded: Versioned<readonly SimulatedOrder[]>,
  actions: readonly Stage4Action[],
  nowMs: number,
  market: ReadonlyMap<string, SimulatedQuote>,
): Promise<SimulatedExecutionResult> {
  const applied = applySimulated(actions, loaded.value, nowMs, market);
  // an unchanged book keeps every row object in place: a quiet cycle writes nothing
  const changed =
    applied.rows.length !== loaded.value.length || applied.rows.some((row, at) => row !== loaded.value[at]);
  if (changed) await saveSimulatedOrders(documents, account, applied.rows, loaded.version);
  return {
    counters: { ...newExecutionResult().counters, ...applied.counters },
    decisions: applied.decisions,
  };
}

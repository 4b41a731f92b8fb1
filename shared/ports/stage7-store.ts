// Stage 7 persistence (spec 4.15 and the atomic units 2, 3 and 6 of spec 6.3; issue 15 point 5): what a cycle
// loads, and ONE conditional write per cycle fenced by the stage 7 lease. Events and idempotency keys are
// insert-or-ignore, order rows upserts, the state documents and the active params version-guarded: writing
// the same cycle again changes nothing. A backend whose transactions are bounded (DynamoDB: 100 items, 4 MB)
// commits a bigger write through a durable redo log that the next load completes (see the adapter).
import type { AdaptationMetricsRow, AdaptationWrites, ParamsCheckpoint } from '../domain/adaptation/adaptation-model';
import type { NoMetricsReason, NoTradesReason, Stage7CycleCounts } from '../domain/adaptation/stage7-metrics';
import type { Stage7Params } from '../domain/adaptation/stage7-params';
import type { Dec } from '../domain/money';
import type { Stage7OmsState, Stage7OmsWrites } from '../domain/oms/stage7-oms-state';
import type { AssetBalance } from '../domain/portfolio/simulated-account';
import type { TokenBucketState } from '../domain/token-bucket';
import type { LeaseFence, Versioned } from './state-store';

/** JSON a stage 7 document may hold: integers only (amounts travel as decimal strings, never floats) */
export type Stage7Json =
  | string
  | number
  | boolean
  | null
  | readonly Stage7Json[]
  | { readonly [key: string]: Stage7Json };

/** A JSON object kept as it is: a record whose type is not settled yet (universe state, risk decision, trace) */
export type Stage7Document = { readonly [key: string]: Stage7Json };

/** The state documents a cycle reads and writes back, version-guarded, one item each */
export interface Stage7Documents {
  /** The simulated account's balances (SimulatedAccount.balances() / restore) */
  readonly account: Readonly<Record<string, AssetBalance>>;
  /** The token bucket's snapshot (TokenBucket.snapshot() / constructor) */
  readonly tokenBucket: TokenBucketState;
  /** The previous universe state (spec 6.2 stage7_universe_state) */
  readonly universe: Stage7Document;
  /** The previous stage 7 risk decision (spec 4.2 step 5: its cooldown carries over) */
  readonly riskDecision: Stage7Document;
}
export type Stage7DocumentName = keyof Stage7Documents;

export type Stage7TimingPhase = 'selection' | 'planning' | 'intents' | 'oms' | 'ledger' | 'persist' | 'total';

/**
 * A `stage7_run_metrics` row (spec 4.14): what adaptation reads (AdaptationMetricsRow, so the rows load
 * straight into evaluateAndApply) and the rest of the cycle's measures. omsRejectedCount and
 * omsThrottledCount repeat counts.omsRejected and counts.throttledEvents; a row where they differ is refused.
 */
export interface Stage7RunMetricsRow extends AdaptationMetricsRow {
  readonly runId: string;
  readonly counts: Stage7CycleCounts;
  readonly noTradesReason: NoTradesReason | null;
  readonly noMetricsReason: NoMetricsReason | null;
  readonly equityTry: Dec;
  readonly grossPnlTry: Dec;
  readonly feesTry: Dec;
  readonly slippageTry: Dec;
  readonly turnoverTry: Dec;
  /** Whole milliseconds per phase */
  readonly timingsMs: Readonly<Record<Stage7TimingPhase, number>>;
}

export interface Stage7ParamsState {
  /** The active params; `version` here is the active row's revision (0: none stored yet), not params.version */
  readonly active: Versioned<Stage7Params | undefined>;
  /**
   * The checkpoints adaptation needs, by version ascending: the newest, the active version's and the newest
   * good one of another version (reading every checkpoint would grow with history)
   */
  readonly checkpoints: readonly ParamsCheckpoint[];
}

export interface Stage7CycleState {
  /** The non-terminal orders with every event and the idempotency key of each */
  readonly oms: Stage7OmsState;
  readonly params: Stage7ParamsState;
  /** The newest run-metric rows first, at most 5 (spec 4.16) */
  readonly runMetrics: readonly Stage7RunMetricsRow[];
  /** Each document with its version (0 and no value: none stored yet) */
  readonly documents: { readonly [K in Stage7DocumentName]: Versioned<Stage7Documents[K] | undefined> };
  /** The cycle whose interrupted write this load completed first, if any */
  readonly completedWrite?: string;
}

/** A document to store if its version is still `expectedVersion` (the version loaded; 0: must not exist) */
export interface Stage7DocumentWrite<T> {
  readonly value: T;
  readonly expectedVersion: number;
}

/** Adaptation's writes (active row, change row, checkpoints), guarded by the active row's loaded revision */
export interface Stage7ParamsWrite extends AdaptationWrites {
  readonly expectedRevision: number;
}

export interface Stage7CycleWrite {
  readonly account: string;
  readonly cycleId: string;
  /** Each OMS pass's writes in the order the passes ran: a later pass's row of an order replaces an earlier one */
  readonly oms: readonly Stage7OmsWrites[];
  /** Its cycleId is the write's */
  readonly runMetrics: Stage7RunMetricsRow;
  /** The cycle trace (spec 4.15 stage7_cycle_trace), stored once per cycle id */
  readonly trace?: Stage7Document;
  readonly documents: { readonly [K in Stage7DocumentName]?: Stage7DocumentWrite<Stage7Documents[K]> };
  readonly params?: Stage7ParamsWrite;
}

export interface Stage7Store {
  /**
   * What a cycle starts from. An earlier write that was interrupted between its transactions is completed
   * first (under `fence`), so the state returned is never half of a cycle. A reader that must not write (the
   * CLI's status) passes epoch 0, which no lease ever holds: the load then only reads, or throws StaleLeaseError
   * before writing anything when a write is waiting to be completed.
   * @throws StaleLeaseError   an interrupted write needed completing and `fence` is no longer current
   * @throws CorruptStateError a stored item is malformed (the error names its key and field)
   */
  load(account: string, fence: LeaseFence): Promise<Stage7CycleState>;
  /**
   * The stored orders, events and idempotency keys of these client ids (the cycle's intents, whose orders a
   * re-run finds already stored); ids with nothing stored are left out.
   * @throws CorruptStateError a stored item is malformed
   */
  loadOrders(account: string, clientOrderIds: readonly string[]): Promise<Stage7OmsState>;
  /**
   * Writes the whole cycle atomically under `fence`. A record already stored exactly as written is left as it
   * is, so writing the same cycle again changes nothing.
   * @throws StaleLeaseError          `fence` is no longer the lease's epoch; nothing was written
   * @throws ConcurrentUpdateError    a document or the active params moved past the expected version, a
   *   record of this write is stored with other content, a checkpoint holds other params, or an interrupted
   *   write is waiting for a load to complete it; nothing was written
   * @throws IdempotencyConflictError an idempotency key is stored with another payload hash; nothing was written
   * @throws CorruptStateError        a record the store could not read back (a negative fee, a float in a
   *   document...) or a stored item is malformed; nothing was written
   * @throws ValidationError          the write contradicts itself (two events for one seq...); nothing was written
   */
  saveCycle(write: Stage7CycleWrite, fence: LeaseFence): Promise<void>;
}

// Persistent state ports (ARCHITECTURE section 4, spec section 6). Every write that matters is safe to
// repeat and safe against a second, slower copy of the same function: creates are put-if-absent, updates
// are guarded by a version, and journal creation also proves the caller still holds its lease epoch.
import type { Side } from '../domain/exchange-rules';
import type { StageName } from '../domain/ids';
import type { LedgerEvent } from '../domain/ledger/ledger-event';
import type { Dec } from '../domain/money';
import type { NewReplaceTransaction, ReplaceTransaction, ReplaceTxEvent } from '../domain/oms/replace-transaction';
import type { JournalEvent, JournalStatus } from '../domain/order-state';
import type { SymbolCooldown, SymbolRejectPolicy } from '../domain/store-rules';
import type { Stage7Store } from './stage7-store';

export type { SymbolCooldown, SymbolRejectPolicy } from '../domain/store-rules';

// ---------------------------------------------------------------- lease (single writer per stage+account)

export interface Lease {
  /** e.g. `stage3#default` */
  readonly name: string;
  /** Unique per invocation (a Lambda request id, a local run id) */
  readonly holder: string;
  /** Increases by one on every takeover; the fencing token journal writes are checked against */
  readonly epoch: number;
  readonly expiresAtMs: number;
}

export interface LeaseStore {
  /**
   * Takes the lease when it is free, expired, or already held by `holder` (then only the expiry moves).
   * @returns the lease held, or undefined when another holder's lease is still live
   */
  acquire(name: string, holder: string, ttlMs: number, nowMs: number): Promise<Lease | undefined>;
  /** Gives the lease up early; a no-op when it has meanwhile been taken over */
  release(lease: Lease): Promise<void>;
  read(name: string): Promise<Lease | undefined>;
}

// ---------------------------------------------------------------- order journal

export interface JournalOrder {
  readonly account: string;
  readonly clientOrderId: string;
  readonly stage: StageName;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  readonly status: JournalStatus;
  /** Starts at 1; every successful update increments it */
  readonly version: number;
  /** The intent this order executes; several attempts (new client ids) may share it */
  readonly intentKey: string;
  readonly attempt: number;
  readonly cycleId: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** When the submit was sent: the reconcile search window starts 10 s before it */
  readonly submittedAtMs?: number | undefined;
  readonly exchangeOrderId?: string | undefined;
  readonly filledQty: Dec;
  /** Reconcile lookups that did not find the order (NOT_PLACED needs several, after a grace window) */
  readonly notFoundChecks: number;
  readonly lastError?: string | undefined;
}

export type NewJournalOrder = Omit<
  JournalOrder,
  | 'status'
  | 'version'
  | 'updatedAtMs'
  | 'filledQty'
  | 'notFoundChecks'
  | 'exchangeOrderId'
  | 'lastError'
  | 'submittedAtMs'
>;

/** Fields a transition or update may change besides the status */
export interface JournalPatch {
  readonly exchangeOrderId?: string;
  readonly filledQty?: Dec;
  readonly submittedAtMs?: number;
  readonly notFoundChecks?: number;
  readonly lastError?: string;
}

export interface LeaseFence {
  readonly name: string;
  readonly epoch: number;
}

export interface OrderJournal {
  /**
   * Records an order as PENDING_SUBMIT before anything is sent: one atomic write that creates the entry
   * only if its client id is new AND checks that `fence` is still the current lease epoch.
   * @returns created: false with the stored entry when the client id already exists (a replay)
   * @throws StaleLeaseError the fence is no longer current; nothing was written
   */
  create(order: NewJournalOrder, fence: LeaseFence, nowMs: number): Promise<{ created: boolean; order: JournalOrder }>;
  get(account: string, clientOrderId: string): Promise<JournalOrder | undefined>;
  /**
   * Moves `order` through the journal state machine, conditional on its version, and with `fence` also on
   * the lease epoch in the same atomic write (a cycle passes its fence; the reconcile function, which holds
   * no lease and only adopts what the venue reports, passes none).
   * @throws InvalidTransitionError the state machine forbids it; nothing was written
   * @throws ConcurrentUpdateError  the stored version moved on; re-read and decide again
   * @throws StaleLeaseError        `fence` is no longer the lease's epoch; nothing was written
   */
  transition(
    order: JournalOrder,
    event: JournalEvent,
    patch: JournalPatch,
    nowMs: number,
    fence?: LeaseFence,
  ): Promise<JournalOrder>;
  /** Version-guarded (and with `fence` lease-fenced) change of non-status fields (fill progress, bookkeeping) */
  update(order: JournalOrder, patch: JournalPatch, nowMs: number, fence?: LeaseFence): Promise<JournalOrder>;
  listByStatus(account: string, statuses: readonly JournalStatus[]): Promise<JournalOrder[]>;
  /** The newest attempt recorded for an intent, if any */
  latestForIntent(account: string, intentKey: string): Promise<JournalOrder | undefined>;
  /**
   * Entries per status for the cycle summary (spec 9.3.22); statuses without entries are 0. Read from
   * counts kept in the same atomic write as every create and status change: its cost does not grow with
   * the journal.
   */
  countByStatus(account: string): Promise<Record<JournalStatus, number>>;
}

/** The maintained status counts recomputed from the entries themselves (operators, tests) */
export interface JournalCountsRebuild {
  /** Counts every entry of the account, stores the result as the maintained counts and returns it */
  rebuildCounts(account: string): Promise<Record<JournalStatus, number>>;
}

// ---------------------------------------------------------------- idempotency keys and action dedupe

export interface IdempotencyKeys {
  /**
   * Registers `key` in `scope` with the payload's hash (stage 7 OMS, spec 4.10 step 7).
   * @returns 'new' the first time, 'duplicate' when the same key and hash were registered before
   * @throws IdempotencyConflictError the key exists with another payload hash
   */
  register(
    scope: string,
    key: string,
    payloadHash: string,
    nowMs: number,
    ttlSeconds?: number,
  ): Promise<'new' | 'duplicate'>;
}

export interface ActionLog {
  /**
   * Records a side-effect action once per dedupe key (spec 6.5); the default key is
   * `{actionType}:{payloadHash}:{floor(nowSec / windowSeconds)}`.
   * @returns the action id, or null when the key was already recorded
   */
  record(input: {
    readonly cycleId: string;
    readonly actionType: string;
    readonly payloadHash: string;
    readonly nowMs: number;
    readonly windowSeconds?: number;
    readonly dedupeKey?: string;
  }): Promise<string | null>;
  /** Frees an action's dedupe key so a failed action may be retried */
  clearDedupeKey(actionId: string): Promise<void>;
}

// ---------------------------------------------------------------- fills, ledger, positions, cursors

export interface Fill {
  readonly account: string;
  readonly symbol: string;
  /** Venue trade id (string: exceeds 2^53) */
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOrderId?: string | undefined;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  readonly fee: Dec;
  readonly feeAsset: string;
  readonly timestampMs: number;
}

export interface FillStore {
  /** Put-if-absent by (account, symbol, tradeId); @returns false when it was already stored */
  add(fill: Fill): Promise<boolean>;
  list(account: string, symbol: string, sinceMs: number): Promise<Fill[]>;
}

export type { LedgerEvent, LedgerEventType } from '../domain/ledger/ledger-event';

export interface LedgerStore {
  /** Appends each event once (put-if-absent by eventId); @returns how many were new */
  append(events: readonly LedgerEvent[]): Promise<number>;
  /**
   * Events in (timestampMs, eventId) order, at or after `sinceMs` and, given `afterKey` (a ledgerEventKey),
   * strictly after that key: a projection reads only what it has not applied yet
   */
  list(account: string, sinceMs?: number, afterKey?: string): Promise<LedgerEvent[]>;
  /**
   * How many events the account's ledger holds, kept in each append's atomic write (one read): fewer events
   * after a projection's last key than this count says are new means one was appended before that key
   */
  size(account: string): Promise<number>;
}

export interface Versioned<T> {
  readonly value: T;
  readonly version: number;
}

/**
 * A small versioned document per key: positions, risk state, degrade state, kill-chain counters.
 * The caller supplies the codec; the store keeps text and versions.
 */
export interface DocumentStore {
  get(key: string): Promise<Versioned<string> | undefined>;
  /**
   * Writes `value` if the stored version equals `expectedVersion` (0 = must not exist yet).
   * @throws ConcurrentUpdateError otherwise; nothing was written
   */
  put(key: string, value: string, expectedVersion: number): Promise<Versioned<string>>;
}

/** Monotonic cursors, e.g. the newest fill time seen per symbol (spec 3.8) */
export interface CursorStore {
  get(key: string): Promise<number | undefined>;
  /**
   * Stores `value` (a non-negative safe integer, e.g. epoch milliseconds) when it is not below the stored
   * one; writing the stored value again is a no-op. @returns the stored value
   * @throws CursorRegressionError `value` is below the stored value; nothing was written
   * @throws ValidationError       `value` is not a non-negative safe integer; nothing was written
   */
  advance(key: string, value: number): Promise<number>;
}

// ---------------------------------------------------------------- cycle audit, symbol cooldowns

export interface CycleAudit {
  readonly stage: StageName;
  readonly account: string;
  readonly cycleId: string;
  readonly runId: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly mode: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly decisions: readonly string[];
  /** JSON text of the cycle summary */
  readonly summary: string;
}

export interface CycleAuditStore {
  /** Put-if-absent by cycle id; @returns false when that cycle was already recorded */
  put(audit: CycleAudit, ttlSeconds: number): Promise<boolean>;
  /** Newest first */
  latest(stage: StageName, account: string, limit: number): Promise<CycleAudit[]>;
}

export interface SymbolCooldownStore {
  /** Rolling-window 1123 reject bookkeeping of spec 6.6 */
  recordReject(symbol: string, nowSec: number, policy: SymbolRejectPolicy): Promise<SymbolCooldown>;
  /** Symbols whose cooldown is still running at `nowSec` */
  active(nowSec: number): Promise<SymbolCooldown[]>;
}

// ---------------------------------------------------------------- stage 4 replace transactions

export type { NewReplaceTransaction, ReplaceTransaction } from '../domain/oms/replace-transaction';

/** Replace transactions (spec 3.18), written only by a cycle holding its lease: every write is fenced */
export interface ReplaceTransactionStore {
  /**
   * Records the group's transaction as INIT, version 1: one atomic write that creates it only if its id is
   * new AND checks that `fence` is still the current lease epoch.
   * @returns created: false with the stored transaction when the id exists (compare its metadata with
   *   replaceTxMetadataMismatch: the spec's `replace_tx_metadata_mismatch`)
   * @throws StaleLeaseError   `fence` is no longer current; nothing was written
   * @throws CorruptStateError the transaction is unsound (no old order...) or the stored one is malformed
   */
  create(
    request: NewReplaceTransaction,
    fence: LeaseFence,
    nowMs: number,
  ): Promise<{ created: boolean; tx: ReplaceTransaction }>;
  /** @throws CorruptStateError the stored transaction is malformed */
  get(account: string, id: string): Promise<ReplaceTransaction | undefined>;
  /**
   * The account's non-terminal transactions, oldest first (an eventually consistent index on DynamoDB, as
   * listByStatus: a resumed cycle re-derives its groups' ids and reads them with get)
   * @throws CorruptStateError a stored transaction is malformed
   */
  listOpen(account: string): Promise<ReplaceTransaction[]>;
  /**
   * Moves `tx` through replaceTxMachine, conditional on its version and state AND on `fence` in one atomic
   * write; a terminal `tx` is returned as it is, unwritten (a replay is a no-op). `reasons` are required by
   * the events that block or fail it, and refused by the others.
   * @throws InvalidTransitionError the state machine forbids it (a regression); nothing was written
   * @throws ConcurrentUpdateError  the stored version or state moved on; re-read and decide again
   * @throws StaleLeaseError        `fence` is no longer the lease's epoch; nothing was written
   * @throws CorruptStateError      the result would be unsound (a block without a reason); nothing was written
   */
  transition(
    tx: ReplaceTransaction,
    event: ReplaceTxEvent,
    reasons: readonly string[],
    nowMs: number,
    fence: LeaseFence,
  ): Promise<ReplaceTransaction>;
}

/** Every state port, as one backend (DynamoDB or in-memory) provides them to a composition root */
export interface StateStores {
  readonly leases: LeaseStore;
  readonly journal: OrderJournal;
  readonly idempotency: IdempotencyKeys;
  readonly actions: ActionLog;
  readonly fills: FillStore;
  readonly ledger: LedgerStore;
  readonly documents: DocumentStore;
  readonly cursors: CursorStore;
  readonly audits: CycleAuditStore;
  readonly cooldowns: SymbolCooldownStore;
  readonly replaceTransactions: ReplaceTransactionStore;
  readonly stage7: Stage7Store;
}

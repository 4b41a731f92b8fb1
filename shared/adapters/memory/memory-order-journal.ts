// In-memory order journal with the DynamoDB semantics: create checks the lease fence and is create-if-absent,
// transitions go through journalMachine and are guarded by version and status. Every check and its write
// run in one synchronous turn, so concurrent callers interleave exactly like conditional writes. Status counts
// are kept per account in the same turn as every create and status change, as the DynamoDB counts item is.
import { ConcurrentUpdateError, StaleLeaseError } from '../../domain/errors';
import { JOURNAL_STATUSES, type JournalEvent, type JournalStatus, journalMachine } from '../../domain/order-state';
import type {
  JournalCountsRebuild,
  JournalOrder,
  JournalPatch,
  LeaseFence,
  NewJournalOrder,
  OrderJournal,
} from '../../ports/state-store';
import { newJournalEntry } from '../new-journal-entry';
import type { MemoryLeaseStore } from './memory-lease-store';

const keyOf = (account: string, clientOrderId: string) => `${account}\u0000${clientOrderId}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
type StatusCounts = Record<JournalStatus, number>;
const zeroCounts = () => Object.fromEntries(JOURNAL_STATUSES.map((s) => [s, 0])) as StatusCounts;

export class MemoryOrderJournal implements OrderJournal, JournalCountsRebuild {
  readonly #orders = new Map<string, JournalOrder>();
  readonly #counts = new Map<string, StatusCounts>();
  readonly #leases: MemoryLeaseStore;

  constructor(leases: MemoryLeaseStore) {
    this.#leases = leases;
  }

  /** @throws StaleLeaseError `fence` is no longer the lease's epoch; nothing was written */
  async create(order: NewJournalOrder, fence: LeaseFence, nowMs: number) {
    if (this.#leases.epochOf(fence.name) !== fence.epoch) throw new StaleLeaseError(fence.name, fence.epoch);
    const key = keyOf(order.account, order.clientOrderId);
    const existing = this.#orders.get(key);
    if (existing !== undefined) return { created: false, order: existing };
    const entry: JournalOrder = Object.freeze(newJournalEntry(order, nowMs));
    this.#orders.set(key, entry);
    this.#count(order.account, 'PENDING_SUBMIT', 1);
    return { created: true, order: entry };
  }

  async get(account: string, clientOrderId: string): Promise<JournalOrder | undefined> {
    return this.#orders.get(keyOf(account, clientOrderId));
  }

  /**
   * @throws InvalidTransitionError the state machine forbids it; nothing was written
   * @throws ConcurrentUpdateError the stored version or status moved on
   * @throws StaleLeaseError `fence` is no longer the lease's epoch; nothing was written
   */
  async transition(order: JournalOrder, event: JournalEvent, patch: JournalPatch, nowMs: number, fence?: LeaseFence) {
    const status = journalMachine.next(order.status, event, order.clientOrderId);
    return this.#write(order, { ...patch, status }, nowMs, fence);
  }

  /** @throws ConcurrentUpdateError the stored version moved on; StaleLeaseError the fence is stale */
  async update(order: JournalOrder, patch: JournalPatch, nowMs: number, fence?: LeaseFence) {
    return this.#write(order, patch, nowMs, fence);
  }

  async listByStatus(account: string, statuses: readonly JournalStatus[]): Promise<JournalOrder[]> {
    const wanted = new Set(statuses);
    return [...this.#orders.values()]
      .filter((o) => o.account === account && wanted.has(o.status))
      .sort((a, b) => a.createdAtMs - b.createdAtMs || compare(a.clientOrderId, b.clientOrderId));
  }

  async latestForIntent(account: string, intentKey: string): Promise<JournalOrder | undefined> {
    return [...this.#orders.values()]
      .filter((o) => o.account === account && o.intentKey === intentKey)
      .sort((a, b) => b.attempt - a.attempt || compare(b.clientOrderId, a.clientOrderId))[0];
  }

  async countByStatus(account: string): Promise<StatusCounts> {
    return { ...(this.#counts.get(account) ?? zeroCounts()) };
  }

  async rebuildCounts(account: string): Promise<StatusCounts> {
    const counts = zeroCounts();
    for (const o of this.#orders.values()) if (o.account === account) counts[o.status] += 1;
    this.#counts.set(account, counts);
    return { ...counts };
  }

  #write(
    order: JournalOrder,
    changes: JournalPatch & { status?: JournalStatus },
    nowMs: number,
    fence: LeaseFence | undefined,
  ): JournalOrder {
    if (fence !== undefined && this.#leases.epochOf(fence.name) !== fence.epoch) {
      throw new StaleLeaseError(fence.name, fence.epoch);
    }
    const key = keyOf(order.account, order.clientOrderId);
    const stored = this.#orders.get(key);
    if (stored === undefined || stored.version !== order.version || stored.status !== order.status) {
      const was = stored === undefined ? 'absent' : `version ${stored.version} in ${stored.status}`;
      throw new ConcurrentUpdateError(
        `${order.account}/${order.clientOrderId}`,
        `expected version ${order.version} in ${order.status}, was ${was}`,
      );
    }
    const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const next: JournalOrder = Object.freeze({ ...stored, ...given, version: stored.version + 1, updatedAtMs: nowMs });
    this.#orders.set(key, next);
    if (next.status !== stored.status) {
      this.#count(order.account, stored.status, -1);
      this.#count(order.account, next.status, 1);
    }
    return next;
  }

  #count(account: string, status: JournalStatus, delta: number): void {
    const counts = this.#counts.get(account) ?? zeroCounts();
    counts[status] += delta;
    this.#counts.set(account, counts);
  }
}

// In-memory replace transactions with the DynamoDB semantics: every write checks the lease fence, creates
// are create-if-absent, transitions go through replaceTxMachine guarded by version and state, and nothing
// unsound is stored. Each check and its write run in one synchronous turn, like one conditional write.
import { ConcurrentUpdateError, StaleLeaseError } from '../../domain/errors';
import {
  assertReplaceTransaction,
  newReplaceTransaction,
  nextReplaceTransaction,
  type ReplaceTxEvent,
  replaceTxMachine,
} from '../../domain/oms/replace-transaction';
import type {
  LeaseFence,
  NewReplaceTransaction,
  ReplaceTransaction,
  ReplaceTransactionStore,
} from '../../ports/state-store';
import type { MemoryLeaseStore } from './memory-lease-store';

const keyOf = (account: string, id: string) => `${account}\u0000${id}`;

export class MemoryReplaceTransactions implements ReplaceTransactionStore {
  readonly #transactions = new Map<string, ReplaceTransaction>();
  readonly #leases: MemoryLeaseStore;

  constructor(leases: MemoryLeaseStore) {
    this.#leases = leases;
  }

  async create(request: NewReplaceTransaction, fence: LeaseFence, nowMs: number) {
    const tx = Object.freeze(assertReplaceTransaction(newReplaceTransaction(request, nowMs)));
    this.#checkFence(fence);
    const existing = this.#transactions.get(keyOf(tx.account, tx.id));
    if (existing !== undefined) return { created: false, tx: existing };
    this.#transactions.set(keyOf(tx.account, tx.id), tx);
    return { created: true, tx };
  }

  async get(account: string, id: string): Promise<ReplaceTransaction | undefined> {
    return this.#transactions.get(keyOf(account, id));
  }

  async listOpen(account: string): Promise<ReplaceTransaction[]> {
    return [...this.#transactions.values()]
      .filter((tx) => tx.account === account && !replaceTxMachine.isTerminal(tx.state))
      .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async transition(
    tx: ReplaceTransaction,
    event: ReplaceTxEvent,
    reasons: readonly string[],
    nowMs: number,
    fence: LeaseFence,
  ): Promise<ReplaceTransaction> {
    const next = nextReplaceTransaction(tx, event, reasons, nowMs);
    if (next === tx) return tx;
    this.#checkFence(fence);
    const stored = this.#transactions.get(keyOf(tx.account, tx.id));
    if (stored === undefined || stored.version !== tx.version || stored.state !== tx.state) {
      const was = stored === undefined ? 'absent' : `version ${stored.version} in ${stored.state}`;
      throw new ConcurrentUpdateError(
        `${tx.account}/${tx.id}`,
        `expected version ${tx.version} in ${tx.state}, was ${was}`,
      );
    }
    const frozen = Object.freeze(next);
    this.#transactions.set(keyOf(tx.account, tx.id), frozen);
    return frozen;
  }

  #checkFence(fence: LeaseFence): void {
    if (this.#leases.epochOf(fence.name) !== fence.epoch) throw new StaleLeaseError(fence.name, fence.epoch);
  }
}

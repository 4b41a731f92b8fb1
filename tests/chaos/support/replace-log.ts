// Every replace transaction a schedule's cycles wrote, as last stored: the store itself lists only open ones,
// and the "one resting order per replace group" invariant needs every group, terminal ones included.
import type { ReplaceTransaction } from '../../../shared/domain/oms/replace-transaction';
import type { ReplaceTransactionStore } from '../../../shared/ports/state-store';

export class ReplaceLog {
  readonly #byId = new Map<string, ReplaceTransaction>();

  get transactions(): ReplaceTransaction[] {
    return [...this.#byId.values()];
  }

  get created(): number {
    return this.#byId.size;
  }

  get committed(): number {
    return this.transactions.filter((tx) => tx.state === 'SUBMIT_CONFIRMED').length;
  }

  /** `store` recording what it accepted (a write it refused, e.g. fenced off, records nothing) */
  recording(store: ReplaceTransactionStore): ReplaceTransactionStore {
    const keep = (tx: ReplaceTransaction) => {
      this.#byId.set(tx.id, tx);
      return tx;
    };
    return {
      create: async (request, fence, nowMs) => {
        const result = await store.create(request, fence, nowMs);
        keep(result.tx);
        return result;
      },
      get: (account, id) => store.get(account, id),
      listOpen: (account) => store.listOpen(account),
      transition: async (tx, event, reasons, nowMs, fence) =>
        keep(await store.transition(tx, event, reasons, nowMs, fence)),
    };
  }
}

// Every call a replace transaction makes to the exchange, the journal and the replace store, counted so one
// run can crash right after the k-th: the call took effect (a write reached its store or the venue), then
// the invocation died. Counting starts in a cycle when its execution creates a transaction or resumes an
// open one, and stops when that transaction ends; calls outside (the account snapshot, the audit) are not
// the transaction's steps. The transactions written are kept as last stored, terminal ones included.
import type { ReplaceTransaction } from '../../../shared/domain/oms/replace-transaction';
import { replaceTxMachine } from '../../../shared/domain/oms/replace-transaction';
import type { Exchange } from '../../../shared/ports/exchange';
import type { OrderJournal, ReplaceTransactionStore } from '../../../shared/ports/state-store';

/** The invocation died at a step: thrown out of the cycle, never caught by production code */
export class ReplaceCrash extends Error {
  override readonly name = 'ReplaceCrash';
}

export class CrashPoints {
  /** `exchange.cancelOrder`, `journal.transition`, `replace.transition:CANCELS_SENT`..., in call order */
  readonly steps: string[] = [];
  readonly #byId = new Map<string, ReplaceTransaction>();
  readonly #crashAt: number | undefined;
  #counting = false;

  /** @param crashAt the step (0-based) after which the invocation dies; none: a clean run */
  constructor(crashAt?: number) {
    this.#crashAt = crashAt;
  }

  get transactions(): ReplaceTransaction[] {
    return [...this.#byId.values()];
  }

  /** A new invocation: nothing counts until its execution touches a transaction */
  newCycle(): void {
    this.#counting = false;
  }

  exchange(inner: Exchange): Exchange {
    return this.#counted(inner, 'exchange');
  }

  journal(inner: OrderJournal): OrderJournal {
    return this.#counted(inner, 'journal');
  }

  replaceTransactions(inner: ReplaceTransactionStore): ReplaceTransactionStore {
    return {
      create: async (request, fence, nowMs) => {
        this.#counting = true;
        const created = await inner.create(request, fence, nowMs);
        this.#keep(created.tx);
        this.#step('replace.create');
        return created;
      },
      get: async (account, id) => {
        const tx = await inner.get(account, id);
        this.#step('replace.get');
        return tx;
      },
      listOpen: async (account) => {
        const open = await inner.listOpen(account);
        if (open.length > 0) this.#counting = true;
        this.#step('replace.listOpen');
        return open;
      },
      transition: async (tx, event, reasons, nowMs, fence) => {
        const next = this.#keep(await inner.transition(tx, event, reasons, nowMs, fence));
        this.#step(`replace.transition:${event}`);
        if (replaceTxMachine.isTerminal(next.state)) this.#counting = false;
        return next;
      },
    };
  }

  #keep(tx: ReplaceTransaction): ReplaceTransaction {
    this.#byId.set(tx.id, tx);
    return tx;
  }

  #step(label: string): void {
    if (!this.#counting) return;
    this.steps.push(label);
    if (this.steps.length - 1 === this.#crashAt) throw new ReplaceCrash(`crash after step ${this.#crashAt}: ${label}`);
  }

  /** `inner` with every promise-returning method counted once it settled successfully */
  #counted<T extends object>(inner: T, name: string): T {
    return new Proxy(inner, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const out = value.apply(target, args);
          if (!(out instanceof Promise)) return out;
          return out.then((settled) => {
            this.#step(`${name}.${String(property)}`);
            return settled;
          });
        };
      },
    });
  }
}

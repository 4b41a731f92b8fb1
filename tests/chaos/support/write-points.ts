// The writes a stage 4 cycle makes, counted one by one so a schedule can interrupt the k-th: exchange
// submits and cancels, journal writes and replace transaction writes. At the chosen write the invocation
// either dies (a Lambda killed mid-cycle: the write happens or not, nothing after it runs, its lease is never
// released) or stalls past its lease while another invocation takes the account over, then goes on.
import type { Exchange } from '../../../shared/ports/exchange';
import type { LeaseStore, OrderJournal, ReplaceTransactionStore } from '../../../shared/ports/state-store';

export type WriteKind = 'submit' | 'cancel' | 'journal' | 'replace_tx';

/**
 * The invocation died at a write. Deliberately no TradingError: production code classifies those, and
 * must let this one through as it would any unexpected throw
 */
export class ChaosCrash extends Error {
  override readonly name = 'ChaosCrash';
}

/** Which write an interruption hits: the `nth` write of `kind` in the armed cycle */
export interface WriteTarget {
  readonly kind: WriteKind;
  readonly nth: number;
  /** Count only writes made once the cycle has written a replace transaction: inside a replace */
  readonly midReplace: boolean;
}

export type Interruption =
  /** Dies right before the write reaches its store or the venue, or right after it did */
  | (WriteTarget & { readonly action: 'crash'; readonly after: boolean })
  /**
   * Stalls before the write until `takeover` (another invocation's whole cycle under the lease it took
   * over) is done, then writes: an invocation that outlived its lease (a frozen sandbox). Only store writes
   * stall: they are fenced, and the write gate re-reads the lease before every send; the window between
   * that re-read and the send is closed by the lease TTL exceeding the function timeout, not by fencing.
   */
  | (WriteTarget & { readonly action: 'stall'; readonly kind: 'journal' | 'replace_tx'; takeover(): Promise<void> });

export interface InterruptionHit {
  readonly action: Interruption['action'];
  /** `submit`, `cancel`, `journal.transition`, `replace_tx.create`..., and for a crash `(before)` or `(after)` */
  readonly at: string;
  readonly midReplace: boolean;
}

/** Where the interruption of one cycle hits; disarmed between cycles and while a takeover runs */
export class WritePoints {
  #armed: Interruption | undefined;
  #seen = 0;
  #inReplace = false;
  #dead = false;
  readonly hits: InterruptionHit[] = [];

  arm(interruption: Interruption): void {
    this.#armed = interruption;
    this.#seen = 0;
    this.#inReplace = false;
    this.#dead = false;
  }

  /** After the armed cycle returned or died: later cycles write undisturbed */
  disarm(): void {
    this.#armed = undefined;
    this.#dead = false;
  }

  /** The armed invocation died: nothing it would still do happens, its lease release included */
  get dead(): boolean {
    return this.#dead;
  }

  async around<T>(kind: WriteKind, name: string, write: () => Promise<T>): Promise<T> {
    if (this.#dead) throw new ChaosCrash(`${name} after the invocation died`);
    const armed = this.#armed;
    if (armed === undefined) return write();
    if (kind === 'replace_tx') this.#inReplace = true;
    if (armed.midReplace && !this.#inReplace) return write();
    if (armed.kind !== kind) return write();
    this.#seen += 1;
    if (this.#seen !== armed.nth) return write();
    this.#armed = undefined;
    const at = kind === 'submit' || kind === 'cancel' ? kind : name;
    if (armed.action === 'stall') {
      this.hits.push({ action: 'stall', at, midReplace: this.#inReplace });
      await armed.takeover();
      return write();
    }
    this.hits.push({ action: 'crash', at: `${at} (${armed.after ? 'after' : 'before'})`, midReplace: this.#inReplace });
    if (armed.after) await write();
    this.#dead = true;
    throw new ChaosCrash(`died ${armed.after ? 'after' : 'before'} ${at}`);
  }
}

/** `target` with the writes of `methods` going through `points` (bound to the target: private fields work) */
function intercept<T extends object>(target: T, methods: Readonly<Record<string, WriteKind>>, points: WritePoints): T {
  return new Proxy(target, {
    get(t, property) {
      const value = Reflect.get(t, property, t);
      if (typeof value !== 'function') return value;
      const bound = value.bind(t) as (...args: unknown[]) => Promise<unknown>;
      const kind = typeof property === 'string' && Object.hasOwn(methods, property) ? methods[property] : undefined;
      if (kind === undefined) return bound;
      return (...args: unknown[]) => points.around(kind, `${kind}.${String(property)}`, () => bound(...args));
    },
  });
}

export const interruptibleJournal = (journal: OrderJournal, points: WritePoints): OrderJournal =>
  intercept(journal, { create: 'journal', transition: 'journal', update: 'journal' }, points);

export const interruptibleReplaces = (store: ReplaceTransactionStore, points: WritePoints): ReplaceTransactionStore =>
  intercept(store, { create: 'replace_tx', transition: 'replace_tx' }, points);

export const interruptibleExchange = (exchange: Exchange, points: WritePoints): Exchange =>
  intercept(exchange, { placeLimitOrder: 'submit', cancelOrder: 'cancel' }, points);

/** A dead invocation releases nothing: its lease stays until it expires and the next holder takes over */
export function mortalLeases(leases: LeaseStore, points: WritePoints): LeaseStore {
  return new Proxy(leases, {
    get(t, property) {
      const value = Reflect.get(t, property, t);
      if (typeof value !== 'function') return value;
      const bound = value.bind(t) as (...args: unknown[]) => Promise<unknown>;
      if (property !== 'release') return bound;
      return (...args: unknown[]) => (points.dead ? Promise.resolve() : bound(...args));
    },
  });
}

// The duplicate check of a local run, judged on the simulator's own books: at no moment may two of our orders
// rest on the venue under one client order id, for one intent (the attempts of one order), or for one replace
// group (a replacement resting while an order it replaces still rests). An order comes to rest only when one
// is placed, so the books are snapshot right after every placement the run's gateway makes, whatever its
// outcome; the snapshots are judged after each cycle, when the journal and the replace transactions created
// so far say which orders belong together.

import { forwardingExchange } from '../../shared/adapters/forwarding-exchange';
import { isBotClientOrderId, type StageName } from '../../shared/domain/ids';
import type { ReplaceTransaction } from '../../shared/domain/oms/replace-transaction';
import type { Exchange } from '../../shared/ports/exchange';
import type { OrderJournal, ReplaceTransactionStore } from '../../shared/ports/state-store';
import { isOpen } from '../btcturk-sim/orders';
import type { Venue } from '../btcturk-sim/venue';

export const DUPLICATE_KINDS = ['client_order_id', 'intent', 'replace_group'] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

export interface RestingDuplicate {
  readonly kind: DuplicateKind;
  /** The client order id, the intent key, or the replace transaction id */
  readonly key: string;
  /** The stage whose journal holds the orders (`unknown` when none does) */
  readonly stage: StageName | 'unknown';
  /** The venue order ids resting together when it was first seen */
  readonly venueOrderIds: readonly number[];
  readonly atIso: string;
}

interface Resting {
  readonly venueOrderId: number;
  readonly clientId: string;
}

interface Snapshot {
  readonly atMs: number;
  readonly resting: readonly Resting[];
}

interface Owner {
  readonly intentKey: string;
  readonly stage: StageName;
}

export class DuplicateCheck {
  readonly #pending: Snapshot[] = [];
  /** Journal owner per client order id (null: no journal entry); an entry's intent and stage never change */
  readonly #owners = new Map<string, Owner | null>();
  readonly #replaces = new Map<string, ReplaceTransaction>();
  readonly #found = new Map<string, RestingDuplicate>();

  constructor(
    private readonly venue: Venue,
    private readonly journal: Pick<OrderJournal, 'get'>,
    /** The bot account: its journal rows, and its simulator account's orders */
    private readonly account: string,
  ) {}

  /** Snapshots our orders resting on the venue now; synchronous, so the books cannot move meanwhile */
  look(): void {
    this.venue.sync();
    const resting = [...this.venue.engine.orders.values()]
      .filter((o) => o.owner === this.account && isOpen(o) && isBotClientOrderId(o.clientId))
      .map((o) => ({ venueOrderId: o.id, clientId: o.clientId }));
    // one resting order cannot be a duplicate of anything
    if (resting.length > 1) this.#pending.push({ atMs: this.venue.serverNowMs(), resting });
  }

  /** A replace transaction was created: its old orders and its replacement form one group */
  recordReplace(tx: ReplaceTransaction): void {
    this.#replaces.set(tx.id, tx);
  }

  /** Takes a last look, then judges every snapshot since the previous call */
  async judge(): Promise<void> {
    this.look();
    for (const snapshot of this.#pending.splice(0)) await this.#judge(snapshot);
  }

  /** Every duplicate seen so far, each once, in the order first seen */
  get found(): readonly RestingDuplicate[] {
    return [...this.#found.values()];
  }

  async #judge({ atMs, resting }: Snapshot): Promise<void> {
    const owners = new Map<string, Owner | null>();
    for (const { clientId } of resting) owners.set(clientId, await this.#ownerOf(clientId));
    const add = (kind: DuplicateKind, key: string, together: readonly Resting[]) => {
      if (together.length < 2 || this.#found.has(`${kind}:${key}`)) return;
      const first = together[0] as Resting;
      this.#found.set(`${kind}:${key}`, {
        kind,
        key,
        stage: owners.get(first.clientId)?.stage ?? 'unknown',
        venueOrderIds: together.map((r) => r.venueOrderId),
        atIso: new Date(atMs).toISOString(),
      });
    };
    for (const [clientId, together] of groupBy(resting, (r) => r.clientId)) add('client_order_id', clientId, together);
    // attempts of one intent have distinct client ids; one id twice is the client id duplicate above
    const distinctIds = [...new Map(resting.map((r) => [r.clientId, r])).values()];
    for (const [intentKey, together] of groupBy(distinctIds, (r) => owners.get(r.clientId)?.intentKey)) {
      add('intent', intentKey, together);
    }
    for (const tx of this.#replaces.values()) {
      const old = resting.filter((r) => tx.oldClientOrderIds.includes(r.clientId));
      const replacement = resting.filter((r) => owners.get(r.clientId)?.intentKey === tx.newClientOrderId);
      if (old.length > 0 && replacement.length > 0) add('replace_group', tx.id, [...old, ...replacement]);
    }
  }

  async #ownerOf(clientId: string): Promise<Owner | null> {
    if (!this.#owners.has(clientId)) {
      const entry = await this.journal.get(this.account, clientId);
      this.#owners.set(clientId, entry ? { intentKey: entry.intentKey, stage: entry.stage } : null);
    }
    return this.#owners.get(clientId) ?? null;
  }
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

/** The gateway, with the books snapshot after every placement, whatever its outcome (an unclear one may rest) */
export function watchPlacements(inner: Exchange, check: DuplicateCheck): Exchange {
  return {
    ...forwardingExchange(inner),
    async placeLimitOrder(order) {
      try {
        return await inner.placeLimitOrder(order);
      } finally {
        check.look();
      }
    },
  };
}

/** The replace transaction store, telling the check of every transaction it creates */
export function recordReplaces(inner: ReplaceTransactionStore, check: DuplicateCheck): ReplaceTransactionStore {
  return {
    async create(request, fence, nowMs) {
      const created = await inner.create(request, fence, nowMs);
      check.recordReplace(created.tx);
      return created;
    },
    get: (account, id) => inner.get(account, id),
    listOpen: (account) => inner.listOpen(account),
    transition: (tx, event, reasons, nowMs, fence) => inner.transition(tx, event, reasons, nowMs, fence),
  };
}

// In-memory append-only ledger: unique by (account, event id), listed in (timestamp, event id) order.
import { ledgerEventKey } from '../../domain/ledger/ledger-event';
import type { LedgerEvent, LedgerStore } from '../../ports/state-store';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class MemoryLedgerStore implements LedgerStore {
  readonly #events = new Map<string, LedgerEvent>();

  async append(events: readonly LedgerEvent[]): Promise<number> {
    let added = 0;
    for (const event of events) {
      const key = `${event.account}\u0000${event.eventId}`;
      if (this.#events.has(key)) continue;
      this.#events.set(key, Object.freeze({ ...event }));
      added += 1;
    }
    return added;
  }

  async list(account: string, sinceMs = 0, afterKey?: string): Promise<LedgerEvent[]> {
    return [...this.#events.values()]
      .filter((e) => e.account === account && e.timestampMs >= sinceMs)
      .filter((e) => afterKey === undefined || ledgerEventKey(e) > afterKey)
      .sort((a, b) => a.timestampMs - b.timestampMs || compare(a.eventId, b.eventId));
  }

  async size(account: string): Promise<number> {
    let size = 0;
    for (const e of this.#events.values()) if (e.account === account) size += 1;
    return size;
  }
}

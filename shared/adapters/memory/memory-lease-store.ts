// In-memory lease store with the DynamoDB semantics: takeover when free, expired or own; the epoch grows by
// one on every takeover and never restarts (released leases keep their epoch, only their expiry drops).
import type { Lease, LeaseStore } from '../../ports/state-store';

export class MemoryLeaseStore implements LeaseStore {
  readonly #leases = new Map<string, Lease>();

  async acquire(name: string, holder: string, ttlMs: number, nowMs: number): Promise<Lease | undefined> {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`expected ttlMs > 0, was ${ttlMs}`);
    const current = this.#leases.get(name);
    const expiresAtMs = nowMs + ttlMs;
    let next: Lease | undefined;
    if (current?.holder === holder) next = { ...current, expiresAtMs };
    else if (current === undefined || current.expiresAtMs < nowMs) {
      next = { name, holder, epoch: (current?.epoch ?? 0) + 1, expiresAtMs };
    }
    if (next !== undefined) this.#leases.set(name, Object.freeze(next));
    return next;
  }

  async release(lease: Lease): Promise<void> {
    const current = this.#leases.get(lease.name);
    if (current?.holder === lease.holder && current.epoch === lease.epoch) {
      this.#leases.set(lease.name, Object.freeze({ ...current, expiresAtMs: 0 }));
    }
  }

  async read(name: string): Promise<Lease | undefined> {
    return this.#leases.get(name);
  }

  /** Synchronous read for the journal's fence check, so check and write happen in one turn */
  epochOf(name: string): number | undefined {
    return this.#leases.get(name)?.epoch;
  }
}

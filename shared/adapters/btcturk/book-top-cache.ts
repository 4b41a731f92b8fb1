// The REST orderbook cache of spec 2.4, one per gateway (so per container): a symbol's best bid and ask is
// reused for ORDERBOOK_TTL_MS after it was received, and concurrent reads of one symbol share a single
// venue request. A reused top keeps its own receive and venue times, so the freshness gate still judges
// its true age. Failures are not cached: the next read asks the venue again.
import type { Clock } from '../../ports/clock';
import type { OrderBookTop } from '../../ports/exchange';

export class BookTopCache {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #tops = new Map<string, OrderBookTop>();
  readonly #inflight = new Map<string, Promise<OrderBookTop>>();

  /** `ttlMs` 0 caches nothing but still coalesces concurrent reads */
  constructor(clock: Clock, ttlMs: number) {
    if (!(Number.isFinite(ttlMs) && ttlMs >= 0)) throw new RangeError(`expected a TTL >= 0 ms, was ${ttlMs}`);
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** The cached top of `symbol` while younger than the TTL, else the result of `read` (one at a time per symbol) */
  get(symbol: string, read: () => Promise<OrderBookTop>): Promise<OrderBookTop> {
    const cached = this.#tops.get(symbol);
    if (cached !== undefined && this.#clock.nowMs() - cached.receivedAtMs < this.#ttlMs) return Promise.resolve(cached);
    const pending = this.#inflight.get(symbol);
    if (pending !== undefined) return pending;
    const started = read()
      .then((top) => {
        this.#tops.set(symbol, top);
        return top;
      })
      .finally(() => this.#inflight.delete(symbol));
    this.#inflight.set(symbol, started);
    return started;
  }
}

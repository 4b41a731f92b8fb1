// One value kept for a time (exchangeinfo for RULES_CACHE_TTL_SEC): reused while younger than the TTL,
// concurrent reads share one request, and a failure is never kept (the next read asks again).
import type { Clock } from '../../ports/clock';

export class TtlCache<T> {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  #value: { readonly value: T; readonly atMs: number } | undefined;
  #inflight: Promise<T> | undefined;

  /** `ttlMs` 0 keeps nothing but still coalesces concurrent reads */
  constructor(clock: Clock, ttlMs: number) {
    if (!(Number.isFinite(ttlMs) && ttlMs >= 0)) throw new RangeError(`expected a TTL >= 0 ms, was ${ttlMs}`);
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  get(read: () => Promise<T>): Promise<T> {
    const kept = this.#value;
    if (kept !== undefined && this.#clock.nowMs() - kept.atMs < this.#ttlMs) return Promise.resolve(kept.value);
    if (this.#inflight !== undefined) return this.#inflight;
    const started = read()
      .then((value) => {
        this.#value = { value, atMs: this.#clock.nowMs() };
        return value;
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    this.#inflight = started;
    return started;
  }
}

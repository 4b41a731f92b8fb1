// A clock that only moves when told to: tests, backtests and the local runner's simulated time.
// `sleep` resolves when the clock is advanced past its deadline, in deadline order.
import type { Clock } from '../../ports/clock';

interface Sleeper {
  readonly until: number;
  readonly seq: number;
  readonly wake: () => void;
}

export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  #seq = 0;
  /** When true, sleep() advances the clock itself instead of waiting for advance() */
  readonly autoAdvance: boolean;

  constructor(startMs: number, options: { autoAdvance?: boolean } = {}) {
    this.#now = startMs;
    this.autoAdvance = options.autoAdvance ?? false;
  }

  nowMs(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    if (this.autoAdvance) {
      this.#now += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#sleepers.push({ until: this.#now + Math.max(0, ms), seq: this.#seq++, wake: resolve });
      this.#sleepers.sort((a, b) => a.until - b.until || a.seq - b.seq);
    });
  }

  /** Moves time forward by `ms`, waking every sleeper whose deadline has passed */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  set(nowMs: number): void {
    if (nowMs < this.#now) throw new RangeError(`a clock never goes back: ${nowMs} < ${this.#now}`);
    this.#now = nowMs;
    while (this.#sleepers.length > 0 && (this.#sleepers[0]?.until ?? Number.POSITIVE_INFINITY) <= nowMs) {
      this.#sleepers.shift()?.wake();
    }
  }

  /** Sleepers still waiting (a test can assert nothing is left behind) */
  get pendingSleepers(): number {
    return this.#sleepers.length;
  }
}

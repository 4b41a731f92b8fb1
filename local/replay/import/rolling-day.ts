// The 24 h ticker of a candle series, built bar by bar with no look-ahead: at a bar's close, the highest high,
// the lowest low and the summed volume of the bars that closed within the last 24 h (BTCTurk's ticker window),
// this one included. Flat memory: the window holds one day of bars (a ring of them, at most 1441 for 1 m bars),
// and the high and the low are kept by monotonic queues, so each bar costs O(1) amortised.
import { type Dec, ZERO } from '../../../shared/domain/money';

const DAY_MS = 24 * 3600 * 1000;

interface WindowBar {
  readonly closeMs: number;
  readonly high: Dec;
  readonly low: Dec;
  readonly volume: Dec;
}

/** A FIFO over an array with a moving head, compacted once the dead part dominates */
class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get first(): T | undefined {
    return this.#items[this.#head];
  }

  get last(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#items.length - 1] : undefined;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): void {
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  pop(): void {
    this.#items.pop();
  }
}

export class RollingDay {
  readonly #bars = new Fifo<WindowBar>();
  /** Bars in window order whose highs decrease: the first is the window's high */
  readonly #highs = new Fifo<WindowBar>();
  readonly #lows = new Fifo<WindowBar>();
  #volume: Dec = ZERO;

  constructor(readonly windowMs = DAY_MS) {}

  /** Adds the bar that closed at `closeMs` (not before the previous one) and drops those now out of the window */
  add(closeMs: number, high: Dec, low: Dec, volume: Dec): void {
    const bar: WindowBar = { closeMs, high, low, volume };
    this.#bars.push(bar);
    this.#volume = this.#volume.add(volume);
    while (this.#highs.last?.high.lte(high) ?? false) this.#highs.pop();
    this.#highs.push(bar);
    while (this.#lows.last?.low.gte(low) ?? false) this.#lows.pop();
    this.#lows.push(bar);
    for (
      let old = this.#bars.first;
      old !== undefined && old.closeMs <= closeMs - this.windowMs;
      old = this.#bars.first
    ) {
      this.#bars.shift();
      this.#volume = this.#volume.sub(old.volume);
      if (this.#highs.first === old) this.#highs.shift();
      if (this.#lows.first === old) this.#lows.shift();
    }
  }

  /** The window's high, low and volume (undefined before the first bar) */
  get high(): Dec | undefined {
    return this.#highs.first?.high;
  }

  get low(): Dec | undefined {
    return this.#lows.first?.low;
  }

  get volume(): Dec {
    return this.#volume;
  }
}

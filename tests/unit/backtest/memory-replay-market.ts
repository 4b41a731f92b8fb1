// A ReplayMarket over rows held in memory, for the backtest's unit tests (the dataset reader is tested on its
// own): per symbol the newest book and ticker row at or before the clock, never a later one.
import type {
  ReplayBookRow,
  ReplayMarket,
  ReplaySymbolView,
  ReplayTickerRow,
} from '../../../local/replay/replay-market';
import { dec } from '../../../shared/domain/money';

export interface SymbolRows {
  readonly book: readonly ReplayBookRow[];
  readonly ticker: readonly ReplayTickerRow[];
}

class Cursor<R extends { readonly tsMs: number }> {
  #next = 0;
  current: R | undefined;
  constructor(readonly rows: readonly R[]) {}
  advanceTo(nowMs: number): void {
    while (this.#next < this.rows.length && (this.rows[this.#next] as R).tsMs <= nowMs) {
      this.current = this.rows[this.#next];
      this.#next += 1;
    }
  }
}

export class MemoryReplayMarket implements ReplayMarket {
  readonly symbols: readonly string[];
  readonly startMs: number;
  readonly endMs: number;
  readonly #cursors: Map<string, { book: Cursor<ReplayBookRow>; ticker: Cursor<ReplayTickerRow> }>;
  #nowMs = Number.NEGATIVE_INFINITY;
  /** Called on every advance (a test makes it throw to stand for a malformed row met while replaying) */
  onAdvance: (nowMs: number) => void = () => {};

  constructor(rows: Readonly<Record<string, SymbolRows>>) {
    this.symbols = Object.keys(rows).sort();
    const times = Object.values(rows).flatMap((r) => [...r.book, ...r.ticker].map((x) => x.tsMs));
    this.startMs = Math.min(...times);
    this.endMs = Math.max(...times);
    this.#cursors = new Map(
      Object.entries(rows).map(([s, r]) => [s, { book: new Cursor(r.book), ticker: new Cursor(r.ticker) }]),
    );
  }

  advanceTo(nowMs: number): void {
    if (nowMs < this.#nowMs) throw new RangeError(`a replay never goes back: ${nowMs} < ${this.#nowMs}`);
    this.onAdvance(nowMs);
    this.#nowMs = nowMs;
    for (const c of this.#cursors.values()) {
      c.book.advanceTo(nowMs);
      c.ticker.advanceTo(nowMs);
    }
  }

  view(symbol: string): ReplaySymbolView | undefined {
    const c = this.#cursors.get(symbol);
    return c && { symbol, book: c.book.current, ticker: c.ticker.current };
  }

  close(): void {}
}

/**
 * `count` one-minute rows per symbol from `startMs`: a deterministic zig-zag walk from `base` (up to 3 % a
 * minute, differing per symbol, so the holdings drift from their targets and rebalance), spread 10 bps, ticker
 * range +-0.5 %
 */
export function walkRows(
  symbols: Readonly<Record<string, string>>,
  startMs: number,
  count: number,
): Record<string, SymbolRows> {
  return Object.fromEntries(
    Object.entries(symbols).map(([symbol, base], k) => {
      const book: ReplayBookRow[] = [];
      const ticker: ReplayTickerRow[] = [];
      let price = dec(base);
      for (let i = 0; i < count; i += 1) {
        const tsMs = startMs + i * 60_000;
        // a 37-minute cycle with a drift: rises, falls, and differs per symbol
        const phase = (i + 11 * k) % 37;
        const bps = 10 * (phase < 20 ? 30 - phase : -25 + (phase - 20));
        price = price.mul(dec('1').add(dec(String(bps)).div(10_000))).toDecimalPlaces(2);
        const half = price.mul('0.0005').toDecimalPlaces(2);
        book.push({ tsMs, bid: price.sub(half), ask: price.add(half) });
        ticker.push({
          tsMs,
          last: price,
          high: price.mul('1.005').toDecimalPlaces(2),
          low: price.mul('0.995').toDecimalPlaces(2),
          volume: dec('12.5').add(dec(String(i % 7))),
        });
      }
      return [symbol, { book, ticker }];
    }),
  );
}

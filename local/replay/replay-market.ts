// A replay dataset (spec 4.19) as the market it replays: per symbol the order-book row and the ticker row current
// at the replay clock (the newest at or before it; no row after the clock is ever visible), read forward as the
// clock moves so memory does not grow with the dataset's length. The backtest's exchange and the simulator of a
// local run (`btcbot local --dataset`) both read the market through this port, so both see the same rows.
import type { Dec } from '../../shared/domain/money';

export interface ReplayBookRow {
  /** When the row was observed (epoch ms) */
  readonly tsMs: number;
  readonly bid: Dec;
  readonly ask: Dec;
}

export interface ReplayTickerRow {
  readonly tsMs: number;
  readonly last: Dec;
  readonly high: Dec;
  readonly low: Dec;
  /** Base units over the ticker's window */
  readonly volume: Dec;
  readonly quoteVolume?: Dec;
}

export interface ReplaySymbolView {
  /** Canonical (BTCTRY) */
  readonly symbol: string;
  /** Undefined before the symbol's first book row */
  readonly book: ReplayBookRow | undefined;
  /**
   * Undefined before the first row; without a ticker file, built from the newest candle as spec 4.19 says (last =
   * high = low = its close, volume 0, its time)
   */
  readonly ticker: ReplayTickerRow | undefined;
}

export interface ReplayMarket {
  /** Canonical symbols, sorted: the symbols with candle and order-book files */
  readonly symbols: readonly string[];
  /** The earliest and the latest row time over the required files */
  readonly startMs: number;
  readonly endMs: number;
  /**
   * Moves the clock forward to `nowMs`: every row at or before it becomes visible.
   * @throws RangeError `nowMs` is before the last call's (a replay never goes back)
   * @throws ReplayDatasetError a row read now is malformed (the error names the file, line and code)
   */
  advanceTo(nowMs: number): void;
  /** What is current for `symbol` at the clock; undefined for a symbol not in the dataset */
  view(symbol: string): ReplaySymbolView | undefined;
  /** Releases the open files */
  close(): void;
}

// The ReplayMarket over a dataset folder: per symbol a forward-only cursor on its order-book file and one on its
// ticker file (or, without one, on its candles file: spec 4.19's fallback, a ticker of the newest candle's close
// with high = low = last and volume 0). A row becomes visible once the clock reaches its time and stays current
// until a newer row does; the cursor holds the next row only, so memory does not grow with the files. Each row
// is parsed and checked once, when the clock first reaches it: a malformed one throws ReplayDatasetError then.
// Opening checks the layout and reads each required file's first and last row (the market's time range).
import { join } from 'node:path';
import { ReplayDatasetError } from '../../shared/domain/errors';
import { ZERO } from '../../shared/domain/money';
import { errorOf } from './dataset-issues';
import { type DatasetLayout, readLayout } from './dataset-layout';
import type { CandleRow, DatasetKind, DatasetRowOf } from './dataset-rows';
import type { ReplayMarket, ReplaySymbolView, ReplayTickerRow } from './replay-market';
import { lastRowTsMs, RowCursor } from './row-cursor';

/** One file's rows as the clock reaches them: the current row and the next one (read ahead) */
class ForwardRows<K extends DatasetKind> {
  current: DatasetRowOf[K] | undefined;
  #next: DatasetRowOf[K] | undefined;

  constructor(readonly cursor: RowCursor<K>) {
    try {
      this.#next = cursor.next();
    } catch (e) {
      cursor.close();
      throw e;
    }
    if (this.#next === undefined)
      throw new ReplayDatasetError('insufficient_rows', 'expected at least 1 row, was only a header', cursor.file);
  }

  /** Time of the first row (before any advance) or of the next one */
  get nextMs(): number | undefined {
    return this.#next?.tsMs;
  }

  /** True when a newer row became current */
  advance(nowMs: number): boolean {
    let moved = false;
    while (this.#next !== undefined && this.#next.tsMs <= nowMs) {
      this.current = this.#next;
      this.#next = this.cursor.next();
      moved = true;
    }
    return moved;
  }
}

const tickerOfCandle = (c: CandleRow): ReplayTickerRow => ({
  tsMs: c.tsMs,
  last: c.close,
  high: c.close,
  low: c.close,
  volume: ZERO,
});

class SymbolFeed {
  /** Rebuilt only when a row changes: callers may keep it, and a call allocates nothing */
  view: ReplaySymbolView;
  readonly #book: ForwardRows<'orderbook'>;
  readonly #ticker: ForwardRows<'ticker'> | ForwardRows<'candles'>;

  constructor(
    readonly symbol: string,
    book: ForwardRows<'orderbook'>,
    ticker: ForwardRows<'ticker'> | ForwardRows<'candles'>,
  ) {
    this.#book = book;
    this.#ticker = ticker;
    this.view = { symbol, book: undefined, ticker: undefined };
  }

  advance(nowMs: number): void {
    const book = this.#book.advance(nowMs);
    const ticker = this.#ticker.advance(nowMs);
    if (!book && !ticker) return;
    const row = this.#ticker.current;
    this.view = {
      symbol: this.symbol,
      book: this.#book.current,
      ticker: row === undefined || !('open' in row) ? row : tickerOfCandle(row),
    };
  }

  close(): void {
    this.#book.cursor.close();
    this.#ticker.cursor.close();
  }
}

/**
 * @throws ReplayDatasetError the first layout problem (missing folder or files, a bad file name...), or a required
 *   file that is empty, has no rows, lacks a column or has a malformed first or last row
 */
export function openReplayMarket(dir: string): ReplayMarket {
  const { layout, errors } = readLayout(dir);
  const [first] = errors;
  if (first !== undefined || layout === undefined)
    throw first ? errorOf(first) : new ReplayDatasetError('dataset_missing', `${dir} does not exist`);
  const feeds = new Map<string, SymbolFeed>();
  try {
    let startMs = Number.POSITIVE_INFINITY;
    let endMs = Number.NEGATIVE_INFINITY;
    for (const symbol of layout.symbols) {
      const range = openFeed(layout, symbol, feeds);
      startMs = Math.min(startMs, range.startMs);
      endMs = Math.max(endMs, range.endMs);
    }
    return marketOf(layout.symbols, feeds, startMs, endMs);
  } catch (e) {
    for (const feed of feeds.values()) feed.close();
    throw e;
  }
}

function openFeed(layout: DatasetLayout, symbol: string, feeds: Map<string, SymbolFeed>) {
  const path = (file: string) => join(layout.dir, file);
  const bookFile = layout.files.orderbook.get(symbol) ?? '';
  const candleFile = layout.files.candles.get(symbol) ?? '';
  const tickerFile = layout.files.ticker.get(symbol);
  const book = new ForwardRows(new RowCursor(path(bookFile), bookFile, 'orderbook'));
  let ticker: ForwardRows<'ticker'> | ForwardRows<'candles'>;
  let candleFirstMs: number;
  try {
    const candles = new ForwardRows(new RowCursor(path(candleFile), candleFile, 'candles'));
    candleFirstMs = candles.nextMs ?? Number.POSITIVE_INFINITY;
    if (tickerFile === undefined) ticker = candles;
    else {
      // with a ticker file the candles only bound the time range
      candles.cursor.close();
      ticker = new ForwardRows(new RowCursor(path(tickerFile), tickerFile, 'ticker'));
    }
  } catch (e) {
    book.cursor.close();
    throw e;
  }
  feeds.set(symbol, new SymbolFeed(symbol, book, ticker));
  return {
    startMs: Math.min(book.nextMs ?? Number.POSITIVE_INFINITY, candleFirstMs),
    endMs: Math.max(
      lastRowTsMs(path(bookFile), bookFile, 'orderbook'),
      lastRowTsMs(path(candleFile), candleFile, 'candles'),
    ),
  };
}

function marketOf(
  symbols: readonly string[],
  feeds: ReadonlyMap<string, SymbolFeed>,
  startMs: number,
  endMs: number,
): ReplayMarket {
  const all = [...feeds.values()];
  let clockMs = Number.NEGATIVE_INFINITY;
  return {
    symbols,
    startMs,
    endMs,
    advanceTo(nowMs) {
      if (nowMs < clockMs) throw new RangeError(`a replay never goes back: ${nowMs} < ${clockMs}`);
      clockMs = nowMs;
      for (const feed of all) feed.advance(nowMs);
    },
    view: (symbol) => feeds.get(symbol)?.view,
    close() {
      for (const feed of all) feed.close();
    },
  };
}

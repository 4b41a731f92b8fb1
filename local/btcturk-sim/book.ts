// The visible order book: levels stepping away from the quote, amounts drawn from a PRNG seeded by
// (seed, pair, candle time), so the same candle always shows the same book. The book does not deplete.
import { type Dec, dec, maxDec } from '../../shared/domain/money';
import { createPrng } from '../market/prng';
import type { MarketFeed } from './market-feed';

export interface BookLevel {
  readonly price: Dec;
  readonly amount: Dec;
}

export type BookSide = 'bids' | 'asks';

/** Levels are built on demand (most readers want the top few); every level is the same however it is read */
export interface Book {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  /** The i-th level of a side (0 = best), undefined past the book's depth */
  level(side: BookSide, i: number): BookLevel | undefined;
  /** The best `count` levels of a side */
  top(side: BookSide, count: number): readonly BookLevel[];
}

export const BOOK_DEPTH = 100;

const cache = new WeakMap<MarketFeed, { readonly timeMs: number; readonly book: Book }>();

/** The book of the feed's current candle, built once per candle */
export function bookOf(feed: MarketFeed, seed: number | string): Book {
  const hit = cache.get(feed);
  if (hit?.timeMs === feed.current.timeMs) return hit.book;
  const book = buildBook(feed, seed);
  cache.set(feed, { timeMs: feed.current.timeMs, book });
  return book;
}

function buildBook(feed: MarketFeed, seed: number | string): Book {
  const { pair, quote, current } = feed;
  const rng = createPrng(seed, `book/${pair.symbol}/${current.timeMs}`);
  // the draws in their fixed order (every bid level, then every ask level); the decimals come on demand
  const draws = { bids: Array.from({ length: BOOK_DEPTH }, () => rng.next()), asks: [] as number[] };
  draws.asks = Array.from({ length: BOOK_DEPTH }, () => rng.next());
  const gap = maxDec(quote.last.mul('0.0001').toNearest(pair.tick), pair.tick);
  const unit = dec(current.volume).div(8);
  const minAmount = dec('1').div(dec('10').pow(pair.numeratorScale));
  const start = { bids: quote.bid, asks: quote.ask };
  const dir = { bids: -1, asks: 1 };
  const built: Record<BookSide, BookLevel[]> = { bids: [], asks: [] };
  const ended: Record<BookSide, boolean> = { bids: false, asks: false };
  const level = (side: BookSide, i: number): BookLevel | undefined => {
    const levels = built[side];
    while (levels.length <= i && !ended[side] && levels.length < BOOK_DEPTH) {
      const n = levels.length;
      const price = start[side].add(gap.mul(n * dir[side]));
      // prices only fall on the bid side: the first non-positive one ends it
      if (!price.gt(0)) {
        ended[side] = true;
        break;
      }
      const r = draws[side][n] ?? 0;
      const amount = maxDec(
        unit.mul((0.3 + r * (1 + n / 10)).toFixed(6)).toDecimalPlaces(pair.numeratorScale),
        minAmount,
      );
      levels.push({ price, amount });
    }
    return levels[i];
  };
  const top = (side: BookSide, count: number): readonly BookLevel[] => {
    level(side, Math.min(count, BOOK_DEPTH) - 1);
    return built[side].slice(0, count);
  };
  return {
    get bids() {
      return top('bids', BOOK_DEPTH);
    },
    get asks() {
      return top('asks', BOOK_DEPTH);
    },
    level,
    top,
  };
}

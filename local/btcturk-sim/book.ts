// The visible order book: levels stepping away from the quote, amounts drawn from a PRNG seeded by
// (seed, pair, candle time), so the same candle always shows the same book. The book does not deplete.
import { type Dec, dec, maxDec } from '../../shared/domain/money';
import { createPrng } from '../market/prng';
import type { MarketFeed } from './market-feed';

export interface BookLevel {
  readonly price: Dec;
  readonly amount: Dec;
}

export interface Book {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
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
  const gap = maxDec(quote.last.mul('0.0001').toNearest(pair.tick), pair.tick);
  const unit = dec(current.volume).div(8);
  const minAmount = dec('1').div(dec('10').pow(pair.numeratorScale));
  const amount = (i: number) =>
    maxDec(unit.mul((0.3 + rng.next() * (1 + i / 10)).toFixed(6)).toDecimalPlaces(pair.numeratorScale), minAmount);
  const side = (start: Dec, dir: 1 | -1) =>
    Array.from({ length: BOOK_DEPTH }, (_, i) => ({ price: start.add(gap.mul(i * dir)), amount: amount(i) })).filter(
      (l) => l.price.gt(0),
    );
  return { bids: side(quote.bid, -1), asks: side(quote.ask, 1) };
}

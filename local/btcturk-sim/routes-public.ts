// Public endpoints (BTCTURK_API.md 6): server time (no envelope), exchangeinfo, ticker (JSON numbers),
// order book (string levels, bids descending, asks ascending) and recent trades derived from the candles.
import { type Dec, dec, maxDec, minDec, sumDec, toPlain, ZERO } from '../../shared/domain/money';
import type { ReplaySymbolView } from '../replay/replay-market';
import { BOOK_DEPTH, bookOf } from './book';
import { type JsonValue, RawNumber } from './json-text';
import { exchangeInfoBody, exchangeInfoSymbol, type SimPair } from './pairs';
import { json, ok, type Reply, rejected } from './reply';
import type { Venue } from './venue';

const DAY_MS = 24 * 3600 * 1000;

/** `2021-02-14T14:37:42.0214779+00:00`: seven fractional digits and an explicit offset, as captured */
const serverTime2 = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000+00:00');

export const serverTime = (v: Venue): Reply => {
  const now = v.serverNowMs();
  return json(200, { serverTime: now, serverTime2: serverTime2(now) });
};

/** The last price the venue quotes for the pair: the replay's ticker row when replaying */
const lastOf = (v: Venue, pair: SimPair): Dec =>
  v.options.replay?.market.view(pair.symbol)?.ticker?.last ?? v.feedOf(pair).quote.last;

export const exchangeInfo = (v: Venue): Reply => {
  const body = v.options.replay?.exchangeInfoBody;
  if (body !== undefined) return { status: 200, body };
  const symbols = [...v.pairs.values()].map((p) => exchangeInfoSymbol(p, lastOf(v, p)));
  return json(200, exchangeInfoBody(symbols, v.serverNowMs()));
};

const num = (x: Dec) => new RawNumber(toPlain(x));

function tickerOf(v: Venue, pair: SimPair): JsonValue {
  const feed = v.feedOf(pair);
  const since = v.serverNowMs() - DAY_MS;
  const day = feed.history.filter((c) => c.timeMs > since);
  const window = day.length > 0 ? day : [feed.current];
  const { bid, ask, last } = feed.quote;
  const open = dec(window[0]?.open ?? feed.current.open);
  const volumes = window.map((c) => dec(c.volume));
  const volume = sumDec(volumes);
  const turnover = sumDec(window.map((c, i) => dec(c.close).mul(volumes[i] ?? 0)));
  const average = volume.isZero() ? last : turnover.div(volume).toDecimalPlaces(pair.denominatorScale);
  const daily = last.sub(open);
  return {
    pair: pair.symbol,
    pairNormalized: pair.normalized,
    timestamp: v.serverNowMs(),
    last: num(last),
    high: num(window.map((c) => dec(c.high)).reduce(maxDec)),
    low: num(window.map((c) => dec(c.low)).reduce(minDec)),
    bid: num(bid),
    ask: num(ask),
    open: num(open),
    volume: num(volume.toDecimalPlaces(pair.numeratorScale)),
    average: num(average),
    daily: num(daily),
    dailyPercent: num(daily.div(open).mul(100).toDecimalPlaces(2)),
    denominatorSymbol: pair.quote,
    numeratorSymbol: pair.base,
    order: pair.id,
  };
}

/**
 * A replayed pair's ticker: bid/ask from its book row, last/high/low/volume from its ticker row, stamped with the
 * newer row's time (when the data was observed); no open or daily change (a dataset has none). Undefined before
 * the pair has both rows: the venue lists no ticker for it yet.
 */
function replayTickerOf(pair: SimPair, view: ReplaySymbolView): JsonValue | undefined {
  const { book, ticker } = view;
  if (!book || !ticker) return undefined;
  return {
    pair: pair.symbol,
    pairNormalized: pair.normalized,
    timestamp: Math.max(book.tsMs, ticker.tsMs),
    last: num(ticker.last),
    high: num(ticker.high),
    low: num(ticker.low),
    bid: num(book.bid),
    ask: num(book.ask),
    open: num(ticker.last),
    volume: num(ticker.volume),
    average: num(ticker.last),
    daily: num(ZERO),
    dailyPercent: null,
    denominatorSymbol: pair.quote,
    numeratorSymbol: pair.base,
    order: pair.id,
  };
}

const unknownPair = (): Reply => rejected('FAILED_ORDER_PARAMETER', 1000);

export const ticker = (v: Venue, q: URLSearchParams): Reply => {
  const symbol = q.get('pairSymbol');
  const pairs = symbol === null ? [...v.pairs.values()] : [v.pairOf(symbol)].filter((p) => p !== undefined);
  const replay = v.options.replay?.market;
  const data = replay
    ? pairs.flatMap((p) => {
        const view = replay.view(p.symbol);
        const row = view ? replayTickerOf(p, view) : undefined;
        return row ? [row] : [];
      })
    : pairs.map((p) => tickerOf(v, p));
  return json(200, { data, success: true, message: null, code: 0 });
};

export const orderBook = (v: Venue, q: URLSearchParams): Reply => {
  const pair = v.pairOf(q.get('pairSymbol') ?? '');
  if (!pair) return unknownPair();
  const limit = Math.min(Math.max(Number(q.get('limit') ?? BOOK_DEPTH) || BOOK_DEPTH, 1), 1000);
  const book = bookOf(v.feedOf(pair), v.seed);
  const level = (l: { price: Dec; amount: Dec }) => [l.price.toFixed(pair.denominatorScale), toPlain(l.amount)];
  const data = {
    timestamp: v.serverNowMs(),
    bids: book.top('bids', limit).map(level),
    asks: book.top('asks', limit).map(level),
  };
  return ok(data);
};

export const trades = (v: Venue, q: URLSearchParams): Reply => {
  const pair = v.pairOf(q.get('pairSymbol') ?? '');
  if (!pair) return unknownPair();
  const last = Math.min(Math.max(Number(q.get('last') ?? 50) || 50, 1), 50);
  const rows = v
    .feedOf(pair)
    .history.slice(-last)
    .reverse()
    .map((c) => ({
      pair: pair.symbol,
      pairNormalized: pair.normalized,
      numerator: pair.base,
      denominator: pair.quote,
      date: c.timeMs,
      tid: (BigInt(c.timeMs) * 100_000n + BigInt(pair.id)).toString(),
      price: c.close,
      amount: dec(c.volume).div(20).toFixed(pair.numeratorScale),
      side: dec(c.close).gte(dec(c.open)) ? 'buy' : 'sell',
    }));
  return ok(rows);
};

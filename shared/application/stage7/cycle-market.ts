// Spec 4.2 steps 6-7 and 10: what stage 7 reads of the market, through public reads only (tickers and
// exchange info; never a balance, an order or a write). Marks are ticker mids; the data age runs from the
// newest quote; the spread is the largest over the configured symbols; the quote volume is the sum over the
// configured symbols of the ticker's base volume x its last price (BTCTurk's `volume` is in base units, see
// quoteVolumeTry), the universe's own measure.
import type { PairMetadata } from '../../domain/exchange-rules';
import type { Stage7Book, Stage7Ticker } from '../../domain/market/stage7-universe-input';
import { quoteVolumeTry } from '../../domain/market/stage7-universe-scoring';
import { type Dec, dec, maxDec, ZERO } from '../../domain/money';
import { canonicalSymbol } from '../../domain/symbols';
import type { Exchange, Ticker } from '../../ports/exchange';

export type Stage7MarketReads = Pick<Exchange, 'tickers' | 'exchangeInfo'>;

export interface Stage7MarketView {
  readonly pairs: readonly PairMetadata[];
  readonly tickers: readonly Stage7Ticker[];
  readonly books: readonly Stage7Book[];
  /** Mid per canonical symbol with a sane quote */
  readonly marks: ReadonlyMap<string, Dec>;
  /** now - newest quote; STAGE7_MAX_DATA_AGE_SEC + 1 s when there is none (spec 4.2 step 7) */
  readonly dataAgeMs: number;
  readonly spreadBps: Dec;
  /** Over the configured symbols: sum of base volume x last (TRY); 0 when none has a ticker */
  readonly quoteVolumeTry: Dec;
  /** A read failed: the cycle treats the exchange as degraded (spec 4.4 rule 2) */
  readonly degraded: boolean;
}

const BPS = dec('10000');

/**
 * The universe's ticker row. No candles are read, so the universe's volatility falls back (spec 4.5 step 4)
 * to (high - low) / last from this row, else to |dailyPercent| / 100.
 */
const stage7TickerOf = (t: Ticker): Stage7Ticker => ({
  symbol: canonicalSymbol(t.symbol),
  volume: t.volume,
  last: t.last,
  high: t.high,
  low: t.low,
  priceChangePercent: t.dailyPercent,
});

export async function readStage7Market(
  exchange: Stage7MarketReads,
  symbols: readonly string[],
  nowMs: number,
  maxDataAgeSec: number,
): Promise<Stage7MarketView> {
  let degraded = false;
  const read = await exchange.tickers().catch(() => {
    degraded = true;
    return [] as Ticker[];
  });
  // spec 4.5 step 3: exchange info that cannot be read gives no candidates
  const pairs = await exchange.exchangeInfo().catch(() => {
    degraded = true;
    return [] as PairMetadata[];
  });
  const sane = read.filter((q) => q.bid.gt(0) && q.ask.gte(q.bid));
  const marks = new Map(sane.map((q) => [canonicalSymbol(q.symbol), q.bid.add(q.ask).div(2)]));
  const tickers = sane.map(stage7TickerOf);
  const configured = new Set(symbols.map(canonicalSymbol));
  let spreadBps = ZERO;
  for (const q of sane)
    if (configured.has(canonicalSymbol(q.symbol)))
      spreadBps = maxDec(spreadBps, q.ask.sub(q.bid).div(q.bid.add(q.ask).div(2)).mul(BPS));
  let quoteVolume = ZERO;
  for (const t of tickers) if (configured.has(t.symbol)) quoteVolume = quoteVolume.add(quoteVolumeTry(t) ?? ZERO);
  const stamps = sane.map((q) => Math.min(q.receivedAtMs, q.stampedAtMs));
  const dataAgeMs = stamps.length > 0 ? Math.max(0, nowMs - Math.max(...stamps)) : (maxDataAgeSec + 1) * 1000;
  return {
    pairs,
    tickers,
    books: sane.map((q) => ({
      symbol: canonicalSymbol(q.symbol),
      bid: q.bid,
      ask: q.ask,
      observedAtMs: Math.min(q.receivedAtMs, q.stampedAtMs),
    })),
    marks,
    dataAgeMs,
    spreadBps,
    quoteVolumeTry: quoteVolume,
    degraded,
  };
}

// Best bid/ask per symbol with the freshness gate of spec 2.4: fail closed when no quote could be read or
// a quote is older than the limit. Stage 3 decides on the best bid and ask only (profit-aware-strategy and
// stage3-risk read no depth), so ONE ticker request serves every symbol instead of one orderbook each.
// Symbols without a sane quote are listed, not fatal by themselves. A quote's age runs from the earlier of
// its receipt and the venue's own stamp (on our clock): a quote the venue served already old is as old as
// it really is.
import { canonicalSymbol } from '../domain/symbols';
import type { Exchange, Quote } from '../ports/exchange';

export interface MarketSnapshot {
  readonly tops: ReadonlyMap<string, Quote>;
  readonly missingSymbols: readonly string[];
  readonly stale: boolean;
  readonly observedAgeMs: number | undefined;
}

export async function marketSnapshot(
  exchange: Pick<Exchange, 'tickers'>,
  symbols: readonly string[],
  nowMs: () => number,
  maxAgeMs: number,
): Promise<MarketSnapshot> {
  const quotes = await exchange.tickers().catch(() => [] as Quote[]);
  const bySymbol = new Map(quotes.map((q) => [q.symbol, q]));
  const tops = new Map<string, Quote>();
  const missingSymbols: string[] = [];
  for (const symbol of symbols) {
    const quote = bySymbol.get(canonicalSymbol(symbol));
    // the port leaves insane quotes out; a mark is only ever a positive, uncrossed quote
    if (quote?.bid.gt(0) && quote.ask.gt(0) && quote.bid.lte(quote.ask)) tops.set(symbol, quote);
    else missingSymbols.push(symbol);
  }
  const quotedAt = (q: Quote) => Math.min(q.receivedAtMs, q.stampedAtMs);
  const oldest = tops.size > 0 ? Math.min(...[...tops.values()].map(quotedAt)) : undefined;
  const observedAgeMs = oldest === undefined ? undefined : nowMs() - oldest;
  return { tops, missingSymbols, stale: observedAgeMs === undefined || observedAgeMs > maxAgeMs, observedAgeMs };
}

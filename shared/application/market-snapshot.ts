// Best bid/ask per symbol with the freshness gate of spec 2.4: fail closed when no book could be read or
// a book is older than the limit. Symbols whose book failed are listed, not fatal by themselves. A book's
// age runs from the earlier of its receipt and the venue's own stamp (on our clock): a book the venue
// served already old, or one reused from the orderbook cache, is as old as it really is.
import type { Exchange, OrderBookTop } from '../ports/exchange';

export interface MarketSnapshot {
  readonly tops: ReadonlyMap<string, OrderBookTop>;
  readonly missingSymbols: readonly string[];
  readonly stale: boolean;
  readonly observedAgeMs: number | undefined;
}

export async function marketSnapshot(
  exchange: Exchange,
  symbols: readonly string[],
  nowMs: () => number,
  maxAgeMs: number,
): Promise<MarketSnapshot> {
  const results = await Promise.allSettled(symbols.map((s) => exchange.orderBookTop(s)));
  const tops = new Map<string, OrderBookTop>();
  const missingSymbols: string[] = [];
  results.forEach((r, i) => {
    const symbol = symbols[i] as string;
    if (r.status === 'fulfilled' && r.value.bid.gt(0) && r.value.ask.gt(0)) tops.set(symbol, r.value);
    else missingSymbols.push(symbol);
  });
  const bookedAt = (t: OrderBookTop) => Math.min(t.receivedAtMs, t.stampedAtMs);
  const oldest = tops.size > 0 ? Math.min(...[...tops.values()].map(bookedAt)) : undefined;
  const observedAgeMs = oldest === undefined ? undefined : nowMs() - oldest;
  return { tops, missingSymbols, stale: observedAgeMs === undefined || observedAgeMs > maxAgeMs, observedAgeMs };
}

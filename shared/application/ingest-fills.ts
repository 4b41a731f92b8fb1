// Fill ingestion (spec 2.12, ARCHITECTURE 5.7): fills are keyed by venue trade id and appended to the
// ledger once each; a cursor per symbol bounds the lookback. Re-running ingests nothing twice.
import { fillId } from '../domain/ids';
import type { Exchange } from '../ports/exchange';
import type { CursorStore, FillStore, LedgerStore } from '../ports/state-store';

export interface IngestDeps {
  readonly exchange: Exchange;
  readonly fills: FillStore;
  readonly ledger: LedgerStore;
  readonly cursors: CursorStore;
}

export interface IngestSummary {
  readonly inserted: number;
  readonly failedSymbols: readonly string[];
}

export async function ingestFills(
  deps: IngestDeps,
  account: string,
  symbols: readonly string[],
  options: { readonly nowMs: number; readonly lookbackMs: number },
): Promise<IngestSummary> {
  let inserted = 0;
  const failedSymbols: string[] = [];
  for (const symbol of symbols) {
    const cursorKey = `fills#${account}#${symbol}`;
    const cursor = await deps.cursors.get(cursorKey);
    const since = Math.max(0, Math.min(cursor ?? 0, options.nowMs) - options.lookbackMs);
    let trades: Awaited<ReturnType<Exchange['userTrades']>>;
    try {
      trades = await deps.exchange.userTrades(symbol, since);
    } catch {
      failedSymbols.push(symbol);
      continue;
    }
    for (const t of trades) {
      const fill = {
        account,
        symbol,
        tradeId: t.tradeId,
        orderId: t.orderId,
        clientOrderId: t.clientOrderId,
        side: t.side,
        price: t.price,
        qty: t.qty,
        fee: t.fee.add(t.tax),
        feeAsset: t.feeAsset,
        timestampMs: t.timestampMs,
      };
      await deps.fills.add(fill);
      inserted += await deps.ledger.append([{ ...fill, eventId: `fill#${fillId(symbol, t.tradeId)}`, type: 'FILL' }]);
    }
    const newest = Math.max(...trades.map((t) => t.timestampMs), cursor ?? 0);
    if (newest > 0) await deps.cursors.advance(cursorKey, newest);
  }
  return { inserted, failedSymbols };
}

// Fill ingestion (spec 3.8-3.10, ARCHITECTURE 5.7). Each symbol's window starts `lookback` before its cursor,
// or before now on the first import (never at epoch 0: older history is not ours to trade). A fill already
// stored costs no write. A new fill's ledger events (FILL, and FEE when it paid one) are appended before
// its fill record, the "applied" mark: a crash in between leaves the fill to be ingested again, never a
// stored fill without its events. The cursor only moves forward: to the newest fill seen, or to now when
// a first window holds none.
import { TradingError } from '../domain/errors';
import { convert } from '../domain/ledger/conversion';
import { fillEvents } from '../domain/ledger/fill-events';
import type { Dec } from '../domain/money';
import { splitSymbol } from '../domain/symbols';
import type { Exchange, VenueFill } from '../ports/exchange';
import type { CursorStore, Fill, FillStore, LedgerEvent, LedgerStore } from '../ports/state-store';

export interface IngestDeps {
  readonly exchange: Pick<Exchange, 'userTrades'>;
  readonly fills: FillStore;
  readonly ledger: LedgerStore;
  readonly cursors: CursorStore;
}

export interface IngestOptions {
  readonly nowMs: number;
  readonly lookbackMs: number;
  /** Marks by canonical symbol (e.g. USDTTRY): convert a fee paid in another asset than the pair's quote */
  readonly marks: ReadonlyMap<string, Dec>;
}

export interface IngestSummary {
  /** Fills stored for the first time */
  readonly inserted: number;
  /** Symbols whose userTrades read failed: their cursor did not move */
  readonly failedSymbols: readonly string[];
  /** Assets of new fees that could not be converted to their pair's quote (unique, sorted) */
  readonly feeConversionMissing: readonly string[];
}

export async function ingestFills(
  deps: IngestDeps,
  account: string,
  symbols: readonly string[],
  options: IngestOptions,
): Promise<IngestSummary> {
  let inserted = 0;
  const failedSymbols: string[] = [];
  const feeConversionMissing = new Set<string>();
  for (const symbol of symbols) {
    const cursorKey = `fills#${account}#${symbol}`;
    const cursor = await deps.cursors.get(cursorKey);
    // a cursor ahead of the local clock (venue clock skew) must still leave a window that reaches now
    const sinceMs = Math.max(0, Math.min(cursor ?? options.nowMs, options.nowMs) - options.lookbackMs);
    let trades: VenueFill[];
    try {
      trades = await deps.exchange.userTrades(symbol, sinceMs);
    } catch (e) {
      if (!(e instanceof TradingError)) throw e;
      failedSymbols.push(symbol);
      continue;
    }
    const batch = windowOf(trades, sinceMs);
    const oldest = batch[0];
    const newest = batch.at(-1);
    if (oldest === undefined || newest === undefined) {
      // a first window without fills still records where it looked: fills made while the bot is stopped
      // are then found by the next window (cursor - lookback), however long the stop
      if (cursor === undefined) await deps.cursors.advance(cursorKey, options.nowMs);
      continue;
    }
    const stored = new Set((await deps.fills.list(account, symbol, oldest.timestampMs)).map((f) => f.tradeId));
    const fresh = batch.filter((t) => !stored.has(t.tradeId)).map((t) => recordsOf(account, symbol, t, options.marks));
    if (fresh.length > 0) {
      await deps.ledger.append(fresh.flatMap((r) => r.events));
      for (const { fill } of fresh) if (await deps.fills.add(fill)) inserted += 1;
    }
    for (const { unconvertedAsset } of fresh) if (unconvertedAsset) feeConversionMissing.add(unconvertedAsset);
    if (cursor === undefined || newest.timestampMs > cursor) await deps.cursors.advance(cursorKey, newest.timestampMs);
  }
  return { inserted, failedSymbols, feeConversionMissing: [...feeConversionMissing].sort() };
}

/** Trades at or after `sinceMs`, each trade id once, in (time, trade id) order */
function windowOf(trades: readonly VenueFill[], sinceMs: number): VenueFill[] {
  const byId = new Map<string, VenueFill>();
  for (const t of trades) if (t.timestampMs >= sinceMs && !byId.has(t.tradeId)) byId.set(t.tradeId, t);
  return [...byId.values()].sort((a, b) => a.timestampMs - b.timestampMs || compareIds(a.tradeId, b.tradeId));
}

/** Numeric order for the venue's digit-string ids (they exceed 2^53), and a total order for any other text */
const compareIds = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

interface FillRecords {
  readonly fill: Fill;
  readonly events: readonly LedgerEvent[];
  readonly unconvertedAsset?: string;
}

/**
 * The fill record keeps the fee as the venue charged it. The FEE event records that payment; the FILL
 * event carries the same fee in the pair's quote, the currency of the average cost: positions are
 * projected from FILL events only, so the fee counts once. A fee that cannot be converted stays on the
 * FILL event in its own asset (the projection lists it as unconverted) and is reported, never zeroed.
 */
function recordsOf(account: string, symbol: string, t: VenueFill, marks: ReadonlyMap<string, Dec>): FillRecords {
  const fee = t.fee.add(t.tax);
  const feeAsset = t.feeAsset.toUpperCase();
  const quote = splitSymbol(symbol).quote;
  const inQuote = fee.isZero() ? fee : convert(fee, feeAsset, quote, marks);
  const base = {
    account,
    symbol,
    timestampMs: t.timestampMs,
    tradeId: t.tradeId,
    clientOrderId: t.clientOrderId,
  };
  const events = fillEvents({
    ...base,
    side: t.side,
    qty: t.qty,
    price: t.price,
    fee,
    feeAsset,
    fillFee: inQuote === undefined || fee.isZero() ? { fee, feeAsset } : { fee: inQuote, feeAsset: quote },
  });
  return {
    fill: { ...base, orderId: t.orderId, side: t.side, price: t.price, qty: t.qty, fee, feeAsset },
    events,
    ...(inQuote === undefined ? { unconvertedAsset: feeAsset } : {}),
  };
}

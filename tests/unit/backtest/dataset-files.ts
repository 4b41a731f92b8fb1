// Writes a small replay dataset folder (spec 4.19) from rows held in memory: candles, order book and ticker CSVs
// per symbol (ISO times) and, unless told not to, the exchangeinfo.json the backtest reads its pair rules from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPlain } from '../../../shared/domain/money';
import { BASES, pairInfoJsonText, START_MS } from './fixtures';
import { type SymbolRows, walkRows } from './memory-replay-market';

const iso = (ms: number) => new Date(ms).toISOString();

export function writeDataset(
  dir: string,
  o: { readonly rows?: number; readonly exchangeInfo?: boolean; readonly data?: Record<string, SymbolRows> } = {},
): string {
  const data = o.data ?? walkRows(BASES, START_MS, o.rows ?? 200);
  for (const kind of ['candles', 'orderbook', 'ticker']) mkdirSync(join(dir, kind), { recursive: true });
  for (const [symbol, { book, ticker }] of Object.entries(data)) {
    const p = toPlain;
    const candles = ticker.map(
      (t) => `${iso(t.tsMs)},${p(t.last)},${p(t.high)},${p(t.low)},${p(t.last)},${p(t.volume)}`,
    );
    writeFileSync(join(dir, 'candles', `${symbol}.csv`), ['ts,open,high,low,close,volume', ...candles, ''].join('\n'));
    const books = book.map((b) => `${iso(b.tsMs)},${p(b.bid)},${p(b.ask)}`);
    writeFileSync(join(dir, 'orderbook', `${symbol}.csv`), ['ts,best_bid,best_ask', ...books, ''].join('\n'));
    const tickers = ticker.map((t) => `${iso(t.tsMs)},${p(t.last)},${p(t.high)},${p(t.low)},${p(t.volume)}`);
    writeFileSync(join(dir, 'ticker', `${symbol}.csv`), ['ts,last,high,low,volume', ...tickers, ''].join('\n'));
  }
  if (o.exchangeInfo !== false) {
    const body = `{"data":{"timeZone":"UTC","serverTime":${START_MS},"symbols":${pairInfoJsonText()}},"success":true,"message":"","code":0}`;
    writeFileSync(join(dir, 'exchangeinfo.json'), `${body}\n`);
  }
  return dir;
}

// Tiny replay datasets written by a test into a fresh temporary folder: files given as text per kind and symbol.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DatasetFiles = Partial<Record<'candles' | 'orderbook' | 'ticker', Record<string, string>>> & {
  /** Files at the dataset's top, by name (exchangeinfo.json, gaps.csv) */
  readonly top?: Record<string, string>;
};

const made: string[] = [];

/** A new temporary folder, removed by removeTempDirs (each test file calls it in afterAll) */
export function tempDir(label = 'replay'): string {
  const dir = mkdtempSync(join(tmpdir(), `btcbot-${label}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` into a new dataset folder and returns it */
export function writeDataset(files: DatasetFiles, dir = join(tempDir(), 'dataset')): string {
  mkdirSync(dir, { recursive: true });
  for (const kind of ['candles', 'orderbook', 'ticker'] as const) {
    const perSymbol = files[kind];
    if (!perSymbol) continue;
    mkdirSync(join(dir, kind), { recursive: true });
    for (const [name, text] of Object.entries(perSymbol)) writeFileSync(join(dir, kind, name), text);
  }
  for (const [name, text] of Object.entries(files.top ?? {})) writeFileSync(join(dir, name), text);
  return dir;
}

const MINUTE = 60_000;
export const T0 = Date.UTC(2026, 0, 1);
export const iso = (i: number): string => new Date(T0 + i * MINUTE).toISOString();

/** `n` one-minute candle rows from T0 (ts = T0 + i min), close 100 + i */
export const candleCsv = (n: number, row = (i: number) => `${iso(i)},${100 + i},${101 + i},${99 + i},${100 + i},1`) =>
  ['ts,open,high,low,close,volume', ...Array.from({ length: n }, (_, i) => row(i)), ''].join('\n');

/** `n` one-minute book rows from T0, bid 99 + i, ask 101 + i */
export const bookCsv = (n: number, row = (i: number) => `${iso(i)},${99 + i},${101 + i}`) =>
  ['ts,best_bid,best_ask', ...Array.from({ length: n }, (_, i) => row(i)), ''].join('\n');

export const tickerCsv = (n: number, row = (i: number) => `${iso(i)},${100 + i},${110 + i},${90 + i},${5 + i}`) =>
  ['ts,last,high,low,volume', ...Array.from({ length: n }, (_, i) => row(i)), ''].join('\n');

/** A valid one-symbol dataset of `n` rows per file (no ticker file unless asked) */
export const validFiles = (n = 3, ticker = false): DatasetFiles => ({
  candles: { 'BTCTRY.csv': candleCsv(n) },
  orderbook: { 'BTCTRY.csv': bookCsv(n) },
  ...(ticker ? { ticker: { 'BTCTRY.csv': tickerCsv(n) } } : {}),
});

// Candle files in the forms users have (Binance kline CSV in its three shapes, Freqtrade JSON), written by a test
// from a seeded random walk, so the import tests need no downloaded data.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createPrng } from '../../../shared/domain/prng';

export interface Bar {
  readonly openMs: number;
  /** Integer prices (BTCTRY's tick is 1) and an 8-decimal volume, as text */
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

export const BAR_START = Date.UTC(2022, 10, 8, 22, 33);

/** `n` consecutive bars of `intervalMs` from BAR_START, skipping the indexes in `missing` */
export function randomBars(n: number, intervalMs = 60_000, missing: readonly number[] = [], seed = 3): Bar[] {
  const prng = createPrng(seed, 'bars');
  let price = 350_000;
  const bars: Bar[] = [];
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(1000, price + Math.round(prng.normal() * 300));
    const high = Math.max(open, price) + prng.int(200);
    const low = Math.min(open, price) - prng.int(200);
    const volume = (prng.int(100_000_000) / 1e8).toFixed(8);
    if (!missing.includes(i))
      bars.push({
        openMs: BAR_START + i * intervalMs,
        open: `${open}`,
        high: `${high}`,
        low: `${low}`,
        close: `${price}`,
        volume,
      });
  }
  return bars;
}

const dateTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const eight = (s: string) => Number(s).toFixed(8);

/** The 1h file's form: `Open_Time,Open,High,Low,Close,Volume`, times as `YYYY-MM-DD HH:MM:SS` UTC */
export const openTimeCsv = (bars: readonly Bar[]) =>
  [
    'Open_Time,Open,High,Low,Close,Volume',
    ...bars.map((b) => `${dateTime(b.openMs)},${b.open}.0,${b.high}.0,${b.low}.0,${b.close}.0,${b.volume}`),
    '',
  ].join('\n');

const kline = (b: Bar, intervalMs: number, scale = 1) =>
  [
    b.openMs * scale,
    eight(b.open),
    eight(b.high),
    eight(b.low),
    eight(b.close),
    b.volume,
    (b.openMs + intervalMs - 1) * scale,
    '1.0',
    '5',
    '0.1',
    '0.2',
    '0',
  ].join(',');

/** The 1m files' form: a leading index column and Binance's long header (with its quoted, comma-holding cell) */
export const indexedKlineCsv = (bars: readonly Bar[], intervalMs = 60_000) =>
  [
    ',Kline open time,Open price,High price,Low price,Close price,Volume,Kline Close time,Quote asset volume,Number of trades,Taker buy base asset volume,Taker buy quote asset volume,"Unused field, ignore"',
    ...bars.map((b, i) => `${i},${kline(b, intervalMs)}`),
    '',
  ].join('\n');

/** data.binance.vision's headerless 12 columns; `micro` for the µs times it ships since 2025 */
export const headerlessKlineCsv = (bars: readonly Bar[], intervalMs = 60_000, micro = false) =>
  `${bars.map((b) => kline(b, intervalMs, micro ? 1000 : 1)).join('\r\n')}\r\n`;

/** Freqtrade's JSON candles; a tiny volume written the way Python writes it (1e-05) */
export const freqtradeJson = (bars: readonly Bar[]) =>
  `[${bars.map((b, i) => `[${b.openMs},${b.open}.0,${b.high},${b.low},${b.close},${i === 1 ? '1e-05' : b.volume}]`).join(',\n')}]`;

export function writeSource(path: string, text: string, gzip = false): string {
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

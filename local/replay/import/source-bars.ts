// Reads the bars of a candle file a user already has, streamed (gzip through zlib's stream, detected by its magic
// bytes, not its name), in each form this reader knows:
//   - Binance kline CSV with a header: `Open_Time,Open,High,Low,Close,Volume` (open time `YYYY-MM-DD HH:MM:SS`
//     UTC), or the long header with a leading index column (`,Kline open time,Open price,...`), or
//     `open_time,open,...` (columns found by name, others ignored);
//   - the headerless 12-column kline CSV data.binance.vision ships (open time in ms, or in µs since 2025);
//   - Freqtrade's JSON candles: `[[open_ms, open, high, low, close, volume], ...]`.
// Numbers are read from their text into decimals (a JSON or pandas exponent such as 1e-05 included), never through
// a float. A bar's `line` is its CSV line, or its entry number in a JSON file.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type ReplayDatasetCode, ReplayDatasetError } from '../../../shared/domain/errors';
import { Dec } from '../../../shared/domain/money';
import { parseTimestampMs } from '../timestamps';

export interface SourceBar {
  /** The bar's open time, epoch ms */
  readonly openMs: number;
  readonly open: Dec;
  readonly high: Dec;
  readonly low: Dec;
  readonly close: Dec;
  readonly volume: Dec;
  /** CSV line, or JSON entry number (1-based) */
  readonly line: number;
}

export type SourceUnit = 'line' | 'entry';

/** An error at a place in a source file: a CSV line is the error's line, a JSON entry is named in its detail */
export function sourceError(code: ReplayDatasetCode, detail: string, file: string, unit: SourceUnit, n?: number) {
  if (n === undefined || unit === 'line') return new ReplayDatasetError(code, detail, file, n);
  return new ReplayDatasetError(code, `entry ${n}: ${detail}`, file);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TIME_COLUMNS = ['open_time', 'kline open time', 'open time', 'timestamp', 'date', 'time', 'ts'];
const VALUE_COLUMNS = [
  ['open', 'open price'],
  ['high', 'high price'],
  ['low', 'low price'],
  ['close', 'close price'],
  ['volume'],
] as const;
/** What the headerless kline CSV holds in its first six columns */
const HEADERLESS = [0, 1, 2, 3, 4, 5];

/** Epoch ms of a source's open time: µs (16 digits), ms (13), s (10), or a dataset timestamp (ISO, space) */
export function sourceTimeMs(text: string): number | undefined {
  if (/^\d{16}$/.test(text)) return Math.floor(Number(text) / 1000);
  return parseTimestampMs(text);
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

async function* textChunks(path: string): AsyncGenerator<string> {
  const raw = createReadStream(path);
  const stream = isGzip(path) ? pipeline(raw, createGunzip(), () => {}) : raw;
  stream.setEncoding('utf8');
  for await (const chunk of stream) yield chunk as string;
}

async function* numberedLines(chunks: AsyncIterable<string>): AsyncGenerator<{ text: string; line: number }> {
  let carry = '';
  let line = 0;
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      line += 1;
      yield { text: text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end), line };
      start = end + 1;
    }
    carry = text.slice(start);
  }
  if (carry.trim() !== '') yield { text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, line: line + 1 };
}

/** The source's form, from its first bytes, and its bars in file order */
export async function sourceBars(path: string): Promise<{ unit: SourceUnit; bars: AsyncGenerator<SourceBar> }> {
  for await (const chunk of textChunks(path)) {
    const first = chunk.trimStart()[0];
    if (first === undefined) continue;
    return first === '[' ? { unit: 'entry', bars: jsonBars(path) } : { unit: 'line', bars: csvBars(path) };
  }
  throw new ReplayDatasetError('insufficient_rows', 'the file is empty: expected candles', path);
}

function barOf(cells: readonly string[], at: readonly number[], file: string, unit: SourceUnit, n: number): SourceBar {
  const fail = (code: ReplayDatasetCode, detail: string): never => {
    throw sourceError(code, detail, file, unit, n);
  };
  const cell = (i: number) => (cells[at[i] ?? -1] ?? '').trim();
  const openMs = sourceTimeMs(cell(0));
  if (openMs === undefined) return fail('invalid_timestamp', `expected an open time, was ${JSON.stringify(cell(0))}`);
  const [open, high, low, close, volume] = [1, 2, 3, 4, 5].map((i) => {
    const t = cell(i);
    if (!NUMBER.test(t)) fail('invalid_value', `expected a number, was ${JSON.stringify(t)}`);
    return new Dec(t);
  }) as [Dec, Dec, Dec, Dec, Dec];
  return { openMs, open, high, low, close, volume, line: n };
}

/** Header cells: lower case, trimmed, a quoted cell (Binance's "Unused field, ignore" holds a comma) unquoted */
function headerCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (const ch of line.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim().toLowerCase());
}

async function* csvBars(path: string): AsyncGenerator<SourceBar> {
  let at: readonly number[] | undefined;
  for await (const { text, line } of numberedLines(textChunks(path))) {
    if (text.trim() === '') continue;
    if (at === undefined) {
      const cells = headerCells(text);
      if (sourceTimeMs(cells[0] ?? '') !== undefined) at = HEADERLESS;
      else {
        at = columnsByName(cells, path);
        continue;
      }
    }
    yield barOf(text.split(','), at, path, 'line', line);
  }
}

function columnsByName(cells: readonly string[], path: string): number[] {
  const time = cells.findIndex((c) => TIME_COLUMNS.includes(c));
  const values = VALUE_COLUMNS.map((names) => cells.findIndex((c) => (names as readonly string[]).includes(c)));
  if (time < 0 || values.some((i) => i < 0))
    throw new ReplayDatasetError(
      'invalid_schema',
      'expected a Binance kline CSV (Open_Time,Open,High,Low,Close,Volume; the long Kline header; or the headerless ' +
        `12 columns) or Freqtrade JSON candles, was a header ${JSON.stringify(cells.join(',').slice(0, 120))}`,
      path,
      1,
    );
  return [time, ...values];
}

/** Streams `[[t, o, h, l, c, v], ...]`: one entry at a time, however long the file */
async function* jsonBars(path: string): AsyncGenerator<SourceBar> {
  let buffer = '';
  let state: 'start' | 'entry' | 'comma' | 'end' = 'start';
  let n = 0;
  const fail = (detail: string): never => {
    throw sourceError(
      'invalid_schema',
      `expected Freqtrade candles [[ms, o, h, l, c, v], ...]: ${detail}`,
      path,
      'entry',
      n + 1,
    );
  };
  for await (const chunk of textChunks(path)) {
    buffer += chunk;
    let pos = 0;
    for (;;) {
      while (pos < buffer.length && /\s/.test(buffer[pos] ?? '')) pos += 1;
      const c = buffer[pos];
      if (c === undefined) break;
      if (state === 'end') fail(`unexpected ${JSON.stringify(c)} after the closing ]`);
      if (state === 'start') {
        if (c !== '[') fail(`expected [, was ${JSON.stringify(c)}`);
        state = 'entry';
        pos += 1;
      } else if (c === ']' && (state === 'comma' || n === 0)) {
        state = 'end';
        pos += 1;
      } else if (state === 'comma') {
        if (c !== ',') fail(`expected , or ], was ${JSON.stringify(c)}`);
        state = 'entry';
        pos += 1;
      } else {
        if (c !== '[') fail(`expected [, was ${JSON.stringify(c)}`);
        const end = buffer.indexOf(']', pos);
        if (end < 0) break;
        n += 1;
        const cells = buffer.slice(pos + 1, end).split(',');
        if (cells.length < 6) fail(`expected 6 values, was ${cells.length}`);
        yield barOf(cells, HEADERLESS, path, 'entry', n);
        state = 'comma';
        pos = end + 1;
      }
    }
    buffer = buffer.slice(pos);
  }
  if (state !== 'end') fail('the file ends before its closing ]');
}

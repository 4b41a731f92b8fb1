// The rows of a replay dataset's three kinds of file (spec 4.19): the header names the columns (in any order,
// extra columns ignored, matched without regard to case), each row is checked once and its decimals parsed once.
// Beyond the spec's shape checks a row must make sense as market data (code invalid_value): positive prices, a
// candle's open and close inside [low, high], a book that is not crossed (bid <= ask), volumes >= 0.
import { ReplayDatasetError } from '../../shared/domain/errors';
import { Dec } from '../../shared/domain/money';
import type { ReplayBookRow, ReplayTickerRow } from './replay-market';
import { parseTimestampMs } from './timestamps';

export type DatasetKind = 'candles' | 'orderbook' | 'ticker';
export const DATASET_KINDS: readonly DatasetKind[] = ['candles', 'orderbook', 'ticker'];

export const DATASET_COLUMNS: Readonly<Record<DatasetKind, readonly string[]>> = {
  candles: ['ts', 'open', 'high', 'low', 'close', 'volume'],
  orderbook: ['ts', 'best_bid', 'best_ask'],
  ticker: ['ts', 'last', 'high', 'low', 'volume'],
};
/** The ticker's optional column, under either spelling the spec allows */
const QUOTE_VOLUME = ['quote_volume', 'quotevolume'];

export interface CandleRow {
  /** When the candle's data became known: its close (see the README's import rule) */
  readonly tsMs: number;
  readonly open: Dec;
  readonly high: Dec;
  readonly low: Dec;
  readonly close: Dec;
  readonly volume: Dec;
}

export interface DatasetRowOf {
  candles: CandleRow;
  orderbook: ReplayBookRow;
  ticker: ReplayTickerRow;
}
export type DatasetRow = DatasetRowOf[DatasetKind];

/** Where each required column sits in a file's rows */
export interface Columns {
  readonly kind: DatasetKind;
  readonly index: readonly number[];
  readonly quoteVolume: number | undefined;
  /** Cells per row, as many as the header names */
  readonly width: number;
}

/** @throws ReplayDatasetError invalid_schema naming the missing columns */
export function columnsOf(kind: DatasetKind, header: string, file: string): Columns {
  const names = header
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((c) => c.trim().toLowerCase());
  const required = DATASET_COLUMNS[kind];
  const missing = required.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw new ReplayDatasetError(
      'invalid_schema',
      `expected columns ${required.join(', ')}; missing ${missing.join(', ')} (header: ${header.slice(0, 120)})`,
      file,
      1,
    );
  const quoteVolume = names.findIndex((n) => QUOTE_VOLUME.includes(n));
  return {
    kind,
    index: required.map((c) => names.indexOf(c)),
    quoteVolume: kind === 'ticker' && quoteVolume >= 0 ? quoteVolume : undefined,
    width: names.length,
  };
}

const PLAIN_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

// Row parsing is the replay's hot path: plain functions, no closure per row, messages built only on failure
const cellAt = (cells: readonly string[], columns: Columns, i: number): string =>
  (cells[columns.index[i] ?? -1] ?? '').trim();

function decimalAt(cells: readonly string[], columns: Columns, i: number, file: string, line?: number): Dec {
  const t = cellAt(cells, columns, i);
  if (!PLAIN_DECIMAL.test(t))
    throw new ReplayDatasetError(
      'invalid_value',
      `${DATASET_COLUMNS[columns.kind][i]}: expected a plain decimal, was ${JSON.stringify(t)}`,
      file,
      line,
    );
  return new Dec(t);
}

function invalidValue(detail: string, file: string, line: number | undefined): never {
  throw new ReplayDatasetError('invalid_value', detail, file, line);
}

/**
 * Parses one data row of a file whose header gave `columns`.
 * @throws ReplayDatasetError invalid_schema (cell count), invalid_timestamp or invalid_value, naming file and line
 */
export function parseRow<K extends DatasetKind>(
  columns: Columns & { readonly kind: K },
  text: string,
  file: string,
  /** Undefined when unknown (a row read from the file's end) */
  line: number | undefined,
): DatasetRowOf[K] {
  const cells = text.split(',');
  if (cells.length !== columns.width)
    throw new ReplayDatasetError('invalid_schema', `expected ${columns.width} cells, was ${cells.length}`, file, line);
  const tsText = cellAt(cells, columns, 0);
  const tsMs = parseTimestampMs(tsText);
  if (tsMs === undefined)
    throw new ReplayDatasetError(
      'invalid_timestamp',
      `expected ISO-8601 or epoch s/ms, was ${JSON.stringify(tsText)}`,
      file,
      line,
    );
  switch (columns.kind) {
    case 'candles': {
      const open = decimalAt(cells, columns, 1, file, line);
      const high = decimalAt(cells, columns, 2, file, line);
      const low = decimalAt(cells, columns, 3, file, line);
      const close = decimalAt(cells, columns, 4, file, line);
      const volume = decimalAt(cells, columns, 5, file, line);
      const wrong = candleProblem(open, high, low, close, volume);
      if (wrong !== undefined) invalidValue(wrong, file, line);
      return { tsMs, open, high, low, close, volume } satisfies CandleRow as DatasetRowOf[K];
    }
    case 'orderbook': {
      const bid = decimalAt(cells, columns, 1, file, line);
      const ask = decimalAt(cells, columns, 2, file, line);
      if (!(bid.gt(0) && ask.gt(0)))
        invalidValue(`expected best_bid and best_ask > 0, was ${bid.toFixed()} / ${ask.toFixed()}`, file, line);
      if (bid.gt(ask))
        invalidValue(
          `expected best_bid <= best_ask (a crossed book), was ${bid.toFixed()} > ${ask.toFixed()}`,
          file,
          line,
        );
      return { tsMs, bid, ask } satisfies ReplayBookRow as DatasetRowOf[K];
    }
    case 'ticker': {
      const last = decimalAt(cells, columns, 1, file, line);
      const high = decimalAt(cells, columns, 2, file, line);
      const low = decimalAt(cells, columns, 3, file, line);
      const volume = decimalAt(cells, columns, 4, file, line);
      if (!(last.gt(0) && low.gt(0)))
        invalidValue(`expected last and low > 0, was last ${last.toFixed()}, low ${low.toFixed()}`, file, line);
      if (high.lt(low))
        invalidValue(`expected high >= low, was high ${high.toFixed()} < low ${low.toFixed()}`, file, line);
      if (volume.lt(0)) invalidValue(`expected volume >= 0, was ${volume.toFixed()}`, file, line);
      const q = columns.quoteVolume;
      const qText = q === undefined ? '' : (cells[q] ?? '').trim();
      if (qText === '') return { tsMs, last, high, low, volume } satisfies ReplayTickerRow as DatasetRowOf[K];
      if (!PLAIN_DECIMAL.test(qText) || new Dec(qText).lt(0))
        invalidValue(`quote_volume: expected a plain decimal >= 0, was ${JSON.stringify(qText)}`, file, line);
      const quoteVolume = new Dec(qText);
      return { tsMs, last, high, low, volume, quoteVolume } satisfies ReplayTickerRow as DatasetRowOf[K];
    }
  }
}

/** What is wrong with a candle's values ("expected ..., was ..."), or undefined when it makes sense */
export function candleProblem(open: Dec, high: Dec, low: Dec, close: Dec, volume: Dec): string | undefined {
  if (!low.gt(0)) return `expected prices > 0, was low ${low.toFixed()}`;
  if (!high.gte(low)) return `expected high >= low, was high ${high.toFixed()} < low ${low.toFixed()}`;
  if (!(open.gte(low) && open.lte(high) && close.gte(low) && close.lte(high)))
    return `expected open and close within [low, high], was open ${open.toFixed()}, close ${close.toFixed()}, [${low.toFixed()}, ${high.toFixed()}]`;
  if (!volume.gte(0)) return `expected volume >= 0, was ${volume.toFixed()}`;
  return undefined;
}

// The simulator's market from real history instead of the seeded generator, for every stage: the candles of
// `--market-csv` files (Binance klines or Freqtrade JSON, gz or not, read by the replay importer's reader; one
// symbol per file, named by the file), or a replay dataset's candles (`--dataset`, read forward as the clock
// moves). The candles drive the venue's quotes, its order book and its matching engine; a dataset's tickers and
// exchange info are replayed as they are (see SimulatorOptions.replay).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayDatasetError } from '../../shared/domain/errors';
import { toPlain } from '../../shared/domain/money';
import type { CandleSource } from '../btcturk-sim/market-feed';
import type { Candle } from '../market/candle';
import { PAIR_PRESETS } from '../market/pairs';
import { readLayout } from '../replay/dataset-layout';
import type { CandleRow } from '../replay/dataset-rows';
import { sourceBars } from '../replay/import/source-bars';
import { symbolOfFileName } from '../replay/import/source-symbol';
import { RowCursor } from '../replay/row-cursor';

export interface HistoryMarket {
  /** Canonical, in the order given */
  readonly symbols: readonly string[];
  /** The latest first candle: from then on every symbol has history */
  readonly startMs: number;
  readonly candles: Readonly<Record<string, CandleSource>>;
  /** Releases open files */
  close(): void;
}

/**
 * The symbol a candle file is of, from its name, when the simulator serves it (its pair table); otherwise what
 * was wrong with the name
 */
export function candleFileSymbol(file: string): { symbol: string } | { problem: string } {
  const symbol = symbolOfFileName(file);
  if (symbol !== undefined && PAIR_PRESETS.some((p) => p.symbol === symbol)) return { symbol };
  return {
    problem:
      `expected a file named by a TRY pair the simulator serves (${PAIR_PRESETS.map((p) => p.symbol).join(', ')}), ` +
      `e.g. binance_BTCTRY_1m_2022-11-08_2022-11-09.csv.gz, got ${file}`,
  };
}

/** Every bar of one candle file, in time order; @throws ReplayDatasetError naming the file and line */
async function fileCandles(file: string): Promise<Candle[]> {
  if (!existsSync(file)) throw new ReplayDatasetError('dataset_missing', 'no such candle file', file);
  const candles: Candle[] = [];
  const { bars } = await sourceBars(file);
  for await (const bar of bars) {
    const last = candles.at(-1);
    if (last !== undefined && bar.openMs <= last.timeMs)
      throw new ReplayDatasetError('non_monotonic_timestamp', 'expected open times increasing', file, bar.line);
    candles.push({
      timeMs: bar.openMs,
      open: toPlain(bar.open),
      high: toPlain(bar.high),
      low: toPlain(bar.low),
      close: toPlain(bar.close),
      volume: toPlain(bar.volume),
    });
  }
  if (candles.length === 0) throw new ReplayDatasetError('insufficient_rows', 'expected candles, found none', file);
  return candles;
}

/**
 * `--market-csv`: the candles of each file, one symbol each (the options checked the names: `symbols[i]` is the
 * symbol of `files[i]`)
 */
export async function csvMarket(files: readonly string[], symbols: readonly string[]): Promise<HistoryMarket> {
  const series = await Promise.all(files.map(fileCandles));
  return {
    symbols,
    startMs: Math.max(...series.map((c) => c[0]?.timeMs ?? 0)),
    candles: Object.fromEntries(symbols.map((s, i) => [s, series[i] ?? []])),
    close() {},
  };
}

const candleOf = (r: CandleRow): Candle => ({
  // a dataset row is stamped when its data became known (its close): it becomes current then, never earlier
  timeMs: r.tsMs,
  open: toPlain(r.open),
  high: toPlain(r.high),
  low: toPlain(r.low),
  close: toPlain(r.close),
  volume: toPlain(r.volume),
});

/** `--dataset`: each symbol's candles file read forward (the dataset was validated before the run) */
export function datasetMarket(dir: string, symbols: readonly string[], startMs: number): HistoryMarket {
  const { layout } = readLayout(dir);
  const cursors = symbols.map((symbol) => {
    const file = layout?.files.candles.get(symbol);
    if (file === undefined) throw new ReplayDatasetError('missing_candles_files', `no candles file for ${symbol}`, dir);
    return new RowCursor(join(dir, file), file, 'candles');
  });
  const pull = (cursor: RowCursor<'candles'>) => () => {
    const row = cursor.next();
    return row === undefined ? undefined : candleOf(row);
  };
  return {
    symbols,
    startMs,
    candles: Object.fromEntries(symbols.map((s, i) => [s, pull(cursors[i] as RowCursor<'candles'>)])),
    close() {
      for (const c of cursors) c.close();
    },
  };
}

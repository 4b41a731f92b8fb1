// `btcbot replay import`: candle files a user already has (import/source-bars.ts lists the forms) become a new
// dataset, row by row and streamed (memory flat in the files' length), with the book and ticker rule of
// series-import.ts and exchangeinfo.json from the simulator's pair table. Several files of one symbol (a month
// each) continue one series in the order given. A gap in a series (a step longer than 1.5 bars) fails the import
// unless `allowGaps`, which lists it in gaps.csv instead. Nothing is half written (DatasetBuilder).
import { existsSync, statSync } from 'node:fs';
import { ValidationError } from '../../../shared/domain/errors';
import { type Dec, dec } from '../../../shared/domain/money';
import { PAIR_PRESETS, type PairPreset } from '../../market/pairs';
import { DatasetBuilder } from '../dataset-builder';
import { EXCHANGE_INFO_FILE, exchangeInfoText } from '../exchange-info-file';
import { isoOf } from '../timestamps';
import type { DatasetReport } from '../validate-dataset';
import { SeriesImport, type SeriesSummary, type SourcePlace } from './series-import';
import { sourceBars, sourceError } from './source-bars';
import { symbolOfFileName } from './source-symbol';

export interface ImportOptions {
  /** The new dataset folder */
  readonly dataset: string;
  /** Source files, in order */
  readonly from: readonly string[];
  /** Canonical; every file is of this symbol (else each file's name tells) */
  readonly symbol?: string | undefined;
  /** Spread of the book rows around the close, in basis points (>= 0) */
  readonly spreadBps: Dec;
  /** List the sources' gaps in gaps.csv instead of failing */
  readonly allowGaps: boolean;
}

export interface ImportResult {
  readonly series: readonly SeriesSummary[];
  readonly gaps: number;
  readonly report: DatasetReport;
}

/**
 * @throws ValidationError a --from file that does not exist, or a symbol the name does not tell (--symbol) or the
 *   simulator's pair table does not know (no pair rules)
 * @throws ReplayDatasetError a source's problem, naming its file and line (or JSON entry)
 */
export async function importDataset(o: ImportOptions): Promise<ImportResult> {
  const sources = o.from.map((file) => ({ file, pair: pairOf(file, o.symbol) }));
  let gaps = 0;
  const builder = new DatasetBuilder<SourcePlace>(o.dataset, (symbol, gap) => {
    gaps += 1;
    if (o.allowGaps) return;
    const { file, unit, n } = gap.to;
    throw sourceError(
      'gap',
      `${symbol}: expected bars every ${gap.intervalMs / 1000} s, the bar closing at ${isoOf(gap.toMs)} follows ` +
        `the one closing at ${isoOf(gap.fromMs)}; --allow-gaps keeps such gaps (listed in gaps.csv)`,
      file,
      unit,
      n,
    );
  });
  try {
    const series = new Map<string, SeriesImport>();
    for (const { file, pair } of sources) {
      let s = series.get(pair.symbol);
      if (!s) {
        s = new SeriesImport(pair.symbol, dec(pair.tickSize), o.spreadBps, builder);
        series.set(pair.symbol, s);
      }
      const { unit, bars } = await sourceBars(file);
      for await (const bar of bars) s.add(bar, { file, unit, n: bar.line });
    }
    const summaries = [...series.values()].map((s) => s.finish());
    const endMs = Math.max(...summaries.map((s) => s.lastMs));
    const ranges = summaries.map((s) => ({ symbol: s.symbol, low: s.low, high: s.high, last: s.lastClose }));
    builder.text(EXCHANGE_INFO_FILE, exchangeInfoText(ranges, endMs));
    const report = builder.commit();
    return { series: summaries, gaps, report };
  } catch (e) {
    builder.abort();
    throw e;
  }
}

function pairOf(file: string, symbol: string | undefined): PairPreset {
  const bad = (message: string) => new ValidationError('--from', [{ path: file, message }]);
  if (!existsSync(file) || !statSync(file).isFile()) throw bad('expected a candle file, it does not exist');
  const named = symbol ?? symbolOfFileName(file);
  if (named === undefined) throw bad('the file name tells no symbol: pass --symbol (e.g. BTCTRY)');
  const pair = PAIR_PRESETS.find((p) => p.symbol === named);
  if (!pair)
    throw bad(
      `no pair rules for ${named}: stage 7 trades the simulator's TRY pairs (${PAIR_PRESETS.map((p) => p.symbol).join(', ')})`,
    );
  return pair;
}

// Writes a new replay dataset with nothing half written: every file goes into `<dataset>.partial`, and only
// `commit` (after a full validation pass) renames it to `<dataset>`; `abort` removes it.
// Rows stream to disk through small buffers. The gaps of each candle series are found as it is written (the
// validator's own rule) and listed in gaps.csv; `onGap` may refuse one by throwing.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../shared/domain/errors';
import { toPlain } from '../../shared/domain/money';
import { DATASET_README, datasetSchemaJson } from './dataset-docs';
import { errorOf } from './dataset-issues';
import { type CandleRow, DATASET_COLUMNS, DATASET_KINDS, type DatasetKind } from './dataset-rows';
import { type Gap, GapDetector } from './gap-detector';
import { GAPS_FILE, gapsText, type KnownGap } from './gaps-file';
import type { ReplayBookRow, ReplayTickerRow } from './replay-market';
import { isoOf } from './timestamps';
import { type DatasetReport, validateDataset } from './validate-dataset';

const FLUSH_CHARS = 1 << 16;

class CsvFile {
  readonly #fd: number;
  #buffer = '';

  constructor(path: string, header: string) {
    this.#fd = openSync(path, 'w');
    this.#buffer = `${header}\n`;
  }

  add(line: string): void {
    this.#buffer += `${line}\n`;
    if (this.#buffer.length >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.#buffer.length > 0) writeSync(this.#fd, this.#buffer);
    this.#buffer = '';
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

/**
 * @throws ValidationError (bad --dataset) when `target` exists and is not an empty folder: nothing is overwritten
 */
export function assertNewDataset(target: string): void {
  if (!existsSync(target)) return;
  if (statSync(target).isDirectory() && readdirSync(target).length === 0) return;
  throw new ValidationError('--dataset', [
    { path: 'dataset', message: `expected a new folder, ${target} already exists; choose another or remove it` },
  ]);
}

export class DatasetBuilder<T = undefined> {
  readonly #target: string;
  readonly #partial: string;
  readonly #files = new Map<string, CsvFile>();
  readonly #detectors = new Map<string, GapDetector<T>>();
  readonly #gaps: KnownGap[] = [];
  readonly #onGap: (symbol: string, gap: Gap<T>) => void;

  constructor(target: string, onGap: (symbol: string, gap: Gap<T>) => void = () => {}) {
    assertNewDataset(target);
    this.#target = target;
    this.#partial = `${target}.partial`;
    this.#onGap = onGap;
    // a partial folder is what an interrupted build of this same dataset left
    rmSync(this.#partial, { recursive: true, force: true });
    for (const kind of DATASET_KINDS) mkdirSync(join(this.#partial, kind), { recursive: true });
  }

  candle(symbol: string, c: CandleRow, tag: T): void {
    const row = [c.open, c.high, c.low, c.close, c.volume].map(toPlain).join(',');
    this.#file('candles', symbol).add(`${isoOf(c.tsMs)},${row}`);
    this.#detector(symbol).push(c.tsMs, tag);
  }

  book(symbol: string, b: ReplayBookRow): void {
    this.#file('orderbook', symbol).add(`${isoOf(b.tsMs)},${toPlain(b.bid)},${toPlain(b.ask)}`);
  }

  ticker(symbol: string, t: ReplayTickerRow): void {
    // quote_volume is optional: an empty cell when unknown
    const q = t.quoteVolume === undefined ? '' : toPlain(t.quoteVolume);
    this.#file('ticker', symbol).add(
      `${isoOf(t.tsMs)},${[t.last, t.high, t.low, t.volume].map(toPlain).join(',')},${q}`,
    );
  }

  /** A file at the dataset's top (exchangeinfo.json) */
  text(name: string, text: string): void {
    writeFileSync(join(this.#partial, name), text, 'utf8');
  }

  /**
   * Closes the files, writes README.md, schema.json and gaps.csv (when a series has gaps), validates, and renames
   * the partial folder to the dataset. Any failure removes the partial folder.
   * @throws ReplayDatasetError the first validation error (e.g. a crossed book a venue sent to a capture)
   */
  commit(): DatasetReport {
    return this.#finish(() => {
      const report = validateDataset(this.#partial);
      const [first] = report.errors;
      if (first !== undefined) throw errorOf(first);
      return report;
    });
  }

  /** As commit, without validation: for a deliberately empty dataset (replay init --no-synthetic) */
  commitUnvalidated(): void {
    this.#finish(() => undefined);
  }

  #finish<R>(check: () => R): R {
    try {
      for (const detector of this.#detectors.values()) detector.finish();
      this.#close();
      this.text('README.md', DATASET_README);
      this.text('schema.json', datasetSchemaJson());
      if (this.#gaps.length > 0) this.text(GAPS_FILE, gapsText(this.#gaps));
      const result = check();
      renameSync(this.#partial, this.#target);
      return result;
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  abort(): void {
    this.#close();
    rmSync(this.#partial, { recursive: true, force: true });
  }

  #close(): void {
    for (const file of this.#files.values()) file.close();
    this.#files.clear();
  }

  #file(kind: DatasetKind, symbol: string): CsvFile {
    const key = `${kind}/${symbol}.csv`;
    let file = this.#files.get(key);
    if (!file) {
      const header = [...DATASET_COLUMNS[kind], ...(kind === 'ticker' ? ['quote_volume'] : [])].join(',');
      file = new CsvFile(join(this.#partial, key), header);
      this.#files.set(key, file);
    }
    return file;
  }

  #detector(symbol: string): GapDetector<T> {
    let detector = this.#detectors.get(symbol);
    if (!detector) {
      detector = new GapDetector<T>((gap) => {
        this.#onGap(symbol, gap);
        this.#gaps.push({ symbol, fromMs: gap.fromMs, toMs: gap.toMs });
      });
      this.#detectors.set(symbol, detector);
    }
    return detector;
  }
}

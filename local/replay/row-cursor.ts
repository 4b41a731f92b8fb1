// Reads one dataset file forward, row by row, with flat memory: the header first (its columns), then each data
// row parsed and checked once. A row earlier than the row before it is non_monotonic_timestamp (equal times are
// allowed, spec 4.19). A bad row throws, and the cursor stays usable after it (validation goes on to list more
// problems); the bad row does not move the time the next row is compared with.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ReplayDatasetError } from '../../shared/domain/errors';
import { type NumberedLine, readLinesSync } from '../files/line-reader';
import { type Columns, columnsOf, type DatasetKind, type DatasetRowOf, parseRow } from './dataset-rows';
import { isoOf } from './timestamps';

export class RowCursor<K extends DatasetKind> {
  readonly #lines: Generator<NumberedLine, void, undefined>;
  readonly #columns: Columns & { readonly kind: K };
  #lastTsMs = Number.NEGATIVE_INFINITY;
  /** Data rows read so far, good or bad */
  rows = 0;
  /** Line of the row `next` returned or threw for */
  line = 0;

  /**
   * @param path the file to read
   * @param file how errors name it (relative to the dataset folder)
   * @throws ReplayDatasetError insufficient_rows (an empty file) or invalid_schema (a header without the columns)
   */
  constructor(
    path: string,
    readonly file: string,
    kind: K,
  ) {
    this.#lines = readLinesSync(path);
    const header = this.#nextLine();
    if (header === undefined) {
      this.close();
      throw new ReplayDatasetError(
        'insufficient_rows',
        'the file is empty: expected a header and at least 1 row',
        file,
      );
    }
    try {
      this.#columns = columnsOf(kind, header.text, file) as Columns & { readonly kind: K };
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * The next data row, or undefined at the end of the file.
   * @throws ReplayDatasetError for a malformed row (file, line, code)
   */
  next(): DatasetRowOf[K] | undefined {
    const line = this.#nextLine();
    if (line === undefined) return undefined;
    this.rows += 1;
    this.line = line.line;
    const row = parseRow(this.#columns, line.text, this.file, line.line);
    if (row.tsMs < this.#lastTsMs)
      throw new ReplayDatasetError(
        'non_monotonic_timestamp',
        `expected a time at or after the previous row's ${isoOf(this.#lastTsMs)}, was ${isoOf(row.tsMs)}`,
        this.file,
        line.line,
      );
    this.#lastTsMs = row.tsMs;
    return row;
  }

  /** Closes the file (also at the end of the file: the reader closes itself) */
  close(): void {
    this.#lines.return();
  }

  #nextLine(): NumberedLine | undefined {
    for (;;) {
      const r = this.#lines.next();
      if (r.done) return undefined;
      // a blank line (a trailing one, or a spreadsheet's) carries no row
      if (r.value.text.trim() !== '') return r.value;
    }
  }
}

const TAIL_BYTES = 1 << 16;

/**
 * The time of a file's last row, read from its end (the file is not read through).
 * @throws ReplayDatasetError insufficient_rows (no data row) or the last row's own problem
 */
export function lastRowTsMs(path: string, file: string, kind: DatasetKind): number {
  const header = firstLine(path);
  const fd = openSync(path, 'r');
  let tail: string;
  let start: number;
  try {
    const size = fstatSync(fd).size;
    start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    tail = buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
  const all = tail.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // a tail from the file's start begins with the header; one from its middle with the end of a longer line
  const after = start === 0 ? all.findIndex((l) => l.trim() !== '') + 1 : 1;
  const last = all
    .slice(Math.max(after, 1))
    .reverse()
    .find((l) => l.trim() !== '');
  if (header === undefined || last === undefined)
    throw new ReplayDatasetError('insufficient_rows', 'expected at least 1 row, was only a header', file);
  return parseRow(columnsOf(kind, header, file), last, file, undefined).tsMs;
}

function firstLine(path: string): string | undefined {
  // leaving the loop closes the reader
  for (const { text } of readLinesSync(path)) if (text.trim() !== '') return text;
  return undefined;
}

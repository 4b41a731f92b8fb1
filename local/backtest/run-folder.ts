// A stage 7 run folder: `run.json` (what ran, and its fingerprint) and `cycles.jsonl` (one Stage7RunRecord per
// completed cycle, oldest first), written by `btcbot backtest` and by `btcbot local --stages stage7`, read by
// `btcbot parity`, `btcbot report` and `btcbot export`. Nothing is half written: records stream into
// `cycles.jsonl.partial`, and only `finish` renames it and writes `run.json`, so a folder with a `run.json`
// holds a whole run; a failed run leaves no `run.json` and removes its partial file (and the folders the writer
// created, when nothing else is in them).
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { parseJsonInput } from '../../shared/application/parse-input';
import { parseRunRecordLine, runRecordLine, type Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { BacktestError, ValidationError } from '../../shared/domain/errors';
import { readLinesSync } from '../files/line-reader';

export const RUN_META_FILE = 'run.json';
export const RUN_RECORDS_FILE = 'cycles.jsonl';
const FLUSH_AT = 1 << 16;

const iso = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'an ISO-8601 UTC time');

export const Stage7RunMetaSchema = z.strictObject({
  /** What wrote the folder */
  kind: z.enum(['backtest', 'local']),
  /** The replay dataset folder, or null for the generated market of a local run */
  dataset: z.string().min(1).nullable(),
  seed: z.number().int().min(0),
  /** The replay clock's first and last cycle */
  startedAt: iso,
  endedAt: iso,
  stepSeconds: z.number().int().positive(),
  cyclesRun: z.number().int().min(0),
  includeAdaptation: z.boolean(),
  paramChanges: z.number().int().min(0),
  /** The parity fingerprint of the whole run (spec 4.20, adaptation included when includeAdaptation) */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
});

export type Stage7RunMeta = z.infer<typeof Stage7RunMetaSchema>;

export class RunFolderWriter {
  readonly #dir: string;
  readonly #partial: string;
  /** The outermost folder the writer created, if any */
  readonly #created: string | undefined;
  #fd: number | undefined;
  /** Lines not yet written: one write per FLUSH_AT characters rather than a system call per cycle */
  #pending = '';

  /** Creates the folder if needed; @throws BacktestError when it already holds a run (nothing is overwritten) */
  constructor(dir: string) {
    if (existsSync(join(dir, RUN_META_FILE)))
      throw new BacktestError(`${dir} already holds a run (${RUN_META_FILE}); choose another --out or remove it`);
    this.#created = mkdirSync(dir, { recursive: true });
    this.#dir = dir;
    this.#partial = join(dir, `${RUN_RECORDS_FILE}.partial`);
    this.#fd = openSync(this.#partial, 'w');
  }

  append(record: Stage7RunRecord): void {
    if (this.#fd === undefined) throw new Error('run folder already finished');
    this.#pending += `${runRecordLine(record)}\n`;
    if (this.#pending.length >= FLUSH_AT) this.#flush();
  }

  /** Completes the folder: the records under their final name, then run.json (written whole, then renamed) */
  finish(meta: Stage7RunMeta): void {
    this.#flush();
    this.#close();
    renameSync(this.#partial, join(this.#dir, RUN_RECORDS_FILE));
    const metaPartial = join(this.#dir, `${RUN_META_FILE}.partial`);
    writeFileSync(metaPartial, `${JSON.stringify(meta, null, 2)}\n`, 'utf8');
    renameSync(metaPartial, join(this.#dir, RUN_META_FILE));
  }

  /** Removes what a failed run wrote */
  abort(): void {
    this.#close();
    rmSync(this.#partial, { force: true });
    if (this.#created !== undefined) removeEmptyFolders(resolve(this.#dir), resolve(this.#created));
  }

  #flush(): void {
    if (this.#fd !== undefined && this.#pending.length > 0) writeFileSync(this.#fd, this.#pending);
    this.#pending = '';
  }

  #close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#pending = '';
  }
}

/** Removes `dir` and its parents up to `top` while they are empty (a folder with anything in it is kept) */
function removeEmptyFolders(dir: string, top: string): void {
  for (let d = dir; d.startsWith(top); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top) return;
  }
}

/** @throws ValidationError naming run.json and each bad field; Error (ENOENT) when the folder holds no run */
export function readRunMeta(dir: string): Stage7RunMeta {
  const path = join(dir, RUN_META_FILE);
  return parseJsonInput(Stage7RunMetaSchema, path, readFileSync(path, 'utf8'), ValidationError);
}

/** The records oldest first, read line by line; @throws ValidationError naming the file and line */
export function* readRunRecords(dir: string): Generator<Stage7RunRecord, void, undefined> {
  const path = join(dir, RUN_RECORDS_FILE);
  for (const { text, line } of readLinesSync(path)) {
    if (text.trim() === '') continue;
    yield parseRunRecordLine(text, `${path}:${line}`);
  }
}

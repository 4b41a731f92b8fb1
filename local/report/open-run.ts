// Opens a stage 7 run folder for the reports: a folder that holds a whole run (run.json beside cycles.jsonl,
// see local/backtest/run-folder.ts), or a RunFolderError saying what is missing. The records stay a stream:
// the caller folds them one at a time, so a long run is read with flat memory.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { RunFolderError } from '../../shared/domain/errors';
import {
  RUN_META_FILE,
  RUN_RECORDS_FILE,
  readRunMeta,
  readRunRecords,
  type Stage7RunMeta,
} from '../backtest/run-folder';

export interface OpenRun {
  readonly dir: string;
  readonly meta: Stage7RunMeta;
  /** The records oldest first; @throws ValidationError naming the file and line of a malformed one */
  records(): Generator<Stage7RunRecord, void, undefined>;
}

/**
 * @throws RunFolderError  no such folder, no run.json (a run in progress or one that failed), or no cycles.jsonl
 * @throws ValidationError run.json is not a valid run description
 */
export function openRun(dir: string): OpenRun {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunFolderError(dir, 'no such run folder');
  if (!existsSync(join(dir, RUN_META_FILE))) {
    throw new RunFolderError(
      dir,
      `holds no whole run: ${RUN_META_FILE} is missing (a run still in progress or one that failed writes none)`,
    );
  }
  if (!existsSync(join(dir, RUN_RECORDS_FILE))) {
    throw new RunFolderError(dir, `${RUN_RECORDS_FILE} is missing beside ${RUN_META_FILE}`);
  }
  const meta = readRunMeta(dir);
  return { dir, meta, records: () => readRunRecords(dir) };
}

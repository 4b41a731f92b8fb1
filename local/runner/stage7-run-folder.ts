// The run folder of a local run's stage 7 cycles, `<out>/stage7`: the same run.json + cycles.jsonl a backtest
// writes, so `btcbot parity`, `report` and `export` read a local run too. The deployed handler always adapts,
// so the fingerprint includes adaptation; a run with a stage 7 cycle that did not complete gets no folder (a
// fingerprint over the cycles that happened to complete would match nothing). Each local run replaces the
// previous run's folder, as it replaces its reports.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { changedParams } from '../../shared/application/stage7/run-record';
import { RunFingerprint } from '../backtest/fingerprint';
import { RunFolderWriter } from '../backtest/run-folder';
import type { LocalRunOptions } from './options';
import type { Stage7CycleRecord } from './stage7-record';

export const STAGE7_RUN_FOLDER = 'stage7';

export type Stage7RunFolderResult =
  | { readonly written: string; readonly fingerprint: string }
  | { readonly written: null; readonly incomplete: number };

export function writeStage7RunFolder(
  options: Pick<LocalRunOptions, 'out' | 'dataset' | 'seed' | 'intervalMs'>,
  cycles: readonly Stage7CycleRecord[],
): Stage7RunFolderResult {
  const dir = join(options.out, STAGE7_RUN_FOLDER);
  rmSync(dir, { recursive: true, force: true });
  const records = cycles.flatMap((c) => (c.record ? [c.record] : []));
  const first = records[0];
  const last = records.at(-1);
  if (records.length < cycles.length || first === undefined || last === undefined)
    return { written: null, incomplete: cycles.length - records.length };
  const writer = new RunFolderWriter(dir);
  const fingerprint = new RunFingerprint({ includeAdaptation: true });
  try {
    for (const [i, r] of records.entries()) {
      writer.append(r);
      fingerprint.add(r, `stage 7 cycle ${i + 1}`);
    }
    const digest = fingerprint.digest();
    writer.finish({
      kind: 'local',
      dataset: options.dataset,
      seed: options.seed,
      startedAt: first.ts,
      endedAt: last.ts,
      stepSeconds: options.intervalMs / 1000,
      cyclesRun: records.length,
      includeAdaptation: true,
      paramChanges: records.filter(changedParams).length,
      fingerprint: digest,
    });
    return { written: dir, fingerprint: digest };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

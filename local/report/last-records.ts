// The last `n` records of a run that pass `keep`, streamed through a ring (`--last` of export and alerts):
// memory holds n records whatever the run's length. Also counts what was read and what passed.
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { LastN } from './last-n';
import type { OpenRun } from './open-run';

export interface LastRecords {
  /** Oldest first */
  readonly records: readonly Stage7RunRecord[];
  /** Records that passed `keep` */
  readonly kept: number;
  /** Records in the run */
  readonly total: number;
}

export function lastRecords(run: OpenRun, n: number, keep: (r: Stage7RunRecord) => boolean = () => true): LastRecords {
  const ring = new LastN<Stage7RunRecord>(n);
  let kept = 0;
  let total = 0;
  for (const r of run.records()) {
    total += 1;
    if (!keep(r)) continue;
    kept += 1;
    ring.push(r);
  }
  return { records: ring.items(), kept, total };
}

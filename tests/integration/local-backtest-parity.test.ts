// The claim of issue 16: the code that runs in the cloud is the code that was backtested. A local run of the stage 7
// handler (the deployed function's, through the real BTCTurk gateway and HTTP protocol against the simulator
// replaying a dataset) and a backtest of the same dataset (the replay exchange, in memory) write the same
// cycles.jsonl to the byte, so their parity fingerprints match; change one setting and they do not.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestCommand, type RawBacktestOptions } from '../../bin/commands/backtest-command';
import { localCommand } from '../../bin/commands/local-command';
import { parityCommand } from '../../bin/commands/parity-command';
import { RUN_RECORDS_FILE, readRunMeta, readRunRecords } from '../../local/backtest/run-folder';
import { STAGE7_RUN_FOLDER } from '../../local/runner/stage7-run-folder';
import { writeDataset } from '../unit/backtest/dataset-files';

const tmp = () => mkdtempSync(join(tmpdir(), 'parity-'));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const progress = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), progress } };
}

async function backtest(raw: RawBacktestOptions) {
  const c = capture();
  // the local run's stage 7 reads the default knobs: so does this backtest (no user environment)
  const code = await backtestCommand(raw, {}, c.io);
  return { code, ...c };
}

function parity(a: string, b: string) {
  const c = capture();
  const code = parityCommand({ a, b, includeAdaptation: true }, c.io);
  return { code, result: JSON.parse(c.out[0] ?? '{}') as { match: boolean; fingerprint_a: string } };
}

describe('a local run of the stage 7 function on a dataset matches its backtest', () => {
  it('writes the same cycles to the byte and the same fingerprint; a backtest without adaptation differs', async () => {
    const dataset = writeDataset(join(tmp(), 'ds'), { rows: 150 });
    const local = join(tmp(), 'local');
    const run = capture();
    const code = await localCommand(
      { stages: 'stage7', dataset, cycles: '120', out: local, symbols: 'BTCTRY,ETHTRY' },
      run.io,
    );
    expect(run.err).toEqual([]);
    expect(code).toBe(0);
    const localRun = join(local, STAGE7_RUN_FOLDER);
    const records = [...readRunRecords(localRun)];
    expect(records).toHaveLength(120);
    // not a trivially equal pair of empty runs: the simulated account traded
    expect(records.reduce((n, r) => n + r.fills.length, 0)).toBeGreaterThan(0);
    expect(readRunMeta(localRun)).toMatchObject({ kind: 'local', dataset, cyclesRun: 120, includeAdaptation: true });

    const adapted = join(tmp(), 'bt');
    expect((await backtest({ dataset, out: adapted, cycles: '120', includeAdaptation: true })).code).toBe(0);
    expect(readFileSync(join(adapted, RUN_RECORDS_FILE), 'utf8')).toBe(
      readFileSync(join(localRun, RUN_RECORDS_FILE), 'utf8'),
    );
    const same = parity(localRun, adapted);
    expect(same.code).toBe(0);
    expect(same.result.match).toBe(true);
    expect(same.result.fingerprint_a).toBe(readRunMeta(adapted).fingerprint);

    const fixed = join(tmp(), 'bt-fixed');
    expect((await backtest({ dataset, out: fixed, cycles: '120' })).code).toBe(0);
    const other = parity(localRun, fixed);
    expect(other.code).toBe(1);
    expect(other.result.match).toBe(false);
  });

  it('refuses an invalid dataset with exit 2 before any run', async () => {
    const missing = capture();
    const nothing = join(tmp(), 'none');
    expect(await localCommand({ stages: 'stage7', dataset: nothing, out: join(tmp(), 'o') }, missing.io)).toBe(2);
    expect(missing.err).toEqual([expect.stringMatching(/^local: FAIL - dataset_missing/)]);
  });
});

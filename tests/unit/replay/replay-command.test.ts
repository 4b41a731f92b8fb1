// The replay commands in process (bin/commands/replay-command.ts): options parsed before any work (a bad one is one
// line, exit 2), the lines each command prints, and exit 2 for a dataset or source with a problem.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type RawReplayOptions,
  replayImportCommand,
  replayInitCommand,
  replayValidateCommand,
} from '../../../bin/commands/replay-command';
import { openTimeCsv, randomBars, writeSource } from './candle-sources';
import { removeTempDirs, tempDir, validFiles, writeDataset } from './dataset-fixture';

afterAll(removeTempDirs);

function io() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) } };
}

describe('replay init, validate and import commands', () => {
  it('init: bad options are one line and exit 2, nothing written', () => {
    for (const [raw, line] of [
      [{ dataset: '', seed: '1' }, 'replay init: --dataset: expected a folder'],
      [{ dataset: 'x', seed: '1.5' }, 'replay init: --seed: expected a whole number >= 0'],
    ] as [RawReplayOptions, string][]) {
      const { lines, io: out } = io();
      expect(replayInitCommand(raw, out)).toBe(2);
      expect(lines.err).toEqual([line]);
    }
    expect(existsSync('x')).toBe(false);
  });

  it('validate: warnings on stdout beside OK, exit 0; errors on stderr, exit 2', () => {
    const { lines, io: out } = io();
    expect(replayValidateCommand({ dataset: writeDataset(validFiles(2)) }, out)).toBe(0);
    expect(lines.out).toEqual([
      expect.stringMatching(/^replay validate: WARN - missing_pair_rules: no exchangeinfo.json/),
      expect.stringMatching(
        /^replay validate: OK - .*: 1 symbol\(s\) \(BTCTRY\), 4 rows, 2026-01-01T00:00:00.000Z \.\. 2026-01-01T00:01:00.000Z$/,
      ),
    ]);
    const bad = io();
    expect(replayValidateCommand({ dataset: join(tempDir(), 'nope') }, bad.io)).toBe(2);
    expect(bad.lines.err).toEqual([
      expect.stringMatching(/^replay validate: FAIL - dataset_missing: .*nope does not exist$/),
    ]);
  });

  it('import: prints what it wrote; bad options or a bad source exit 2 with one line', async () => {
    const source = writeSource(join(tempDir('sources'), 'binance_BTCTRY_1m.csv'), openTimeCsv(randomBars(40)));
    const dataset = join(tempDir('import'), 'ds');
    const ok = io();
    expect(await replayImportCommand({ dataset, from: [source], spreadBps: '2.5' }, ok.io)).toBe(0);
    expect(ok.lines.out).toEqual([
      `replay import: OK - imported BTCTRY 40 rows of 60 s bars into ${dataset} (2022-11-08T22:34:00.000Z .. 2022-11-08T23:13:00.000Z, book spread 2.5 bps)`,
    ]);
    for (const [raw, line] of [
      [{ dataset: 'y', from: [source], spreadBps: '-1' }, /--spread-bps: expected basis points >= 0/],
      [{ dataset: 'y', from: [source], spreadBps: '10000' }, /--spread-bps: expected less than 10000/],
      [{ dataset: 'y', from: [source], symbol: 'BTCTRY,ETHTRY' }, /--symbol: expected one symbol/],
      [{ dataset: 'y', from: [] }, /--from: expected at least one candle file/],
      [{ dataset, from: [source] }, /^replay import: FAIL - invalid --dataset: .*already exists/],
      [{ dataset: 'y', from: [source], symbol: 'SHIBTRY' }, /^replay import: FAIL - .*no pair rules for SHIBTRY/],
    ] as [RawReplayOptions, RegExp][]) {
      const bad = io();
      expect(await replayImportCommand(raw, bad.io)).toBe(2);
      expect(bad.lines.err).toEqual([expect.stringMatching(line)]);
    }
    expect(existsSync('y')).toBe(false);
  });
});

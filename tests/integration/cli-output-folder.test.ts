// An --out folder the command cannot write is a usage error before any work: `btcbot local` and `btcbot
// backtest` exit 2 with one line naming the file in the way, start no run and write nothing (issue 18 item
// 7: `local` found out only after the whole run). The path's parent is a regular file, which stops root too.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestCommand } from '../../bin/commands/backtest-command';
import { localCommand } from '../../bin/commands/local-command';
import { outputFolderProblem } from '../../bin/commands/output-folder';
import { writeDataset } from '../unit/backtest/dataset-files';
import { BACKTEST_ENV } from '../unit/backtest/fixtures';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const progress = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), progress } };
}

/** A temp folder holding a regular file `file` */
function folderWithFile() {
  const dir = mkdtempSync(join(tmpdir(), 'btcbot-out-'));
  const file = join(dir, 'file');
  writeFileSync(file, 'not a folder');
  return { dir, file };
}

describe('--out is checked before the run', () => {
  it('says which path is in the way, and accepts a folder still to be created', () => {
    const { dir, file } = folderWithFile();
    expect(outputFolderProblem(join(file, 'run'))).toBe(`${file} is a file`);
    expect(outputFolderProblem(join(file, 'a', 'b'))).toBe(`${file} is a file`);
    expect(outputFolderProblem(file)).toBe(`${file} is a file, not a folder`);
    expect(outputFolderProblem(join(dir, 'new', 'nested'))).toBeUndefined();
    expect(outputFolderProblem(dir)).toBeUndefined();
  });

  it('local: exit 2 with one line before the run starts; nothing is written', async () => {
    const { dir, file } = folderWithFile();
    const c = capture();
    const out = join(file, 'run');
    expect(await localCommand({ out, cycles: '1' }, c.io)).toBe(2);
    expect(c.err).toEqual([`--out ${out}: ${file} is a file; choose a folder this user can write`]);
    // the run prints its banner first: nothing was printed, so nothing ran
    expect(c.out).toEqual([]);
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('backtest: exit 2 with one line before the first cycle', async () => {
    const { dir, file } = folderWithFile();
    const dataset = writeDataset(join(dir, 'dataset'), { rows: 20 });
    const c = capture();
    const out = join(file, 'run');
    expect(await backtestCommand({ dataset, out }, BACKTEST_ENV, c.io)).toBe(2);
    expect(c.err).toEqual([`backtest: FAIL - --out ${out}: ${file} is a file`]);
    expect(c.out).toEqual([]);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });
});

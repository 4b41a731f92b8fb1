// `btcbot replay` as the shell runs it (bin/btcbot.ts through tsx): exit 0 on success, 2 on a usage error or bad
// input, 1 when the machine fails; each failure is one line on stderr with no stack trace, and --help exits 0.
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bookCsv, candleCsv, removeTempDirs, tempDir, writeDataset } from '../unit/replay/dataset-fixture';

afterAll(removeTempDirs);

const ROOT = join(import.meta.dirname, '..', '..');

function btcbot(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['bin/btcbot.ts', 'replay', ...args],
      { cwd: ROOT, env },
      (e, stdout, stderr) => resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
    );
  });
}

const oneLine = (text: string) => {
  const lines = text.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(text).not.toMatch(/^\s+at /m);
  return lines[0];
};

describe('btcbot replay from the shell', () => {
  // each spawn costs ~1.5 s of CPU (tsx compiles the CLI): the commands' own cases are tested in-process
  it('exit codes 0, 1 and 2, one line per failure, no stack trace', { timeout: 60_000 }, async () => {
    const dir = tempDir('cli');
    const dataset = join(dir, 'synthetic');
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const broken = writeDataset({
      candles: {
        'BTCTRY.csv': candleCsv(
          3,
          (i) => `${i === 1 ? 'yesterday' : new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()},1,2,1,1,1`,
        ),
      },
      orderbook: { 'BTCTRY.csv': bookCsv(3) },
    });
    const [init, validBroken, initUnderFile, help] = await Promise.all([
      btcbot(['init', '--dataset', dataset]),
      btcbot(['validate', '--dataset', broken]),
      btcbot(['init', '--dataset', join(blocker, 'ds')]),
      btcbot(['import', '--help']),
    ]);
    expect(init).toMatchObject({
      code: 0,
      stdout: `replay init: OK - initialized dataset at ${dataset} with 6 synthetic BTCTRY rows (seed 123)\n`,
    });
    expect(validBroken.code).toBe(2);
    expect(oneLine(validBroken.stderr)).toBe(
      'replay validate: FAIL - invalid_timestamp: candles/BTCTRY.csv:3: expected ISO-8601 or epoch s/ms, was "yesterday"',
    );
    expect(initUnderFile.code).toBe(1);
    expect(oneLine(initUnderFile.stderr)).toMatch(/^replay init: FAIL - Error: ENOTDIR/);
    expect(existsSync(join(blocker, 'ds.partial'))).toBe(false);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--allow-gaps');
  });
});

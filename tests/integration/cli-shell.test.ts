// The package's `btcbot` bin (bin/btcbot.sh, what `npx btcbot` runs) as a shell runs it: --version prints
// package.json's version, commander's usage errors end the process with exit 2 and no stack trace, and an
// AWS command without a region says so in one line (exit 1) instead of the SDK's "Region is missing".
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function btcbot(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // only what node needs: no AWS settings from the developer's environment
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return new Promise((resolve) => {
    execFile(join(ROOT, 'bin/btcbot.sh'), args, { cwd: ROOT, env }, (e, stdout, stderr) =>
      resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
    );
  });
}

describe('btcbot bin from the shell', () => {
  // each spawn compiles the CLI with tsx (about a second of CPU): the usage errors of every command are walked
  // in-process by tests/unit/cli/program.test.ts
  it('prints the version, exits 2 on usage errors and names a missing region', { timeout: 30_000 }, async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const [shown, unknownCommand, badValue, noRegion] = await Promise.all([
      btcbot(['--version']),
      btcbot(['deploy-everything']),
      btcbot(['kill-switch', 'maybe', '--env', 'dev']),
      btcbot(['kill-switch', 'on', '--env', 'dev']),
    ]);
    expect(shown).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(unknownCommand).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown command 'deploy-everything'\n(add --help for usage)\n",
    });
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/^error: command-argument value 'maybe' is invalid for argument 'action'\./);
    expect(badValue.stderr).not.toMatch(/\n\s+at /);
    expect(noRegion.code).toBe(1);
    expect(noRegion.stderr).toContain(
      'kill-switch on /btcbot/dev/kill-switch failed: AWS region not set (set AWS_REGION)\n',
    );
  });
});

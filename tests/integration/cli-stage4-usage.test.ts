// The operator commands as the shell runs them (bin/btcbot.ts through tsx): commander's own usage errors
// (a missing subcommand or option, an unknown option) exit 2 like the commands' own checks, and --help
// exits 0. No AWS is reached: each case stops at its usage check.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function btcbot(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // only what node needs: no table, account or AWS settings from the developer's environment
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return new Promise((resolve) => {
    execFile(join(ROOT, 'node_modules/.bin/tsx'), ['bin/btcbot.ts', ...args], { cwd: ROOT, env }, (e, stdout, stderr) =>
      resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
    );
  });
}

describe('btcbot stage 4 operator commands from the shell', () => {
  // each spawn costs ~1.5 s of CPU (tsx compiles the CLI): the commands' own checks are tested in-process
  it('exit 2 on commander usage errors and 0 on --help', { timeout: 30_000 }, async () => {
    const [noSubcommand, unknownOption, missingEnv, help] = await Promise.all([
      btcbot(['freeze']),
      btcbot(['degrade', 'override', '--table', 'tbl', '--force']),
      btcbot(['status', '--stage', 'stage4', '--table', 'tbl']),
      btcbot(['degrade', 'override', '--help']),
    ]);
    expect(noSubcommand).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Usage: btcbot freeze [options] [command]'),
    });
    expect(unknownOption).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("error: unknown option '--force'"),
    });
    expect(missingEnv).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--env <name>'") });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: btcbot degrade override [options]');
    expect(help.stdout).toMatch(/--cooldown-seconds <n> +how long the override lasts/);
  });
});

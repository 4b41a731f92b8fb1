// The CLI program (bin/program.ts) in this process: every command and subcommand, found by walking the
// program itself, exits 2 on an unknown option and 0 on --help; usage errors of each kind exit 2 with one
// error line; --version prints package.json's version. No action runs: commander stops each case first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../../bin/program';

const ROOT = join(import.meta.dirname, '..', '..', '..');

class Exited {
  constructor(readonly code: number) {}
}

interface Outcome {
  readonly code: number | 'no exit';
  readonly out: string;
  readonly err: string;
  readonly lines: string[];
}

/** Parses argv as `btcbot <args>` would, with commander's output and the exit captured */
async function btcbot(args: readonly string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const lines: string[] = [];
  const program = createProgram({
    io: { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    exit: (code) => {
      throw new Exited(code);
    },
    output: { writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) },
  });
  try {
    await program.parseAsync(['node', 'btcbot', ...args]);
    return { code: 'no exit', out: out.join(''), err: err.join(''), lines };
  } catch (e) {
    if (!(e instanceof Exited)) throw e;
    return { code: e.code, out: out.join(''), err: err.join(''), lines };
  }
}

/** Every command's path below the root, parents before their subcommands */
function commandPaths(command: Command, path: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...path, c.name()], ...commandPaths(c, [...path, c.name()])]);
}

const noop = (): never => {
  throw new Error('unused');
};
const paths = commandPaths(createProgram({ io: { out: () => {}, err: () => {} }, exit: noop }));

describe('btcbot program', () => {
  it('has the commands the README lists, nested ones included (the walk below covers them all)', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['config', 'local', 'kill-switch', 'status', 'doctor', 'invoke', 'replay capture']),
    );
    expect(paths.filter((p) => p.length === 2).map((p) => p.join(' '))).toEqual([
      'freeze status',
      'freeze clear',
      'degrade status',
      'degrade clear',
      'degrade override',
      'replay init',
      'replay validate',
      'replay import',
      'replay capture',
    ]);
  });

  it.each(paths.map((p) => [p.join(' '), p]))('%s: an unknown option exits 2 with one error line', async (_, path) => {
    const got = await btcbot([...path, '--no-such-option']);
    expect(got.code).toBe(2);
    const errors = got.err.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(got.err).not.toMatch(/\n\s+at /);
    expect(got.lines).toEqual([]);
  });

  it.each(paths.map((p) => [p.join(' '), p]))('%s: --help exits 0 and prints its usage', async (_, path) => {
    const got = await btcbot([...path, '--help']);
    expect(got.code).toBe(0);
    expect(got.out).toContain(`Usage: btcbot ${path.join(' ')} [options]`);
    expect(got.err).toBe('');
  });

  it.each([
    ['unknown command', ['nope'], "error: unknown command 'nope'"],
    ['unknown subcommand', ['replay', 'nope'], "error: unknown command 'nope'"],
    ['missing required option', ['replay', 'import', '--dataset', 'd'], "required option '--from <file...>'"],
    ['missing argument', ['kill-switch', '--env', 'dev'], "missing required argument 'action'"],
    ['bad choice', ['invoke', 'stage9-cycle', '--event', 'e.json'], "value 'stage9-cycle' is invalid"],
    ['bad --env', ['freeze', 'status', '--env', '../prod'], "option '--env <name>' argument '../prod' is invalid"],
    ['bad --table', ['degrade', 'status', '--table', 'x'], "option '--table <name>' argument 'x' is invalid"],
    ['bad --account', ['status', '--env', 'dev', '--account', 'a b'], "option '--account <name>' argument 'a b'"],
    ['excess arguments', ['doctor', 'now'], "error: too many arguments for 'doctor'"],
    ['option without value', ['local', '--cycles'], "option '--cycles <n>' argument missing"],
  ])('%s exits 2 with one error line', async (_, args, message) => {
    const got = await btcbot(args);
    expect(got.code).toBe(2);
    expect(got.err).toContain(message);
    expect(got.err.split('\n').filter((l) => l.startsWith('error: '))).toHaveLength(1);
  });

  it("prints package.json's version for --version and -V, exit 0", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const got = await btcbot([flag]);
      expect(got).toMatchObject({ code: 0, out: `${version}\n`, err: '' });
    }
  });

  it('a missing subcommand is a usage error (exit 2) that lists the subcommands', async () => {
    const got = await btcbot(['degrade']);
    expect(got.code).toBe(2);
    expect(got.err).toMatch(/Usage: btcbot degrade \[options\] \[command\][\s\S]*override \[options\]/);
  });
});

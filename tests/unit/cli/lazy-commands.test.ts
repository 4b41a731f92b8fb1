// `btcbot --help` loads no command: a module resolve hook in the child process records every module the CLI
// loads, and the help may load only the program, its choice lists and commander. The control run shows that
// the hook does see a command and the AWS SDK when an action really runs (so the check can fail).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'btcbot-modules-'));
  writeFileSync(
    join(dir, 'hook.mjs'),
    'import { appendFileSync } from "node:fs";\n' +
      'export async function resolve(specifier, context, next) {\n' +
      '  const resolved = await next(specifier, context);\n' +
      '  appendFileSync(process.env.MODULE_LOG, resolved.url + "\\n");\n' +
      '  return resolved;\n' +
      '}\n',
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`,
  );
});

/** Runs `btcbot <args>` with the hook; @returns the modules it loaded, relative to the project, packages by name */
function loadedModules(name: string, args: string[]): Promise<string[]> {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  // no AWS settings: an action that reaches the SDK fails at once (no region) instead of calling anything
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODULE_LOG: log };
  const argv = ['--import', 'tsx', '--import', join(dir, 'register.mjs'), 'bin/btcbot.ts', ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: ROOT, env }, () => {
      const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      const names = urls
        .filter((u) => u.startsWith('file:'))
        .map((u) => {
          const path = u.slice(pathToFileURL(ROOT).href.length + 1);
          const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
          return pkg ? (pkg[1] as string) : path;
        });
      resolve([...new Set(names)].sort());
    });
  });
}

describe('btcbot loads commands lazily', () => {
  it('--help loads only the program, its choice lists and commander', { timeout: 30_000 }, async () => {
    const [help, control] = await Promise.all([
      loadedModules('help', ['--help']),
      loadedModules('control', ['kill-switch', 'status', '--env', 'lazy-test']),
    ]);
    expect(help).toEqual([
      'bin/btcbot.ts',
      'bin/commands/invoke-functions.ts',
      'bin/commands/kill-switch-actions.ts',
      'bin/program.ts',
      'commander',
      'shared/config/local-hosts.ts',
      'shared/config/resource-names.ts',
    ]);
    expect(control).toEqual(
      expect.arrayContaining([
        'bin/commands/kill-switch-command.ts',
        '@aws-sdk/client-ssm',
        '@aws-sdk/client-dynamodb',
      ]),
    );
  });
});

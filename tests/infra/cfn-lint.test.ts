// Synthesizes the CDK app offline and runs cfn-lint on every template: zero errors allowed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../lib/app';

const run = promisify(execFile);
const cfnLint = inject('cfnLintPath');

// Skipped only outside CI when cfn-lint is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(cfnLint === null)('cfn-lint on the synthesized templates', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'btcbot-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes every stack and finds no cfn-lint error', async () => {
    buildApp({ outdir }).app.synth();
    const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    expect(templates.length).toBeGreaterThan(0);
    const result = await run(cfnLint as string, [
      '--format',
      'parseable',
      ...templates.map((t) => join(outdir, t)),
    ]).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    // cfn-lint exit codes are bit flags: 2 = errors, 4 = warnings, 8 = informational
    expect(result.out.split('\n').filter((l) => /:E\d+:/.test(l))).toEqual([]);
    expect(result.code & 2).toBe(0);
  });
});

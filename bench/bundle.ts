// Bundle bytes and module init time of each Lambda function, built with the esbuild options the
// TradingFunction construct ships (esbuildOptions()). Prints numbers, asserts nothing.
// Usage: npx tsx bench/bundle.ts [fresh Node processes per measurement, default 15]
//
// Module init: a fresh `node` process imports the bundle (with the NODE_OPTIONS the function runs with),
// beside an empty `node` process in the same run; the runs of all bundles are interleaved so that a busy
// moment of the machine slows each of them alike. `import()` is the time the import itself took, timed
// inside the process; the process's wall time adds Node's own start-up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, FUNCTION_NODE_OPTIONS } from '../lib/constructs/trading-function';

const runs = Number(process.argv[2] ?? 15);
const ROOT = join(import.meta.dirname, '..');
const TOP = 12;

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

/** node_modules/<package> or the project folder (shared/adapters, functions/reconcile ...) an input belongs to */
function owner(input: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return pkg?.[1] ?? input.split('/').slice(0, 2).join('/');
}

function contributors(metafile: Metafile): [string, number][] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    bytes.set(owner(input), (bytes.get(owner(input)) ?? 0) + bytesInOutput);
  }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

async function bundle(name: string, outdir: string): Promise<Bundle> {
  const file = join(outdir, name, 'index.mjs');
  const result = await build({
    ...esbuildOptions(),
    entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
    outfile: file,
    metafile: true,
    logLevel: 'warning',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return { name, file, bytes: output?.bytes ?? 0, metafile: result.metafile };
}

interface Sample {
  readonly wallMs: number;
  readonly importMs: number;
}

/** One fresh Node process; with a bundle it imports it and reports how long the import took */
function runNode(file: string | undefined): Sample {
  const script = file
    ? `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`
    : '';
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, NODE_OPTIONS: FUNCTION_NODE_OPTIONS },
    encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`node exited ${child.status}: ${child.stderr}`);
  return { wallMs, importMs: Number(child.stdout || 0) };
}

const ms = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `${(sorted[0] ?? 0).toFixed(1).padStart(7)} / ${median.toFixed(1).padStart(7)}`;
};

const outdir = mkdtempSync(join(tmpdir(), 'btcbot-bundle-'));
try {
  const names = readdirSync(join(ROOT, 'functions')).filter((n) =>
    existsSync(join(ROOT, 'functions', n, 'handler.ts')),
  );
  const bundles = await Promise.all(names.map((n) => bundle(n, outdir)));

  for (const b of bundles) {
    console.log(`\n${b.name}: ${b.bytes.toLocaleString('en')} bytes minified; top contributors:`);
    for (const [who, bytes] of contributors(b.metafile).slice(0, TOP)) {
      console.log(`  ${who.padEnd(44)} ${bytes.toLocaleString('en').padStart(9)}`);
    }
  }

  const targets: { label: string; file?: string }[] = [
    { label: 'empty node process' },
    ...bundles.map((b) => ({ label: b.name, file: b.file })),
  ];
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.label, []]));
  for (const t of targets) runNode(t.file); // warm the file system cache
  for (let i = 0; i < runs; i++) for (const t of targets) samples.get(t.label)?.push(runNode(t.file));

  console.log(
    `\nModule init, ${runs} fresh processes each (node ${process.version}, NODE_OPTIONS=${FUNCTION_NODE_OPTIONS}), ms min / median:`,
  );
  console.log(`  ${''.padEnd(20)} ${'process wall'.padStart(17)}   ${'import()'.padStart(17)}`);
  for (const t of targets) {
    const s = samples.get(t.label) ?? [];
    const imports = t.file ? ms(s.map((x) => x.importMs)) : '';
    console.log(`  ${t.label.padEnd(20)} ${ms(s.map((x) => x.wallMs))}   ${imports}`);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

// What the function bundles contain, built with the construct's own esbuild options (sizes and init times
// are bench/bundle.ts's job, not a test's): the AWS SDK stays inside, zod brings one locale, and leaving
// undici's SIMD parser out still parses HTTP responses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, UNREACHED_CREDENTIAL_PROVIDERS } from '../../lib/constructs/trading-function';
import { CYCLES } from '../../lib/stateless-stack';

const ROOT = join(import.meta.dirname, '..', '..');
const FUNCTIONS = readdirSync(join(ROOT, 'functions')).filter((n) =>
  existsSync(join(ROOT, 'functions', n, 'handler.ts')),
);
const outdir = mkdtempSync(join(tmpdir(), 'btcbot-bundle-test-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('checks the bundle of every cycle the stack deploys, stage 7 included', () => {
  const deployed = Object.values(CYCLES).map((cycle) => cycle.entry);
  expect(deployed).toContain('functions/stage7-cycle/handler.ts');
  for (const entry of deployed) expect(FUNCTIONS.map((name) => `functions/${name}/handler.ts`)).toContain(entry);
});

const metafileOf = async (name: string): Promise<Metafile> =>
  (
    await build({
      ...esbuildOptions(),
      entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
      outfile: join(outdir, name, 'index.mjs'),
      metafile: true,
      write: false,
      logLevel: 'error',
    })
  ).metafile;

describe.each(FUNCTIONS)('the %s bundle', (name) => {
  let metafile: Metafile;
  beforeAll(async () => {
    metafile = await metafileOf(name);
  });

  it("leaves out only undici's SIMD parser and the credential providers Lambda never reaches", () => {
    const outside = Object.values(metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external && !i.path.startsWith('node:'))
      .map((i) => i.path);
    expect(new Set(outside)).toEqual(new Set(['../llhttp/llhttp_simd-wasm.js', ...UNREACHED_CREDENTIAL_PROVIDERS]));
  });

  it("carries zod's English messages only, not its other locales (an `import { z }` pulls in all of them)", () => {
    const kept = Object.values(metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs).flatMap(([path, { bytesInOutput }]) => (bytesInOutput > 0 ? [path] : [])),
    );
    const locales = kept.filter((p) => p.includes('node_modules/zod/v4/locales/'));
    expect(locales.map((p) => p.replace(/^.*\//, ''))).toEqual(['en.js']);
  });

  it("carries undici's agent and request only, not fetch itself, WebSocket, caches or mocks (an `import from 'undici'` does)", () => {
    const kept = Object.values(metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs).flatMap(([path, { bytesInOutput }]) => (bytesInOutput > 0 ? [path] : [])),
    );
    const undici = kept.filter((p) => p.includes('node_modules/undici/lib/'));
    expect(undici.some((p) => p.endsWith('lib/dispatcher/agent.js'))).toBe(true);
    expect(undici.filter((p) => /lib\/(web\/fetch\/index|web\/websocket\/|web\/cache\/|mock\/)/.test(p))).toEqual([]);
  });
});

it('a bundle without the SIMD parser still speaks HTTP: undici falls back to its plain parser', async () => {
  const entry = `
    import { once } from 'node:events';
    import { createServer } from 'node:http';
    import { createBtcturkAgent } from './shared/adapters/btcturk/btcturk-agent';
    import { sendHttp } from './shared/adapters/btcturk/http-transport';
    const server = createServer((_req, res) => res.end('{"success":true}')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const agent = createBtcturkAgent({ connections: 1, connectTimeoutMs: 2000, keepAliveTimeoutMs: 1000 });
    const reply = await sendHttp(agent, 'http://127.0.0.1:' + server.address().port, { headersTimeoutMs: 2000, bodyTimeoutMs: 2000 }, { method: 'GET', path: '/api/v2/ticker', headers: {} });
    console.log(JSON.stringify({ status: reply.status, text: reply.text }));
    await agent.close();
    server.close();`;
  const file = join(outdir, 'http-probe', 'index.mjs');
  await build({
    ...esbuildOptions(),
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts', sourcefile: 'http-probe.ts' },
    outfile: file,
    logLevel: 'error',
  });

  const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 10_000 });

  expect(child.stderr).toBe('');
  expect(JSON.parse(child.stdout)).toEqual({ status: 200, text: '{"success":true}' });
});

it('a bundle resolves AWS credentials from the environment, as Lambda provides them, without the left-out providers', async () => {
  const entry = `
    import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
    const client = new DynamoDBClient({ region: 'eu-west-1' });
    const credentials = await client.config.credentials();
    console.log(JSON.stringify({ accessKeyId: credentials.accessKeyId }));`;
  const file = join(outdir, 'credentials-probe', 'index.mjs');
  await build({
    ...esbuildOptions(),
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts', sourcefile: 'credentials-probe.ts' },
    outfile: file,
    logLevel: 'error',
  });
  const env = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: 'AKIDPROBE',
    AWS_SECRET_ACCESS_KEY: 'probe-secret',
    AWS_SESSION_TOKEN: 'probe-token',
  };

  const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 10_000, env });

  // the SDK's Node 20 support warning may be on stderr; a missing provider module would be an error there
  expect(child.status).toBe(0);
  expect(child.stderr).not.toMatch(/Error|Cannot find/);
  expect(JSON.parse(child.stdout)).toEqual({ accessKeyId: 'AKIDPROBE' });
});

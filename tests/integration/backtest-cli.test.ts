// `btcbot backtest` and `btcbot parity` over a dataset folder written by the test: the one JSON line, the run
// folder, determinism to the byte, parity's exit codes (0 match, 1 mismatch, 2 bad input), --quantize-try, and
// bad input refused with `FAIL` lines, exit 2 and nothing written. In-process (the commands' functions with the
// environment given), plus one spawn of the real CLI.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestCommand, type RawBacktestOptions } from '../../bin/commands/backtest-command';
import { parityCommand, type RawParityOptions } from '../../bin/commands/parity-command';
import { RUN_META_FILE, RUN_RECORDS_FILE, readRunMeta } from '../../local/backtest/run-folder';
import { dec } from '../../shared/domain/money';
import { writeDataset } from '../unit/backtest/dataset-files';
import { BACKTEST_ENV, pairInfoJsonText } from '../unit/backtest/fixtures';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'backtest-cli-'));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const progress = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), progress } };
}

async function backtest(raw: RawBacktestOptions, env: Record<string, string> = BACKTEST_ENV, cwd?: string) {
  const c = capture();
  const code = await backtestCommand(raw, env, c.io, cwd);
  return { code, out: c.out, err: c.err };
}

function parity(raw: RawParityOptions) {
  const c = capture();
  const code = parityCommand(raw, c.io);
  return { code, out: c.out, err: c.err };
}

describe('btcbot backtest', () => {
  it('prints one JSON line with sorted keys, and the same dataset twice gives the same run to the byte', async () => {
    const dataset = writeDataset(join(tmp(), 'ds'), { rows: 150 });
    const [a, b] = [join(tmp(), 'a'), join(tmp(), 'b')];
    const first = await backtest({ dataset, out: a });
    expect(first.err).toEqual([]);
    expect(first).toMatchObject({ code: 0, out: [expect.any(String)] });
    const line = first.out[0] as string;
    const result = JSON.parse(line);
    expect(Object.keys(result)).toEqual([
      'cycles_run',
      'ended_at',
      'final_fingerprint',
      'out',
      'param_changes',
      'seed',
      'started_at',
    ]);
    expect(result).toEqual({
      cycles_run: 150,
      ended_at: '2026-01-01T02:29:00.000Z',
      final_fingerprint: readRunMeta(a).fingerprint,
      out: a,
      param_changes: 0,
      seed: 123,
      started_at: '2026-01-01T00:00:00.000Z',
    });
    expect(line).not.toContain(' ');
    const second = await backtest({ dataset, out: b });
    expect(JSON.parse(second.out[0] as string).final_fingerprint).toBe(result.final_fingerprint);
    expect(readFileSync(join(b, RUN_RECORDS_FILE))).toEqual(readFileSync(join(a, RUN_RECORDS_FILE)));
    expect(parity({ a, b })).toEqual({
      code: 0,
      out: [
        `{"fingerprint_a":"${result.final_fingerprint}","fingerprint_b":"${result.final_fingerprint}","match":true}`,
      ],
      err: [],
    });
  });

  it('takes the window, step, cap, seed and adaptation it is given', async () => {
    const dataset = writeDataset(join(tmp(), 'ds'), { rows: 150 });
    const out = join(tmp(), 'run');
    const run = await backtest({
      dataset,
      out,
      start: '2026-01-01T00:10:00Z',
      end: '2026-01-01 01:00',
      stepSeconds: '120',
      cycles: '20',
      seed: '9',
      includeAdaptation: true,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out[0] as string)).toMatchObject({
      cycles_run: 20,
      seed: 9,
      started_at: '2026-01-01T00:10:00.000Z',
      ended_at: '2026-01-01T00:48:00.000Z',
    });
    expect(readRunMeta(out)).toMatchObject({ includeAdaptation: true, stepSeconds: 120, dataset });
  });

  it('finds the dataset in BTCTBOT_REPLAY_DATASET, else ./data/replay, else explains and exits 2', async () => {
    const cwd = tmp();
    const none = await backtest({ out: 'run' }, BACKTEST_ENV, cwd);
    expect(none.code).toBe(2);
    expect(none.err).toEqual([
      expect.stringMatching(/^backtest: FAIL - no dataset: pass --dataset <dir>, set BTCTBOT_REPLAY_DATASET/),
    ]);
    writeDataset(join(cwd, 'data', 'replay'), { rows: 5 });
    expect((await backtest({ out: 'run' }, BACKTEST_ENV, cwd)).code).toBe(0);
    expect(existsSync(join(cwd, 'run', RUN_META_FILE))).toBe(true);
    const elsewhere = writeDataset(join(tmp(), 'ds'), { rows: 3 });
    const fromEnv = await backtest({ out: 'run2' }, { ...BACKTEST_ENV, BTCTBOT_REPLAY_DATASET: elsewhere }, cwd);
    expect(fromEnv.code).toBe(0);
    expect(readRunMeta(join(cwd, 'run2'))).toMatchObject({ dataset: elsewhere, cyclesRun: 3 });
  });

  it('refuses bad options, an --out holding a run and bad pair info with FAIL lines, exit 2, nothing written', async () => {
    const dataset = writeDataset(join(tmp(), 'ds'), { rows: 20 });
    const out = join(tmp(), 'never');
    const cases: [RawBacktestOptions, RegExp][] = [
      [{ start: '2026-13-01T00:00:00Z' }, /--start: expected an ISO-8601 time/],
      [{ stepSeconds: '0' }, /--step-seconds: expected a whole number >= 1/],
      [{ stepSeconds: '1.5' }, /--step-seconds: expected a whole number/],
      [{ start: '2026-01-01T01:00:00Z', end: '2026-01-01T00:00:00Z' }, /--end: expected --end at or after --start/],
      [{ cycles: '0' }, /--cycles: expected a whole number >= 1/],
      [{ seed: '-1' }, /--seed: expected a whole number/],
      [{ env: 'has space' }, /--env: expected 1-50 of/],
      [{ pairInfoJson: '/nonexistent.json' }, /--pair-info-json: the dataset has its own exchangeinfo.json/],
      [{ end: '2025-12-31T00:00:00Z' }, /expected --end at or after --start, was 2025-12-31T00:00:00.000Z before/],
    ];
    for (const [raw, message] of cases) {
      const r = await backtest({ dataset, out, ...raw });
      expect(r.code, JSON.stringify(raw)).toBe(2);
      expect(r.out).toEqual([]);
      expect(
        r.err.some((l) => l.startsWith('backtest: FAIL - ') && message.test(l)),
        r.err.join('\n'),
      ).toBe(true);
      expect(existsSync(out)).toBe(false);
    }
    const done = join(tmp(), 'done');
    expect((await backtest({ dataset, out: done, cycles: '2' })).code).toBe(0);
    const before = readFileSync(join(done, RUN_RECORDS_FILE), 'utf8');
    const again = await backtest({ dataset, out: done });
    expect(again).toMatchObject({ code: 2, err: [expect.stringMatching(/already holds a run \(run.json\)/)] });
    expect(readFileSync(join(done, RUN_RECORDS_FILE), 'utf8')).toBe(before);

    const bare = writeDataset(join(tmp(), 'bare'), { rows: 20, exchangeInfo: false });
    const noRules = await backtest({ dataset: bare, out });
    expect(noRules).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/FAIL - no pair rules: .* pass --pair-info-json/)],
    });
    const pairDir = tmp();
    const files = {
      missing: join(pairDir, 'missing.json'),
      notJson: join(pairDir, 'bad.json'),
      notArray: join(pairDir, 'object.json'),
      good: join(pairDir, 'pairs.json'),
    };
    writeFileSync(files.notJson, '[{');
    writeFileSync(files.notArray, '{"symbols":[]}');
    writeFileSync(files.good, pairInfoJsonText());
    for (const [file, message] of [
      [files.missing, /cannot be read \(ENOENT\)/],
      [files.notJson, /expected JSON, was not JSON/],
      [files.notArray, /expected an array of exchangeinfo symbol objects/],
    ] as const) {
      const r = await backtest({ dataset: bare, out, pairInfoJson: file });
      expect(r.code).toBe(2);
      expect(r.err).toEqual([expect.stringMatching(message)]);
      expect(existsSync(out)).toBe(false);
    }
    const withPairs = await backtest({ dataset: bare, out, pairInfoJson: files.good });
    expect(withPairs).toMatchObject({ code: 0, err: [] });
  });

  it('refuses an invalid dataset with its codes, one FAIL line each, before anything runs', async () => {
    const dataset = writeDataset(join(tmp(), 'ds'), { rows: 20 });
    rmSync(join(dataset, 'orderbook'), { recursive: true });
    const csv = readFileSync(join(dataset, 'ticker', 'ETHTRY.csv'), 'utf8').split('\n');
    csv[5] = 'not-a-time,1,1,1,1';
    writeFileSync(join(dataset, 'ticker', 'ETHTRY.csv'), csv.join('\n'));
    const out = join(tmp(), 'never');
    const r = await backtest({ dataset, out });
    expect(r.code).toBe(2);
    expect(r.err).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^backtest: FAIL - missing_orderbook_folder: /),
        expect.stringMatching(/^backtest: FAIL - invalid_timestamp: ticker\/ETHTRY.csv:6: /),
      ]),
    );
    expect(r.err.every((l) => l.startsWith('backtest: FAIL - '))).toBe(true);
    expect(existsSync(out)).toBe(false);
    const missing = await backtest({ dataset: join(tmp(), 'nothing-here'), out });
    expect(missing).toMatchObject({ code: 2, err: [expect.stringMatching(/FAIL - dataset_missing: /)] });
  });
});

describe('btcbot parity', () => {
  it('exits 1 on a mismatch; --quantize-try makes sub-step differences match; windows by --start/--end', async () => {
    const dataset = writeDataset(join(tmp(), 'ds'), { rows: 60 });
    const a = join(tmp(), 'a');
    await backtest({ dataset, out: a });
    // the same run with every TRY amount moved by far less than a kuruş, as another platform's rounding might
    const b = join(tmp(), 'b');
    cpSync(a, b, { recursive: true });
    const lines = readFileSync(join(a, RUN_RECORDS_FILE), 'utf8').trim().split('\n');
    const nudged = lines.map((l) => {
      const r = JSON.parse(l);
      for (const k of ['netPnlTry', 'feesTry', 'slippageTry', 'turnoverTry'])
        r[k] = dec(r[k]).add('0.0000001').toFixed();
      return JSON.stringify(r);
    });
    writeFileSync(join(b, RUN_RECORDS_FILE), `${nudged.join('\n')}\n`);
    const differ = parity({ a, b });
    expect(differ.code).toBe(1);
    expect(JSON.parse(differ.out[0] as string).match).toBe(false);
    expect(parity({ a, b, quantizeTry: '0.01' })).toMatchObject({
      code: 0,
      out: [expect.stringContaining('"match":true')],
    });
    // a real difference: another run's last cycle differs in its fills
    const c = join(tmp(), 'c');
    await backtest({ dataset, out: c }, { ...BACKTEST_ENV, STAGE7_SLIPPAGE_BPS: '40' });
    expect(parity({ a, b: c, quantizeTry: '0.01' }).code).toBe(1);
    // the first 30 cycles of a run match the whole run over their window only
    const head = join(tmp(), 'head');
    cpSync(a, head, { recursive: true });
    writeFileSync(join(head, RUN_RECORDS_FILE), `${lines.slice(0, 30).join('\n')}\n`);
    expect(parity({ a, b: head }).code).toBe(1);
    expect(parity({ a, b: head, start: '2026-01-01T00:05:00Z', end: '2026-01-01T00:29:00Z' }).code).toBe(0);
    expect(parity({ a, b: head, end: '2026-01-01T00:30:00Z' }).code).toBe(1);
  });

  it('exits 2 on bad input: a missing folder, --dataset, a bad quantize step, a malformed record', async () => {
    const dataset = writeDataset(join(tmp(), 'ds'), { rows: 5 });
    const a = join(tmp(), 'a');
    await backtest({ dataset, out: a });
    const missing = parity({ a, b: join(tmp(), 'absent') });
    expect(missing).toMatchObject({
      code: 2,
      out: [],
      err: [expect.stringMatching(/^parity: FAIL - --b: .* is not a run folder/)],
    });
    expect(parity({ a, b: a, dataset })).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/--dataset is not a parity input/)],
    });
    for (const q of ['0', '-0.01', 'abc', '1e-2']) {
      expect(parity({ a, b: a, quantizeTry: q })).toMatchObject({
        code: 2,
        err: [expect.stringMatching(/^parity: FAIL - --quantize-try: /)],
      });
    }
    expect(parity({ a, b: a, start: 'yesterday' })).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/--start: /)],
    });
    const broken = join(tmp(), 'broken');
    cpSync(a, broken, { recursive: true });
    writeFileSync(join(broken, RUN_RECORDS_FILE), `${readFileSync(join(a, RUN_RECORDS_FILE), 'utf8')}{"tsMs":"x"}\n`);
    expect(parity({ a, b: broken })).toMatchObject({
      code: 2,
      err: [expect.stringMatching(/--b: invalid stage 7 run record .*cycles.jsonl:6/)],
    });
  });

  it("compares a folder without a finished run by the spec's missing-run form, with a hint", () => {
    const [a, b] = [tmp(), tmp()];
    mkdirSync(join(b, 'x'));
    const r = parity({ a, b });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0] as string)).toMatchObject({ match: true });
    expect(r.err).toEqual([
      expect.stringMatching(/^parity: --a .* holds no finished run \(no run.json, cycles.jsonl\)/),
      expect.stringMatching(/^parity: --b /),
    ]);
  });
});

describe('the CLI from the shell', () => {
  function btcbot(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...BACKTEST_ENV };
    return new Promise((resolve) => {
      execFile(
        join(ROOT, 'node_modules/.bin/tsx'),
        [join(ROOT, 'bin/btcbot.ts'), ...args],
        { cwd, env },
        (e, stdout, stderr) => resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
      );
    });
  }

  it('runs a backtest printing only its JSON line, and exits 2 on usage errors and 0 on --help', {
    timeout: 30_000,
  }, async () => {
    const dataset = writeDataset(join(tmp(), 'ds'), { rows: 10 });
    const out = join(tmp(), 'run');
    const [run, noOut, help, parityHelp] = await Promise.all([
      btcbot(['backtest', '--dataset', dataset, '--out', out]),
      btcbot(['backtest', '--dataset', dataset]),
      btcbot(['backtest', '--help']),
      btcbot(['parity', '--help']),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([expect.stringMatching(/^\{"cycles_run":10,"ended_at":/), '']);
    expect(noOut).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--out <dir>'") });
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: btcbot backtest [options]') });
    expect(parityHelp.stdout).toMatch(/--quantize-try <step> +round TRY amounts/);
  });
});

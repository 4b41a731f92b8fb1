// `btcbot report`, `export` and `alerts` over a real run folder (RunFolderWriter) of the worked scenario: the
// spec 4.21 header and table, JSON with the hand-worked figures, FAIL_CLOSED on a broken identity (exit 1),
// the SLO thresholds of the environment, the export formats, the alerting cycles, and bad input (a missing
// folder, a run without run.json, a malformed line, a bad option): one line naming what is wrong, exit 2,
// nothing written. One spawn through the real CLI checks --help and the exit codes from the shell.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertsCommand } from '../../bin/commands/alerts-command';
import { exportCommand } from '../../bin/commands/export-command';
import { FAIL_CLOSED_LINE, reportCommand } from '../../bin/commands/report-command';
import { RunFolderWriter } from '../../local/backtest/run-folder';
import type { RunReport } from '../../local/report/run-report';
import { EXPECTED, recordsOf, SCENARIO, writeRun } from '../unit/report/run-fixture';

const ROOT = join(import.meta.dirname, '..', '..');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'btcbot-report-'));

function scenarioRun(): string {
  const dir = join(tempDir(), 'run');
  writeRun(dir, recordsOf('1000', SCENARIO));
  return dir;
}

describe('btcbot report', () => {
  it('prints the header line, the summary and the last cycles with the spec 4.21 columns', () => {
    const run = scenarioRun();
    const c = capture();
    expect(reportCommand({ run, last: '2' }, {}, c.io)).toBe(0);
    expect(c.err).toEqual([]);
    expect(c.out[0]).toBe('report: cycles=6 daily_buckets=2 weekly_buckets=2 validation_errors=0');
    expect(c.out.join('\n')).toContain('net PnL -0.80 TRY (total return -0.08 %), max drawdown 2.02 %');
    expect(c.out.join('\n')).toContain('2 closed (1 won, 1 lost, win rate 50 %, profit factor 0.9607)');
    const table = c.out.indexOf('last 2 cycles:');
    expect(c.out[table + 1]?.trim().split(/\s+/)).toEqual([
      'cycle_id',
      'ts',
      'mode',
      'net_pnl_try',
      'max_dd',
      'turnover',
      'intents',
      'rejects',
      'throttled',
      'no_trades_reason',
      'slo_status',
    ]);
    expect(c.out.slice(table + 2).map((l) => l.trim().split(/\s+/)[1])).toEqual([
      '2026-11-23T00:01:00.000Z',
      '2026-11-23T00:02:00.000Z',
    ]);
    // a read-only report writes nothing into the run folder
    expect(readdirSync(run).sort()).toEqual(['cycles.jsonl', 'run.json']);
  });

  it('prints one JSON document with the figures worked out by hand', () => {
    const c = capture();
    expect(reportCommand({ run: scenarioRun(), json: true }, {}, c.io)).toBe(0);
    const report = JSON.parse(c.out.join('\n')) as RunReport;
    expect(report.cycles).toBe(EXPECTED.cycles);
    expect(report.rows).toHaveLength(6);
    expect(report.summary).toMatchObject({
      openingTry: EXPECTED.openingTry,
      finalTry: EXPECTED.finalTry,
      netPnlTry: EXPECTED.netPnlTry,
      totalReturnPct: EXPECTED.totalReturnPct,
      maxDrawdownPct: EXPECTED.maxDrawdownPct,
      trades: EXPECTED.trades,
      wins: EXPECTED.wins,
      losses: EXPECTED.losses,
      winRatePct: EXPECTED.winRatePct,
      profitFactor: EXPECTED.profitFactor,
      fills: EXPECTED.fills,
      volumeTry: EXPECTED.volumeTry,
      feesTry: EXPECTED.feesTry,
      exposurePct: EXPECTED.exposurePct,
    });
    expect(report.validation).toEqual({ ok: true, errorCount: 0, errors: [] });
    // 3 rejected of 7 decided orders in the 20-cycle window: above the default 0.10 fail threshold
    expect(report.slo?.status).toBe('fail');
    expect(report.daily.map((d) => d.bucket)).toEqual(['2026-11-22', '2026-11-23']);
    expect(report.weekly.map((w) => w.bucket)).toEqual(['2026-W47', '2026-W48']);
  });

  it('rates the SLO against the DOCTOR_SLO_* thresholds of the environment', () => {
    const c = capture();
    const env = { DOCTOR_SLO_MAX_REJECT_RATE_WARN: '0.4', DOCTOR_SLO_MAX_REJECT_RATE_FAIL: '0.5' };
    expect(reportCommand({ run: scenarioRun(), json: true }, env, c.io)).toBe(0);
    const report = JSON.parse(c.out.join('\n')) as RunReport;
    expect(report.slo?.checks.find((k) => k.name === 'reject_rate')).toMatchObject({ warn: '0.4', status: 'warn' });
  });

  it('fails closed (exit 1) on a broken net identity, after printing the report and writing report.html', () => {
    const records = recordsOf('1000', SCENARIO);
    const [first] = records;
    if (!first) throw new Error('a record expected');
    records[0] = { ...first, netPnlTry: '-0.5' };
    const run = join(tempDir(), 'run');
    writeRun(run, records);
    const c = capture();
    expect(reportCommand({ run, html: true }, {}, c.io)).toBe(1);
    expect(c.out[0]).toBe('report: cycles=6 daily_buckets=2 weekly_buckets=2 validation_errors=1');
    expect(c.out.join('\n')).toContain(`${first.cycleId} net_identity: expected net PnL -0.2 TRY`);
    expect(c.err).toEqual([FAIL_CLOSED_LINE]);
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toContain('FAIL_CLOSED: 1 financial validation error(s)');
  });

  it.each([
    ['a missing folder', (dir: string) => join(dir, 'nowhere'), /^report: .*nowhere: no such run folder$/],
    [
      'a run without run.json (in progress or failed)',
      (dir: string) => {
        const run = join(dir, 'half');
        new RunFolderWriter(run).append(recordsOf('1000', SCENARIO)[0] ?? ({} as never));
        return run;
      },
      /^report: .*half: holds no whole run: run\.json is missing/,
    ],
    [
      'a run.json that does not describe a run',
      (dir: string) => {
        const run = join(dir, 'meta');
        writeRun(run, recordsOf('1000', SCENARIO));
        writeFileSync(join(run, 'run.json'), '{"kind":"backtest"}\n');
        return run;
      },
      /^report: invalid .*meta\/run\.json: dataset: /,
    ],
    [
      'a malformed cycles.jsonl line',
      (dir: string) => {
        const run = join(dir, 'bad');
        writeRun(run, recordsOf('1000', SCENARIO));
        const lines = readFileSync(join(run, 'cycles.jsonl'), 'utf8').split('\n');
        lines[2] = lines[2]?.replace('"equityTry":"1019.58"', '"equityTry":"lots"') ?? '';
        writeFileSync(join(run, 'cycles.jsonl'), lines.join('\n'));
        return run;
      },
      /^report: invalid stage 7 run record .*bad\/cycles\.jsonl:3: equityTry: /,
    ],
    [
      'a line that is not JSON',
      (dir: string) => {
        const run = join(dir, 'torn');
        writeRun(run, recordsOf('1000', SCENARIO));
        appendFileSync(join(run, 'cycles.jsonl'), '{"tsMs": 17\n');
        return run;
      },
      /^report: invalid stage 7 run record .*torn\/cycles\.jsonl:7: expected JSON text/,
    ],
  ])('refuses %s with one line and exit 2, writing nothing', (_, make, line) => {
    const dir = tempDir();
    const run = make(dir);
    const html = join(dir, 'out.html');
    const c = capture();
    expect(reportCommand({ run, html }, {}, c.io)).toBe(2);
    expect(c.out).toEqual([]);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(line);
    expect(readdirSync(dir).filter((f) => f.startsWith('out.html'))).toEqual([]);
  });

  it('refuses a bad option or environment with one line and exit 2', () => {
    const run = scenarioRun();
    for (const [options, env, line] of [
      [{ run, last: '0' }, {}, 'report: invalid report options: last: expected a whole number >= 1'],
      [{ run }, { DRY_RUN_TRY_BALANCE: '-1' }, 'report: invalid configuration: DRY_RUN_TRY_BALANCE: '],
    ] as const) {
      const c = capture();
      expect(reportCommand(options, env, c.io)).toBe(2);
      expect(c.err).toHaveLength(1);
      expect(c.err[0]).toContain(line);
    }
  });
});

describe('btcbot export', () => {
  it('exports the last 50 rows as CSV on stdout by default and says so on stderr', () => {
    const c = capture();
    expect(exportCommand({ run: scenarioRun() }, c.io)).toBe(0);
    expect(c.err).toEqual(['export: exporting the last 6 of 6 rows (--last 50)']);
    const lines = c.out.join('\n').split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]?.startsWith('tsMs,ts,cycleId,')).toBe(true);
  });

  it('writes --last rows as JSON lines into --out, and CSV and JSON side by side with --format both', () => {
    const run = scenarioRun();
    const dir = tempDir();
    const c = capture();
    expect(exportCommand({ run, last: '2', format: 'jsonl', out: join(dir, 'rows.jsonl') }, c.io)).toBe(0);
    const rows = readFileSync(join(dir, 'rows.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.ts)).toEqual(['2026-11-23T00:01:00.000Z', '2026-11-23T00:02:00.000Z']);
    expect(exportCommand({ run, format: 'both', out: join(dir, 'all') }, c.io)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8'))).toHaveLength(6);
    expect(readFileSync(join(dir, 'all.csv'), 'utf8').split('\r\n')).toHaveLength(8);
    expect(readdirSync(dir).sort()).toEqual(['all.csv', 'all.json', 'rows.jsonl']);
  });

  it('refuses --format both without --out, an unknown format and a missing run (exit 2, nothing written)', () => {
    const run = scenarioRun();
    const dir = tempDir();
    for (const [options, line] of [
      [{ run, format: 'both' }, 'export: --format both writes two files: give --out <path>'],
      [{ run, format: 'xml', out: join(dir, 'x') }, 'export: invalid export options: format: expected one of csv'],
      [{ run: join(dir, 'none'), out: join(dir, 'x') }, 'none: no such run folder'],
    ] as const) {
      const c = capture();
      expect(exportCommand(options, c.io)).toBe(2);
      expect(c.err).toHaveLength(1);
      expect(c.err[0]).toContain(line);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('btcbot alerts', () => {
  it('prints the cycles that raised an alert flag after counting them over the run', () => {
    const c = capture();
    expect(alertsCommand({ run: scenarioRun() }, c.io)).toBe(0);
    expect(c.out[0]).toBe('alerts: 1 of 6 cycles raised an alert flag; the last 1:');
    expect(c.out[2]?.trim().split(/\s+/)).toEqual([
      '2026-11-23T00:00:00.000Z',
      'btcbot-local-stage7@2026-11-23T00:00:00.000Z',
      'NORMAL',
      'reject_spike',
      'simulated_execution',
      '0.0004',
      '3',
    ]);
  });

  it('keeps the last --last alerting cycles of a long run', () => {
    const specs = Array.from({ length: 30 }, (_, i) => ({
      ts: new Date(Date.UTC(2026, 10, 22, 0, i)).toISOString(),
      equityTry: '1000',
      marks: {},
      alertFlags: i % 3 === 0 ? (['throttled'] as const) : [],
    }));
    const run = join(tempDir(), 'run');
    writeRun(
      run,
      recordsOf(
        '1000',
        specs.map((s) => ({ ...s, alertFlags: [...s.alertFlags] })),
      ),
    );
    const c = capture();
    expect(alertsCommand({ run, last: '2' }, c.io)).toBe(0);
    expect(c.out[0]).toBe('alerts: 10 of 30 cycles raised an alert flag; the last 2:');
    expect(c.out.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual([
      '2026-11-22T00:24:00.000Z',
      '2026-11-22T00:27:00.000Z',
    ]);
  });
});

function btcbot(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return new Promise((resolve) => {
    execFile(join(ROOT, 'node_modules/.bin/tsx'), ['bin/btcbot.ts', ...args], { cwd: ROOT, env }, (e, stdout, stderr) =>
      resolve({ code: e ? Number(e.code) : 0, stdout, stderr }),
    );
  });
}

describe('from the shell', () => {
  // each spawn costs ~1.5 s of CPU (tsx compiles the CLI): the commands' own cases are tested in-process above
  it('exits 0 on --help, 2 on a usage error or a missing run (one line, no stack trace)', {
    timeout: 30_000,
  }, async () => {
    const missing = join(tempDir(), 'missing');
    const [help, noRun, noFolder] = await Promise.all([
      btcbot(['report', '--help']),
      btcbot(['export']),
      btcbot(['alerts', '--run', missing]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--html \[file\] +also write the report as a self-contained page/);
    expect(noRun).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--run <dir>'") });
    expect(noFolder).toEqual({ code: 2, stdout: '', stderr: `alerts: ${missing}: no such run folder\n` });
    expect(existsSync(missing)).toBe(false);
  });
});

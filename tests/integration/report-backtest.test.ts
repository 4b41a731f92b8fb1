// The reports over a real backtest (the stage 7 cycle itself, over a dataset the backtest's tests write):
// the engine's own records pass the fail-closed validations (net = gross - fees holds on what the cycle
// writes), the report accounts for every fill and fee the records hold, and report.html plots one point per
// cycle with one marker per cycle, pair and side that filled.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtestCommand } from '../../bin/commands/backtest-command';
import { exportCommand } from '../../bin/commands/export-command';
import { reportCommand } from '../../bin/commands/report-command';
import { readRunRecords } from '../../local/backtest/run-folder';
import type { RunReport } from '../../local/report/run-report';
import { dec } from '../../shared/domain/money';
import { writeDataset } from '../unit/backtest/dataset-files';
import { BACKTEST_ENV } from '../unit/backtest/fixtures';

describe('btcbot report over a backtest', () => {
  it('validates, accounts for every fill and plots every filled cycle', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'btcbot-report-bt-'));
    const dataset = writeDataset(join(dir, 'ds'), { rows: 200 });
    const run = join(dir, 'run');
    const quiet = { out: () => {}, err: () => {}, progress: { isTTY: false } as NodeJS.WriteStream };
    expect(await backtestCommand({ dataset, out: run }, BACKTEST_ENV, quiet)).toBe(0);
    const records = [...readRunRecords(run)];
    const fills = records.flatMap((r) => r.fills);
    // the scenario is only worth checking if the engine traded both ways, on both pairs
    expect(new Set(fills.map((f) => `${f.symbol} ${f.side}`)).size).toBe(4);

    const out: string[] = [];
    const err: string[] = [];
    const html = join(dir, 'report.html');
    const code = reportCommand({ run, json: true, html }, BACKTEST_ENV, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect([code, err]).toEqual([0, [`report: wrote ${html}`]]);
    const report = JSON.parse(out.join('\n')) as RunReport;
    expect(report.cycles).toBe(records.length);
    expect(report.validation).toEqual({ ok: true, errorCount: 0, errors: [] });

    const last = records.at(-1);
    expect(report.summary).toMatchObject({
      finalTry: last?.equityTry,
      netPnlTry: last?.netPnlTry,
      fills: fills.length,
      buys: fills.filter((f) => f.side === 'BUY').length,
      sells: fills.filter((f) => f.side === 'SELL').length,
    });
    // the run's cumulative fees are the fees of the fills its records carry
    const pairFees = report.pairs.reduce((sum, p) => sum.add(dec(p.feesTry)), dec('0'));
    expect(pairFees.eq(dec(last?.feesTry ?? '-1'))).toBe(true);
    expect(report.daily.reduce((n, d) => n + d.fills, 0)).toBe(fills.length);

    const page = readFileSync(html, 'utf8');
    const groups = new Set(records.flatMap((r) => r.fills.map((f) => `${r.cycleId} ${f.symbol} ${f.side}`)));
    expect(page.match(/<path class="marker marker-(buy|sell)"/g)).toHaveLength(groups.size);

    const csv: string[] = [];
    expect(exportCommand({ run, last: '1000' }, { out: (l) => csv.push(l), err: () => {} })).toBe(0);
    expect(csv.join('\n').split('\r\n')).toHaveLength(records.length + 1);
  });
});

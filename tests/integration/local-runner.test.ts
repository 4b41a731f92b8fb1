// `btcbot local` end to end in-process: live against the simulator with lost responses, then the summary
// proves the safety protocol held (one exchange order per client id at most, nothing left UNKNOWN).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localCommand } from '../../bin/commands/local-command';
import { CYCLE_HEADER } from '../../local/runner/cycle-line';
import type { LocalRunSummary } from '../../local/runner/summary';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('btcbot local', () => {
  it('runs live on the simulator under lost responses and reports orders, fills and the safety checks', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-'));
    const out: string[] = [];
    const code = await localCommand(
      // the lost-responses stream is drawn per request: with this seed one submit lands and one is UNKNOWN
      { stages: 'stage3', cycles: '6', faults: 'lost-responses', seed: '2', out: dir },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^LIVE against the local BTCTurk simulator/);
    expect(out.filter((l) => /^\s+\d+ 2026-/.test(l))).toHaveLength(6);

    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as LocalRunSummary;
    expect(summary.config.mode).toBe('LIVE');
    const totals = summary.stages.stage3;
    expect(summary.stages.stage4).toBeUndefined();
    expect(totals?.submitted).toBeGreaterThan(0);
    expect(totals?.unknown).toBeGreaterThan(0);
    // every uncertain submit was settled by reconcile or by the next cycle's recovery
    expect((totals?.reconciled ?? 0) + (totals?.recovered ?? 0)).toBeGreaterThanOrEqual(totals?.unknown ?? 1);
    expect(totals?.unknownOutstanding).toBe(0);
    expect(totals?.duplicates).toBe(0);
    expect(summary.exchange.restingDuplicates).toEqual([]);
    expect(summary.fills.length).toBeGreaterThan(0);
    expect(summary.exchange.orders).toBeGreaterThan(0);
    expect(summary.exchange.duplicateClientIds).toEqual([]);
    expect(summary.exchange.distinctClientIds).toBe(summary.exchange.orders);
    expect(summary.exchange.orders).toBeLessThanOrEqual(summary.exchange.journalOrders);
    expect(summary.outcome.unknown).toBe(0);
    expect(summary.outcome.reconcileLeft).toBe(0);
    expect(summary.equitySeries).toHaveLength(6);
    // exchange requests per endpoint per cycle (issue 12): ticker reads (a lost answer is read again), no books
    const cycles = summary.cycles.flatMap((c) => (c.stage === 'stage3' ? [c] : []));
    expect(cycles.every((c) => (c.counters?.requestsTicker ?? 0) >= 1)).toBe(true);
    expect(cycles.every((c) => c.counters?.requestsOrderBook === 0)).toBe(true);
    expect(totals?.requestsTotal).toBe(cycles.reduce((n, c) => n + (c.counters?.requestsTotal ?? 0), 0));

    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## Orders');
    expect(md).toContain('| cycle | client order id |');
    expect(md).toContain('## Fills');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('<th>client order id</th>');
    expect(html).not.toMatch(/(src|href)="http/);
  });

  it('with --dry-run sends no order: every stage simulates, and the table says so as the totals do', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-'));
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    expect(await localCommand({ stages: 'stage3', cycles: '2', dryRun: true, out: dir }, io)).toBe(0);
    expect(out[0]).toMatch(/^DRY RUN on the local BTCTurk simulator: stage 3; no order is sent/);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as LocalRunSummary;
    expect(summary.exchange.orders).toBe(0);
    const totals = summary.stages.stage3;
    expect(totals?.simulated).toBeGreaterThan(0);
    expect(totals?.submitted).toBe(0);
    // the submitted and simulated columns of the cycle lines add up to the totals
    const columns = out.filter((l) => /^\s+\d+ 2026-/.test(l)).map((l) => l.trim().split(/\s+/));
    const sum = (i: number) => columns.reduce((n, cells) => n + Number(cells[i]), 0);
    expect(CYCLE_HEADER.split(/\s+/).slice(7, 9)).toEqual(['submitted', 'simulated']);
    expect([sum(7), sum(8)]).toEqual([0, totals?.simulated]);
  });

  it('rejects an unknown fault profile with exit code 2', async () => {
    const err: string[] = [];
    expect(await localCommand({ faults: 'meteor' }, { out: () => {}, err: (l) => err.push(l) })).toBe(2);
    expect(err[0]).toContain('--faults');
  });
});

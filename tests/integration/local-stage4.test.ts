// `btcbot local --stages stage4` end to end in-process on the simulator: the real stage 4 handler places,
// replaces (cancel confirmed, then submit), fills and has its uncertain submit settled by the reconcile
// function, with never two of its orders resting at once on the venue's own books. In dry-run both trading
// stages run every simulated minute (live, each trades its own account: local-start.test.ts).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localCommand } from '../../bin/commands/local-command';
import type { Stage4CycleRecord } from '../../local/runner/scheduler';
import type { LocalRunSummary } from '../../local/runner/summary';
import { sinks } from '../support/io-sinks';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const summaryOf = async (d: string) => JSON.parse(await readFile(join(d, 'summary.json'), 'utf8')) as LocalRunSummary;

describe('btcbot local --stages stage4', () => {
  it('live on the simulator: places, replaces, fills and reconciles, never two orders resting for one group', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-s4-'));
    const s = sinks();
    // seed 4: BTCTRY's bootstrap BUY rests past the order TTL and is replaced; the replacement's answer is
    // lost (lost-responses), so it is UNKNOWN until the reconcile function finds it on the venue
    const code = await localCommand(
      { stages: 'stage4', liveSim: true, cycles: '120', seed: '4', faults: 'lost-responses', out: dir },
      s.io,
    );
    expect(s.err).toEqual([]);
    expect(code).toBe(0);
    const summary = await summaryOf(dir);
    const t = summary.stages.stage4;
    expect(summary.stages.stage3).toBeUndefined();
    expect(t).toMatchObject({ cycles: 120, errors: 0, unknownOutstanding: 0, duplicates: 0 });
    expect(t?.placed).toBeGreaterThan(0);
    expect(t?.replaced).toBeGreaterThan(0);
    expect(t?.canceled).toBeGreaterThanOrEqual(t?.replaced ?? 1);
    expect(t?.filled).toBeGreaterThan(0);
    expect(t?.uncertainSubmits).toBeGreaterThan(0);
    expect(t?.reconciled).toBeGreaterThanOrEqual(t?.uncertainSubmits ?? 1);
    expect(summary.exchange.restingDuplicates).toEqual([]);

    // the venue's own order list: one order per client id, none the journal does not hold, all of stage 4
    expect(summary.exchange.duplicateClientIds).toEqual([]);
    expect(summary.exchange.orders).toBeGreaterThan(t?.placed ?? 0);
    expect(summary.exchange.orders).toBe(summary.exchange.journalOrders);
    // after the drain every venue order is accounted for by its journal row, status and filled quantity alike
    expect(summary.exchange.reconciled).toEqual({ agree: summary.exchange.orders, lagging: [], disagree: [] });
    expect(summary.orders.every((o) => o.clientOrderId.startsWith('bb4-'))).toBe(true);
    expect(summary.outcome.unknown).toBe(0);
    expect(summary.outcome.reconcileLeft).toBe(0);

    // a replace commits only in a cycle after the one that sent its cancel (BTCTurk settles cancels later)
    const cycles = summary.cycles as Stage4CycleRecord[];
    const committed = cycles.findIndex((c) => (c.execution?.replaceCommitted ?? 0) > 0);
    const blocked = cycles.findIndex((c) => c.decisions.includes('execution:replace_blocked_reconcile'));
    expect(blocked).toBeGreaterThanOrEqual(0);
    expect(committed).toBeGreaterThan(blocked);
    expect(s.out.filter((l) => /^\s+\d+ 2026-\S+ \S+\s+stage4\s+LIVE/.test(l))).not.toHaveLength(0);
    expect(s.out.some((l) => /stage4 .*replaced 1/.test(l))).toBe(true);
    expect(s.out).toContain(
      `stage4: 120 cycles, ${t?.planned} planned, ${t?.placed} placed, ${t?.replaced} replaced, ${t?.canceled} canceled, ` +
        `${t?.filled} filled, 0 simulated, ${(t?.uncertainSubmits ?? 0) + (t?.uncertainCancels ?? 0)} uncertain, ` +
        `${t?.reconciled} reconciled, 0 UNKNOWN, 0 duplicates, 0 cycle errors`,
    );
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## Stage 4 totals');
    expect(md).toContain(
      '| never two orders resting at once for one client id, intent or replace group | 0 duplicates | yes |',
    );
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<h2>Stage 4 totals</h2>');
  });

  it('rejects a stage that does not exist with exit code 2', async () => {
    const s = sinks();
    expect(await localCommand({ stages: 'stage4,stage5' }, s.io)).toBe(2);
    expect(s.err).toEqual(['--stages must be a comma-separated list of stage3, stage4, stage7, got stage4,stage5']);
  });

  it('in dry-run runs both stages every simulated minute, stage 3 first, and sends no order', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-s34-'));
    const s = sinks();
    expect(await localCommand({ stages: 'stage4,stage3', cycles: '3', dryRun: true, out: dir }, s.io)).toBe(0);
    const summary = await summaryOf(dir);
    expect(summary.config.options.stages).toEqual(['stage3', 'stage4']);
    expect(summary.cycles.map((c) => `${c.index}:${c.stage}:${c.mode}`)).toEqual([
      '1:stage3:DRY_RUN',
      '1:stage4:DRY_RUN',
      '2:stage3:DRY_RUN',
      '2:stage4:DRY_RUN',
      '3:stage3:DRY_RUN',
      '3:stage4:DRY_RUN',
    ]);
    expect(summary.stages.stage3?.simulated).toBeGreaterThan(0);
    // a local dry run is SAFE_MODE with the kill switch on: the kill switch guards live writes, so stage 4's
    // dry run still simulates what its strategy would do, as stage 3's does
    expect(summary.stages.stage4?.planned).toBeGreaterThan(0);
    expect(summary.stages.stage4?.simulated).toBeGreaterThan(0);
    expect(summary.stages.stage4?.placed).toBe(0);
    expect(summary.exchange.orders).toBe(0);
    expect(summary.equitySeries).toHaveLength(3);
    expect(s.out.filter((l) => /^\s+\d+ 2026-\S+ \S+\s+stage[34]\s+DRY_RUN/.test(l))).toHaveLength(6);
  });
});

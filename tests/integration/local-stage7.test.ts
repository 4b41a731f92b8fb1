// `btcbot local --stages stage7` end to end in-process on the simulator: the real stage 7 handler plans,
// simulates and fills orders on its own simulated account, the run's totals agree with what the stage 7
// store and ledger hold, the simulator never receives a private or write request from it, and the reports
// carry its section. Beside a live stage 3 it simulates exactly as it does alone.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localCommand } from '../../bin/commands/local-command';
import { parseLocalOptions } from '../../local/runner/options';
import { runLocal } from '../../local/runner/run-local';
import type { Stage7CycleRecord } from '../../local/runner/stage7-record';
import type { LocalRunSummary } from '../../local/runner/summary';
import { assembleWorld, type LocalWorld } from '../../local/runner/world';
import { stage7LedgerAccount } from '../../shared/application/stage7/cycle-ledger';
import { stage7LeaseName } from '../../shared/application/stage7/cycle-preconditions';
import { dec, sumDec } from '../../shared/domain/money';
import { sinks } from '../support/io-sinks';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const summaryOf = async (d: string) => JSON.parse(await readFile(join(d, 'summary.json'), 'utf8')) as LocalRunSummary;

/** The stage 7 store as the next cycle would load it, under the stage 7 lease */
async function storedStage7(world: LocalWorld) {
  const account = world.stage7Config.BOT_ACCOUNT;
  const lease = await world.stores.leases.acquire(stage7LeaseName(account), 'test', 60_000, world.clock.nowMs());
  if (!lease) throw new Error('stage 7 lease still held after the run');
  const state = await world.stores.stage7.load(account, { name: lease.name, epoch: lease.epoch });
  const ledger = await world.stores.ledger.list(stage7LedgerAccount(account));
  return { state, ledger };
}

describe('btcbot local --stages stage7', () => {
  it('runs 30 simulated cycles: orders simulated and filled, totals as stored, no private request', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-s7-'));
    const s = sinks();
    let world: LocalWorld | undefined;
    const options = parseLocalOptions({ stages: 'stage7', cycles: '30', out: dir });
    const run = await runLocal(options, s.io, undefined, async (o) => {
      world = await assembleWorld(o);
      return world;
    });
    expect(s.err).toEqual([]);
    expect(run.code).toBe(0);
    if (world === undefined) throw new Error('no world');
    const summary = await summaryOf(dir);
    const t = summary.stages.stage7;
    if (t === undefined) throw new Error('no stage 7 totals');
    expect(summary.stages.stage3).toBeUndefined();
    expect(t.statuses).toEqual({ completed: 30 });
    expect(t.errors).toBe(0);
    expect(t.intentsPlanned).toBeGreaterThan(0);
    expect(t.ordersSubmitted).toBeGreaterThan(0);
    expect(t.ordersFilled).toBeGreaterThan(0);
    expect(t.series).toHaveLength(30);
    expect(t.equity.start).toBe('1000');

    // stage 7 reads public market data only; the venue holds no order and no fill
    expect(t.requests.requestsTicker).toBe(30);
    expect(t.privateRequests).toBe(0);
    expect(t.requests.requestsTotal).toBe(
      t.requests.requestsServerTime + t.requests.requestsExchangeInfo + t.requests.requestsTicker,
    );
    expect(world.sim.control.state()).toMatchObject({ orders: { open: 0, total: 0 }, fills: 0 });
    expect(summary.exchange).toMatchObject({ orders: 0, journalOrders: 0 });

    // the totals agree with the store: the newest run-metric rows and the stage 7 ledger
    const { state, ledger } = await storedStage7(world);
    const records = summary.cycles as Stage7CycleRecord[];
    expect(state.runMetrics.map((r) => r.cycleId)).toEqual(
      records
        .slice(-5)
        .reverse()
        .map((r) => r.cycleId),
    );
    const newest = state.runMetrics[0];
    expect(newest?.equityTry.toFixed()).toBe(dec(t.equity.end).toFixed());
    expect(newest?.netPnlTry.toFixed()).toBe(dec(t.equity.netPnl).toFixed());
    expect(newest?.feesTry.toFixed()).toBe(dec(t.feesTry).toFixed());
    expect(newest?.maxDrawdownRatio.mul(100).toFixed()).toBe(dec(t.maxDrawdownPct).toFixed());
    // the version active after the last cycle's adaptation (that cycle ran under the one before, if it adapted)
    expect(state.params.active.value?.version).toBe(t.finalParamVersion);
    expect(t.paramChanges).toBe((t.finalParamVersion ?? 1) - 1);
    const fills = ledger.filter((e) => e.type === 'FILL');
    expect(ledger).toHaveLength(t.ledgerEvents);
    expect(fills).toHaveLength(t.ordersFilled);
    expect(sumDec(ledger.filter((e) => e.type === 'FEE').map((e) => e.fee)).toFixed()).toBe(dec(t.feesTry).toFixed());
    expect(sumDec(fills.map((e) => e.qty.mul(e.price))).toFixed()).toBe(dec(t.turnoverTry).toFixed());
    expect(dec(t.feesTry).gt(0)).toBe(true);

    expect(s.out).toContain(
      `stage7: 30 cycles, ${t.intentsPlanned} planned, ${t.ordersSubmitted} simulated orders, ${t.ordersFilled} filled, ` +
        `${t.ordersRejected} rejected, ${t.ordersCanceled} canceled, fees ${dec(t.feesTry).toFixed(2)} TRY, ` +
        `equity 1000.00 -> ${dec(t.equity.end).toFixed(2)} TRY (net PnL ${dec(t.equity.netPnl).toFixed(2)}), ` +
        `max drawdown ${dec(t.maxDrawdownPct).toFixed(2)}%, params v${t.finalParamVersion} (${t.paramChanges} changes), ` +
        '0 cycle errors',
    );
    expect(s.out.filter((l) => /^\s+\d+ 2026-\S+ \S+\s+stage7\s+DRY_RUN/.test(l))).toHaveLength(30);
    // no venue account line: stage 7 alone never touches it
    expect(s.out.some((l) => l.startsWith('equity '))).toBe(false);

    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## Stage 7 (simulated)');
    expect(md).toContain(
      `(DRY_RUN_TRY_BALANCE), reading only public market data (${t.requests.requestsTotal} requests`,
    );
    expect(md).toContain('### Stage 7 totals');
    expect(md).toContain(
      `| 30 | ${t.intentsPlanned} | ${t.intentsSkipped} | ${t.ordersSubmitted} | ${t.ordersFilled} |`,
    );
    expect(md).toContain('| status completed | 30 |');
    expect(md).toContain('| stage 7 sent public market reads only | 0 private or write requests | yes |');
    expect(md.match(/^\| \d+ \| 2026-\S+ \| completed \| NORMAL \|/gm)).toHaveLength(30);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Stage 7 (simulated)</h2>');
    expect(html).toContain('aria-label="Stage 7 simulated account equity (TRY)"');
    expect(html).toContain('<h3>Stage 7 per cycle</h3>');
    expect(html).not.toContain('aria-label="Equity (TRY, at mid marks)"');
  });

  it('beside a live stage 3: stage 3 trades the venue, stage 7 simulates exactly as it does alone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-local-s37-'));
    const both = sinks();
    expect(await localCommand({ stages: 'stage7,stage3', liveSim: true, cycles: '6', out: dir }, both.io)).toBe(0);
    expect(both.err).toEqual([]);
    const summary = await summaryOf(dir);
    expect(summary.config.mode).toBe('LIVE');
    expect(summary.config.options.stages).toEqual(['stage3', 'stage7']);
    expect(summary.cycles.map((c) => `${c.index}:${c.stage}:${c.mode}`).slice(0, 4)).toEqual([
      '1:stage3:LIVE',
      '1:stage7:DRY_RUN',
      '2:stage3:LIVE',
      '2:stage7:DRY_RUN',
    ]);
    const s3 = summary.stages.stage3;
    const s7 = summary.stages.stage7;
    expect(s3?.submitted).toBeGreaterThan(0);
    expect(summary.exchange.orders).toBeGreaterThan(0);
    // every venue order is stage 3's, journaled and accounted for
    expect(summary.exchange.orders).toBe(summary.exchange.journalOrders);
    expect(summary.orders.every((o) => o.clientOrderId.startsWith('bb3-'))).toBe(true);
    expect(summary.exchange.reconciled.disagree).toEqual([]);
    expect(s7).toMatchObject({ cycles: 6, errors: 0, privateRequests: 0 });
    expect(s7?.ordersFilled).toBeGreaterThan(0);
    expect(summary.equitySeries).toHaveLength(6);

    const alone = await mkdtemp(join(tmpdir(), 'btcbot-local-s7-alone-'));
    try {
      expect(await localCommand({ stages: 'stage7', cycles: '6', out: alone }, sinks().io)).toBe(0);
      const solo = (await summaryOf(alone)).stages.stage7;
      // the same market readings, plans, fills and account; only the firing time moves (stage 3 runs first)
      const untimed = (t: typeof s7) => t?.series.map(({ timeIso: _, ...point }) => point);
      expect(untimed(s7)).toEqual(untimed(solo));
      expect(s7?.ledgerEvents).toBe(solo?.ledgerEvents);
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });

  it('refuses --live-sim with stage 7 alone, --live-sim with --dry-run and unknown stages with exit code 2', async () => {
    const s = sinks();
    expect(await localCommand({ stages: 'stage7', liveSim: true }, s.io)).toBe(2);
    expect(await localCommand({ stages: 'stage3,stage4,stage7', liveSim: true, dryRun: true }, s.io)).toBe(2);
    expect(await localCommand({ stages: 'stage7,stage8' }, s.io)).toBe(2);
    expect(s.out).toEqual([]);
    expect(s.err).toHaveLength(3);
    expect(s.err[0]).toBe(
      '--live-sim arms the trading stages against the simulator, and stage 7 never trades: add stage3 or stage4, ' +
        'or drop --live-sim',
    );
    expect(s.err[1]).toBe('--live-sim and --dry-run contradict each other: give one');
    expect(s.err[2]).toBe('--stages must be a comma-separated list of stage3, stage4, stage7, got stage7,stage8');
  });
});

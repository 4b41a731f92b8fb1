// `npm start` (`btcbot local` with its defaults) end to end in-process: every stage scheduled, stage 3 and stage 4
// trading live on their own funded simulator accounts (fake money), stage 7 simulating beside them. What the run
// claims is checked on the simulator's own books: each bot's orders and trades on its account, none on another's.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localCommand } from '../../bin/commands/local-command';
import { parseLocalOptions } from '../../local/runner/options';
import { runLocal } from '../../local/runner/run-local';
import type { LocalRunSummary } from '../../local/runner/summary';
import { valuate } from '../../local/runner/valuation';
import { assembleWorld, type LocalWorld } from '../../local/runner/world';
import { sinks } from '../support/io-sinks';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const summaryOf = async (d: string) => JSON.parse(await readFile(join(d, 'summary.json'), 'utf8')) as LocalRunSummary;

describe('npm start', () => {
  it('trades stage 3 and stage 4 on their own funded accounts and simulates stage 7, as the books show', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-start-'));
    const s = sinks();
    let world: LocalWorld | undefined;
    const options = parseLocalOptions({ out: dir });
    const run = await runLocal(options, s.io, undefined, async (o) => {
      world = await assembleWorld(o);
      return world;
    });
    if (world === undefined) throw new Error('no world');
    expect(s.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(s.out[0]).toBe(
      'LIVE against the local BTCTurk simulator (fake money; no real exchange is reachable): stage 3, stage 4, ' +
        'stage 7 (simulates only); every gate armed, each trading stage on its own funded account ' +
        '(stage3 10000.00 TRY, stage4 10000.00 TRY)',
    );
    const summary = await summaryOf(dir);
    expect(summary.cycles.filter((c) => c.index === 1).map((c) => `${c.stage}:${c.mode}`)).toEqual([
      'stage3:LIVE',
      'stage4:LIVE',
      'stage7:DRY_RUN',
    ]);

    // the venue's own books: each bot's orders and trades sit on its account, and nothing on any other
    const orders = [...world.sim.venue.engine.orders.values()];
    const trades = world.sim.venue.engine.fills;
    for (const [account, prefix] of [
      ['stage3', 'bb3-'],
      ['stage4', 'bb4-'],
    ] as const) {
      const own = orders.filter((o) => o.owner === account);
      expect(own.length, account).toBeGreaterThan(0);
      expect(own.every((o) => o.clientId.startsWith(prefix))).toBe(true);
      expect(trades.filter((f) => f.order.owner === account).length, account).toBeGreaterThan(0);
    }
    expect(orders.every((o) => o.owner === 'stage3' || o.owner === 'stage4')).toBe(true);
    expect(summary.exchange.orders).toBe(orders.length);
    expect(summary.exchange.duplicateClientIds).toEqual([]);
    expect(summary.exchange.reconciled.disagree).toEqual([]);

    // the bots' money, never the simulator's: each started with 10,000 TRY and ends at what its account holds
    const state = world.sim.control.state();
    expect(state.accounts.map((a) => a.name)).toEqual(['stage3', 'stage4']);
    for (const bot of summary.bots) {
      expect(bot.equity.start).toBe('10000.00');
      expect(bot.equity.end).toBe(valuate(state, [], bot.account).equity.toFixed(2));
    }
    const s7 = summary.stages.stage7;
    expect(s7?.ordersFilled).toBeGreaterThan(0);
    expect(s7?.privateRequests).toBe(0);
  });

  it('--balance-try funds each bot account; a bad amount or a contradiction exits 2 with one line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-start-'));
    const s = sinks();
    expect(await localCommand({ cycles: '1', stages: 'stage3,stage4', balanceTry: '2500.5', out: dir }, s.io)).toBe(0);
    expect((await summaryOf(dir)).bots.map((b) => `${b.account}:${b.equity.start}`)).toEqual([
      'stage3:2500.50',
      'stage4:2500.50',
    ]);
    const bad = sinks();
    expect(await localCommand({ balanceTry: '-5' }, bad.io)).toBe(2);
    expect(await localCommand({ balanceTry: '1e4' }, bad.io)).toBe(2);
    expect(await localCommand({ dryRun: true, liveSim: true }, bad.io)).toBe(2);
    expect(bad.out).toEqual([]);
    expect(bad.err).toEqual([
      '--balance-try: expected more than 0 and at most 1000000000000, got -5',
      '--balance-try: expected a plain decimal number such as 10000, got 1e4',
      '--live-sim and --dry-run contradict each other: give one',
    ]);
  });
});

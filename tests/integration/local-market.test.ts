// `btcbot local --market-csv FILE` and `--dataset DIR` drive the simulator's market from history for every stage:
// the run starts at the history's first moment, the venue quotes the history's price at the clock, and the
// trading stages' orders rest and fill at those prices on the simulator's own books. Bad files exit 2, one line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { localCommand } from '../../bin/commands/local-command';
import { parseLocalOptions, type RawLocalOptions } from '../../local/runner/options';
import { runLocal } from '../../local/runner/run-local';
import { assembleWorld, type LocalWorld } from '../../local/runner/world';
import { dec } from '../../shared/domain/money';
import { writeDataset } from '../unit/backtest/dataset-files';
import { walkRows } from '../unit/backtest/memory-replay-market';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const quiet = () => {
  const err: string[] = [];
  return { err, io: { out: () => {}, err: (l: string) => err.push(l) } };
};

/** A minute candle series far from the generator's prices (BTCTRY starts at 3,000,000 there) */
const FIRST_MS = Date.UTC(2022, 10, 8, 22, 33);
const closeAt = (i: number) => 480_000 + 150 * i;

/** A Binance kline CSV as this project's market files hold them, gzipped */
function klineFile(folder: string): string {
  const rows = Array.from({ length: 40 }, (_, i) => {
    const t = new Date(FIRST_MS + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    const c = closeAt(i);
    return `${t},${c - 100},${c + 400},${c - 400},${c},0.8`;
  });
  const path = join(folder, 'binance_BTCTRY_1m_2022-11-08_2022-11-09.csv.gz');
  writeFileSync(path, gzipSync(['Open_Time,Open,High,Low,Close,Volume', ...rows, ''].join('\n')));
  return path;
}

async function run(raw: RawLocalOptions): Promise<{ world: LocalWorld; code: number; err: string[] }> {
  const q = quiet();
  let world: LocalWorld | undefined;
  const { code } = await runLocal(parseLocalOptions(raw), q.io, undefined, async (o) => {
    world = await assembleWorld(o);
    return world;
  });
  if (world === undefined) throw new Error('no world');
  return { world, code, err: q.err };
}

/** Every venue order's price, as a ratio to `reference` */
const priceRatios = (world: LocalWorld, reference: number) =>
  [...world.sim.venue.engine.orders.values()].map((o) => o.price.div(reference).toNumber());

describe('btcbot local on market history', () => {
  it('--market-csv: the run starts at the first candle, quotes its prices and trades at them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'btcbot-market-'));
    const file = klineFile(dir);
    const { world, code, err } = await run({ marketCsv: file, stages: 'stage3,stage4', cycles: '8', out: dir });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(world.startMs).toBe(FIRST_MS);
    // the candle current at the clock (8 cycles a minute apart, then the end-of-run reads)
    const pair = world.sim.control.state().pairs.find((p) => p.symbol === 'BTCTRY');
    const current = Math.floor((world.clock.nowMs() - FIRST_MS) / 60_000);
    expect(pair?.last).toBe(String(closeAt(current)));
    expect(world.config.SYMBOLS).toEqual(['BTCTRY']);
    const ratios = priceRatios(world, closeAt(0));
    expect(ratios.length).toBeGreaterThan(0);
    expect(ratios.every((r) => r > 0.98 && r < 1.03)).toBe(true);
    expect(world.sim.venue.engine.fills.length).toBeGreaterThan(0);
  });

  it('--dataset: every stage runs on the dataset, the venue quoting and matching its candles', async () => {
    dir = mkdtempSync(join(tmpdir(), 'btcbot-market-'));
    const data = walkRows({ BTCTRY: '1234567' }, Date.UTC(2026, 0, 1), 40);
    const dataset = writeDataset(join(dir, 'ds'), { data });
    const { world, code, err } = await run({ dataset, cycles: '8', out: join(dir, 'out') });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(world.startMs).toBe(Date.UTC(2026, 0, 1));
    const candles = data.BTCTRY?.ticker ?? [];
    const current = candles.filter((c) => c.tsMs <= world.clock.nowMs()).at(-1);
    const pair = world.sim.control.state().pairs.find((p) => p.symbol === 'BTCTRY');
    expect(current && dec(pair?.last ?? '0').eq(current.last)).toBe(true);
    const ratios = priceRatios(world, 1_234_567);
    expect(ratios.length).toBeGreaterThan(0);
    expect(ratios.every((r) => r > 0.9 && r < 1.1)).toBe(true);
  });

  it('refuses a file of a pair the simulator does not serve, a missing file, and both sources, with exit 2', async () => {
    dir = mkdtempSync(join(tmpdir(), 'btcbot-market-'));
    const usdt = join(dir, 'binance_BTCUSDT_1m_2022-11-08_2022-11-09.csv');
    writeFileSync(usdt, 'Open_Time,Open,High,Low,Close,Volume\n2022-11-08 22:33:00,1,1,1,1,1\n');
    const q = quiet();
    const out = join(dir, 'out');
    expect(await localCommand({ marketCsv: usdt, out }, q.io)).toBe(2);
    expect(await localCommand({ marketCsv: join(dir, 'BTCTRY.csv'), out }, q.io)).toBe(2);
    expect(await localCommand({ marketCsv: usdt, dataset: dir, out }, q.io)).toBe(2);
    expect(q.err).toHaveLength(3);
    expect(q.err[0]).toMatch(
      /^--market-csv: expected a file named by a TRY pair the simulator serves .* got .*BTCUSDT/,
    );
    expect(q.err[1]).toMatch(/^local: FAIL - --market-csv dataset_missing: .*BTCTRY\.csv: no such candle file$/);
    expect(q.err[2]).toBe('--dataset and --market-csv both name the market: give one');
  });
});

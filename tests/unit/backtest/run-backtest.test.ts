// The backtest runs the deployed stage 7 cycle over a replay clock: deterministic to the byte, streamed into a
// run folder whose fingerprint it records, reading nothing but public market data, and leaving nothing behind
// when a cycle fails or the run is interrupted.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fingerprintRunFolder } from '../../../local/backtest/fingerprint';
import { ReplayExchange } from '../../../local/backtest/replay-exchange';
import { type BacktestPlan, plannedCycles, runBacktest, stage7CycleId } from '../../../local/backtest/run-backtest';
import { RUN_META_FILE, RUN_RECORDS_FILE, readRunMeta, readRunRecords } from '../../../local/backtest/run-folder';
import { BacktestError, ReplayDatasetError } from '../../../shared/domain/errors';
import { BASES, START_MS, testPairs, testSettings } from './fixtures';
import { MemoryReplayMarket, walkRows } from './memory-replay-market';

const ROWS = 120;
const tmp = () => mkdtempSync(join(tmpdir(), 'backtest-'));
const market = () => new MemoryReplayMarket(walkRows(BASES, START_MS, ROWS));

function plan(out: string, over: Partial<BacktestPlan> = {}): BacktestPlan {
  return {
    dataset: 'memory',
    out,
    startMs: START_MS,
    endMs: START_MS + (ROWS - 1) * 60_000,
    stepSeconds: 60,
    seed: 123,
    includeAdaptation: false,
    env: 'local',
    ...over,
  };
}

const run = (p: BacktestPlan, m = market(), env: Record<string, string> = {}) =>
  runBacktest(p, { market: m, pairs: testPairs(), settings: testSettings(env) });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runBacktest', () => {
  it('gives the same fingerprint and a byte-identical cycles.jsonl twice, and records the run', async () => {
    const [a, b] = [join(tmp(), 'a'), join(tmp(), 'b')];
    const metaA = await run(plan(a));
    const metaB = await run(plan(b));
    const bytes = readFileSync(join(a, RUN_RECORDS_FILE), 'utf8');
    expect(readFileSync(join(b, RUN_RECORDS_FILE), 'utf8')).toBe(bytes);
    expect(metaB.fingerprint).toBe(metaA.fingerprint);
    expect(readRunMeta(a)).toEqual({
      kind: 'backtest',
      dataset: 'memory',
      seed: 123,
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T01:59:00.000Z',
      stepSeconds: 60,
      cyclesRun: ROWS,
      includeAdaptation: false,
      paramChanges: 0,
      fingerprint: metaA.fingerprint,
    });
    // the recorded fingerprint is the folder's, as parity reads it back
    expect(fingerprintRunFolder(a, { includeAdaptation: false }).fingerprint).toBe(metaA.fingerprint);
    const records = [...readRunRecords(a)];
    expect(records).toHaveLength(ROWS);
    expect(records[1]?.cycleId).toBe('btcbot-local-stage7@2026-01-01T00:01:00.000Z');
    // a real run: orders filled (some in two slices), others were rejected by the seeded simulator
    expect(records.reduce((n, r) => n + r.fills.length, 0)).toBeGreaterThan(30);
    expect(records.reduce((n, r) => n + r.rejected, 0)).toBeGreaterThan(0);
    expect(readdirSync(a).sort()).toEqual([RUN_RECORDS_FILE, RUN_META_FILE]);
  });

  it('names each cycle as the scheduler would at that time, so a seed changes no outcome', async () => {
    expect(stage7CycleId('prod', Date.UTC(2026, 4, 1, 12, 30))).toBe('btcbot-prod-stage7@2026-05-01T12:30:00.000Z');
    const [a, b] = [join(tmp(), 'a'), join(tmp(), 'b')];
    const metaA = await run(plan(a, { cycles: 30 }));
    const metaB = await run(plan(b, { cycles: 30, seed: 7 }));
    expect(metaB.seed).toBe(7);
    expect(metaB.fingerprint).toBe(metaA.fingerprint);
    expect(readFileSync(join(b, RUN_RECORDS_FILE), 'utf8')).toBe(readFileSync(join(a, RUN_RECORDS_FILE), 'utf8'));
  });

  it('steps by --step-seconds from start through end, at most --cycles', async () => {
    const p = { startMs: 0, endMs: 600_000, stepSeconds: 60 };
    expect(plannedCycles(p)).toBe(11);
    expect(plannedCycles({ ...p, endMs: 659_999 })).toBe(11);
    expect(plannedCycles({ ...p, cycles: 4 })).toBe(4);
    const out = join(tmp(), 'run');
    const meta = await run(plan(out, { stepSeconds: 300, cycles: 5, startMs: START_MS + 60_000 }));
    expect(meta).toMatchObject({
      cyclesRun: 5,
      startedAt: '2026-01-01T00:01:00.000Z',
      endedAt: '2026-01-01T00:21:00.000Z',
    });
    expect([...readRunRecords(out)].map((r) => r.ts.slice(11, 16))).toEqual([
      '00:01',
      '00:06',
      '00:11',
      '00:16',
      '00:21',
    ]);
  });

  it('runs adaptation only when asked, and counts the cycles that changed the active params', async () => {
    const [off, on] = [join(tmp(), 'off'), join(tmp(), 'on')];
    await run(plan(off, { cycles: 60 }));
    const meta = await run(plan(on, { cycles: 60, includeAdaptation: true }));
    expect([...readRunRecords(off)].every((r) => r.paramChange === null && r.activeParamVersion === 1)).toBe(true);
    const records = [...readRunRecords(on)];
    const changes = records.filter((r, i) => r.activeParamVersion !== (records[i - 1]?.activeParamVersion ?? 1)).length;
    expect(changes).toBeGreaterThan(0);
    // a refused proposal is recorded too, and is no change
    expect(records.filter((r) => r.paramChange !== null).length).toBeGreaterThan(changes);
    expect(meta).toMatchObject({ includeAdaptation: true, paramChanges: changes });
    expect(fingerprintRunFolder(on, { includeAdaptation: true }).fingerprint).toBe(meta.fingerprint);
  });

  it('asks the replay exchange for nothing but public reads', async () => {
    const refused = [
      'orderBookTop',
      'balances',
      'openOrders',
      'allOrders',
      'userTrades',
      'placeLimitOrder',
      'cancelOrder',
      'findOrderByClientId',
    ] as const;
    const spies = refused.map((m) => vi.spyOn(ReplayExchange.prototype, m));
    const tickers = vi.spyOn(ReplayExchange.prototype, 'tickers');
    await run(plan(join(tmp(), 'run'), { cycles: 40 }));
    expect(tickers).toHaveBeenCalledTimes(40);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('fails the run when a cycle asked for a private read, even one the cycle swallowed', async () => {
    // stands for a cycle that would read a balance inside a read whose failure it treats as degraded
    vi.spyOn(ReplayExchange.prototype, 'tickers').mockImplementation(function (this: ReplayExchange) {
      return this.balances().catch(() => []);
    });
    const out = join(tmp(), 'run');
    await expect(run(plan(out, { cycles: 3 }))).rejects.toThrow(/asked the replay exchange for balances/);
    expect(existsSync(out)).toBe(false);
  });

  it('aborts on a cycle that throws: no run.json, no partial file, and the folders it created removed', async () => {
    const m = market();
    m.onAdvance = (nowMs) => {
      if (nowMs === START_MS + 10 * 60_000)
        throw new ReplayDatasetError('invalid_value', 'bid > ask', 'orderbook/BTCTRY.csv', 12);
    };
    const parent = tmp();
    const out = join(parent, 'new', 'run');
    await expect(run(plan(out), m)).rejects.toThrow(ReplayDatasetError);
    expect(readdirSync(parent)).toEqual([]);
    // a folder that existed keeps what it held
    const kept = join(tmp(), 'kept');
    mkdirSync(kept);
    writeFileSync(join(kept, 'notes.txt'), 'mine');
    const again = market();
    again.onAdvance = m.onAdvance;
    await expect(run(plan(kept), again)).rejects.toThrow(/bid > ask/);
    expect(readdirSync(kept)).toEqual(['notes.txt']);
  });

  it('stops when interrupted and writes nothing; refuses an --out that already holds a run', async () => {
    const stop = new AbortController();
    const out = join(tmp(), 'run');
    const interrupted = runBacktest(
      plan(out),
      { market: market(), pairs: testPairs(), settings: testSettings() },
      { signal: stop.signal, onCycle: (done) => done === 5 && stop.abort() },
    );
    await expect(interrupted).rejects.toThrow(/interrupted after 5 of 120 cycles/);
    expect(existsSync(out)).toBe(false);

    const done = join(tmp(), 'done');
    const meta = await run(plan(done, { cycles: 2 }));
    const before = readFileSync(join(done, RUN_RECORDS_FILE), 'utf8');
    await expect(run(plan(done, { cycles: 3 }))).rejects.toThrow(BacktestError);
    await expect(run(plan(done, { cycles: 3 }))).rejects.toThrow(/already holds a run/);
    expect(readFileSync(join(done, RUN_RECORDS_FILE), 'utf8')).toBe(before);
    expect(readRunMeta(done).fingerprint).toBe(meta.fingerprint);
  });
});

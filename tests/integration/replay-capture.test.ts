// `btcbot replay capture` against the BTCTurk simulator (in process, through the real gateway) on a ManualClock,
// so it does not wait in real time: one row per poll per file, a dataset that validates and replays, the venue's
// own exchangeinfo body kept; bad options and unknown symbols exit 2 and a failing venue exits 1, nothing written.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CaptureDeps, replayCaptureCommand } from '../../bin/commands/replay-command';
import { inProcessSimulator } from '../../local/btcturk-sim/in-process-dispatcher';
import { readDatasetExchangeInfo } from '../../local/replay/exchange-info-file';
import { openReplayMarket } from '../../local/replay/open-replay-market';
import { LOCAL_ENV, LOCAL_START_MS } from '../../local/runner/world';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import type { Clock } from '../../shared/ports/clock';
import { removeTempDirs, tempDir } from '../unit/replay/dataset-fixture';

afterAll(removeTempDirs);

function world(o: { readonly failAfterPolls?: number; readonly lateAtPoll?: number } = {}) {
  const clock = new ManualClock(LOCAL_START_MS, { autoAdvance: true });
  const sim = inProcessSimulator({ seed: 5, rateLimits: false, clock, symbols: ['BTCTRY', 'ETHTRY', 'SOLTRY'] });
  let sleeps = 0;
  // the venue starts failing every request after a number of polls (each poll after the first sleeps once)
  const failing: Clock = {
    nowMs: () => clock.nowMs(),
    sleep: (ms) => {
      sleeps += 1;
      if (sleeps === o.failAfterPolls) sim.control.setFaults({ errorRate: 1 });
      // a poll held up (a slow network, a suspended laptop): it comes 5 s late
      return clock.sleep(sleeps === o.lateAtPoll ? ms + 5_000 : ms);
    },
  };
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  const io = { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) };
  const deps: CaptureDeps = {
    env: { ...LOCAL_ENV, BTCTURK_BASE_URL: sim.baseUrl },
    clock: failing,
    dispatcher: sim.dispatcher,
  };
  const dataset = join(tempDir('capture'), 'captured');
  const capture = (raw: Record<string, unknown>) => replayCaptureCommand({ dataset, ...raw }, io, deps);
  return { clock, sim, lines, dataset, capture };
}

const rows = (dataset: string, kind: string, symbol: string) =>
  readFileSync(join(dataset, kind, `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);

describe('replay capture against the simulator', () => {
  it('polls every interval, writes the three files per symbol, and the dataset validates and replays', async () => {
    const w = world();
    expect(await w.capture({ symbols: 'btc_try,ETHTRY', seconds: '30', intervalSeconds: '2' })).toBe(0);
    expect(w.lines.err).toEqual([]);
    expect(w.lines.out).toEqual([
      expect.stringMatching(/^replay capture: OK - captured 2 symbol\(s\) into .* \(15 polls, /),
    ]);
    expect(w.clock.nowMs() - LOCAL_START_MS).toBe(28_000);
    for (const symbol of ['BTCTRY', 'ETHTRY'])
      for (const kind of ['candles', 'orderbook', 'ticker']) expect(rows(w.dataset, kind, symbol)).toHaveLength(15);
    expect(existsSync(join(w.dataset, 'candles', 'SOLTRY.csv'))).toBe(false);
    // each row is what the venue quoted at that poll
    const market = openReplayMarket(w.dataset);
    market.advanceTo(LOCAL_START_MS + 28_000);
    const state = w.sim.control.state().pairs.find((p) => p.symbol === 'BTCTRY');
    const view = market.view('BTCTRY');
    expect([view?.book?.bid.toFixed(), view?.book?.ask.toFixed(), view?.ticker?.last.toFixed()]).toEqual([
      state?.bid,
      state?.ask,
      state?.last,
    ]);
    market.close();
  });

  it("keeps the venue's exchangeinfo body: the gateway's parser reads the simulator's pair rules from it", async () => {
    const w = world();
    expect(await w.capture({ symbols: 'ETHTRY', seconds: '2' })).toBe(0);
    const rules = readDatasetExchangeInfo(w.dataset);
    expect(rules?.pairs.map((p) => p.symbol)).toEqual(['BTCTRY', 'ETHTRY', 'SOLTRY']);
    expect(rules?.pairs[1]).toMatchObject({ tickSize: '1', minNotionalCandidates: ['99.91'] });
  });

  it('a late poll leaves a gap, listed in gaps.csv; the slots missed meanwhile are skipped, not polled in a burst', async () => {
    const w = world({ lateAtPoll: 3 });
    expect(await w.capture({ symbols: 'BTCTRY', seconds: '10' })).toBe(0);
    expect(w.lines.out).toEqual([
      expect.stringMatching(/\(5 polls, .*, 1 gap\(s\) listed in gaps.csv, 5 late poll\(s\) skipped\)$/),
    ]);
    const at = (s: number) => new Date(LOCAL_START_MS + s * 1000).toISOString();
    expect(readFileSync(join(w.dataset, 'gaps.csv'), 'utf8')).toBe(`symbol,from,to\nBTCTRY,${at(2)},${at(8)}\n`);
    expect(rows(w.dataset, 'candles', 'BTCTRY').map((r) => r.slice(0, 24))).toEqual([0, 1, 2, 8, 9].map(at));
  });

  it('bad options exit 2 with one line and nothing written', async () => {
    for (const raw of [
      { symbols: '' },
      { symbols: 'BTCTRY', seconds: '0' },
      { symbols: 'BTCTRY', intervalSeconds: '-1' },
      { symbols: 'BTC-TRY' },
    ]) {
      const w = world();
      expect(await w.capture(raw)).toBe(2);
      expect(w.lines.err).toHaveLength(1);
      expect(existsSync(w.dataset)).toBe(false);
    }
  });

  it('a symbol the venue does not list exits 2 before any poll', async () => {
    const w = world();
    expect(await w.capture({ symbols: 'BTCTRY,XRPTRY', seconds: '5' })).toBe(2);
    expect(w.lines.err).toEqual([expect.stringContaining('the venue does not list XRPTRY')]);
    expect(existsSync(w.dataset) || existsSync(`${w.dataset}.partial`)).toBe(false);
  });

  it('a venue that starts failing mid-capture exits 1 and leaves nothing half written', async () => {
    const w = world({ failAfterPolls: 3 });
    expect(await w.capture({ symbols: 'BTCTRY', seconds: '10' })).toBe(1);
    expect(w.lines.err).toEqual([expect.stringMatching(/^replay capture: FAIL - ExchangeUnavailableError: /)]);
    expect(existsSync(w.dataset) || existsSync(`${w.dataset}.partial`)).toBe(false);
  });
});

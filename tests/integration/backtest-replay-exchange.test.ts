// A backtest reads the market the way a local run of the same dataset does: at every replay time the backtest's
// exchange hands stage 7 exactly the Ticker values the real gateway makes of the simulator's answer when the
// simulator replays the dataset (`btcbot local --dataset`).
import { describe, expect, it } from 'vitest';
import { ReplayExchange } from '../../local/backtest/replay-exchange';
import { inProcessSimulator } from '../../local/btcturk-sim/in-process-dispatcher';
import { SIMULATOR_CREDENTIALS } from '../../local/runner/state-embedded';
import { createBtcturkGateway } from '../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import type { Exchange } from '../../shared/ports/exchange';
import { BASES, START_MS, testPairs, testSettings } from '../unit/backtest/fixtures';
import { MemoryReplayMarket, walkRows } from '../unit/backtest/memory-replay-market';

describe('the replay exchange and the gateway over the replaying simulator', () => {
  it('hand stage 7 identical tickers at every replay time', async () => {
    const rows = walkRows(BASES, START_MS, 30);
    // a late ETHTRY ticker row: the pair has no ticker until then, on both sides
    rows.ETHTRY = { book: rows.ETHTRY?.book ?? [], ticker: (rows.ETHTRY?.ticker ?? []).slice(3) };
    const clock = new ManualClock(START_MS - 60_000);
    const sim = inProcessSimulator({
      seed: 1,
      rateLimits: false,
      clock,
      symbols: Object.keys(BASES),
      replay: { market: new MemoryReplayMarket(rows) },
    });
    const settings = testSettings({ BTCTURK_BASE_URL: sim.baseUrl });
    const gateway = createBtcturkGateway(settings, SIMULATOR_CREDENTIALS, clock, sim.dispatcher) as Exchange;
    const market = new MemoryReplayMarket(rows);
    const replay = new ReplayExchange(market, clock, testPairs());
    let compared = 0;
    // before the data, on each row's minute, and between rows
    for (let t = START_MS - 60_000; t <= START_MS + 30 * 60_000; t += 30_000) {
      clock.set(t);
      market.advanceTo(t);
      const [venue, backtest] = [await gateway.tickers(), await replay.tickers()];
      expect(backtest, new Date(t).toISOString()).toEqual(venue);
      compared += backtest.length;
    }
    expect(compared).toBeGreaterThan(100);
    expect(replay.refused).toEqual([]);
  });
});

// Dry-run keeps simulated order rows (spec 3.18 step 9) so a dry run exercises the lifecycle: decideCycle over
// a market read from the BTCTurk simulator (candles that move), its actions applied to the simulated rows, the
// open rows fed back to the next cycle. Place -> replace on drift -> cancel under OBSERVE_ONLY -> a simulated
// fill, while the simulator receives no write, the order journal holds nothing and the ledger stays empty.
import { afterEach, describe, expect, it } from 'vitest';
import { marketSnapshot } from '../../../shared/application/market-snapshot';
import { loadRules } from '../../../shared/application/stage3/exchange-rules-cache';
import { decideCycle } from '../../../shared/application/stage4/cycle-decide';
import { executeSimulated } from '../../../shared/application/stage4/dry-run/execute-simulated';
import { simulatedOpenViews } from '../../../shared/application/stage4/dry-run/simulated-orders';
import { loadSimulatedOrders } from '../../../shared/application/stage4/dry-run/simulated-orders-state';
import type { ExchangeRules } from '../../../shared/domain/exchange-rules';
import { dec } from '../../../shared/domain/money';
import type { Mode } from '../../../shared/domain/risk/mode';
import { type Stage3Harness, stage3Harness } from '../../support/stage3-harness';
import { ACCOUNT } from '../../support/stage4-harness';
import { BTC, MINUTE, START } from './dry-run-market';

let h: Stage3Harness;
afterEach(async () => {
  await h.close();
});

/** One dry-run cycle as the stage 4 cycle runs it, at minute `minute` of the candles */
async function dryRunCycle(minute: number, mode: Mode = 'NORMAL') {
  h.clock.set(START + minute * MINUTE);
  const s = h.config;
  const market = await marketSnapshot(h.exchange, s.SYMBOLS, () => h.clock.nowMs(), s.MAX_MARKET_DATA_AGE_MS);
  expect(market.stale).toBe(false);
  const loaded = await loadRules(h.exchange, s, false);
  const rules = new Map(s.SYMBOLS.map((symbol) => [symbol, loaded.rules(symbol) as ExchangeRules]));
  const rows = await loadSimulatedOrders(h.stores.documents, ACCOUNT);
  const open = simulatedOpenViews(rows.value);
  const nowMs = h.clock.nowMs();
  const decided = decideCycle(
    {
      account: ACCOUNT,
      cycleId: `cycle-${minute}`,
      nowMs,
      symbols: s.SYMBOLS,
      rules,
      marks: new Map([...market.tops].map(([symbol, q]) => [symbol, q.bid])),
      mids: new Map([...market.tops].map(([symbol, q]) => [symbol, q.bid.add(q.ask).div(2)])),
      positions: new Map(),
      cashTry: s.DRY_RUN_TRY_BALANCE,
      ownOpen: open,
      allOpen: open,
      realizedTodayTry: dec('0'),
      drawdownPct: dec('0'),
      multiplier: dec('1'),
      mode,
      degrade: { buyQtyShrinkFactor: dec('1') },
    },
    s,
  );
  const executed = await executeSimulated(h.stores.documents, ACCOUNT, rows, decided.actions, nowMs, market.tops);
  const after = (await loadSimulatedOrders(h.stores.documents, ACCOUNT)).value;
  return {
    codes: executed.decisions.map((d) => d.code),
    counters: executed.counters,
    rows: after.map((r) => `${r.status}@${r.price.toFixed()}`),
  };
}

describe('dry-run lifecycle on simulated order rows', () => {
  it('places, replaces on drift, cancels and fills simulated rows while the simulator receives no write', async () => {
    h = await stage3Harness({
      env: { APP_ROLE: 'LIVE', DRY_RUN: 'true', LIVE_TRADING: 'false', SYMBOLS: 'BTCTRY' },
      sim: { symbols: ['BTCTRY'], market: { BTCTRY: BTC } },
    });

    // minute 0: the bootstrap BUY rests at the bid
    const placed = await dryRunCycle(0);
    expect(placed.codes).toEqual(['simulated']);
    expect(placed.rows).toEqual(['open@2999700']);

    // minute 1: the market rose 1 %, the row drifted past 25 bps: cancel, then its replacement at the new bid
    const replaced = await dryRunCycle(1);
    expect(replaced.codes).toEqual(['simulated', 'replace_simulated']);
    expect(replaced.rows).toEqual(['open@3029697', 'canceled@2999700']);

    // minute 2: drifted again, but OBSERVE_ONLY blocks the replacement: the cancel alone goes through
    const canceled = await dryRunCycle(2, 'OBSERVE_ONLY');
    expect(canceled.codes).toEqual(['simulated']);
    expect(canceled.rows).toEqual(['canceled@3029697', 'canceled@2999700']);

    // minute 3: a new BUY rests; minute 4: the market fell through it, so it filled before the cycle acted,
    // and the strategy, flat again as far as dry-run accounting goes, bootstraps anew
    expect((await dryRunCycle(3)).rows[0]).toBe('open@3059694');
    const filled = await dryRunCycle(4);
    expect(filled.codes).toEqual(['simulated_filled', 'cancel_order_not_resting', 'replace_simulated']);
    expect(filled.counters).toMatchObject({ simulated: 1, simulatedFilled: 1 });
    expect(filled.rows.slice(0, 2)).toEqual(['open@2999700', 'filled@3059694']);

    // the venue saw no write and holds no order; nothing reached the journal or the ledger
    expect(h.exchange.writes).toEqual({ submits: 0, cancels: 0 });
    expect(h.sim.control.state().orders).toEqual({ open: 0, total: 0 });
    expect(await h.stores.journal.listByStatus(ACCOUNT, ['OPEN', 'PENDING_SUBMIT', 'CANCELED', 'UNKNOWN'])).toEqual([]);
    expect(await h.stores.ledger.list(ACCOUNT)).toEqual([]);
  });
});

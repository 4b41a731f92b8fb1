// The stage 4 cycle in dry-run, end to end on memory stores and the BTCTurk simulator: its simulated order
// rows (spec 3.18 step 9) rest between cycles and go through the lifecycle (placed, replaced on drift,
// canceled under an OBSERVE_ONLY override, filled when the market crosses them), the dynamic universe state is kept,
// and the venue, the order journal and the ledger never see any of it.
import { afterEach, describe, expect, it } from 'vitest';
import { loadSimulatedOrders } from '../../../shared/application/stage4/dry-run/simulated-orders-state';
import { clearDegradeOverride, resetDegradeLevel } from '../../../shared/application/stage4/operator/degrade-operator';
import { saveDegradeOverride } from '../../../shared/application/stage4/state/degrade-override';
import { loadUniverseState } from '../../../shared/application/stage4/state/universe-state';
import { type Stage3Harness, stage3Harness } from '../../support/stage3-harness';
import { ACCOUNT, stage4Cycle } from '../../support/stage4-harness';
import { BTC, MINUTE, START } from './dry-run-market';

let h: Stage3Harness;
afterEach(async () => {
  await h.close();
});

async function cycleAt(minute: number) {
  h.clock.set(START + minute * MINUTE);
  const result = await stage4Cycle(h);
  expect(result.status).toBe('completed');
  expect(result.mode).toBe('DRY_RUN');
  const rows = (await loadSimulatedOrders(h.stores.documents, ACCOUNT)).value;
  return { result, rows: rows.map((r) => `${r.status}@${r.price.toFixed()}`) };
}

describe('stage 4 dry-run cycle', () => {
  it('keeps simulated rows through the lifecycle while the venue, the journal and the ledger see nothing', async () => {
    h = await stage3Harness({
      env: { APP_ROLE: 'LIVE', DRY_RUN: 'true', LIVE_TRADING: 'false', SYMBOLS: 'BTCTRY' },
      sim: { symbols: ['BTCTRY'], market: { BTCTRY: BTC } },
    });

    const placed = await cycleAt(0);
    expect(placed.rows).toEqual(['open@2999700']);
    expect(placed.result.execution?.simulated).toBe(1);

    // the next cycle sees its row resting, drifted 1 % from the mid: replaced
    const replaced = await cycleAt(1);
    expect(replaced.result.decisions).toContain('execution:replace_simulated');
    expect(replaced.rows).toEqual(['open@3029697', 'canceled@2999700']);

    // an operator's OBSERVE_ONLY override blocks the replacement; the cancel still goes through, as live
    await saveDegradeOverride(h.stores.documents, ACCOUNT, { mode: 'OBSERVE_ONLY', untilMs: START + 3 * MINUTE }, 0);
    const canceled = await cycleAt(2);
    expect(canceled.result.decisions).toContain('mode_gate:mode_observe_only');
    expect(canceled.rows).toEqual(['canceled@3029697', 'canceled@2999700']);
    await clearDegradeOverride(h.stores.documents, ACCOUNT);
    await resetDegradeLevel(h.stores.documents, ACCOUNT);

    // the kill switch guards live writes only: a dry run still shows what the strategy would do, and says so
    h.killSwitch.set(true);
    const killed = await cycleAt(3);
    expect(killed.result.decisions).toContain('kill_switch:not_applied_in_dry_run:parameter');
    expect(killed.rows[0]).toBe('open@3059694');
    h.killSwitch.set(false);
    const filled = await cycleAt(4);
    expect(filled.result.execution).toMatchObject({ simulated: 1, simulatedFilled: 1 });
    expect(filled.rows.slice(0, 2)).toEqual(['open@2999700', 'filled@3059694']);

    // the dynamic universe ran every cycle: no day-old mid yet, so dry-run fell back to SYMBOLS and kept the mid
    expect(filled.result.decisions).toContain('universe:dry_run_empty_selection');
    const universe = (await loadUniverseState(h.stores.documents, ACCOUNT)).value;
    expect(universe.midHistory.map((p) => p.symbol)).toContain('BTCTRY');
    expect(universe.previous?.refreshedAtMs).toBe(START);

    expect(h.exchange.writes).toEqual({ submits: 0, cancels: 0 });
    expect(h.sim.control.state().orders).toEqual({ open: 0, total: 0 });
    expect(await h.stores.journal.listByStatus(ACCOUNT, ['OPEN', 'PENDING_SUBMIT', 'CANCELED', 'UNKNOWN'])).toEqual([]);
    expect(await h.stores.ledger.list(ACCOUNT)).toEqual([]);
  });
});

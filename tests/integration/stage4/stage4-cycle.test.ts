// The stage 4 cycle end to end on memory stores and the BTCTurk simulator: what reaches the venue's book.
import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_SIM_ENV } from '../../../local/runner/world';
import { restingBuy, type Stage3Harness, stage3Harness } from '../../support/stage3-harness';
import { ACCOUNT, stage4Cycle } from '../../support/stage4-harness';

let h: Stage3Harness;
afterEach(async () => {
  await h.close();
});

const DRY_ENV = { APP_ROLE: 'LIVE', DRY_RUN: 'true', LIVE_TRADING: 'false' };

describe('stage 4 cycle', () => {
  it('dry-run sends no exchange order and journals none', async () => {
    h = await stage3Harness({ env: DRY_ENV });
    const result = await stage4Cycle(h);
    expect(result.mode).toBe('DRY_RUN');
    expect(result.execution?.simulated).toBeGreaterThan(0);
    expect(h.exchange.writes).toEqual({ submits: 0, cancels: 0 });
    expect(await h.stores.journal.listByStatus(ACCOUNT, ['OPEN', 'PENDING_SUBMIT', 'UNKNOWN'])).toHaveLength(0);
  });

  it('an armed live cycle places the plan on the venue; the next cycle places nothing twice', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    const result = await stage4Cycle(h);
    expect(result.mode).toBe('LIVE');
    expect(result.execution?.submitted).toBeGreaterThan(0);
    const open = await h.exchange.openOrders('BTCTRY');
    expect(open.length).toBe(1);
    const again = await stage4Cycle(h);
    expect(again.execution?.submitted).toBe(0);
    expect(await h.exchange.openOrders('BTCTRY')).toHaveLength(1);
  });

  it('a foreign order freezes stage 4: nothing is submitted and the audit says why', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    h.sim.control.placeOrder({ symbol: 'BTCTRY', side: 'buy', price: '1000', quantity: '0.01', clientId: 'advanced' });
    const result = await stage4Cycle(h);
    expect(result.freezeActive).toBe(true);
    expect(h.exchange.writes.submits).toBe(0);
    expect(
      result.reasonsNoAction.some((r) => r.startsWith('mode_gate:freeze_suppressed:imported_external_orders')),
    ).toBe(true);
    const again = await stage4Cycle(h);
    expect(again.freezeActive).toBe(true);
    expect(h.exchange.writes.submits).toBe(0);
  });

  it('under the kill switch a cycle only cancels', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    await restingBuy(h, 'BTCTRY');
    const submits = h.exchange.writes.submits;
    h.killSwitch.set(true);
    const result = await stage4Cycle(h);
    expect(result.mode).toBe('LIVE');
    expect(h.exchange.writes.submits).toBe(submits);
    expect(h.exchange.writes.cancels).toBeGreaterThan(0);
    expect(await h.exchange.openOrders('BTCTRY')).toHaveLength(0);
  });

  it('a stale market acts on nothing and the audit records the reason', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    const result = await stage4Cycle(h, { exchange: { ...h.exchange, tickers: async () => [] } });
    expect(result.status).toBe('stale_market_data');
    expect(h.exchange.writes).toEqual({ submits: 0, cancels: 0 });
    const audits = await h.stores.audits.latest('stage4', ACCOUNT, 10);
    expect(audits.map((a) => a.decisions)).toEqual([['market_data:stale']]);
    expect(JSON.parse(audits[0]?.summary ?? '{}').reasons_no_action).toEqual(['market_data:stale']);
  });
});

// The stage 4 cycle end to end on memory stores and the BTCTurk simulator: what reaches the venue's book.
import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_SIM_ENV } from '../../../local/runner/world';
import { runStage4Cycle } from '../../../shared/application/stage4/run-stage4-cycle';
import { loadCapitalPolicyState } from '../../../shared/application/stage4/state/capital-policy-state';
import { saveDegradeOverride } from '../../../shared/application/stage4/state/degrade-override';
import { loadDegradeState } from '../../../shared/application/stage4/state/degrade-state';
import { loadRiskState, saveRiskState } from '../../../shared/application/stage4/state/risk-state';
import { utcDayStart } from '../../../shared/domain/ledger/ledger-state';
import { dec } from '../../../shared/domain/money';
import { restingBuy, type Stage3Harness, stage3Harness } from '../../support/stage3-harness';
import { ACCOUNT, stage4Cycle, stage4CycleDeps } from '../../support/stage4-harness';

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
    // a freeze is degrade level 3: OBSERVE_ONLY holds back every order, and the audit names both
    expect(result.riskMode).toBe('OBSERVE_ONLY');
    expect(result.reasonsNoAction).toContain('degrade:STAGE4_FREEZE_ACTIVE');
    expect(result.reasonsNoAction).toContain('mode_gate:mode_observe_only');
    expect((await loadDegradeState(h.stores.documents, ACCOUNT)).value.level).toBe(3);
    const again = await stage4Cycle(h);
    expect(again.freezeActive).toBe(true);
    expect(h.exchange.writes.submits).toBe(0);
  });

  it('a live cycle seeds the capital policy and the risk state from the account, and saves them', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    // the first checkpoint seeds capital with the cash the cycle read, before its own BUY reserved any
    const cash = (await h.exchange.balances()).find((b) => b.asset === 'TRY')?.free;
    await stage4Cycle(h);
    const capital = (await loadCapitalPolicyState(h.stores.documents, ACCOUNT)).value;
    expect(capital?.tradingCapitalTry.toFixed()).toBe(cash?.toFixed());
    const risk = await loadRiskState(h.stores.documents, ACCOUNT);
    expect(risk.version).toBe(1);
    expect(risk.value?.peakEquityTry.gt(0)).toBe(true);
    await stage4Cycle(h);
    expect((await loadRiskState(h.stores.documents, ACCOUNT)).version).toBe(2);
  });

  it('a drawdown beyond RISK_MAX_DRAWDOWN_TRY from the stored peak equity places nothing', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    const nowMs = h.clock.nowMs();
    const peak = { peakEquityTry: dec('1000000000'), peakEquityAtMs: nowMs, feesTodayTry: dec('0') };
    await saveRiskState(h.stores.documents, ACCOUNT, { ...peak, feesDayStartMs: utcDayStart(nowMs) }, 0);
    const result = await stage4Cycle(h);
    expect(result.riskMode).toBe('OBSERVE_ONLY');
    expect(result.decisions).toContain('risk_budget:DRAWDOWN_LIMIT');
    expect(h.exchange.writes.submits).toBe(0);
    expect(await h.exchange.openOrders('BTCTRY')).toHaveLength(0);
  });

  it("the operator's degrade override makes the cycle observe only until it expires", async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    await saveDegradeOverride(
      h.stores.documents,
      ACCOUNT,
      { mode: 'OBSERVE_ONLY', untilMs: h.clock.nowMs() + 60_000 },
      0,
    );
    const result = await stage4Cycle(h);
    expect(result.riskMode).toBe('OBSERVE_ONLY');
    expect(result.decisions).toContain('degrade:MANUAL_OVERRIDE');
    expect(h.exchange.writes.submits).toBe(0);
    expect((await loadDegradeState(h.stores.documents, ACCOUNT)).value.level).toBe(3);
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

  it('a retried invocation of a cycle whose order went out sends nothing twice, and reads the locked funds as its own', async () => {
    // a reserve of 300 TRY leaves 120 to invest: after the first BUY its funds are locked, not lost
    h = await stage3Harness({ env: { ...LIVE_SIM_ENV, SYMBOLS: 'BTCTRY' }, sim: { balances: { TRY: '420' } } });
    // the first invocation did its work (order placed, state saved) and died writing its audit: the firing is retried
    const firing = { cycleId: 'firing-1', runId: 'test-run' };
    const audits = h.stores.audits;
    const dying: typeof audits = {
      put: async () => {
        throw new Error('invocation died');
      },
      latest: (stage, account, limit) => audits.latest(stage, account, limit),
    };
    await expect(
      runStage4Cycle({ ...stage4CycleDeps(h), audits: dying }, { ...firing, invocationId: 'first' }),
    ).rejects.toThrow('invocation died');
    const locked = (await h.exchange.balances()).find((b) => b.asset === 'TRY');
    expect(locked?.locked.gt(0)).toBe(true);

    const retry = await runStage4Cycle(stage4CycleDeps(h), { ...firing, invocationId: 'retry' });
    expect(retry.execution?.submitted).toBe(0);
    expect(h.exchange.writes.submits).toBe(1);
    expect(await h.exchange.openOrders('BTCTRY')).toHaveLength(1);
    // free TRY fell by the locked notional; equity did not: no drawdown, no halt, the budget as before
    expect(retry.riskMode).toBe('NORMAL');
    expect(retry.decisions.filter((d) => d.startsWith('risk_budget:'))).toEqual(['risk_budget:OK']);
    expect(retry.reasonsNoAction).toEqual(['no_planned_actions']);
  });

  it("one cycle's rejects feed the next cycle's degrade: the reject spike is saved, the next cycle reduces risk", async () => {
    h = await stage3Harness({
      env: { ...LIVE_SIM_ENV, SYMBOLS: 'BTCTRY', REJECT_SPIKE_THRESHOLD: '1', DEGRADE_WARN_THRESHOLD: '1' },
    });
    // the venue refuses the order: the account's TRY is gone by the time it arrives
    const refused = await stage4Cycle(h, {
      exchange: {
        ...h.exchange,
        placeLimitOrder: (order) => {
          h.sim.control.setBalance('TRY', '0');
          return h.exchange.placeLimitOrder(order);
        },
      },
    });
    expect(refused.execution?.rejected).toBe(1);
    expect(refused.riskMode).toBe('NORMAL');
    expect(refused.degradeLevel).toBe(0);
    expect(refused.nextDegradeLevel).toBe(1);
    const saved = (await loadDegradeState(h.stores.documents, ACCOUNT)).value;
    expect(saved).toMatchObject({ level: 1, reasons: ['ORDER_REJECT_SPIKE'] });
    expect(JSON.parse((await h.stores.audits.latest('stage4', ACCOUNT, 1))[0]?.summary ?? '{}')).toMatchObject({
      degrade_level: 0,
      degrade_level_next: 1,
      anomalies: ['ORDER_REJECT_SPIKE:WARN'],
    });

    h.sim.control.setBalance('TRY', '1000000');
    const next = await stage4Cycle(h);
    expect(next.degradeLevel).toBe(1);
    expect(next.riskMode).toBe('REDUCE_RISK_ONLY');
    expect(next.execution?.submitted).toBe(0);
    expect(next.reasonsNoAction).toContain('degrade:ORDER_REJECT_SPIKE');
  });

  it('the 1123 breaker: every configured symbol cooling down is degrade level 3 (BREAKER_OPEN)', async () => {
    h = await stage3Harness({ env: { ...LIVE_SIM_ENV, SYMBOLS: 'BTCTRY' } });
    await coolDown(h, 'BTCTRY');
    const result = await stage4Cycle(h);
    expect(result.degradeLevel).toBe(3);
    expect(result.riskMode).toBe('OBSERVE_ONLY');
    expect(result.decisions).toContain('degrade:BREAKER_OPEN');
    expect(h.exchange.writes.submits).toBe(0);
    const summary = JSON.parse((await h.stores.audits.latest('stage4', ACCOUNT, 1))[0]?.summary ?? '{}');
    expect(summary).toMatchObject({ breaker_state: 'open', cooling_symbols: ['BTCTRY'], degrade_level: 3 });
  });

  it('one symbol cooling down opens no breaker: the gate holds that symbol back, the others trade', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    await coolDown(h, 'BTCTRY');
    const result = await stage4Cycle(h);
    expect(result.degradeLevel).toBe(0);
    expect(result.riskMode).toBe('NORMAL');
    expect(result.decisions).toContain('execution:exchange_reject_1123_cooldown_gate');
    expect(await h.exchange.openOrders('BTCTRY')).toEqual([]);
    expect(await h.exchange.openOrders('ETHTRY')).toHaveLength(1);
    const summary = JSON.parse((await h.stores.audits.latest('stage4', ACCOUNT, 1))[0]?.summary ?? '{}');
    expect(summary).toMatchObject({ breaker_state: 'closed', cooling_symbols: ['BTCTRY'] });
  });
});

/** Records REJECT1123_THRESHOLD min-total rejects of `symbol` now: its 1123 cooldown starts */
async function coolDown(harness: Stage3Harness, symbol: string): Promise<void> {
  const c = harness.config;
  const policy = {
    windowMinutes: c.REJECT1123_WINDOW_MINUTES,
    threshold: c.REJECT1123_THRESHOLD,
    cooldownMinutes: c.REJECT1123_COOLDOWN_MINUTES,
  };
  for (let i = 0; i < c.REJECT1123_THRESHOLD; i++)
    await harness.stores.cooldowns.recordReject(symbol, Math.floor(harness.clock.nowMs() / 1000), policy);
}

// Stage 4 regular SUBMIT/CANCEL execution against the BTCTurk simulator: what reaches the venue's book,
// not only what the journal says.
import { afterEach, describe, expect, it } from 'vitest';
import { executeStage4Actions } from '../../../shared/application/stage4/execute-actions';
import { dec } from '../../../shared/domain/money';
import { restingBuy, unknownBuy } from '../../support/stage3-harness';
import { ACCOUNT, cancelAction, type Stage4Harness, stage4Harness, submitAction } from '../../support/stage4-harness';

let h: Stage4Harness;
afterEach(async () => {
  await h.close();
});

const codes = (result: { decisions: readonly { code: string }[] }) => result.decisions.map((d) => d.code);
const POLICY = { windowMinutes: 60, threshold: 1, cooldownMinutes: 240 };

describe('stage 4 SUBMIT', () => {
  it('places exactly one venue order, journaled under its intent; the same SUBMIT again places none', async () => {
    h = await stage4Harness();
    const action = submitAction(h, { clientOrderId: 'bb4-BTCTRY-b-intent1' });
    const first = await executeStage4Actions(h.executionDeps(), [action], h.plan());
    expect(first.counters.submitted).toBe(1);
    const order = await h.stores.journal.latestForIntent(ACCOUNT, action.clientOrderId);
    expect(order?.status).toBe('OPEN');
    const venue = await h.venueOpen();
    expect(venue.map((o) => o.clientOrderId)).toEqual([order?.clientOrderId]);
    expect(venue[0]?.price.eq(action.price)).toBe(true);

    const again = await executeStage4Actions(h.executionDeps(), [action], h.plan());
    expect(again.counters.submitted).toBe(0);
    expect(codes(again)).toEqual(['open_order_exists']);
    expect(await h.venueOpen()).toHaveLength(1);
    expect(h.exchange.writes.submits).toBe(1);
  });

  it('dedupes a new client id on a symbol and side with an order resting, and any side of a symbol in flight', async () => {
    h = await stage4Harness();
    await restingBuy(h, 'BTCTRY');
    await unknownBuy(h, 'ETHTRY');
    const writes = h.exchange.writes.submits;
    const result = await executeStage4Actions(
      h.executionDeps(),
      [
        submitAction(h, { clientOrderId: 'bb4-BTCTRY-b-other' }),
        submitAction(h, { clientOrderId: 'bb4-ETHTRY-s-other', symbol: 'ETHTRY', side: 'SELL', qty: dec('0.5') }),
      ],
      h.plan(),
    );
    expect(codes(result)).toEqual(['open_order_exists', 'in_flight']);
    expect(h.exchange.writes.submits).toBe(writes);
    expect(await h.venueOpen('BTCTRY')).toHaveLength(1);
    expect(await h.venueOpen('ETHTRY')).toHaveLength(1);
  });

  it('an active 1123 cooldown rejects the SUBMIT before anything is journaled or sent', async () => {
    h = await stage4Harness();
    await h.stores.cooldowns.recordReject('BTCTRY', Math.floor(h.clock.nowMs() / 1000), POLICY);
    const action = submitAction(h, { clientOrderId: 'bb4-BTCTRY-b-cool' });
    const result = await executeStage4Actions(h.executionDeps(), [action], h.plan());
    expect(codes(result)).toEqual(['exchange_reject_1123_cooldown_gate']);
    expect(result.counters.rejectedByCode).toEqual({ exchange_reject_1123_cooldown_gate: 1 });
    expect(await h.stores.journal.latestForIntent(ACCOUNT, action.clientOrderId)).toBeUndefined();
    expect(h.exchange.writes.submits).toBe(0);
    expect(await h.venueOpen()).toEqual([]);
  });

  it('a cooldown that cannot be read rejects every SUBMIT', async () => {
    h = await stage4Harness();
    const cooldowns = {
      recordReject: h.stores.cooldowns.recordReject.bind(h.stores.cooldowns),
      active: () => Promise.reject(new Error('table gone')),
    };
    const deps = h.executionDeps({ cooldowns });
    const result = await executeStage4Actions(deps, [submitAction(h, { clientOrderId: 'bb4-x' })], h.plan());
    expect(codes(result)).toEqual(['exchange_reject_1123_state_read_failed']);
    expect(h.exchange.writes.submits).toBe(0);
  });

  it('a venue 1123 reject is recorded against the symbol, and its cooldown gates the next SUBMIT', async () => {
    h = await stage4Harness();
    const price = h.bid().mul('0.7').toDecimalPlaces(0);
    const tiny = submitAction(h, { clientOrderId: 'bb4-tiny', price, qty: dec('50').div(price).toDecimalPlaces(6, 1) });
    const next = submitAction(h, { clientOrderId: 'bb4-next', side: 'SELL', price: price.mul(2), qty: dec('0.01') });
    const deps = h.executionDeps({ settings: { ...h.config, REJECT1123_THRESHOLD: 1 } });
    const result = await executeStage4Actions(deps, [tiny, next], h.plan());
    expect(codes(result)).toEqual(['exchange_reject_1123', 'exchange_reject_1123_cooldown_gate']);
    expect(result.counters.rejectedMinNotional).toBe(1);
    expect(result.counters.rejected).toBe(2);
    const [row] = await h.stores.cooldowns.active(Math.floor(h.clock.nowMs() / 1000));
    expect(row?.symbol).toBe('BTCTRY');
    expect(h.exchange.writes.submits).toBe(1);
  });
});

describe('stage 4 CANCEL', () => {
  it('cancels our resting order at the venue; a closed order is skipped', async () => {
    h = await stage4Harness();
    const resting = await restingBuy(h);
    const first = await executeStage4Actions(h.executionDeps(), [cancelAction(resting)], h.plan());
    expect(first.counters.canceled).toBe(1);
    expect(await h.venueOpen()).toEqual([]);
    await h.settle();
    expect((await h.stores.journal.get(ACCOUNT, resting.clientOrderId))?.status).toBe('CANCELED');
    const again = await executeStage4Actions(h.executionDeps(), [cancelAction(resting)], h.plan());
    expect(codes(again)).toEqual(['cancel_order_not_resting']);
    expect(h.exchange.writes.cancels).toBe(1);
  });

  it('an order without an exchange order id is not canceled', async () => {
    h = await stage4Harness();
    const unknown = await unknownBuy(h);
    await h.stores.journal.transition(unknown, 'OBSERVED_OPEN', {}, h.clock.nowMs());
    const result = await executeStage4Actions(h.executionDeps(), [cancelAction(unknown)], h.plan());
    expect(codes(result)).toEqual(['cancel_missing_exchange_order_id']);
    expect(h.exchange.writes.cancels).toBe(0);
  });

  it('under the kill switch only CANCELs reach the venue; with KILL_SWITCH_FREEZE_ALL none does', async () => {
    h = await stage4Harness();
    const resting = await restingBuy(h);
    const other = await restingBuy(h, 'ETHTRY');
    h.killSwitch.set(true);
    const actions = [submitAction(h, { clientOrderId: 'bb4-ks', side: 'SELL', qty: dec('0.01') })];
    const plan = h.plan({ killSwitchActive: true });
    const result = await executeStage4Actions(h.executionDeps(), [...actions, cancelAction(resting)], plan);
    expect(codes(result)).toEqual(['kill_switch']);
    expect(result.counters.canceled).toBe(1);
    expect(await h.venueOpen()).toEqual([]);

    const frozen = await executeStage4Actions(h.executionDeps({}, true), [cancelAction(other)], {
      ...plan,
      freezeAll: true,
    });
    expect(codes(frozen)).toEqual(['kill_switch_freeze_all']);
    expect(await h.venueOpen('ETHTRY')).toHaveLength(1);
    expect(h.exchange.writes).toEqual({ submits: 2, cancels: 1 });
  });

  it('the cancel gate still stops a CANCEL under KILL_SWITCH_FREEZE_ALL even when the plan missed it', async () => {
    h = await stage4Harness();
    const resting = await restingBuy(h);
    h.killSwitch.set(true);
    const result = await executeStage4Actions(h.executionDeps({}, true), [cancelAction(resting)], h.plan());
    expect(codes(result)).toEqual(['gate_closed']);
    expect(await h.venueOpen()).toHaveLength(1);
  });
});

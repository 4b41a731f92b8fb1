// Live stale-order cancellation (spec 2.10, fixed per 9.1.6): resting orders older than TTL_SECONDS are
// canceled through the journal (CANCEL_REQUESTED first); an uncertain cancel is settled by reconcile.
import { afterEach, describe, expect, it } from 'vitest';
import { restingBuy, type Stage3Harness, stage3Harness } from '../../support/stage3-harness';

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('stale order cancellation', () => {
  it('cancels a resting order older than TTL_SECONDS and records it CANCELED once the venue settles it', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY', TTL_SECONDS: '120', MAX_OPEN_ORDERS_PER_SYMBOL: '1' } });
    const order = await restingBuy(h);
    const young = await h.cycle();
    expect(young.counters.cancelRequested).toBe(0);
    h.clock.advance(121_000);
    const stale = await h.cycle();
    expect(stale.counters.cancelRequested).toBe(1);
    expect(h.exchange.writes.cancels).toBe(1);
    expect((await h.stores.journal.get('default', order.clientOrderId))?.status).toBe('CANCEL_REQUESTED');
    h.clock.advance(31_000);
    await h.cycle();
    expect((await h.stores.journal.get('default', order.clientOrderId))?.status).toBe('CANCELED');
  });

  it('an uncertain cancel goes to reconcile, which settles it from the exchange state', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY', TTL_SECONDS: '60', RECONCILE_CANCEL_GRACE_SECONDS: '0' } });
    const order = await restingBuy(h);
    h.clock.advance(61_000);
    h.sim.control.injectNext({ kind: 'drop', method: 'DELETE', path: '/api/v1/order' });
    const cycle = await h.cycle();
    expect(cycle.counters.cancelUncertain).toBe(1);
    expect(h.queue.bodies.map((m) => m.reason)).toEqual(['cancel_uncertain']);
    h.clock.advance(1_000);
    await h.drainReconcile();
    expect((await h.stores.journal.get('default', order.clientOrderId))?.status).toBe('CANCELED');
  });
});

// The order safety protocol where it used to leak (issue: no order the journal cannot account for): a settle
// by someone else during recovery, refresh or cancel; a superseded lease; the kill switch flipped between two
// writes of one cycle; foreign, vanished and unknown-status orders on the venue. Each is checked against the
// simulator's own books, not only against the journal.
import { afterEach, describe, expect, it } from 'vitest';
import { CorruptStateError, StaleLeaseError } from '../../../shared/domain/errors';
import { dec } from '../../../shared/domain/money';
import type { Exchange } from '../../../shared/ports/exchange';
import type { JournalOrder, OrderJournal } from '../../../shared/ports/state-store';
import { restingBuy, type Stage3Harness, stage3Harness } from '../../support/stage3-harness';

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * A journal on which another writer settles `clientOrderId` (as the venue reports it) right before this
 * writer's next write to it: the conditional write the cycle then makes is refused
 */
function racedJournal(inner: OrderJournal, clientOrderId: string, settle: (o: JournalOrder) => Promise<void>) {
  let raced = false;
  const race = async (order: JournalOrder) => {
    if (raced || order.clientOrderId !== clientOrderId) return;
    raced = true;
    await settle(order);
  };
  const journal: OrderJournal = {
    create: (...a) => inner.create(...a),
    get: (...a) => inner.get(...a),
    listByStatus: (...a) => inner.listByStatus(...a),
    latestForIntent: (...a) => inner.latestForIntent(...a),
    countByStatus: (...a) => inner.countByStatus(...a),
    transition: async (order, event, patch, now, fence) => {
      await race(order);
      return inner.transition(order, event, patch, now, fence);
    },
    update: async (order, patch, now, fence) => {
      await race(order);
      return inner.update(order, patch, now, fence);
    },
  };
  return { journal, raced: () => raced };
}

describe('a settle by someone else is not an error', () => {
  it('recovery: reconcile settles the UNKNOWN order first; the cycle re-reads it and completes', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    h.sim.control.injectNext({ kind: 'timeout-after-create', method: 'POST', path: '/api/v1/order' });
    const first = await h.cycle('cycle-1');
    expect(first.counters.unknown).toBe(1);
    const [unknown] = await h.stores.journal.listByStatus('default', ['UNKNOWN']);
    if (!unknown) throw new Error('expected an UNKNOWN order');
    const journal = h.stores.journal;
    const race = racedJournal(journal, unknown.clientOrderId, async () => {
      await h?.drainReconcile(); // the reconcile function settles it from the venue meanwhile
    });
    const second = await h.cycle('cycle-2', { journal: race.journal });
    expect(race.raced()).toBe(true);
    expect(second.status).toBe('completed');
    const settled = await journal.get('default', unknown.clientOrderId);
    expect(['OPEN', 'PARTIAL', 'FILLED']).toContain(settled?.status);
    expect(h.sim.control.state().orders.total).toBe(1);
  });

  it('refresh and cancel: the order was closed elsewhere; the cycle completes and sends no cancel', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY', TTL_SECONDS: '30', MIN_PROFIT_BPS: '0' } });
    const order = await restingBuy(h);
    h.clock.advance(60_000);
    const journal = h.stores.journal;
    const race = racedJournal(journal, order.clientOrderId, async (stale) => {
      await journal.transition(stale, 'OBSERVED_CANCELED', {}, h?.clock.nowMs() ?? 0);
    });
    const cancelsBefore = h.exchange.writes.cancels;
    const result = await h.cycle('cycle-2', { journal: race.journal });
    expect(race.raced()).toBe(true);
    expect(result.status).toBe('completed');
    expect(h.exchange.writes.cancels).toBe(cancelsBefore);
    expect((await journal.get('default', order.clientOrderId))?.status).toBe('CANCELED');
  });
});

describe('every write is fenced by the lease epoch', () => {
  it('a journal transition under a superseded epoch is refused and writes nothing', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const order = await restingBuy(h);
    const first = await h.stores.leases.acquire('trading#default', 'slow', 1_000, h.clock.nowMs());
    if (!first) throw new Error('lease not free');
    h.clock.advance(2_000);
    await h.stores.leases.acquire('trading#default', 'newer', 60_000, h.clock.nowMs());
    const stale = { name: first.name, epoch: first.epoch };
    await expect(
      h.stores.journal.transition(order, 'CANCEL_REQUESTED', {}, h.clock.nowMs(), stale),
    ).rejects.toBeInstanceOf(StaleLeaseError);
    await expect(h.stores.journal.update(order, { notFoundChecks: 1 }, h.clock.nowMs(), stale)).rejects.toBeInstanceOf(
      StaleLeaseError,
    );
    expect(await h.stores.journal.get('default', order.clientOrderId)).toEqual(order);
  });

  it('a cycle whose lease is taken over mid-cycle sends no further exchange write', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY,ETHTRY', LEASE_TTL_SECONDS: '30' } });
    const harness = h;
    // the lease expires during the first submit (a slow call) and another invocation takes it over
    const slowExchange: Exchange = {
      ...harness.exchange,
      placeLimitOrder: async (order) => {
        const ack = await harness.exchange.placeLimitOrder(order);
        harness.clock.advance(31_000);
        await harness.stores.leases.acquire('trading#default', 'takeover', 60_000, harness.clock.nowMs());
        return ack;
      },
    };
    const result = await harness.cycle('cycle-1', { exchange: slowExchange });
    expect(result.status).toBe('lease_lost');
    expect(harness.exchange.writes.submits).toBe(1);
    expect(harness.sim.control.state().orders.total).toBe(1);
  });
});

describe('the gates are re-checked right before every live write', () => {
  it('the kill switch turned on after the first submit stops the second one', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY,ETHTRY' } });
    const harness = h;
    const flipping: Exchange = {
      ...harness.exchange,
      placeLimitOrder: async (order) => {
        const ack = await harness.exchange.placeLimitOrder(order);
        harness.killSwitch.set(true);
        return ack;
      },
    };
    const result = await harness.cycle('cycle-1', { exchange: flipping });
    expect(result.counters.approved).toBe(2);
    expect(harness.exchange.writes.submits).toBe(1);
    expect(result.counters.gateBlocked).toBe(1);
    expect(result.decisions).toContain('execution_block:gate_closed');
    expect(harness.sim.control.state().orders.total).toBe(1);
    const failed = await harness.stores.journal.listByStatus('default', ['FAILED']);
    expect(failed.map((o) => o.lastError)).toEqual(['gate_closed:policy_block:kill_switch']);
  });
});

describe('refresh sees every configured symbol', () => {
  it('imports a foreign open order on a symbol the journal has nothing on, and counts it against limits', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY,ETHTRY', MAX_OPEN_ORDERS_PER_SYMBOL: '1' } });
    const bid = dec(h.sim.control.state().pairs.find((p) => p.symbol === 'ETHTRY')?.bid ?? '0');
    const foreignId = h.sim.control.placeOrder({
      symbol: 'ETHTRY',
      side: 'buy',
      price: bid.mul('0.7').toDecimalPlaces(0).toFixed(),
      quantity: '0.01',
      clientId: 'advanced',
    });
    const result = await h.cycle('cycle-1');
    expect(result.counters.imported).toBe(1);
    const imported = await h.stores.journal.get('default', `ext-${foreignId}`);
    expect(imported).toMatchObject({ status: 'OPEN', symbol: 'ETHTRY', exchangeOrderId: String(foreignId) });
    expect(result.decisions.some((d) => d.includes('max_open_orders'))).toBe(true);
    const venueOrders = await h.exchange.allOrders('ETHTRY', 0);
    expect(venueOrders.map((o) => o.clientOrderId)).toEqual(['advanced']);
    // the next cycle neither imports it twice nor cancels it when it is old
    h.clock.advance(600_000);
    const next = await h.cycle('cycle-2');
    expect(next.counters.imported).toBe(0);
    expect(h.exchange.writes.cancels).toBe(0);
  });

  it('stops on a corrupt journal item met while importing, instead of skipping the symbol as unavailable', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'ETHTRY', MAX_OPEN_ORDERS_PER_SYMBOL: '1' } });
    const bid = dec(h.sim.control.state().pairs.find((p) => p.symbol === 'ETHTRY')?.bid ?? '0');
    h.sim.control.placeOrder({
      symbol: 'ETHTRY',
      side: 'buy',
      price: bid.mul('0.7').toDecimalPlaces(0).toFixed(),
      quantity: '0.01',
      clientId: 'advanced',
    });
    const stored = h.stores.journal;
    const corruptGet = async (account: string, clientOrderId: string) => {
      if (!clientOrderId.startsWith('ext-')) return stored.get(account, clientOrderId);
      throw new CorruptStateError(`DynamoDB item ACCT#${account} / ORDER#${clientOrderId}`, [
        { path: 'symbol', message: 'expected a canonical pair symbol such as BTCTRY, was "ethtry"' },
      ]);
    };
    const corrupt = new Proxy(stored, {
      get: (target, name) => {
        if (name === 'get') return corruptGet;
        const value = Reflect.get(target, name);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(h.cycle('cycle-1', { journal: corrupt })).rejects.toBeInstanceOf(CorruptStateError);
    // the foreign order is the only one on the venue: no second order was placed beside it
    expect(h.exchange.writes.submits).toBe(0);
    expect(h.sim.control.state().orders.total).toBe(1);
  });

  it('closes an acknowledged order the venue no longer lists anywhere after the grace and N refreshes', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY', RECONCILE_NOT_PLACED_CHECKS: '2', TTL_SECONDS: '3600' } });
    const order = await restingBuy(h);
    expect(h.sim.control.vanishOrder(Number(order.exchangeOrderId))).toBe(true);
    const first = await h.cycle('cycle-1');
    expect(first.counters.closedMissing).toBe(0);
    expect((await h.stores.journal.get('default', order.clientOrderId))?.status).toBe('OPEN');
    h.clock.advance(61_000);
    const second = await h.cycle('cycle-2');
    expect(second.counters.closedMissing).toBe(1);
    expect(second.decisions).toContain('refresh:missing_on_exchange_after_grace');
    expect(await h.stores.journal.get('default', order.clientOrderId)).toMatchObject({
      status: 'CANCELED',
      lastError: 'missing_on_exchange_after_grace',
    });
  });

  it('an order status the venue added later is an UNKNOWN observation, not an aborted cycle', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const harness = h;
    const order = await restingBuy(h);
    const renamed: Exchange = {
      ...harness.exchange,
      openOrders: async (symbol) =>
        (await harness.exchange.openOrders(symbol)).map((o) => ({ ...o, status: 'UNKNOWN' as const })),
    };
    const result = await harness.cycle('cycle-1', { exchange: renamed });
    expect(result.status).toBe('completed');
    expect((await harness.stores.journal.get('default', order.clientOrderId))?.status).toBe('OPEN');
  });
});

describe('a late cycle does not run', () => {
  it('an event older than CYCLE_MAX_EVENT_AGE_SECONDS takes no lease and sends nothing', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY', CYCLE_MAX_EVENT_AGE_SECONDS: '90' } });
    const late = await h.cycle('late', {}, h.clock.nowMs() - 91_000);
    expect(late.status).toBe('expired');
    expect(late.decisions).toEqual(['cycle:event_too_old']);
    expect(h.exchange.writes.submits).toBe(0);
    expect(await h.stores.leases.read('trading#default')).toBeUndefined();
    const onTime = await h.cycle('on-time', {}, h.clock.nowMs() - 30_000);
    expect(onTime.status).toBe('completed');
    expect(h.exchange.writes.submits).toBe(1);
  });
});

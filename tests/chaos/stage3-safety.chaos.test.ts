// Seeded fault schedules against the whole stage 3 path (simulator faults, lost responses, 5xx, 429s,
// duplicated reconcile deliveries), then reconcile until quiet and check the safety invariants:
// one exchange order per client id, every exchange order journaled, nothing left in flight, and journal
// fill progress equal to the unique fills, never above the ordered quantity.
import { afterEach, describe, expect, it } from 'vitest';
import { createPrng, type Prng } from '../../local/market/prng';
import { placeOrder } from '../../shared/application/place-order';
import { dec, sumDec } from '../../shared/domain/money';
import { type Stage3Harness, stage3Harness } from '../support/stage3-harness';

const SEEDS = [101, 202, 303, 404, 505];
const CYCLES = 12;

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Extra intents around the market, placed by the same protocol the cycle uses, so faults hit many orders */
async function placeRandomOrders(harness: Stage3Harness, rng: Prng, tag: string): Promise<void> {
  const lease = await harness.stores.leases.acquire('stage3#default', `chaos-${tag}`, 5_000, harness.clock.nowMs());
  if (!lease) return;
  try {
    for (let i = 0; i < 3; i++) {
      const symbol = rng.next() < 0.5 ? 'BTCTRY' : 'ETHTRY';
      const side = rng.next() < 0.5 ? 'BUY' : 'SELL';
      const pair = harness.sim.control.state().pairs.find((p) => p.symbol === symbol);
      const mid = dec(pair?.bid ?? '0')
        .add(dec(pair?.ask ?? '0'))
        .div(2);
      const price = mid.mul(dec(String(0.99 + rng.next() * 0.02))).toDecimalPlaces(symbol === 'BTCTRY' ? 0 : 2);
      const qty = dec(String(150 + Math.floor(rng.next() * 150)))
        .div(price)
        .toDecimalPlaces(symbol === 'BTCTRY' ? 8 : 6, 1);
      await placeOrder(
        harness.deps,
        { account: 'default', stage: 'stage3', cycleId: tag, intentKey: `${tag}-${i}`, symbol, side, price, qty },
        { name: lease.name, epoch: lease.epoch },
      );
    }
  } finally {
    await harness.stores.leases.release(lease);
  }
}

/** Delivers every visible message twice (SQS is at-least-once), advancing time so grace windows pass */
async function reconcileUntilQuiet(harness: Stage3Harness): Promise<void> {
  for (let round = 0; round < 12 && harness.queue.size > 0; round++) {
    harness.clock.advance(40_000);
    const bodies = harness.queue.bodies;
    await harness.drainReconcile();
    for (const b of bodies) await harness.queue.enqueue(b);
    await harness.drainReconcile();
  }
}

describe('stage 3 safety under seeded faults', () => {
  it.each(SEEDS)('seed %i: no order twice, none lost, fills exact', async (seed) => {
    h = await stage3Harness({
      env: { SYMBOLS: 'BTCTRY,ETHTRY', RECONCILE_NOT_PLACED_CHECKS: '2', TTL_SECONDS: '90', MIN_PROFIT_BPS: '0' },
      sim: { seed, faults: { profile: 'lost-responses', errorRate: 0.05, rateLimitEvery: 13, rateLimitBurst: 1 } },
    });
    const rng = createPrng(seed, 'chaos-intents');
    const statuses: string[] = [];
    let uncertain = 0;
    for (let i = 0; i < CYCLES; i++) {
      // a cycle may fail on an unreachable exchange; the next one recovers, which is what is checked
      const result = await h
        .cycle(`chaos-${seed}-${i}`)
        .catch((e: unknown) => ({ status: (e as Error).name, counters: { unknown: 0 } }));
      statuses.push(result.status);
      await placeRandomOrders(h, rng, `chaos-${seed}-${i}-extra`);
      uncertain += result.counters.unknown;
      await h.drainReconcile();
      h.sim.control.advanceMarket(60_000);
    }
    h.sim.control.setFaults('none');
    await reconcileUntilQuiet(h);
    await h.cycle(`chaos-${seed}-final`);
    await reconcileUntilQuiet(h);

    const journal = h.stores.journal;
    const counts = await journal.countByStatus('default');
    expect(counts.PENDING_SUBMIT + counts.UNKNOWN).toBe(0);
    const journaled = await journal.listByStatus('default', [
      'OPEN',
      'PARTIAL',
      'FILLED',
      'CANCEL_REQUESTED',
      'CANCELED',
      'REJECTED',
      'FAILED',
    ]);
    const byClientId = new Map(journaled.map((o) => [o.clientOrderId, o]));
    console.info(
      `chaos seed ${seed}: cycles ${statuses.join(',')}; ${journaled.length} orders, ${uncertain} uncertain submits`,
    );
    expect(journaled.length).toBeGreaterThan(0);

    for (const symbol of ['BTCTRY', 'ETHTRY']) {
      const venue = await h.exchange.allOrders(symbol, 0);
      const seen = new Map<string, number>();
      for (const v of venue) seen.set(v.clientOrderId, (seen.get(v.clientOrderId) ?? 0) + 1);
      for (const [clientId, n] of seen) {
        expect(n, `${clientId} placed ${n} times`).toBe(1);
        expect(byClientId.has(clientId), `${clientId} on the exchange but not journaled`).toBe(true);
      }
      const fills = await h.stores.fills.list('default', symbol, 0);
      for (const order of journaled.filter((o) => o.symbol === symbol && o.exchangeOrderId)) {
        const own = fills.filter((f) => f.orderId === order.exchangeOrderId);
        const filled = sumDec(own.map((f) => f.qty));
        expect(new Set(own.map((f) => f.tradeId)).size).toBe(own.length);
        expect(filled.lte(order.qty)).toBe(true);
        if (order.status === 'FILLED') expect(filled.eq(order.qty)).toBe(true);
        expect(order.filledQty.lte(order.qty)).toBe(true);
      }
    }
  });
});

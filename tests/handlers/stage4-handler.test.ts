// The exported stage 4 cycle handler driven by events/stage4-cycle/scheduled.json on memory stores and the
// BTCTurk simulator: one cycle per event named by it, stale and malformed events refused, and the account's one
// trading lease keeping stage 3 and stage 4 from trading the account at the same time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler as createStage3Handler } from '../../functions/stage3-cycle/handler';
import { createHandler as createStage4Handler } from '../../functions/stage4-cycle/handler';
import { SCHEDULE_INPUT } from '../../lib/stateless-stack';
import { tradingLeaseName } from '../../shared/application/trading-lease';
import { ValidationError } from '../../shared/domain/errors';
import { JOURNAL_STATUSES } from '../../shared/domain/order-state';
import type { LeaseStore } from '../../shared/ports/state-store';
import { countingExchange, type Stage3Harness, stage3Harness } from '../support/stage3-harness';
import { ACCOUNT, stage4CycleDeps } from '../support/stage4-harness';

const event = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'events', path), 'utf8'));
const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;
const STAGE4_EVENT = event('stage4-cycle/scheduled.json');
const STAGE3_EVENT = event('stage3-cycle/scheduled.json');

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const started = async () => {
  h = await stage3Harness();
  return h;
};

/** A stage 4 handler over the harness's world writing through its own counting exchange */
function stage4Handler(harness: Stage3Harness) {
  const exchange = countingExchange(harness.exchange);
  const deps = { ...stage4CycleDeps(harness), exchange };
  return { handler: createStage4Handler(() => deps), writes: exchange.writes };
}

/** A stage 3 handler over the harness's world writing through its own counting exchange */
function stage3Handler(harness: Stage3Harness, leases: LeaseStore = harness.stores.leases) {
  const exchange = countingExchange(harness.exchange);
  const deps = { ...harness.deps, exchange, leases };
  return { handler: createStage3Handler(() => deps), writes: exchange.writes };
}

/** Leases that, once one is taken, hold the taker there (lease held) until `resume()` */
function pausedAfterAcquire(inner: LeaseStore) {
  let signalHeld = () => {};
  let resume = () => {};
  const held = new Promise<void>((resolve) => {
    signalHeld = resolve;
  });
  const gate = new Promise<void>((resolve) => {
    resume = resolve;
  });
  const leases: LeaseStore = {
    async acquire(name, holder, ttlMs, nowMs) {
      const lease = await inner.acquire(name, holder, ttlMs, nowMs);
      signalHeld();
      await gate;
      return lease;
    },
    release: (lease) => inner.release(lease),
    read: (name) => inner.read(name),
  };
  return { leases, held, resume };
}

const ourVenueOrders = () => h?.sim.control.state().orders.total;

describe('stage4-cycle handler', () => {
  it('runs one live cycle for events/stage4-cycle/scheduled.json, named by the event id', async () => {
    const harness = await started();
    const { handler, writes } = stage4Handler(harness);

    const result = await handler(STAGE4_EVENT, context('req-1'));

    expect(result.status).toBe('completed');
    expect(result.mode).toBe('LIVE');
    expect(writes.submits).toBeGreaterThan(0);
    const audits = await harness.stores.audits.latest('stage4', ACCOUNT, 10);
    expect(audits.map((a) => a.cycleId)).toEqual([STAGE4_EVENT.id]);
    const journal = await harness.stores.journal.listByStatus(ACCOUNT, [...JOURNAL_STATUSES]);
    expect(journal.length).toBe(writes.submits);
    for (const order of journal) expect(order).toMatchObject({ stage: 'stage4', cycleId: STAGE4_EVENT.id });
    // what the venue holds is what the journal says this cycle placed
    const resting = [
      ...(await harness.exchange.openOrders('BTCTRY')),
      ...(await harness.exchange.openOrders('ETHTRY')),
    ];
    expect(resting.map((o) => o.clientOrderId).sort()).toEqual(journal.map((o) => o.clientOrderId).sort());
  });

  it('runs the cycle the deployed schedule fires: the Scheduler input, its cycle id holding ":"', async () => {
    const harness = await started();
    const { handler, writes } = stage4Handler(harness);
    const time = new Date(harness.clock.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const fired = {
      ...SCHEDULE_INPUT,
      id: 'c0ffee00-0000-4000-8000-000000000001',
      time,
      resources: ['arn:aws:scheduler:eu-central-1:123456789012:schedule/default/btcbot-dev-stage4'],
    };

    const result = await handler(fired, context('req-s'));

    expect(result.status).toBe('completed');
    expect(writes.submits).toBeGreaterThan(0);
    const [audit] = await harness.stores.audits.latest('stage4', ACCOUNT, 1);
    expect(audit?.cycleId).toBe(`btcbot-dev-stage4@${time}`);
  });

  it('runs a cycle for an event just inside CYCLE_MAX_EVENT_AGE_SECONDS', async () => {
    const harness = await started();
    harness.clock.advance(harness.config.CYCLE_MAX_EVENT_AGE_SECONDS * 1000 - 1000);

    const result = await stage4Handler(harness).handler(STAGE4_EVENT, context('req-2'));

    expect(result.status).toBe('completed');
  });

  it('runs no cycle for an event older than CYCLE_MAX_EVENT_AGE_SECONDS: status expired, the venue untouched', async () => {
    const harness = await started();
    harness.clock.advance(harness.config.CYCLE_MAX_EVENT_AGE_SECONDS * 1000 + 1000);
    const { handler, writes } = stage4Handler(harness);

    const result = await handler(STAGE4_EVENT, context('req-3'));

    expect(result).toMatchObject({ status: 'expired', mode: 'BLOCKED', decisions: ['cycle:event_too_old'] });
    expect(writes).toEqual({ submits: 0, cancels: 0 });
    expect(ourVenueOrders()).toBe(0);
    expect(await harness.stores.leases.read(tradingLeaseName(ACCOUNT))).toBeUndefined();
  });

  it('refuses a malformed event with a ValidationError naming the fields, before the cycle starts', async () => {
    const harness = await started();
    const { handler, writes } = stage4Handler(harness);
    const malformed = { ...STAGE4_EVENT, 'detail-type': 'Manual', time: 'yesterday' };

    const err = await handler(malformed, context('req-4')).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/detail-type.*time|time.*detail-type/s);
    expect(writes).toEqual({ submits: 0, cancels: 0 });
    expect(ourVenueOrders()).toBe(0);
    expect(await harness.stores.audits.latest('stage4', ACCOUNT, 1)).toEqual([]);
    expect(await harness.stores.leases.read(tradingLeaseName(ACCOUNT))).toBeUndefined();
  });

  it('returns locked and places nothing while a stage 3 cycle holds the account lease', async () => {
    const harness = await started();
    const paused = pausedAfterAcquire(harness.stores.leases);
    const stage3 = stage3Handler(harness, paused.leases);
    const stage3Running = stage3.handler(STAGE3_EVENT, context('stage3-req'));
    await paused.held;
    expect((await harness.stores.leases.read(tradingLeaseName(ACCOUNT)))?.holder).toBe('stage3-req');
    const stage4 = stage4Handler(harness);

    const result = await stage4.handler(STAGE4_EVENT, context('stage4-req'));

    expect(result).toMatchObject({ status: 'locked', reasonsNoAction: ['lease_held_elsewhere'] });
    expect(stage4.writes).toEqual({ submits: 0, cancels: 0 });
    expect(ourVenueOrders()).toBe(0);
    paused.resume();
    expect((await stage3Running).status).toBe('completed');
    // stage 3 traded once the lease was its own to use, and only stage 3's orders reached the venue
    expect(stage3.writes.submits).toBeGreaterThan(0);
    expect(ourVenueOrders()).toBe(stage3.writes.submits);
    const journal = await harness.stores.journal.listByStatus(ACCOUNT, [...JOURNAL_STATUSES]);
    expect(new Set(journal.map((o) => o.stage))).toEqual(new Set(['stage3']));
  });

  it('and the reverse: a stage 3 invocation returns locked while a stage 4 cycle holds the account lease', async () => {
    const harness = await started();
    const paused = pausedAfterAcquire(harness.stores.leases);
    const exchange = countingExchange(harness.exchange);
    const stage4Deps = { ...stage4CycleDeps(harness), exchange, leases: paused.leases };
    const stage4Running = createStage4Handler(() => stage4Deps)(STAGE4_EVENT, context('stage4-req'));
    await paused.held;
    expect((await harness.stores.leases.read(tradingLeaseName(ACCOUNT)))?.holder).toBe('stage4-req');
    const stage3 = stage3Handler(harness);

    const result = await stage3.handler(STAGE3_EVENT, context('stage3-req'));

    expect(result).toMatchObject({ status: 'locked', decisions: ['lease_held_elsewhere'] });
    expect(stage3.writes).toEqual({ submits: 0, cancels: 0 });
    expect(ourVenueOrders()).toBe(0);
    paused.resume();
    expect((await stage4Running).status).toBe('completed');
    expect(exchange.writes.submits).toBeGreaterThan(0);
    expect(ourVenueOrders()).toBe(exchange.writes.submits);
    const journal = await harness.stores.journal.listByStatus(ACCOUNT, [...JOURNAL_STATUSES]);
    expect(new Set(journal.map((o) => o.stage))).toEqual(new Set(['stage4']));
  });
});

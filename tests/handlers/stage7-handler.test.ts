// The exported stage 7 cycle handler driven by events/stage7-cycle/scheduled.json on memory stores and the
// in-process BTCTurk simulator: one simulated cycle per event named by it, stale and malformed events and
// every environment stage 7 must not run in refused before anything is read, its own lease apart from the
// trading lease; and its composition root, which builds a gateway without credentials.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { compose } from '../../functions/stage7-cycle/compose';
import { createHandler } from '../../functions/stage7-cycle/handler';
import { LIVE_SIM_ENV } from '../../local/runner/world';
import { stage7LedgerAccount } from '../../shared/application/stage7/cycle-ledger';
import { Stage7RefusedError, stage7LeaseName } from '../../shared/application/stage7/cycle-preconditions';
import { tradingLeaseName } from '../../shared/application/trading-lease';
import { ConfigError, ExchangeUnavailableError, ValidationError } from '../../shared/domain/errors';
import { type Stage7World, stage7World } from '../integration/stage7/stage7-world';

const ACCOUNT = 'default';
const FENCE = { name: stage7LeaseName(ACCOUNT), epoch: 0 };
const EVENT: Record<string, unknown> = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'events', 'stage7-cycle', 'scheduled.json'), 'utf8'),
);
const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;
/** Public market reads only: the endpoints a stage 7 cycle may reach */
const PUBLIC = /^GET \/api\/v2\/(ticker|server\/exchangeinfo|server\/time)$/;

/** The sample event as its schedule fires it now, on the world's clock */
const firedNow = (w: Stage7World) => ({
  ...EVENT,
  time: new Date(w.clock.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
});
const handlerOf = (w: Stage7World) => createHandler(() => w.deps);

async function stored(w: Stage7World) {
  const state = await w.stores.stage7.load(ACCOUNT, FENCE);
  return {
    runs: state.runMetrics.map((r) => r.cycleId),
    ledger: await w.stores.ledger.list(stage7LedgerAccount(ACCOUNT)),
  };
}

/** Nothing was read from the venue, nothing stored, and the stage 7 lease was never taken */
async function expectUntouched(w: Stage7World) {
  expect(w.received.size).toBe(0);
  expect(await stored(w)).toEqual({ runs: [], ledger: [] });
  expect(await w.stores.leases.read(stage7LeaseName(ACCOUNT))).toBeUndefined();
}

describe('stage7-cycle handler', () => {
  it('runs one simulated cycle for events/stage7-cycle/scheduled.json, named by the event id, reading only public data', async () => {
    const w = stage7World();

    const result = await handlerOf(w)(firedNow(w), context('req-1'));

    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    expect(result.row.cycleId).toBe(EVENT.id);
    expect(result.row.counts.omsSubmitted).toBeGreaterThan(0);
    const { runs, ledger } = await stored(w);
    expect(runs).toEqual([EVENT.id]);
    expect(ledger.length).toBe(result.ledgerEventsAppended);
    expect(w.exchange.writes).toEqual({ submits: 0, cancels: 0 });
    expect([...w.received.keys()].filter((e) => !PUBLIC.test(e))).toEqual([]);
  });

  it('the same event delivered twice runs one cycle: the second is already_saved', async () => {
    const w = stage7World();
    const event = firedNow(w);
    await handlerOf(w)(event, context('req-1'));
    const before = await stored(w);

    const again = await handlerOf(w)(event, context('req-2'));

    expect(again).toEqual({ status: 'already_saved', ledgerEventsAppended: 0 });
    expect(await stored(w)).toEqual(before);
    expect(before.runs).toEqual([EVENT.id]);
  });

  it('runs a cycle for an event just inside CYCLE_MAX_EVENT_AGE_SECONDS', async () => {
    const w = stage7World();
    const event = firedNow(w);
    w.clock.advance(w.config.CYCLE_MAX_EVENT_AGE_SECONDS * 1000 - 1000);

    expect((await handlerOf(w)(event, context('req-1'))).status).toBe('completed');
  });

  it('runs no cycle for an event older than CYCLE_MAX_EVENT_AGE_SECONDS: expired, nothing read or stored', async () => {
    const w = stage7World();
    const event = firedNow(w);
    w.clock.advance(w.config.CYCLE_MAX_EVENT_AGE_SECONDS * 1000 + 1000);

    expect(await handlerOf(w)(event, context('req-1'))).toEqual({ status: 'expired' });
    await expectUntouched(w);
  });

  it('refuses a malformed event with a ValidationError naming the fields, before the cycle starts', async () => {
    const w = stage7World();
    const malformed = { ...firedNow(w), 'detail-type': 'Manual', time: 'yesterday' };

    const err = await handlerOf(w)(malformed, context('req-1')).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/detail-type.*time|time.*detail-type/s);
    await expectUntouched(w);
  });

  // every environment here loads (the loader refuses STAGE7_ENABLED=true with DRY_RUN=false or LIVE_TRADING):
  // the function itself must still refuse to run in it
  it.each([
    ['an environment armed for live trading', { ...LIVE_SIM_ENV, STAGE7_ENABLED: 'false' }, 'live_armed'],
    ['DRY_RUN=false', { DRY_RUN: 'false', STAGE7_ENABLED: 'false' }, 'not_dry_run'],
    ['STAGE7_ENABLED=false', { STAGE7_ENABLED: 'false' }, 'disabled'],
  ] as const)(
    'refuses %s with a Stage7RefusedError: no request reached the simulator, nothing stored',
    async (_name, env, reason) => {
      const w = stage7World({ env });

      const err = await handlerOf(w)(firedNow(w), context('req-1')).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(Stage7RefusedError);
      expect((err as Stage7RefusedError).reason).toBe(reason);
      expect(w.exchange.writes).toEqual({ submits: 0, cancels: 0 });
      await expectUntouched(w);
    },
  );

  it('returns locked while another stage 7 invocation holds the stage 7 lease, reading and storing nothing', async () => {
    const w = stage7World();
    const held = await w.stores.leases.acquire(stage7LeaseName(ACCOUNT), 'other-req', 60_000, w.clock.nowMs());
    expect(held).toBeDefined();

    expect(await handlerOf(w)(firedNow(w), context('req-1'))).toEqual({ status: 'locked' });
    expect(w.received.size).toBe(0);
    expect(await stored(w)).toEqual({ runs: [], ledger: [] });
    expect((await w.stores.leases.read(stage7LeaseName(ACCOUNT)))?.holder).toBe('other-req');
  });

  it('does not take the trading lease: a stage 3 invocation holding it does not lock stage 7', async () => {
    const w = stage7World();
    const trading = tradingLeaseName(ACCOUNT);
    expect(await w.stores.leases.acquire(trading, 'stage3-req', 60_000, w.clock.nowMs())).toBeDefined();

    const result = await handlerOf(w)(firedNow(w), context('stage7-req'));

    expect(result.status).toBe('completed');
    expect((await stored(w)).runs).toEqual([EVENT.id]);
    expect((await w.stores.leases.read(trading))?.holder).toBe('stage3-req');
  });
});

describe('stage7-cycle compose', () => {
  it('builds its dependencies from a minimal environment: no secret, no queue, no kill switch parameter', () => {
    const deps = compose({ STATE_TABLE_NAME: 'btcbot-state' });

    expect(Object.keys(deps).sort()).toEqual(
      ['clock', 'documents', 'exchange', 'ledger', 'leases', 'log', 'metrics', 'settings', 'stage7'].sort(),
    );
  });

  it('its exchange holds no credentials: a private call fails on the missing credentials before any request', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, message: null, code: 0, data: [] }));
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const { port } = server.address() as AddressInfo;
      const deps = compose({ STATE_TABLE_NAME: 'btcbot-state', BTCTURK_BASE_URL: `http://127.0.0.1:${port}` });

      for (const privateCall of [() => deps.exchange.balances(), () => deps.exchange.openOrders('BTCTRY')]) {
        const err = await privateCall().catch((e: unknown) => e);
        // no credentials is a configuration error, not an outage to wait out
        expect(err).toBeInstanceOf(ConfigError);
        expect(err).not.toBeInstanceOf(ExchangeUnavailableError);
        expect((err as ConfigError).message).toContain('no credentials');
      }
      expect(requests).toBe(0);
      // the same gateway does reach this server for a public read (which this stub cannot answer)
      await deps.exchange.tickers().catch(() => undefined);
      expect(requests).toBeGreaterThan(0);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});

// The metrics each exported handler publishes, as its composition root wires them (compose with the test's
// in-memory stores, the BTCTurk simulator and the real gateway as overrides): the EMF lines it writes to
// stdout, parsed with zod, one per invocation, under exactly the dimension set [service, environment,
// process_role], with the names, units and values shared/lambda/cycle-metrics.ts maps from the result.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { compose as composeReconcile } from '../../functions/reconcile/compose';
import { createHandler as createReconcileHandler } from '../../functions/reconcile/handler';
import { compose as composeStage3 } from '../../functions/stage3-cycle/compose';
import { createHandler as createStage3Handler } from '../../functions/stage3-cycle/handler';
import { compose as composeStage4 } from '../../functions/stage4-cycle/compose';
import { createHandler as createStage4Handler } from '../../functions/stage4-cycle/handler';
import { compose as composeStage7 } from '../../functions/stage7-cycle/compose';
import { createHandler as createStage7Handler } from '../../functions/stage7-cycle/handler';
import { reconcileDepsOf, simulatorGateway } from '../../local/runner/world';
import { updateOpState } from '../../shared/application/op-state';
import { tradingLeaseName } from '../../shared/application/trading-lease';
import { dec } from '../../shared/domain/money';
import { lazy } from '../../shared/lambda/lazy';
import type { CycleAuditStore, LeaseStore } from '../../shared/ports/state-store';
import { stage7World } from '../integration/stage7/stage7-world';
import { type Stage3Harness, stage3Harness } from '../support/stage3-harness';
import { stage4CycleDeps } from '../support/stage4-harness';
import { captureEmf, type EmfLine, valuesOf } from '../unit/adapters/metrics/emf-lines';

const event = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'events', path), 'utf8'));
const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;
const STAGE3_EVENT = event('stage3-cycle/scheduled.json');
const STAGE4_EVENT = event('stage4-cycle/scheduled.json');
const STAGE7_EVENT = event('stage7-cycle/scheduled.json');

/** What a deployed function's environment holds beside the defaults: its resources and its BOT_ENV */
const deployedEnv = (botEnv: string) => ({
  BOT_ENV: botEnv,
  STATE_TABLE_NAME: 'btcbot-state',
  RECONCILE_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/btcbot-reconcile',
});

const DIMENSION_SET = [['service', 'environment', 'process_role']];
const LATENCY = { cycleLatency: expect.any(Number) };

let h: Stage3Harness | undefined;
let capture: ReturnType<typeof captureEmf> | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  capture?.stop();
  capture = undefined;
  await h?.close();
  h = undefined;
  for (const close of closers.splice(0)) await close();
});

async function harness(options: Parameters<typeof stage3Harness>[0] = {}) {
  h = await stage3Harness(options);
  capture = captureEmf();
  return { h, out: capture };
}

/** The real gateway over the harness's simulator: the exchange a deployed function has, breakers included */
function gatewayOf(harness: Stage3Harness) {
  const gateway = simulatorGateway(harness.config, harness.clock);
  closers.push(() => gateway.dispatcher.close());
  return gateway.exchange;
}

function onlyLine(lines: EmfLine[], role: string, environment = 'dev'): EmfLine {
  expect(lines).toHaveLength(1);
  const [line] = lines;
  if (!line) throw new Error('no EMF line');
  expect(line.namespace).toBe('Btcbot');
  expect(line.dimensionSets).toEqual(DIMENSION_SET);
  expect(line.dimensions).toEqual({ service: 'btcbot', environment, process_role: role });
  return line;
}

describe('stage3-cycle metrics', () => {
  it('a live cycle publishes its heartbeat, latency, orders, intents, kill switch, breaker and UNKNOWN gauges', async () => {
    const { h, out } = await harness();
    const deps = composeStage3(deployedEnv('dev'), { ...h.deps, exchange: gatewayOf(h) });

    const result = await createStage3Handler(() => deps)(STAGE3_EVENT, context('req-1'));

    expect(result.status).toBe('completed');
    expect(result.counters.submitted).toBeGreaterThan(0);
    const line = onlyLine(out.lines(), 'stage3');
    expect(valuesOf(line)).toEqual({
      ...LATENCY,
      cyclesCompleted: 1,
      intentsCreated: result.counters.intents,
      intentsExecuted: result.counters.submitted,
      ordersSubmitted: result.counters.submitted,
      ordersFailed: 0,
      rejects: 0,
      reject1123: 0,
      apiErrors: 0,
      api429Backoff: 0,
      breakerOpen: 0,
      killSwitchEnabled: 0,
      unknownOrders: 0,
      unknownOrderPresent: 0,
    });
    expect(line.metrics.cyclesCompleted?.unit).toBe('Count');
    expect(line.metrics.cycleLatency?.unit).toBe('Milliseconds');
    expect(line.metrics.killSwitchEnabled?.unit).toBe('None');
    expect(line.metrics.unknownOrders?.unit).toBe('Count');
  });

  it('a cycle that throws still publishes what it recorded, but no completed cycle', async () => {
    const { h, out } = await harness();
    const audits: CycleAuditStore = {
      put: () => Promise.reject(new Error('audit table unavailable')),
      latest: (stage, account, limit) => h.stores.audits.latest(stage, account, limit),
    };
    const deps = composeStage3(deployedEnv('dev'), { ...h.deps, audits });

    const err = await createStage3Handler(() => deps)(STAGE3_EVENT, context('req-2')).catch((e: unknown) => e);

    expect((err as Error).message).toBe('audit table unavailable');
    const values = valuesOf(onlyLine(out.lines(), 'stage3'));
    expect(values.cyclesCompleted).toBeUndefined();
    expect(values).toMatchObject({ ...LATENCY, killSwitchEnabled: 0, apiErrors: 0, unknownOrders: 0 });
  });

  it('an invocation that times out while its cycle runs publishes what the cycle recorded so far', async () => {
    const { h, out } = await harness();
    const leases = h.stores.leases;
    const hung: LeaseStore = {
      acquire: () => new Promise(() => {}),
      release: (lease) => leases.release(lease),
      read: (name) => leases.read(name),
    };
    const deps = lazy(() => composeStage3(deployedEnv('dev'), { ...h.deps, leases: hung }));
    // middy ends the invocation 2 s before the deadline: here at once
    const closeToDeadline = { awsRequestId: 'req-t', getRemainingTimeInMillis: () => 2_001 } as unknown as Context;

    const err = await createStage3Handler(deps)(STAGE3_EVENT, closeToDeadline).catch((e: unknown) => e);

    expect((err as Error).name).toBe('TimeoutError');
    expect(valuesOf(onlyLine(out.lines(), 'stage3'))).toEqual({ killSwitchEnabled: 0 });
  });

  it('a cycle blocked by the kill switch is alive (completed 1) with the kill switch gauge at 1', async () => {
    const { h, out } = await harness({ killSwitchOn: true });
    const deps = composeStage3(deployedEnv('dev'), h.deps);

    const result = await createStage3Handler(() => deps)(STAGE3_EVENT, context('req-3'));

    expect(result.status).toBe('blocked');
    expect(valuesOf(onlyLine(out.lines(), 'stage3'))).toMatchObject({ cyclesCompleted: 1, killSwitchEnabled: 1 });
  });

  it('the stored escalation kill switch sets the gauge too, with the parameter off', async () => {
    const { h, out } = await harness();
    await updateOpState(h.stores.documents, 'default', (s) => ({
      ...s,
      killSwitch: { on: true, reason: 'reconcile_exhausted:x', sinceMs: 0 },
    }));
    const deps = composeStage3(deployedEnv('dev'), h.deps);

    const result = await createStage3Handler(() => deps)(STAGE3_EVENT, context('req-stored'));

    expect(result).toMatchObject({ status: 'blocked', killSwitchOn: true });
    expect(valuesOf(onlyLine(out.lines(), 'stage3'))).toMatchObject({ cyclesCompleted: 1, killSwitchEnabled: 1 });
  });

  it('an UNKNOWN order in the journal at the end of the cycle sets the UNKNOWN gauges', async () => {
    const { h, out } = await harness({ env: { SYMBOLS: 'BTCTRY' } });
    const lease = await h.stores.leases.acquire(tradingLeaseName('default'), 'earlier', 60_000, h.clock.nowMs());
    const created = await h.stores.journal.create(
      {
        account: 'default',
        clientOrderId: 'bb3-BTCTRY-b-6a2f0a9e8d7b6c5a4f3e',
        stage: 'stage3',
        symbol: 'BTCTRY',
        side: 'BUY',
        price: dec('3000000'),
        qty: dec('0.0001'),
        intentKey: 'k',
        attempt: 0,
        cycleId: 'earlier',
        createdAtMs: h.clock.nowMs(),
      },
      { name: tradingLeaseName('default'), epoch: lease?.epoch ?? 0 },
      h.clock.nowMs(),
    );
    await h.stores.journal.transition(created.order, 'SUBMIT_UNCERTAIN', {}, h.clock.nowMs());
    if (lease) await h.stores.leases.release(lease);
    const deps = composeStage3(deployedEnv('dev'), h.deps);

    const result = await createStage3Handler(() => deps)(STAGE3_EVENT, context('req-u'));

    expect(result.journalCounts?.UNKNOWN).toBe(1);
    expect(valuesOf(onlyLine(out.lines(), 'stage3'))).toMatchObject({ unknownOrders: 1, unknownOrderPresent: 1 });
  });

  it('an unreadable kill switch reads as on, as the cycle reads it', async () => {
    const { h, out } = await harness();
    const deps = composeStage3(deployedEnv('dev'), {
      ...h.deps,
      killSwitch: { isOn: () => Promise.reject(new Error('parameter unreadable')) },
    });

    const result = await createStage3Handler(() => deps)(STAGE3_EVENT, context('req-k'));

    expect(result.status).toBe('blocked');
    expect(valuesOf(onlyLine(out.lines(), 'stage3'))).toMatchObject({ cyclesCompleted: 1, killSwitchEnabled: 1 });
  });

  it('a cycle that finds the lease held elsewhere completes nothing: a stuck lease stops the heartbeat', async () => {
    const { h, out } = await harness();
    await h.stores.leases.acquire(tradingLeaseName('default'), 'stuck', 3_600_000, h.clock.nowMs());
    const deps = composeStage3(deployedEnv('dev'), h.deps);

    const result = await createStage3Handler(() => deps)(STAGE3_EVENT, context('req-4'));

    expect(result.status).toBe('locked');
    expect(valuesOf(onlyLine(out.lines(), 'stage3'))).toMatchObject({ cyclesCompleted: 0, ordersSubmitted: 0 });
  });

  it('BOT_ENV dev and prod publish under different environment dimensions', async () => {
    const { h, out } = await harness();
    for (const botEnv of ['dev', 'prod']) {
      const deps = composeStage3(deployedEnv(botEnv), h.deps);
      await createStage3Handler(() => deps)({ ...STAGE3_EVENT, id: `cycle-${botEnv}` }, context(botEnv));
    }

    const lines = out.lines();
    expect(lines.map((l) => l.dimensions)).toEqual([
      { service: 'btcbot', environment: 'dev', process_role: 'stage3' },
      { service: 'btcbot', environment: 'prod', process_role: 'stage3' },
    ]);
    expect(lines.map((l) => l.dimensionSets)).toEqual([DIMENSION_SET, DIMENSION_SET]);
  });

  it('a handler built without a recorder (the local runner, `btcbot invoke --local`) writes no EMF line', async () => {
    const { h, out } = await harness();

    const result = await createStage3Handler(() => h.deps)(STAGE3_EVENT, context('req-5'));

    expect(result.status).toBe('completed');
    expect(out.lines()).toEqual([]);
  });
});

describe('stage4-cycle metrics', () => {
  it('a live cycle publishes its execution counts and the degrade gauge under process_role stage4', async () => {
    const { h, out } = await harness();
    const deps = composeStage4(deployedEnv('prod'), { ...stage4CycleDeps(h), exchange: gatewayOf(h) });

    const result = await createStage4Handler(() => deps)(STAGE4_EVENT, context('req-6'));

    expect(result.status).toBe('completed');
    const execution = result.execution;
    expect(execution?.submitted).toBeGreaterThan(0);
    expect(result.degradeLevel).toBeDefined();
    expect(valuesOf(onlyLine(out.lines(), 'stage4', 'prod'))).toEqual({
      ...LATENCY,
      cyclesCompleted: 1,
      intentsCreated: result.counters.planned,
      intentsExecuted: execution?.submitted,
      ordersSubmitted: execution?.submitted,
      ordersFailed: execution?.notPlaced,
      rejects: execution?.rejected,
      reject1123: 0,
      degradedMode: (result.degradeLevel ?? 0) > 0 ? 1 : 0,
      apiErrors: 0,
      api429Backoff: 0,
      breakerOpen: 0,
      killSwitchEnabled: 0,
      unknownOrders: 0,
      unknownOrderPresent: 0,
    });
  });
});

describe('stage7-cycle metrics', () => {
  it('publishes under process_role stage7: its intents, kill switch and degraded gauges, no simulated order counts', async () => {
    capture = captureEmf();
    const w = stage7World();
    const deps = composeStage7({ ...deployedEnv('dev'), DRY_RUN: 'true', STAGE7_ENABLED: 'true' }, w.deps);
    const fired = { ...STAGE7_EVENT, time: new Date(w.clock.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z') };

    const result = await createStage7Handler(() => deps)(fired, context('req-7'));
    const again = await createStage7Handler(() => deps)(fired, context('req-8'));

    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    expect(result.row.counts.omsSubmitted).toBeGreaterThan(0);
    expect(again.status).toBe('already_saved');
    const lines = capture.lines();
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((line) => onlyLine([line], 'stage7'));
    expect(valuesOf(first as EmfLine)).toEqual({
      ...LATENCY,
      cyclesCompleted: 1,
      intentsCreated: result.row.counts.planned + result.row.counts.skipped,
      intentsExecuted: result.row.counts.omsSubmitted,
      killSwitchEnabled: 0,
      degradedMode: 0,
      apiErrors: 0,
      api429Backoff: 0,
    });
    // a retry of a saved cycle completes it; it read nothing from the venue
    expect(valuesOf(second as EmfLine)).toEqual({ ...LATENCY, cyclesCompleted: 1 });
  });
});

describe('reconcile metrics', () => {
  it('an uncertain order proven never placed is one failed order, published under process_role reconcile', async () => {
    const { h, out } = await harness({ env: { SYMBOLS: 'BTCTRY' } });
    const clientOrderId = 'bb3-BTCTRY-b-5e1f0a9e8d7b6c5a4f3e';
    const lease = await h.stores.leases.acquire('trading#default', 'test', 60_000, h.clock.nowMs());
    const created = await h.stores.journal.create(
      {
        account: 'default',
        clientOrderId,
        stage: 'stage3',
        symbol: 'BTCTRY',
        side: 'BUY',
        price: dec('3000000'),
        qty: dec('0.0001'),
        intentKey: 'k',
        attempt: 0,
        cycleId: 'c',
        createdAtMs: h.clock.nowMs() - 3_600_000,
      },
      { name: 'trading#default', epoch: lease?.epoch ?? 0 },
      h.clock.nowMs(),
    );
    const unknown = await h.stores.journal.transition(created.order, 'SUBMIT_UNCERTAIN', {}, h.clock.nowMs());
    // the earlier looks missed it too: this delivery's look is the last the proof of absence needs
    await h.stores.journal.update(
      unknown,
      { notFoundChecks: h.config.RECONCILE_NOT_PLACED_CHECKS - 1 },
      h.clock.nowMs(),
    );
    const deps = composeReconcile(deployedEnv('dev'), reconcileDepsOf(h));
    const body = { account: 'default', clientOrderId, reason: 'submit_uncertain', enqueuedAtMs: h.clock.nowMs() };
    const sqs = {
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'r-1',
          body: JSON.stringify(body),
          attributes: { ApproximateReceiveCount: '1' },
        },
      ],
    } as unknown as SQSEvent;

    const response = await createReconcileHandler(() => deps)(sqs, context('req-9'));

    expect(response.batchItemFailures).toEqual([]);
    expect((await h.stores.journal.get('default', clientOrderId))?.status).toBe('FAILED');
    expect(valuesOf(onlyLine(out.lines(), 'reconcile'))).toEqual({ ordersFailed: 1, apiErrors: 0, api429Backoff: 0 });
  });
});

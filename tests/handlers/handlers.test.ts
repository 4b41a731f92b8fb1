// The exported handlers driven by the sample events in events/ with in-memory dependencies (STYLE 11)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler as createReconcileHandler } from '../../functions/reconcile/handler';
import { createHandler as createStage3Handler } from '../../functions/stage3-cycle/handler';
import { reconcileDepsOf } from '../../local/runner/world';
import { ValidationError } from '../../shared/domain/errors';
import { dec } from '../../shared/domain/money';
import { type Stage3Harness, stage3Harness } from '../support/stage3-harness';

const event = (path: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'events', path), 'utf8'));
const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('stage3-cycle handler', () => {
  it('runs one cycle for events/stage3-cycle/scheduled.json, using the event id as the cycle id', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const deps = h.deps;
    const result = await createStage3Handler(() => deps)(event('stage3-cycle/scheduled.json'), context('req-1'));
    expect(result.status).toBe('completed');
    const [order] = await h.stores.journal.listByStatus('default', ['OPEN', 'PARTIAL', 'FILLED']);
    expect(order?.cycleId).toBe('53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa');
  });

  it('refuses an event that is not a scheduled event, naming the fields', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const deps = h.deps;
    const err = await createStage3Handler(() => deps)({ id: 'x', source: 'manual' }, context('req-2')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/detail-type.*source|source.*detail-type/s);
    expect(h.exchange.writes.submits).toBe(0);
  });

  // the cycle id names the cycle's audit in the state table: a Scheduler id is `<schedule name>@<time>`, and
  // DynamoDB refuses a sort key over 1024 bytes, at the end of a cycle that has already placed its orders
  it.each([
    [
      'a schedule ARN whose name is 2,000 characters',
      { resources: [`arn:aws:scheduler:eu-central-1:123456789012:schedule/default/${'n'.repeat(2000)}`] },
      /resources\.0: expected a schedule ARN/,
    ],
    ['a resource that is no schedule ARN', { resources: ['btcbot#stage3'] }, /resources\.0: expected a schedule ARN/],
    ['a time with 3,000 fraction digits', { time: `2026-11-21T12:00:00.${'1'.repeat(3000)}Z` }, /time: /],
  ])('refuses a Scheduler event with %s before the cycle starts', async (_name, change, named) => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const deps = h.deps;
    const scheduler = {
      ...(event('stage3-cycle/scheduled.json') as object),
      source: 'aws.scheduler',
      resources: ['arn:aws:scheduler:eu-central-1:123456789012:schedule/default/btcbot-dev-stage3'],
      ...change,
    };
    const err = await createStage3Handler(() => deps)(scheduler, context('req-6')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(named);
    expect(h.exchange.writes.submits).toBe(0);
    expect(await h.stores.audits.latest('stage3', 'default', 1)).toEqual([]);
    expect(await h.stores.leases.read('trading#default')).toBeUndefined();
  });

  it('runs a Scheduler event from the local schedule (region `local`), named by its schedule and time', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const deps = h.deps;
    const scheduler = {
      ...(event('stage3-cycle/scheduled.json') as object),
      source: 'aws.scheduler',
      resources: ['arn:aws:scheduler:local:000000000000:schedule/default/btcbot-local-stage3'],
    };
    const result = await createStage3Handler(() => deps)(scheduler, context('req-7'));
    expect(result.status).toBe('completed');
    const [audit] = await h.stores.audits.latest('stage3', 'default', 1);
    expect(audit?.cycleId).toBe('btcbot-local-stage3@2026-11-21T12:00:00Z');
  });
});

describe('reconcile handler', () => {
  const reconcileHandler = (harness: Stage3Harness) => {
    const deps = reconcileDepsOf(harness);
    return createReconcileHandler(() => deps);
  };

  it('settles a valid message (events/reconcile/valid.json): an order not yet proven absent stays in flight for a later look', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const lease = await h.stores.leases.acquire('trading#default', 'test', 60_000, h.clock.nowMs());
    const created = await h.stores.journal.create(
      {
        account: 'default',
        clientOrderId: 'bb3-BTCTRY-b-3f1c0a9e8d7b6c5a4f3e',
        stage: 'stage3',
        symbol: 'BTCTRY',
        side: 'BUY',
        price: dec('3000000'),
        qty: dec('0.0001'),
        intentKey: 'k',
        attempt: 0,
        cycleId: 'c',
        createdAtMs: h.clock.nowMs(),
      },
      { name: 'trading#default', epoch: lease?.epoch ?? 0 },
      h.clock.nowMs(),
    );
    await h.stores.journal.transition(created.order, 'SUBMIT_UNCERTAIN', {}, h.clock.nowMs());
    const response = await reconcileHandler(h)(event('reconcile/valid.json') as SQSEvent, context('req-3'));
    // failed on purpose: the same message returns after its back-off delay; no new message is sent
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '4c1b1b8e-0001-4a6b-9a57-1a2b3c4d5e6f' }]);
    expect((await h.stores.journal.get('default', 'bb3-BTCTRY-b-3f1c0a9e8d7b6c5a4f3e'))?.notFoundChecks).toBe(1);
    expect(h.queue.sent).toBe(0);
  });

  it('fails only the poison record (events/reconcile/poison.json)', async () => {
    h = await stage3Harness();
    const response = await reconcileHandler(h)(event('reconcile/poison.json') as SQSEvent, context('req-4'));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '4c1b1b8e-0002-4a6b-9a57-1a2b3c4d5e6f' }]);
  });

  it('processes the good records of a mixed batch and reports only the bad one (events/reconcile/mixed.json)', async () => {
    h = await stage3Harness();
    const response = await reconcileHandler(h)(event('reconcile/mixed.json') as SQSEvent, context('req-5'));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '4c1b1b8e-0004-4a6b-9a57-1a2b3c4d5e6f' }]);
    expect(
      h.log.lines.filter((l) => l.message === 'Reconcile message for an order the journal does not have'),
    ).toHaveLength(2);
  });
});

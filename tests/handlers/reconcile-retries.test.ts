// The reconcile handler on the in-memory SQS (the SqsRouter: receive counts, visibility, maxReceiveCount,
// DLQ): an order that never settles keeps ONE message in flight with growing visibility delays, reaches
// the DLQ after RECONCILE_MAX_RECEIVES deliveries and escalates (spec 9.1.5); nothing in the reconcile
// path sends a message, so duplicate deliveries stay bounded. Also: malformed events never crash the batch.
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler as createReconcileHandler } from '../../functions/reconcile/handler';
import { type ReconcileHandler, SQS_MAX_RECEIVE_COUNT } from '../../local/runner/reconcile-router';
import { SqsRouter } from '../../local/runner/sqs-router';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { MemoryReconcileQueue } from '../../shared/adapters/memory/memory-reconcile-queue';
import { createMemoryStateStores } from '../../shared/adapters/memory/state-stores';
import { loadOpState } from '../../shared/application/op-state';
import type { ReconcileMessageDeps } from '../../shared/application/reconcile-batch';
import { reconcilePolicyOf } from '../../shared/application/reconcile-policy';
import { loadConfig } from '../../shared/config/load-config';
import { ExchangeUnavailableError } from '../../shared/domain/errors';
import { escalationThresholdsOf } from '../../shared/domain/escalation';
import { dec } from '../../shared/domain/money';
import type { ClientIdLookup, Exchange } from '../../shared/ports/exchange';
import type { ReconcileMessage, ReconcileQueue } from '../../shared/ports/reconcile-queue';
import type { JournalOrder, StateStores } from '../../shared/ports/state-store';
import { RecordingLogger } from '../support/stage3-harness';

const START = Date.UTC(2026, 10, 21, 12, 0, 0);
const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;

type Look = (clientOrderId: string, lookup: number) => ClientIdLookup;

const unused = () => Promise.reject(new Error('not used by reconcile'));

/** Only findOrderByClientId is used by reconcile; `look` answers it (or throws), counting every lookup */
function fakeExchange(look: Look): Exchange & { lookups: Map<string, number>; total: () => number } {
  const lookups = new Map<string, number>();
  return {
    lookups,
    total: () => [...lookups.values()].reduce((a, b) => a + b, 0),
    serverTime: unused,
    exchangeInfo: unused,
    orderBookTop: unused,
    tickers: unused,
    requestsSent: () => ({}),
    balances: unused,
    openOrders: unused,
    allOrders: unused,
    userTrades: unused,
    placeLimitOrder: unused,
    cancelOrder: unused,
    findOrderByClientId: async (_symbol, clientOrderId) => {
      const n = (lookups.get(clientOrderId) ?? 0) + 1;
      lookups.set(clientOrderId, n);
      return look(clientOrderId, n);
    },
  };
}

const unreachable: Look = () => {
  throw new ExchangeUnavailableError('connect ECONNREFUSED');
};
const notFound: Look = () => ({ found: false });

interface World {
  readonly clock: ManualClock;
  readonly stores: StateStores;
  readonly queue: MemoryReconcileQueue;
  readonly log: RecordingLogger;
  readonly exchange: ReturnType<typeof fakeExchange>;
  readonly router: SqsRouter;
  readonly handler: ReconcileHandler;
  /** Messages the reconcile path sent (must stay 0) */
  readonly reconcileSends: () => number;
  /** Every visibility delay the handler asked for, in order */
  readonly delays: number[];
  send(clientOrderId: string): Promise<void>;
  order(symbol: string, clientOrderId: string, status: 'UNKNOWN' | 'CANCEL_REQUESTED'): Promise<JournalOrder>;
  /** Routes and advances past any back-off until the queue is empty (or `rounds` ran out) */
  drain(rounds?: number): Promise<void>;
}

function world(look: Look, options: { duplicateDeliveries?: boolean } = {}): World {
  const clock = new ManualClock(START, { autoAdvance: true });
  const config = loadConfig({});
  const stores = createMemoryStateStores();
  const queue = new MemoryReconcileQueue(clock);
  const log = new RecordingLogger();
  const exchange = fakeExchange(look);
  let reconcileSends = 0;
  const delays: number[] = [];
  // what the reconcile deps see of the queue: every call is counted, then forwarded to the real queue
  const observed: ReconcileQueue = {
    enqueue: (message: ReconcileMessage, delaySeconds?: number) => {
      reconcileSends += 1;
      return queue.enqueue(message, delaySeconds);
    },
    retryLater: (receiptHandle: string, delaySeconds: number) => {
      delays.push(delaySeconds);
      return queue.retryLater(receiptHandle, delaySeconds);
    },
  };
  const deps: ReconcileMessageDeps = {
    journal: stores.journal,
    documents: stores.documents,
    exchange,
    clock,
    queue: observed,
    log,
    policy: reconcilePolicyOf(config),
    retryDelaySeconds: config.RECONCILE_RETRY_DELAY_SECONDS,
    maxReceives: config.RECONCILE_MAX_RECEIVES,
    escalation: escalationThresholdsOf(config),
  };
  const real = createReconcileHandler(() => deps);
  // an at-least-once queue may hand the same messages to two invocations at once
  const handler: ReconcileHandler = options.duplicateDeliveries
    ? async (event, ctx) => {
        const [a, b] = await Promise.all([real(event, ctx), real(event, ctx)]);
        const ids = new Set([...a.batchItemFailures, ...b.batchItemFailures].map((f) => f.itemIdentifier));
        return { batchItemFailures: [...ids].map((itemIdentifier) => ({ itemIdentifier })) };
      }
    : real;
  const router = new SqsRouter(queue, handler, () => clock.nowMs(), config.RECONCILE_MAX_RECEIVES);
  let lease: { name: string; epoch: number } | undefined;
  return {
    clock,
    stores,
    queue,
    log,
    exchange,
    router,
    handler,
    reconcileSends: () => reconcileSends,
    delays,
    send: (clientOrderId) =>
      queue.enqueue({ account: 'default', clientOrderId, reason: 'submit_uncertain', enqueuedAtMs: clock.nowMs() }),
    async order(symbol, clientOrderId, status) {
      lease ??= await stores.leases.acquire('trading#default', 'test', 60_000, clock.nowMs());
      if (!lease) throw new Error('no lease');
      const fence = { name: lease.name, epoch: lease.epoch };
      const { order } = await stores.journal.create(
        {
          account: 'default',
          clientOrderId,
          stage: 'stage3',
          symbol,
          side: 'BUY',
          price: dec('100'),
          qty: dec('1'),
          intentKey: `intent-${clientOrderId}`,
          attempt: 0,
          cycleId: 'c',
          createdAtMs: clock.nowMs(),
        },
        fence,
        clock.nowMs(),
      );
      if (status === 'UNKNOWN') return stores.journal.transition(order, 'SUBMIT_UNCERTAIN', {}, clock.nowMs());
      const open = await stores.journal.transition(order, 'SUBMIT_ACKED', { exchangeOrderId: `x-${clientOrderId}` }, 1);
      return stores.journal.transition(open, 'CANCEL_REQUESTED', {}, clock.nowMs());
    },
    async drain(rounds = 40) {
      // a reconcile path that sends messages would grow the queue without end: stop it early
      for (let i = 0; i < rounds && queue.size > 0 && queue.size < 200; i++) {
        await router.route();
        clock.advance(900_000);
      }
    },
  };
}

describe('reconcile retries and escalation', () => {
  it('the queue maxReceiveCount of local runs is RECONCILE_MAX_RECEIVES (default 8)', () => {
    expect(loadConfig({}).RECONCILE_MAX_RECEIVES).toBe(8);
    expect(SQS_MAX_RECEIVE_COUNT).toBe(8);
  });

  it.each([
    ['the exchange stays unreachable', 'UNKNOWN', unreachable],
    ['a cancel target is never listed', 'CANCEL_REQUESTED', notFound],
  ] as const)(
    '%s: one message, growing delays, DLQ after 8 receives, escalated, no new message',
    async (_name, status, look) => {
      const w = world(look);
      const coid = 'bb3-BTCTRY-b-never';
      await w.order('BTCTRY', coid, status);
      await w.send(coid);
      await w.drain();

      expect(w.reconcileSends()).toBe(0);
      // RECONCILE_RETRY_DELAY_SECONDS 30 doubled per receive, capped at 900; on the 8th: visible at once for the DLQ
      expect(w.delays).toEqual([30, 60, 120, 240, 480, 900, 900, 0]);
      expect(w.exchange.lookups.get(coid)).toBe(8);
      expect(w.queue.size).toBe(0);
      expect(await w.router.deadLetters()).toBe(1);
      expect(w.queue.sent).toBe(1);
      expect(w.router.deadLettered[0]?.receiveCount).toBe(9);

      const op = await loadOpState(w.stores.documents, 'default');
      expect(op.killSwitchOn).toBe(true);
      expect(op.killSwitchReason).toBe(`reconcile_exhausted:${coid}:BTCTRY`);
      expect(op.observeOnlySymbols).toEqual(['BTCTRY']);
      const exhausted = w.log.lines.filter((l) => l.level === 'error' && /exhausted/.test(l.message));
      expect(exhausted).toHaveLength(1);
      expect(exhausted[0]?.fields).toMatchObject({ client_order_id: coid, receive_count: 8, symbol: 'BTCTRY' });
      // the order is still in flight: the cycle keeps the symbol frozen and the stored kill switch blocks it
      expect((await w.stores.journal.get('default', coid))?.status).toBe(status);
    },
  );

  it('failed reconciles make the symbol observe-only after 3 deliveries, before the DLQ', async () => {
    const w = world(unreachable);
    await w.order('ETHTRY', 'bb3-ETHTRY-b-1', 'UNKNOWN');
    await w.send('bb3-ETHTRY-b-1');
    for (let i = 0; i < 3; i++) {
      await w.router.route();
      w.clock.advance(900_000);
    }
    const op = await loadOpState(w.stores.documents, 'default');
    expect(op.observeOnlySymbols).toEqual(['ETHTRY']);
    expect(op.state.symbols.ETHTRY).toMatchObject({ consecutiveFailures: 3, lastClientOrderId: 'bb3-ETHTRY-b-1' });
    expect(op.killSwitchOn).toBe(false);
    expect(w.queue.size).toBe(1);
  });

  it('a settled reconcile deletes the message and lifts the symbol', async () => {
    let reachable = false;
    const w = world(() => {
      if (!reachable) throw new ExchangeUnavailableError('503');
      return { found: false };
    });
    // an UNKNOWN order: 3 failed looks (exchange down), then its absence is proven (grace window, 3 checks)
    await w.order('BTCTRY', 'bb3-BTCTRY-b-gone', 'UNKNOWN');
    await w.send('bb3-BTCTRY-b-gone');
    for (let i = 0; i < 3; i++) {
      await w.router.route();
      w.clock.advance(900_000);
    }
    expect((await loadOpState(w.stores.documents, 'default')).observeOnlySymbols).toEqual(['BTCTRY']);
    reachable = true;
    await w.drain();
    expect((await w.stores.journal.get('default', 'bb3-BTCTRY-b-gone'))?.status).toBe('FAILED');
    expect(w.queue.size).toBe(0);
    expect(await w.router.deadLetters()).toBe(0);
    const op = await loadOpState(w.stores.documents, 'default');
    expect(op.observeOnlySymbols).toEqual([]);
    expect(op.killSwitchOn).toBe(false);
  });

  it('duplicates never multiply work: every message sent twice and delivered twice stays bounded', async () => {
    const w = world(
      (coid) => {
        if (coid.includes('BTCTRY')) throw new ExchangeUnavailableError('connect ECONNREFUSED');
        return { found: false };
      },
      { duplicateDeliveries: true },
    );
    const orders = [
      ['BTCTRY', 'bb3-BTCTRY-b-never', 'UNKNOWN'],
      ['ETHTRY', 'bb3-ETHTRY-b-never', 'CANCEL_REQUESTED'],
      ['SOLTRY', 'bb3-SOLTRY-b-gone', 'UNKNOWN'],
    ] as const;
    for (const [symbol, coid, status] of orders) {
      await w.order(symbol, coid, status);
      await w.send(coid);
      await w.send(coid); // a duplicate send
    }
    await w.send('bb3-XRPTRY-b-unknown-to-journal');
    await w.send('bb3-XRPTRY-b-unknown-to-journal');

    await w.drain();

    expect(w.reconcileSends()).toBe(0);
    expect(w.queue.sent).toBe(8);
    // every message ends deleted or dead-lettered
    expect(w.queue.size).toBe(0);
    expect(await w.router.deadLetters()).toBe(4);
    expect(w.router.deadLettered.map((m) => JSON.parse(m.body).clientOrderId).sort()).toEqual([
      'bb3-BTCTRY-b-never',
      'bb3-BTCTRY-b-never',
      'bb3-ETHTRY-b-never',
      'bb3-ETHTRY-b-never',
    ]);
    // at most maxReceives deliveries per message, each handled at most twice
    expect(w.exchange.total()).toBeLessThanOrEqual(6 * 8 * 2);
    expect(w.exchange.lookups.get('bb3-BTCTRY-b-never')).toBeLessThanOrEqual(2 * 8 * 2);
    expect(w.exchange.lookups.get('bb3-SOLTRY-b-gone')).toBeLessThanOrEqual(2 * 3 * 2 + 4);
    expect((await w.stores.journal.get('default', 'bb3-SOLTRY-b-gone'))?.status).toBe('FAILED');
    const op = await loadOpState(w.stores.documents, 'default');
    expect(op.killSwitchOn).toBe(true);
    expect(op.observeOnlySymbols).toEqual(['BTCTRY', 'ETHTRY']);
  });
});

describe('reconcile handler on malformed events', () => {
  const valid = (messageId: string, clientOrderId: string) => ({
    messageId,
    receiptHandle: `${messageId}#1`,
    body: JSON.stringify({ account: 'default', clientOrderId, reason: 'recovery', enqueuedAtMs: 1 }),
    attributes: { ApproximateReceiveCount: '1' },
  });

  it.each([
    ['no Records', {}],
    ['Records: null', { Records: null }],
    ['Records not an array', { Records: 'x' }],
    ['only a null record', { Records: [null] }],
    ['only a record without a message id', { Records: [{ body: '{}' }] }],
    ['no event at all', undefined],
  ])('%s: logs it and reports no failures', async (_name, event) => {
    const w = world(notFound);
    const response = await w.handler(event as unknown as SQSEvent, context('req-bad'));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(w.log.lines.some((l) => l.level === 'error' && /cannot be identified/.test(l.message))).toBe(true);
  });

  // SQS writes ApproximateReceiveCount in decimal digits; read leniently, `0x10` or ` 8` was a count at the
  // limit, and a valid message on its "last" delivery set the stored kill switch
  it.each(['0x10', '1e3', ' 8', '8.0'])(
    'reads ApproximateReceiveCount %j as a first delivery: a malformed count never escalates',
    async (count) => {
      const w = world(notFound);
      await w.order('BTCTRY', 'bb3-BTCTRY-b-count', 'UNKNOWN');
      const record = { ...valid('m-1', 'bb3-BTCTRY-b-count'), attributes: { ApproximateReceiveCount: count } };
      const response = await w.handler({ Records: [record] } as unknown as SQSEvent, context('req-count'));
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
      expect(w.delays).toEqual([30]);
      expect((await loadOpState(w.stores.documents, 'default')).killSwitchOn).toBe(false);
    },
  );

  it('fails only the malformed records that have an id, and processes the rest', async () => {
    const w = world(notFound);
    const event = {
      Records: [
        null,
        { messageId: 'm-2', body: 42 },
        { messageId: 'm-3', receiptHandle: 'm-3#1' },
        valid('m-4', 'bb3-BTCTRY-b-not-in-journal'),
        { receiptHandle: 'no-id', body: '{}' },
        { messageId: 'm-6', body: '{"account":' },
      ],
    };
    const response = await w.handler(event as unknown as SQSEvent, context('req-mixed'));
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'm-2' },
      { itemIdentifier: 'm-3' },
      { itemIdentifier: 'm-6' },
    ]);
    expect(
      w.log.lines.filter((l) => l.message === 'Reconcile message for an order the journal does not have'),
    ).toHaveLength(1);
  });
});

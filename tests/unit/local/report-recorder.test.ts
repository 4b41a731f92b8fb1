// The run recorder behind the report: every journal step with who wrote it and why (a cycle's writes carry the
// lease fence, reconcile's none), every simulator request with the fault its plan decided, and what each fault
// caused (a read retried, a lost submit answer leaving its order UNKNOWN).
import { describe, expect, it } from 'vitest';
import { FaultPlan } from '../../../local/btcturk-sim/fault-plan';
import { faultsSummary, requestsByEndpoint } from '../../../local/runner/report-faults';
import { faultOf, RunRecorder, type SimRequestSeen } from '../../../local/runner/report-recorder';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import { dec } from '../../../shared/domain/money';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

async function journalWithRecorder() {
  const stores = createMemoryStateStores();
  const recorder = new RunRecorder();
  const journal = recorder.journal(stores.journal);
  const lease = await stores.leases.acquire('trading#stage3', 'cycle-1', 60_000, T0);
  if (lease === undefined) throw new Error('expected the lease');
  return { journal, recorder, fence: { name: lease.name, epoch: lease.epoch } };
}

const NEW_ORDER = {
  account: 'stage3',
  clientOrderId: 'bb3-ETHTRY-b-1',
  stage: 'stage3' as const,
  symbol: 'ETHTRY',
  side: 'BUY' as const,
  price: dec('100010'),
  qty: dec('0.001'),
  intentKey: 'intent-1',
  attempt: 0,
  cycleId: 'cycle-1',
  createdAtMs: T0,
};

describe('RunRecorder.journal', () => {
  it('records creation, a lost submit, a not-found check and reconcile finding it filled, with writer and cause', async () => {
    const { journal, recorder, fence } = await journalWithRecorder();
    const { order } = await journal.create(NEW_ORDER, fence, T0);
    // a replayed create writes nothing and records nothing
    await journal.create(NEW_ORDER, fence, T0 + 1);
    const unknown = await journal.transition(order, 'SUBMIT_UNCERTAIN', { lastError: 'answer lost' }, T0 + 250, fence);
    const checked = await journal.update(unknown, { notFoundChecks: 1 }, T0 + 500);
    await journal.transition(
      checked,
      'OBSERVED_FILLED',
      { exchangeOrderId: '27000000002', filledQty: dec('0.001') },
      T0 + 750,
    );

    expect(recorder.stepsOf(NEW_ORDER.clientOrderId)).toEqual([
      {
        atMs: T0,
        from: null,
        to: 'PENDING_SUBMIT',
        event: 'CREATED',
        by: 'stage3 cycle',
        cause: 'journaled before sending (intent intent-1, attempt 0)',
      },
      {
        atMs: T0 + 250,
        from: 'PENDING_SUBMIT',
        to: 'UNKNOWN',
        event: 'SUBMIT_UNCERTAIN',
        by: 'stage3 cycle',
        cause: 'submit outcome unknown, answer lost',
      },
      {
        atMs: T0 + 500,
        from: 'UNKNOWN',
        to: 'UNKNOWN',
        event: 'NOT_FOUND_CHECK',
        by: 'reconcile',
        cause: 'looked up by client id: not on the venue yet (check 1)',
      },
      {
        atMs: T0 + 750,
        from: 'UNKNOWN',
        to: 'FILLED',
        event: 'OBSERVED_FILLED',
        by: 'reconcile',
        cause: 'reconciled: found by client id, seen filled on the venue, venue order 27000000002, filled 0.001',
      },
    ]);
    // the store itself still holds the order as the last write left it
    expect((await journal.get('stage3', NEW_ORDER.clientOrderId))?.status).toBe('FILLED');
  });

  it('records nothing for a write the store refuses', async () => {
    const { journal, recorder, fence } = await journalWithRecorder();
    const { order } = await journal.create(NEW_ORDER, fence, T0);
    await journal.transition(order, 'SUBMIT_ACKED', { exchangeOrderId: '1' }, T0 + 1, fence);
    // `order` is now stale (version 1): the store refuses it
    await expect(journal.transition(order, 'SUBMIT_REJECTED', {}, T0 + 2, fence)).rejects.toThrow();
    expect(recorder.stepsOf(NEW_ORDER.clientOrderId).map((s) => s.to)).toEqual(['PENDING_SUBMIT', 'OPEN']);
  });
});

describe('RunRecorder.watchVenue', () => {
  it('sees every request the fault plan decides on, with the fault it injected', () => {
    const clock = new ManualClock(T0);
    const venue = { faults: new FaultPlan(1) };
    const recorder = new RunRecorder();
    recorder.watchVenue(venue, clock);
    venue.faults.enqueue({ kind: 'drop', method: 'POST', path: '/api/v1/order' });
    venue.faults.enqueue({ kind: 'status', status: 503, method: 'GET', path: '/api/v2/ticker' });
    venue.faults.decide('GET', '/api/v2/server/time');
    venue.faults.decide('POST', '/api/v1/order');
    clock.advance(300);
    venue.faults.decide('GET', '/api/v2/ticker');
    expect(recorder.requests()).toEqual([
      { atMs: T0, endpoint: 'GET /api/v2/server/time', fault: null },
      {
        atMs: T0,
        endpoint: 'POST /api/v1/order',
        fault: { kind: 'answer-lost', what: 'processed, then the connection closed without an answer' },
      },
      {
        atMs: T0 + 300,
        endpoint: 'GET /api/v2/ticker',
        fault: { kind: 'refused-5xx', what: 'answered 503 without processing' },
      },
    ]);
  });

  it('names every kind of fault decision, and latency alone is none', () => {
    expect(faultOf({ latencyMs: 50 })).toBeNull();
    expect(faultOf({ latencyMs: 0, before: { kind: 'rate-limit' } })?.kind).toBe('rate-limited');
    expect(faultOf({ latencyMs: 0, after: 'destroy' })?.kind).toBe('answer-lost');
    expect(faultOf({ latencyMs: 0, after: 'hold' })?.kind).toBe('answer-held');
    expect(faultOf({ latencyMs: 0, replace: { kind: 'rate-limit' } })?.kind).toBe('then-429');
    expect(faultOf({ latencyMs: 0, replace: { kind: 'status', status: 502 } })).toEqual({
      kind: 'then-5xx',
      what: 'processed, then answered 502',
    });
  });
});

describe('faultsSummary', () => {
  const lost = { kind: 'answer-lost' as const, what: 'lost' };
  const req = (atMs: number, endpoint: string, fault: SimRequestSeen['fault'] = null): SimRequestSeen => ({
    atMs,
    endpoint,
    fault,
  });

  it('counts a read sent again within the window as retried, and links a lost submit to the order that went UNKNOWN', () => {
    const requests = [
      req(T0, 'GET /api/v2/ticker', lost),
      req(T0 + 400, 'GET /api/v2/ticker'),
      req(T0 + 60_000, 'GET /api/v1/openOrders', lost),
      // the same endpoint again, but a minute later: the next cycle's read, not a retry
      req(T0 + 120_000, 'GET /api/v1/openOrders'),
      req(T0 + 120_000, 'POST /api/v1/order', lost),
    ];
    const orders = [
      {
        clientOrderId: 'c-1',
        status: 'FILLED',
        steps: [
          {
            atMs: T0 + 120_000,
            from: null,
            to: 'PENDING_SUBMIT' as const,
            event: 'CREATED' as const,
            by: 'x',
            cause: '',
          },
          {
            atMs: T0 + 120_000,
            from: 'PENDING_SUBMIT' as const,
            to: 'UNKNOWN' as const,
            event: 'SUBMIT_UNCERTAIN' as const,
            by: 'x',
            cause: '',
          },
        ],
      },
    ];
    const f = faultsSummary(requests, orders);
    expect(f.requests).toBe(5);
    expect(f.injected).toBe(3);
    expect(f.retried).toBe(1);
    expect(f.byKind).toEqual({ 'answer-lost': 3 });
    expect(f.list.map((r) => r.followUp)).toEqual([
      'retried after 400 ms',
      'not retried',
      'not re-sent (a write is never sent twice); order c-1 went UNKNOWN, now FILLED',
    ]);
    expect(f.list[2]?.clientOrderId).toBe('c-1');
    expect(requestsByEndpoint(requests)).toEqual({
      'GET /api/v1/openOrders': 2,
      'GET /api/v2/ticker': 2,
      'POST /api/v1/order': 1,
    });
  });

  it('links each lost submit to its own order when two went UNKNOWN at the same moment', () => {
    const requests = [req(T0, 'POST /api/v1/order', lost), req(T0, 'POST /api/v1/order', lost)];
    const unknownAt = (id: string) => ({
      clientOrderId: id,
      status: 'OPEN',
      steps: [
        {
          atMs: T0,
          from: 'PENDING_SUBMIT' as const,
          to: 'UNKNOWN' as const,
          event: 'SUBMIT_UNCERTAIN' as const,
          by: 'x',
          cause: '',
        },
      ],
    });
    const f = faultsSummary(requests, [unknownAt('c-1'), unknownAt('c-2')]);
    expect(f.list.map((r) => r.clientOrderId)).toEqual(['c-1', 'c-2']);
  });
});

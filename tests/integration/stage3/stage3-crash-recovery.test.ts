// A cycle that dies between two steps of the safety protocol leaves a PENDING_SUBMIT journal entry;
// the next cycle reconciles it before acting (ARCHITECTURE 5.6) and never sends the intent twice.
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderJournal } from '../../../shared/ports/state-store';
import { type Stage3Harness, stage3Harness } from '../../support/stage3-harness';

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

class Crash extends Error {}

describe('crash recovery', () => {
  it('crash after journaling, before sending: the next cycle keeps the symbol frozen until absence is proven', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY', RECONCILE_NOT_PLACED_CHECKS: '2' } });
    const crashingExchange = {
      ...h.exchange,
      placeLimitOrder: () => Promise.reject(new Crash('process died before the POST')),
    };
    await expect(h.cycle('cycle-1', { exchange: crashingExchange })).rejects.toBeInstanceOf(Crash);
    const [pending] = await h.stores.journal.listByStatus('default', ['PENDING_SUBMIT']);
    expect(pending?.symbol).toBe('BTCTRY');

    const second = await h.cycle('cycle-2');
    expect(second.counters.frozenSkips).toBe(1);
    expect(h.exchange.writes.submits).toBe(0);
    expect((await h.stores.journal.get('default', pending?.clientOrderId ?? ''))?.notFoundChecks).toBe(1);

    h.clock.advance(61_000);
    const third = await h.cycle('cycle-3');
    expect(third.counters.recovered).toBe(1);
    expect((await h.stores.journal.get('default', pending?.clientOrderId ?? ''))?.status).toBe('FAILED');
    expect(third.counters.submitted).toBe(1);
    expect(h.sim.control.state().orders.total).toBe(1);
  });

  it('crash after sending, before recording the ack: the next cycle adopts the exchange order instead of sending again', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const journal = h.stores.journal;
    const crashingJournal: OrderJournal = Object.assign(Object.create(journal) as OrderJournal, {
      create: journal.create.bind(journal),
      get: journal.get.bind(journal),
      update: journal.update.bind(journal),
      listByStatus: journal.listByStatus.bind(journal),
      latestForIntent: journal.latestForIntent.bind(journal),
      countByStatus: journal.countByStatus.bind(journal),
      transition: (...args: Parameters<OrderJournal['transition']>) =>
        args[1] === 'SUBMIT_ACKED'
          ? Promise.reject(new Crash('process died after the POST'))
          : journal.transition(...args),
    });
    await expect(h.cycle('cycle-1', { journal: crashingJournal })).rejects.toBeInstanceOf(Crash);
    const [pending] = await journal.listByStatus('default', ['PENDING_SUBMIT']);
    expect(h.sim.control.state().orders.total).toBe(1);

    const next = await h.cycle('cycle-2');
    expect(next.counters.recovered).toBe(1);
    const adopted = await journal.get('default', pending?.clientOrderId ?? '');
    expect(['OPEN', 'PARTIAL', 'FILLED']).toContain(adopted?.status);
    expect(adopted?.exchangeOrderId).toBeDefined();
    expect(h.exchange.writes.submits).toBe(1);
    expect(h.sim.control.state().orders.total).toBe(1);
  });
});

// Stage 3 end to end on the BTCTurk simulator (real HTTP protocol on 127.0.0.1) with in-memory state:
// the order safety protocol of ARCHITECTURE section 5 under the faults it exists for.
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../shared/domain/money';
import { type Stage3Harness, stage3Harness } from '../../support/stage3-harness';

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const journal = (harness: Stage3Harness) => harness.stores.journal;

describe('stage 3 cycle on the simulator', () => {
  it('in dry-run writes no exchange order and simulates the approved intents', async () => {
    h = await stage3Harness({ env: { DRY_RUN: 'true', LIVE_TRADING: 'false' } });
    const result = await h.cycle();
    expect(result.status).toBe('completed');
    expect(result.mode).toBe('DRY_RUN');
    expect(result.counters.simulated).toBeGreaterThan(0);
    expect(h.exchange.writes).toEqual({ submits: 0, cancels: 0 });
    expect(h.sim.control.state().orders.total).toBe(0);
  });

  it('armed live: places orders, then fills reach the journal and the ledger', async () => {
    h = await stage3Harness();
    const first = await h.cycle();
    expect(first.mode).toBe('LIVE');
    expect(first.counters.submitted).toBe(2);
    expect(h.sim.control.state().orders.total).toBe(2);
    h.sim.control.advanceMarket(60_000);
    const second = await h.cycle();
    expect(second.status).toBe('completed');
    const filled = await journal(h).listByStatus('default', ['FILLED']);
    expect(filled.map((o) => o.symbol).sort()).toEqual(['BTCTRY', 'ETHTRY']);
    expect((await h.stores.ledger.list('default')).length).toBeGreaterThanOrEqual(2);
    expect(second.journalCounts?.UNKNOWN).toBe(0);
  });

  it('writes one summary line per cycle, and every line carries cycle_id, run_id and the request id', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    await h.cycle('cycle-log-1');
    await h.cycle('cycle-log-2', { killSwitch: { isOn: async () => true } });
    expect(h.log.lines.length).toBeGreaterThanOrEqual(3);
    for (const line of h.log.lines) {
      expect(line.fields).toMatchObject({
        cycle_id: expect.any(String),
        run_id: 'test-run',
        request_id: expect.any(String),
      });
    }
    const summaries = h.log.lines.filter((l) => l.message === 'Cycle completed');
    expect(summaries.map((l) => [l.fields.cycle_id, l.fields.status])).toEqual([
      ['cycle-log-1', 'completed'],
      ['cycle-log-2', 'blocked'],
    ]);
    expect(summaries[0]?.fields).toMatchObject({ pending_submit: 0, unknown: 0, failed: 0, submitted: 1 });
  });

  it('a negative balance (spec 2.5 invariant) makes the cycle observe-only: no submit, no cancel', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const real = h.exchange;
    const broken = {
      ...real,
      balances: async () => [
        ...(await real.balances()),
        { asset: 'XRP', free: dec('-1'), locked: dec('0'), total: dec('-1') },
      ],
    };
    const result = await h.cycle(undefined, { exchange: broken });
    expect(result.status).toBe('completed');
    expect(result.decisions).toContain('invariant:negative_balance:XRP');
    expect(result.decisions).toContain('execution_suppress:observe_only');
    expect(h.exchange.writes).toEqual({ submits: 0, cancels: 0 });
  });

  it('kill switch on: a live configuration makes zero exchange writes and reports the gate', async () => {
    h = await stage3Harness({ killSwitchOn: true });
    const result = await h.cycle();
    expect(result.status).toBe('blocked');
    expect(result.decisions).toContain('policy_block:kill_switch');
    expect(h.exchange.writes).toEqual({ submits: 0, cancels: 0 });
  });

  it('an unreadable kill switch counts as on (fail closed)', async () => {
    h = await stage3Harness();
    const result = await h.cycle(undefined, { killSwitch: { isOn: () => Promise.reject(new Error('AccessDenied')) } });
    expect(result.status).toBe('blocked');
    expect(h.exchange.writes.submits).toBe(0);
  });

  it('submit timing out after the exchange accepted: UNKNOWN, reconcile adopts it, exactly one exchange order', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    h.sim.control.injectNext({ kind: 'timeout-after-create', method: 'POST', path: '/api/v1/order', mode: 'destroy' });
    const first = await h.cycle();
    expect(first.counters.unknown).toBe(1);
    expect(h.queue.bodies.map((m) => m.reason)).toEqual(['submit_uncertain']);
    const [unknown] = await journal(h).listByStatus('default', ['UNKNOWN']);
    expect(unknown?.symbol).toBe('BTCTRY');
    expect(await h.drainReconcile()).toBe(1);
    const adopted = await journal(h).get('default', unknown?.clientOrderId ?? '');
    expect(['OPEN', 'PARTIAL', 'FILLED']).toContain(adopted?.status);
    expect(adopted?.exchangeOrderId).toBeDefined();
    expect(h.sim.control.state().orders.total).toBe(1);
    expect(h.exchange.writes.submits).toBe(1);
  });

  it('a submit that never reached the exchange is FAILED only after the grace window; then a new client id is used', async () => {
    h = await stage3Harness({
      env: { SYMBOLS: 'BTCTRY', RECONCILE_NOT_PLACED_CHECKS: '2', RECONCILE_NOT_PLACED_GRACE_SECONDS: '60' },
    });
    h.sim.control.injectNext({ kind: 'status', status: 503, method: 'POST', path: '/api/v1/order' });
    await h.cycle();
    const [unknown] = await journal(h).listByStatus('default', ['UNKNOWN']);
    expect(unknown).toBeDefined();
    await h.drainReconcile();
    expect((await journal(h).get('default', unknown?.clientOrderId ?? ''))?.status).toBe('UNKNOWN');
    const frozen = await h.cycle();
    expect(frozen.counters.frozenSkips).toBe(1);
    expect(h.exchange.writes.submits).toBe(1);
    h.clock.advance(61_000);
    await h.drainReconcile();
    expect((await journal(h).get('default', unknown?.clientOrderId ?? ''))?.status).toBe('FAILED');
    const next = await h.cycle();
    expect(next.counters.submitted).toBe(1);
    const open = await journal(h).listByStatus('default', ['OPEN', 'PARTIAL', 'FILLED']);
    expect(open.map((o) => o.clientOrderId)).not.toContain(unknown?.clientOrderId);
    expect(h.sim.control.state().orders.total).toBe(1);
  });

  it('two concurrent invocations: one does the work, the other exits cleanly', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    const [a, b] = await Promise.all([h.cycle('cycle-a'), h.cycle('cycle-b')]);
    expect([a.status, b.status].sort()).toEqual(['completed', 'locked']);
    expect(h.sim.control.state().orders.total).toBe(1);
  });

  it('a retried invocation of the same scheduled event replays the journal instead of placing again', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    await h.cycle('event-1');
    const retry = await h.cycle('event-1');
    expect(retry.counters.submitted).toBe(0);
    expect(h.exchange.writes.submits).toBe(1);
    expect(h.sim.control.state().orders.total).toBe(1);
  });
});

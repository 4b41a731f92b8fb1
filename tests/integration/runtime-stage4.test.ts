// The runtime machine (spec 9.2.11) driven by real stage 4 cycles on the simulator and memory stores.
import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_SIM_ENV } from '../../local/runner/world';
import { parseRuntimeDocument, runtimeKey } from '../../shared/application/runtime/runtime-document';
import { runStage4Cycle, type Stage4CycleDeps } from '../../shared/application/stage4/run-stage4-cycle';
import { type Stage3Harness, stage3Harness } from '../support/stage3-harness';
import { stage4CycleDeps } from '../support/stage4-harness';

const KEY = runtimeKey('stage4', 'default');
let h: Stage3Harness;
afterEach(async () => {
  await h.close();
});

const cycle = (cycleId: string, overrides: Partial<Stage4CycleDeps> = {}) =>
  runStage4Cycle(
    { ...stage4CycleDeps(h), ...overrides },
    { cycleId, runId: 'test-run', invocationId: `inv-${cycleId}` },
  );

const stateNow = async () => {
  const stored = await h.stores.documents.get(KEY);
  if (!stored) throw new Error('no runtime document');
  return parseRuntimeDocument(KEY, stored.value).state;
};

const linesOf = (cycleId: string) =>
  h.log.lines
    .filter((l) => l.message === 'runtime_transition' && l.fields.cycle_id === cycleId)
    .map((l) => `${l.fields.from_state}>${l.fields.trigger}>${l.fields.to_state}`);

describe('stage 4 runtime states', () => {
  it('walks DEGRADED_RECOVERY, READY, PAUSED_SAFETY, READY, PAUSED_LOCKED and READY with real cycles', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    // the first cycle's first order is created on the venue but its answer is lost: UNKNOWN
    h.sim.control.injectNext({ kind: 'timeout-after-create', method: 'POST', path: '/api/v1/order' });
    expect((await cycle('c1')).execution?.unknown).toBe(1);
    expect(linesOf('c1')).toEqual([
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_acquired>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>approved_intents>EXECUTING',
      'EXECUTING>uncertain_or_reconcile_pending>DEGRADED_RECOVERY',
    ]);
    expect(await stateNow()).toBe('DEGRADED_RECOVERY');

    expect((await cycle('c2')).counters.recovered).toBe(1);
    expect(linesOf('c2')).toEqual([
      'DEGRADED_RECOVERY>recovered>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>no_intents>READY',
    ]);

    // stage 4's kill switch suppresses submits (cancels still go out): a safety pause all the same
    h.killSwitch.set(true);
    expect((await cycle('c3')).status).toBe('completed');
    expect(linesOf('c3')).toEqual(['READY>timer_tick>EVALUATING', 'EVALUATING>safety_gate_closed>PAUSED_SAFETY']);
    await cycle('c4');
    expect(linesOf('c4')).toEqual([]);
    h.killSwitch.set(false);
    await cycle('c5');
    expect(linesOf('c5')).toEqual([
      'PAUSED_SAFETY>operator_unpause>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>no_intents>READY',
    ]);

    // stage 3 and stage 4 share the account's trading lease
    const other = await h.stores.leases.acquire('trading#default', 'a-stage3-cycle', 60_000, h.clock.nowMs());
    if (!other) throw new Error('lease not free');
    expect((await cycle('c6')).status).toBe('locked');
    expect(linesOf('c6')).toEqual([
      'READY>restart>INIT',
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_held_elsewhere>PAUSED_LOCKED',
    ]);
    await h.stores.leases.release(other);
    await cycle('c7');
    expect(linesOf('c7')).toEqual([
      'PAUSED_LOCKED>restart>INIT',
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_acquired>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>no_intents>READY',
    ]);
    expect(await stateNow()).toBe('READY');
    // the stage 3 document is another role's: untouched by stage 4 cycles
    expect(await h.stores.documents.get(runtimeKey('stage3', 'default'))).toBeUndefined();
  });

  it('pauses for safety while a foreign order holds the unknown-order freeze', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    h.sim.control.placeOrder({ symbol: 'BTCTRY', side: 'buy', price: '1000', quantity: '0.01', clientId: 'advanced' });
    expect((await cycle('c1')).freezeActive).toBe(true);
    expect(linesOf('c1')).toEqual([
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_acquired>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>safety_gate_closed>PAUSED_SAFETY',
    ]);
  });

  it('stays READY in a dry run under the kill switch: it guards live orders only', async () => {
    h = await stage3Harness({ env: { APP_ROLE: 'LIVE', DRY_RUN: 'true', LIVE_TRADING: 'false' } });
    h.killSwitch.set(true);
    const dry = await cycle('c1');
    expect(dry.mode).toBe('DRY_RUN');
    expect(linesOf('c1').at(-1)).toBe('EXECUTING>success>READY');
  });

  it('goes to ERROR_RETRYABLE when the cycle throws, rethrowing it, and back to READY on the next cycle', async () => {
    h = await stage3Harness({ env: LIVE_SIM_ENV });
    await cycle('c1');
    const failingAudits = {
      put: async () => {
        throw new Error('audit table unavailable');
      },
      latest: h.stores.audits.latest.bind(h.stores.audits),
    };
    await expect(cycle('c2', { audits: failingAudits })).rejects.toThrow('audit table unavailable');
    expect(linesOf('c2')).toEqual(['READY>timer_tick>EVALUATING', 'EVALUATING>exception>ERROR_RETRYABLE']);
    await cycle('c3');
    expect(linesOf('c3')).toEqual([
      'ERROR_RETRYABLE>backoff_elapsed>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>no_intents>READY',
    ]);
  });
});

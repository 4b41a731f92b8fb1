// The runtime machine (spec 9.2.11) driven by real stage 7 cycles (dry-run simulation) on the simulator and
// memory stores. Stage 7's simulated OMS settles every order inside its cycle, so DEGRADED_RECOVERY (an order
// left in flight) cannot happen there: its cycles walk every other state.
import { describe, expect, it } from 'vitest';
import { parseRuntimeDocument, runtimeKey } from '../../shared/application/runtime/runtime-document';
import { clearStage7KillChain, killChainKey } from '../../shared/application/stage7/cycle-kill-chain';
import { Stage7RefusedError } from '../../shared/application/stage7/cycle-preconditions';
import { runStage7Cycle } from '../../shared/application/stage7/run-stage7-cycle';
import type { Exchange } from '../../shared/ports/exchange';
import type { Stage7Store } from '../../shared/ports/stage7-store';
import { RecordingLogger } from '../support/stage3-harness';
import { type Stage7World, stage7World } from './stage7/stage7-world';

const KEY = runtimeKey('stage7', 'default');

function world(o: Parameters<typeof stage7World>[0] = {}) {
  const w = stage7World(o);
  const log = new RecordingLogger();
  const cycle = (cycleId: string, deps: Partial<Stage7World['deps']> = {}) => {
    w.clock.advance(60_000);
    return runStage7Cycle({ ...w.deps, log, ...deps }, { cycleId, runId: 'run-1', invocationId: `inv-${cycleId}` });
  };
  const linesOf = (cycleId: string) =>
    log.lines
      .filter((l) => l.message === 'runtime_transition' && l.fields.cycle_id === cycleId)
      .map((l) => `${l.fields.from_state}>${l.fields.trigger}>${l.fields.to_state}`);
  const stateNow = async () => {
    const stored = await w.stores.documents.get(KEY);
    if (!stored) throw new Error('no runtime document');
    return parseRuntimeDocument(KEY, stored.value).state;
  };
  return { w, cycle, linesOf, stateNow };
}

describe('stage 7 runtime states', () => {
  it('walks READY, PAUSED_SAFETY, READY, PAUSED_LOCKED and READY with real cycles', async () => {
    const { w, cycle, linesOf, stateNow } = world();
    const first = await cycle('c1');
    expect(first.status === 'completed' && first.row.counts.planned).toBeGreaterThan(0);
    expect(linesOf('c1')).toEqual([
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_acquired>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>approved_intents>EXECUTING',
      'EXECUTING>success>READY',
    ]);

    // stage 7's own kill switch, as its kill chain stores it after failed cycles
    const sinceMs = w.clock.nowMs();
    const chain = {
      consecutiveErrors: 0,
      killSwitch: { on: true, reason: 'kill_chain:ExchangeUnavailableError', sinceMs },
    };
    await w.stores.documents.put(killChainKey('default'), JSON.stringify(chain), 0);
    const killed = await cycle('c2');
    expect(killed.status === 'completed' && killed.riskReasons).toContain('KILL_SWITCH');
    expect(linesOf('c2')).toEqual(['READY>timer_tick>EVALUATING', 'EVALUATING>safety_gate_closed>PAUSED_SAFETY']);
    expect(await stateNow()).toBe('PAUSED_SAFETY');

    // the operator's `kill-switch clear-stored --stage stage7`
    await clearStage7KillChain(w.stores.documents, 'default');
    await cycle('c3');
    expect(linesOf('c3').slice(0, 2)).toEqual(['PAUSED_SAFETY>operator_unpause>READY', 'READY>timer_tick>EVALUATING']);
    expect(await stateNow()).toBe('READY');

    const other = await w.stores.leases.acquire('stage7#default', 'another-invocation', 60_000, w.clock.nowMs());
    if (!other) throw new Error('lease not free');
    expect((await cycle('c4')).status).toBe('locked');
    expect(linesOf('c4')).toEqual([
      'READY>restart>INIT',
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_held_elsewhere>PAUSED_LOCKED',
    ]);
    await w.stores.leases.release(other);
    expect((await cycle('c5')).status).toBe('completed');
    expect(linesOf('c5').slice(0, 4)).toEqual([
      'PAUSED_LOCKED>restart>INIT',
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_acquired>READY',
      'READY>timer_tick>EVALUATING',
    ]);
    expect(await stateNow()).toBe('READY');
  });

  it('goes to PAUSED_DATA without a mark, and back with fresh data', async () => {
    let blind = false;
    const wrapExchange = (inner: Exchange): Exchange => ({
      ...inner,
      tickers: async (...args) => (blind ? [] : inner.tickers(...args)),
    });
    const { cycle, linesOf, stateNow } = world({ wrapExchange });
    await cycle('c1');
    blind = true;
    await cycle('c2');
    expect(linesOf('c2')).toEqual(['READY>timer_tick>EVALUATING', 'EVALUATING>stale_data>PAUSED_DATA']);
    blind = false;
    await cycle('c3');
    expect(linesOf('c3')[0]).toBe('PAUSED_DATA>fresh_data>READY');
    expect(await stateNow()).toBe('READY');
  });

  it('goes to ERROR_RETRYABLE when a cycle throws (rethrown) and to ERROR_FATAL when stage 7 is refused', async () => {
    const { w, cycle, linesOf, stateNow } = world();
    await cycle('c1');
    const inner = w.stores.stage7;
    const failing: Stage7Store = {
      load: (account, fence) => inner.load(account, fence),
      loadOrders: async () => {
        throw new TypeError('a bug in a read');
      },
      saveCycle: (write, fence) => inner.saveCycle(write, fence),
    };
    await expect(cycle('c2', { stage7: failing })).rejects.toThrow('a bug in a read');
    expect(linesOf('c2')).toEqual(['READY>timer_tick>EVALUATING', 'EVALUATING>exception>ERROR_RETRYABLE']);
    await cycle('c3');
    expect(linesOf('c3')[0]).toBe('ERROR_RETRYABLE>backoff_elapsed>READY');

    await expect(cycle('c4', { settings: { ...w.deps.settings, STAGE7_ENABLED: false } })).rejects.toThrow(
      Stage7RefusedError,
    );
    expect(linesOf('c4')).toEqual(['READY>restart>INIT', 'INIT>settings_invalid>ERROR_FATAL']);
    await cycle('c5');
    expect(linesOf('c5').slice(0, 3)).toEqual([
      'ERROR_FATAL>operator>INIT',
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_acquired>READY',
    ]);
    expect(await stateNow()).toBe('READY');
  });
});

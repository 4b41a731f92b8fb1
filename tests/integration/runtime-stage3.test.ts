// The runtime machine (spec 9.2.11) driven by real stage 3 cycles on the simulator: each outcome moves the
// stored state and logs its transitions; moto_server holds the same document through the DynamoDB stores.
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { parseRuntimeDocument, runtimeKey } from '../../shared/application/runtime/runtime-document';
import type { DocumentStore } from '../../shared/ports/state-store';
import { emulator, motoEndpoint } from '../support/aws';
import { type Stage3Harness, stage3Harness } from '../support/stage3-harness';

const KEY = runtimeKey('stage3', 'default');
let h: Stage3Harness;
afterEach(async () => {
  await h.close();
});

const runtimeOf = async (documents: DocumentStore) => {
  const stored = await documents.get(KEY);
  if (!stored) throw new Error('no runtime document');
  return parseRuntimeDocument(KEY, stored.value);
};

/** The transition lines one cycle logged, as from>trigger>to */
const linesOf = (cycleId: string) =>
  h.log.lines
    .filter((l) => l.message === 'runtime_transition' && l.fields.cycle_id === cycleId)
    .map((l) => `${l.fields.from_state}>${l.fields.trigger}>${l.fields.to_state}`);

describe('stage 3 runtime states', () => {
  it('walks DEGRADED_RECOVERY, READY, PAUSED_SAFETY, READY, PAUSED_LOCKED and READY with real cycles', async () => {
    h = await stage3Harness();
    // the first cycle's first BUY is created on the venue but its answer is lost: UNKNOWN
    h.sim.control.injectNext({ kind: 'timeout-after-create', method: 'POST', path: '/api/v1/order' });
    const lost = await h.cycle('c1');
    expect(lost.counters.unknown).toBe(1);
    expect(linesOf('c1')).toEqual([
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_acquired>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>approved_intents>EXECUTING',
      'EXECUTING>uncertain_or_reconcile_pending>DEGRADED_RECOVERY',
    ]);
    expect((await runtimeOf(h.stores.documents)).state).toBe('DEGRADED_RECOVERY');

    // the next cycle settles it from the venue first: nothing is left in flight
    const recovered = await h.cycle('c2');
    expect(recovered.journalCounts?.UNKNOWN).toBe(0);
    expect(linesOf('c2')).toEqual([
      'DEGRADED_RECOVERY>recovered>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>no_intents>READY',
    ]);

    h.killSwitch.set(true);
    expect((await h.cycle('c3')).status).toBe('blocked');
    expect(linesOf('c3')).toEqual(['READY>timer_tick>EVALUATING', 'EVALUATING>safety_gate_closed>PAUSED_SAFETY']);
    expect((await h.cycle('c4')).status).toBe('blocked');
    expect(linesOf('c4')).toEqual([]);
    const paused = await runtimeOf(h.stores.documents);
    expect(paused).toMatchObject({ state: 'PAUSED_SAFETY', lastCycleId: 'c4' });
    expect(paused.transitions[0]).toMatchObject({ trigger: 'safety_gate_closed', cycleId: 'c3' });

    // the operator clears the kill switch: the next cycle finds its gates open
    h.killSwitch.set(false);
    await h.cycle('c5');
    expect(linesOf('c5')).toEqual([
      'PAUSED_SAFETY>operator_unpause>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>no_intents>READY',
    ]);

    const other = await h.stores.leases.acquire('trading#default', 'stage4-invocation', 60_000, h.clock.nowMs());
    if (!other) throw new Error('lease not free');
    expect((await h.cycle('c6')).status).toBe('locked');
    expect(linesOf('c6')).toEqual([
      'READY>restart>INIT',
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_held_elsewhere>PAUSED_LOCKED',
    ]);
    await h.stores.leases.release(other);
    expect((await h.cycle('c7')).status).toBe('completed');
    expect(linesOf('c7')).toEqual([
      'PAUSED_LOCKED>restart>INIT',
      'INIT>settings_valid>LOCKING',
      'LOCKING>lock_acquired>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>no_intents>READY',
    ]);
    const ready = await runtimeOf(h.stores.documents);
    expect(ready).toMatchObject({ state: 'READY', lastCycleId: 'c7' });
    expect(ready.transitions).toHaveLength(10);
    // every transition line carries exactly the spec's fields, the role and the cycle's correlation ids
    for (const line of h.log.lines.filter((l) => l.message === 'runtime_transition'))
      expect(Object.keys(line.fields).sort()).toEqual(
        ['cycle_id', 'from_state', 'request_id', 'role', 'run_id', 'to_state', 'trigger'].sort(),
      );
  });

  it('goes to PAUSED_DATA on stale market data and back to READY with fresh data', async () => {
    h = await stage3Harness();
    await h.cycle('c1');
    // a ticker read with no quote at all: no mark is fresh enough
    const stale = await h.cycle('c2', { exchange: { ...h.exchange, tickers: async () => [] } });
    expect(stale.status).toBe('stale_market_data');
    expect(linesOf('c2')).toEqual(['READY>timer_tick>EVALUATING', 'EVALUATING>stale_data>PAUSED_DATA']);
    await h.cycle('c3');
    expect(linesOf('c3')).toEqual([
      'PAUSED_DATA>fresh_data>READY',
      'READY>timer_tick>EVALUATING',
      'EVALUATING>no_intents>READY',
    ]);
  });

  it('goes to ERROR_FATAL when the settings ask for live trading without arming it', async () => {
    h = await stage3Harness({ env: { LIVE_TRADING: 'false' } });
    expect((await h.cycle('c1')).status).toBe('blocked');
    expect(linesOf('c1')).toEqual(['INIT>settings_invalid>ERROR_FATAL']);
    expect((await runtimeOf(h.stores.documents)).state).toBe('ERROR_FATAL');
  });
});

const endpoint = motoEndpoint();
describe.skipIf(endpoint === null)('stage 3 runtime document (moto_server)', () => {
  it('is written through the DynamoDB document store, also by a cycle that did not get the lease', async () => {
    const aws = emulator(endpoint as string);
    const stores = createDynamoStateStores(aws.dynamodb, await aws.freshTable());
    h = await stage3Harness({ stores });
    await h.cycle('c1');
    expect((await runtimeOf(stores.documents)).state).toBe('READY');
    const other = await stores.leases.acquire('trading#default', 'someone-else', 60_000, h.clock.nowMs());
    if (!other) throw new Error('lease not free');
    await h.cycle('c2');
    const locked = await runtimeOf(stores.documents);
    expect(locked).toMatchObject({ state: 'PAUSED_LOCKED', lastCycleId: 'c2' });
    expect(locked.transitions.slice(0, 3).map((t) => t.trigger)).toEqual([
      'lock_held_elsewhere',
      'settings_valid',
      'restart',
    ]);
    expect((await stores.documents.get(KEY))?.version).toBe(2);
  });
});

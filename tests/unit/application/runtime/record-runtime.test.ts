// Recording a cycle's walk in the runtime document: the lines it logs, the order cycles are recorded in, and
// that it never fails the cycle it describes.
import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../../shared/adapters/memory/memory-document-store';
import { type RecordedCycle, recordRuntime } from '../../../../shared/application/runtime/record-runtime';
import { parseRuntimeDocument, runtimeKey } from '../../../../shared/application/runtime/runtime-document';
import type { CycleObservation } from '../../../../shared/domain/runtime/cycle-walk';
import type { LogFields, Logger } from '../../../../shared/ports/logger';
import type { DocumentStore } from '../../../../shared/ports/state-store';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const KEY = runtimeKey('stage3', 'default');

const NORMAL: CycleObservation = {
  settingsValid: true,
  lock: 'acquired',
  safetyClosed: false,
  data: 'fresh',
  approved: false,
  inFlight: false,
  exception: false,
};

class Lines implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields }[] = [];
  debug = (message: string, fields: LogFields = {}) => this.lines.push({ level: 'debug', message, fields });
  info = (message: string, fields: LogFields = {}) => this.lines.push({ level: 'info', message, fields });
  warn = (message: string, fields: LogFields = {}) => this.lines.push({ level: 'warn', message, fields });
  error = (message: string, fields: LogFields = {}) => this.lines.push({ level: 'error', message, fields });
  transitions = () => this.lines.filter((l) => l.message === 'runtime_transition').map((l) => l.fields);
}

const cycle = (n: number): RecordedCycle => ({
  role: 'stage3',
  account: 'default',
  cycleId: `c${n}`,
  cycleAtMs: T0 + n * 60_000,
  nowMs: T0 + n * 60_000 + 5_000,
});

const stored = async (documents: DocumentStore) => {
  const doc = await documents.get(KEY);
  return doc && parseRuntimeDocument(KEY, doc.value);
};

describe('recordRuntime', () => {
  it('logs each transition with exactly role, from_state, to_state, trigger and cycle_id, and stores the state', async () => {
    const documents = new MemoryDocumentStore();
    const log = new Lines();
    await recordRuntime({ documents, log }, cycle(1), NORMAL);
    expect(log.transitions()).toEqual([
      { role: 'stage3', from_state: 'INIT', to_state: 'LOCKING', trigger: 'settings_valid', cycle_id: 'c1' },
      { role: 'stage3', from_state: 'LOCKING', to_state: 'READY', trigger: 'lock_acquired', cycle_id: 'c1' },
      { role: 'stage3', from_state: 'READY', to_state: 'EVALUATING', trigger: 'timer_tick', cycle_id: 'c1' },
      { role: 'stage3', from_state: 'EVALUATING', to_state: 'READY', trigger: 'no_intents', cycle_id: 'c1' },
    ]);
    expect(await stored(documents)).toMatchObject({
      state: 'READY',
      sinceMs: cycle(1).nowMs,
      lastCycleId: 'c1',
      lastCycleAtMs: cycle(1).cycleAtMs,
      transitions: [{ from: 'EVALUATING', to: 'READY', trigger: 'no_intents', cycleId: 'c1' }, {}, {}, {}],
    });
  });

  it('walks on from the stored state; a cycle that changes nothing keeps since, and only 10 transitions stay', async () => {
    const documents = new MemoryDocumentStore();
    const log = new Lines();
    await recordRuntime({ documents, log }, cycle(1), { ...NORMAL, data: 'stale' });
    expect((await stored(documents))?.state).toBe('PAUSED_DATA');
    await recordRuntime({ documents, log }, cycle(2), { ...NORMAL, data: 'stale' });
    const still = await stored(documents);
    expect(still).toMatchObject({ state: 'PAUSED_DATA', sinceMs: cycle(1).nowMs, lastCycleId: 'c2' });
    await recordRuntime({ documents, log }, cycle(3), NORMAL);
    expect((await stored(documents))?.transitions.map((t) => `${t.cycleId}:${t.trigger}`).slice(0, 4)).toEqual([
      'c3:no_intents',
      'c3:timer_tick',
      'c3:fresh_data',
      'c1:stale_data',
    ]);
    await recordRuntime({ documents, log }, cycle(4), { ...NORMAL, data: 'stale' });
    await recordRuntime({ documents, log }, cycle(5), NORMAL);
    const after = await stored(documents);
    expect(log.transitions()).toHaveLength(4 + 3 + 2 + 3);
    expect(after?.state).toBe('READY');
    expect(after?.transitions).toHaveLength(10);
    expect(after?.transitions[0]).toMatchObject({ cycleId: 'c5', trigger: 'no_intents' });
    expect(after?.transitions.at(-1)).toMatchObject({ cycleId: 'c1', trigger: 'timer_tick' });
  });

  it('records nothing for a cycle due before the one recorded last: an older cycle never overwrites a newer', async () => {
    const documents = new MemoryDocumentStore();
    const log = new Lines();
    await recordRuntime({ documents, log }, cycle(2), { ...NORMAL, lock: 'held_elsewhere' });
    const before = await documents.get(KEY);
    expect(await recordRuntime({ documents, log: new Lines() }, cycle(1), NORMAL)).toBeUndefined();
    expect(await documents.get(KEY)).toEqual(before);
    expect((await stored(documents))?.state).toBe('PAUSED_LOCKED');
  });

  it('re-reads and walks again from what a concurrent recording stored', async () => {
    const inner = new MemoryDocumentStore();
    const log = new Lines();
    let raced = false;
    const documents: DocumentStore = {
      get: (key) => inner.get(key),
      put: async (key, value, version) => {
        if (!raced) {
          raced = true;
          // the locked-out copy of the same firing records PAUSED_LOCKED first
          await recordRuntime({ documents: inner, log: new Lines() }, cycle(1), { ...NORMAL, lock: 'held_elsewhere' });
        }
        return inner.put(key, value, version);
      },
    };
    await recordRuntime({ documents, log }, cycle(1), NORMAL);
    expect(log.transitions().map((t) => t.trigger)).toEqual([
      'restart',
      'settings_valid',
      'lock_acquired',
      'timer_tick',
      'no_intents',
    ]);
    expect((await stored(inner))?.state).toBe('READY');
  });

  it('never throws: a store that fails is a warning, and no transition is logged as recorded', async () => {
    const log = new Lines();
    const documents: DocumentStore = {
      get: async () => undefined,
      put: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    expect(await recordRuntime({ documents, log }, cycle(1), NORMAL)).toBeUndefined();
    expect(log.transitions()).toEqual([]);
    expect(log.lines).toEqual([
      {
        level: 'warn',
        message: 'Runtime state not recorded',
        fields: { role: 'stage3', error: 'Error: ProvisionedThroughputExceededException' },
      },
    ]);
  });

  it('replaces an unreadable document with a new run from INIT, saying so', async () => {
    const documents = new MemoryDocumentStore();
    await documents.put(KEY, '{"state":"SLEEPING"}', 0);
    const log = new Lines();
    await recordRuntime({ documents, log }, cycle(1), NORMAL);
    expect(log.lines[0]).toMatchObject({
      level: 'warn',
      message: 'Runtime document unreadable; recording a new run from INIT',
    });
    expect(await stored(documents)).toMatchObject({ state: 'READY', lastCycleId: 'c1' });
    expect((await documents.get(KEY))?.version).toBe(2);
  });
});

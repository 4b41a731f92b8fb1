// The op-state document through the memory DocumentStore: versioned writes re-applied after a lost race,
// validation on read, and fail-closed reading (an unreadable document means the stored kill switch is on).
import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../shared/adapters/memory/memory-document-store';
import {
  clearStoredKillSwitch,
  clearStoredSymbol,
  escalateExhausted,
  loadOpState,
  OP_STATE_WRITE_ATTEMPTS,
  OpStateUnreadableError,
  opStateKey,
  readOpState,
  recordReconcileOutcome,
} from '../../../shared/application/op-state';
import { ConcurrentUpdateError } from '../../../shared/domain/errors';
import type { DocumentStore, Versioned } from '../../../shared/ports/state-store';

const T = { symbolAfter: 3, killSwitchSymbols: 2 };

/** Another writer puts a document just before each of our first `n` puts */
function racingStore(inner: MemoryDocumentStore, n: number, rival: (s: DocumentStore) => Promise<unknown>) {
  let left = n;
  let puts = 0;
  const store: DocumentStore & { puts: () => number } = {
    get: (key) => inner.get(key),
    async put(key: string, value: string, expected: number): Promise<Versioned<string>> {
      puts += 1;
      if (left > 0) {
        left -= 1;
        await rival(inner);
      }
      return inner.put(key, value, expected);
    },
    puts: () => puts,
  };
  return store;
}

describe('op-state', () => {
  it('reads an absent document as empty: kill switch off, no observe-only symbols', async () => {
    const snapshot = await loadOpState(new MemoryDocumentStore(), 'default');
    expect(snapshot).toMatchObject({ key: 'opstate#default', version: 0, killSwitchOn: false, observeOnlySymbols: [] });
    expect(snapshot.unreadable).toBeUndefined();
  });

  it('records failures until observe-only, then the kill switch, and loads them', async () => {
    const docs = new MemoryDocumentStore();
    for (let i = 0; i < 3; i++) await recordReconcileOutcome(docs, 'default', 'BTCTRY', false, 1_000 + i, T, 'bb3-a');
    for (let i = 0; i < 3; i++) await recordReconcileOutcome(docs, 'default', 'ETHTRY', false, 2_000 + i, T);
    const snapshot = await loadOpState(docs, 'default');
    expect(snapshot.observeOnlySymbols).toEqual(['BTCTRY', 'ETHTRY']);
    expect(snapshot.killSwitchOn).toBe(true);
    expect(snapshot.killSwitchReason).toBe('reconcile_failures:observe_only=BTCTRY,ETHTRY');
    expect(snapshot.killSwitchSinceMs).toBe(2_002);
    expect(snapshot.state.symbols.BTCTRY?.lastClientOrderId).toBe('bb3-a');
    expect(snapshot.version).toBe(6);
  });

  it('writes nothing for a settle of a symbol without a record', async () => {
    const docs = new MemoryDocumentStore();
    const change = await recordReconcileOutcome(docs, 'default', 'BTCTRY', true, 1, T);
    expect(change.before).toBe(change.after);
    expect(await docs.get(opStateKey('default'))).toBeUndefined();
  });

  it('re-reads and re-applies after losing a race, keeping the rival write', async () => {
    const inner = new MemoryDocumentStore();
    const store = racingStore(inner, 2, (s) => recordReconcileOutcome(s, 'default', 'ETHTRY', false, 5, T));
    await recordReconcileOutcome(store, 'default', 'BTCTRY', false, 10, T);
    const { state } = await readOpState(inner, 'default');
    expect(state.symbols.BTCTRY?.consecutiveFailures).toBe(1);
    expect(state.symbols.ETHTRY?.consecutiveFailures).toBe(2);
    expect(store.puts()).toBe(3);
  });

  it(`gives up with ConcurrentUpdateError after ${OP_STATE_WRITE_ATTEMPTS} lost races`, async () => {
    const inner = new MemoryDocumentStore();
    const store = racingStore(inner, 99, (s) => recordReconcileOutcome(s, 'default', 'ETHTRY', false, 5, T));
    await expect(recordReconcileOutcome(store, 'default', 'BTCTRY', false, 10, T)).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    expect(store.puts()).toBe(OP_STATE_WRITE_ATTEMPTS);
  });

  it('escalates an exhausted reconcile and the operator clears the stored kill switch only', async () => {
    const docs = new MemoryDocumentStore();
    await escalateExhausted(docs, 'default', 'BTCTRY', 'bb3-BTCTRY-b-1', 3_000);
    const on = await loadOpState(docs, 'default');
    expect(on).toMatchObject({
      killSwitchOn: true,
      killSwitchReason: 'reconcile_exhausted:bb3-BTCTRY-b-1:BTCTRY',
      observeOnlySymbols: ['BTCTRY'],
    });
    expect(await clearStoredKillSwitch(docs, 'default')).toEqual({
      on: true,
      reason: 'reconcile_exhausted:bb3-BTCTRY-b-1:BTCTRY',
      sinceMs: 3_000,
    });
    expect(await clearStoredKillSwitch(docs, 'default')).toBeUndefined();
    const off = await loadOpState(docs, 'default');
    expect(off.killSwitchOn).toBe(false);
    expect(off.observeOnlySymbols).toEqual(['BTCTRY']);
    expect(await clearStoredSymbol(docs, 'default', 'BTCTRY')).toBe(true);
    expect(await clearStoredSymbol(docs, 'default', 'BTCTRY')).toBe(false);
    expect((await loadOpState(docs, 'default')).observeOnlySymbols).toEqual([]);
  });

  it('keeps accounts apart', async () => {
    const docs = new MemoryDocumentStore();
    await escalateExhausted(docs, 'a', 'BTCTRY', 'bb3-x', 1);
    expect((await loadOpState(docs, 'b')).killSwitchOn).toBe(false);
  });

  describe('a corrupt document fails CLOSED', () => {
    it.each([
      ['not JSON', '{"symbols":'],
      ['a wrong type', JSON.stringify({ symbols: { BTCTRY: { consecutiveFailures: 'three' } } })],
      [
        'a kill switch that is not literally on',
        JSON.stringify({ symbols: {}, killSwitch: { on: false, reason: 'x', sinceMs: 1 } }),
      ],
      ['an unknown field', JSON.stringify({ symbols: {}, killswitch: { on: true } })],
      ['no symbols', JSON.stringify({})],
    ])('%s: the kill switch reads on, with a typed error naming the key', async (_name, text) => {
      const docs = new MemoryDocumentStore();
      await docs.put(opStateKey('default'), text, 0);
      const snapshot = await loadOpState(docs, 'default');
      expect(snapshot.killSwitchOn).toBe(true);
      expect(snapshot.killSwitchReason).toBe('op_state_unreadable');
      expect(snapshot.unreadable).toBeInstanceOf(OpStateUnreadableError);
      expect(snapshot.unreadable?.message).toContain('opstate#default');
      await expect(readOpState(docs, 'default')).rejects.toBeInstanceOf(OpStateUnreadableError);
    });

    it('a writer never overwrites a corrupt document', async () => {
      const docs = new MemoryDocumentStore();
      await docs.put(opStateKey('default'), 'garbage', 0);
      await expect(recordReconcileOutcome(docs, 'default', 'BTCTRY', true, 1, T)).rejects.toThrow(/opstate#default/);
      await expect(clearStoredKillSwitch(docs, 'default')).rejects.toBeInstanceOf(OpStateUnreadableError);
      expect((await docs.get(opStateKey('default')))?.value).toBe('garbage');
    });

    it('a failed read reads on too', async () => {
      const broken: DocumentStore = {
        get: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
        put: () => Promise.reject(new Error('unused')),
      };
      const snapshot = await loadOpState(broken, 'default');
      expect(snapshot.killSwitchOn).toBe(true);
      expect(snapshot.unreadable?.message).toMatch(/opstate#default.*ProvisionedThroughputExceeded/);
    });
  });
});

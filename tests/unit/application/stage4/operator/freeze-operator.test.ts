// `btcbot freeze clear` below the CLI: the domain's clear rule applied to the stored freeze over the version
// read, nothing written when nothing is frozen, and a cycle's save in between refused rather than overwritten.
import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../../../shared/adapters/memory/memory-document-store';
import {
  clearStage4Freeze,
  parseFreezeClearRequest,
} from '../../../../../shared/application/stage4/operator/freeze-operator';
import { loadFreezeState, saveFreezeState } from '../../../../../shared/application/stage4/state/freeze-state';
import { ConcurrentUpdateError, ValidationError } from '../../../../../shared/domain/errors';
import {
  evaluateFreeze,
  type FreezeState,
  INITIAL_FREEZE_STATE,
} from '../../../../../shared/domain/oms/unknown-order-freeze';
import { racingDocuments } from './racing-documents';

const ACCOUNT = 'default';
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const SETTINGS = {
  STAGE4_UNKNOWN_FREEZE_ENABLED: true,
  STAGE4_UNKNOWN_FREEZE_THRESHOLD: 1,
  STAGE4_UNKNOWN_FREEZE_PERSIST_CYCLES: 3,
  STAGE4_UNKNOWN_FREEZE_PERSIST_SECONDS: 30,
};

/** A freeze as a cycle makes it: an imported external order, and a mismatch seen once */
function frozen(): FreezeState {
  const observation = {
    nowMs: NOW - 60_000,
    ordersWithoutClientId: [],
    importedExternal: ['advanced'],
    mismatches: ['bb4-BTCTRY-b-1'],
  };
  return evaluateFreeze(INITIAL_FREEZE_STATE, observation, SETTINGS).state;
}

async function storedFreeze() {
  const documents = new MemoryDocumentStore();
  await saveFreezeState(documents, ACCOUNT, frozen(), 0);
  return documents;
}

describe('clearStage4Freeze', () => {
  it('lifts an active freeze, records who cleared it and keeps the mismatch streaks', async () => {
    const documents = await storedFreeze();
    const outcome = await clearStage4Freeze(documents, ACCOUNT, 'alice', 'canceled it', NOW);
    expect(outcome).toMatchObject({
      cleared: true,
      was: { reason: 'imported_external_orders', sinceMs: NOW - 60_000, details: ['imported_external:advanced'] },
      version: 2,
    });
    const stored = await loadFreezeState(documents, ACCOUNT);
    expect(stored.version).toBe(2);
    expect(stored.value.active).toBeUndefined();
    expect(stored.value.lastClear).toEqual({
      operator: 'alice',
      atMs: NOW,
      reason: 'imported_external_orders',
      note: 'canceled it',
    });
    // a clear does not repair: the next cycle that still sees the mismatch counts on from here
    expect(stored.value.mismatches.get('bb4-BTCTRY-b-1')).toEqual({ firstSeenMs: NOW - 60_000, cycles: 1 });
  });

  it('writes nothing when no freeze is active: absent, or already cleared', async () => {
    const empty = new MemoryDocumentStore();
    expect(await clearStage4Freeze(empty, ACCOUNT, 'alice', 'canceled it', NOW)).toMatchObject({
      cleared: false,
      version: 0,
    });
    expect(await empty.get(`stage4#${ACCOUNT}#freeze`)).toBeUndefined();

    const documents = await storedFreeze();
    await clearStage4Freeze(documents, ACCOUNT, 'alice', 'canceled it', NOW);
    const again = await clearStage4Freeze(documents, ACCOUNT, 'bob', 'again', NOW + 1000);
    expect(again).toMatchObject({ cleared: false, version: 2 });
    expect((await loadFreezeState(documents, ACCOUNT)).value.lastClear?.operator).toBe('alice');
  });

  it('refuses to write over a freeze a cycle saved after the clear read it', async () => {
    const inner = await storedFreeze();
    const later = { ...frozen(), mismatches: new Map([['bb4-BTCTRY-b-1', { firstSeenMs: NOW - 60_000, cycles: 2 }]]) };
    const documents = racingDocuments(inner, (d) => saveFreezeState(d, ACCOUNT, later, 1));
    await expect(clearStage4Freeze(documents, ACCOUNT, 'alice', 'canceled it', NOW)).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    const stored = await loadFreezeState(inner, ACCOUNT);
    expect(stored.version).toBe(2);
    expect(stored.value.active?.reason).toBe('imported_external_orders');
    expect(stored.value.mismatches.get('bb4-BTCTRY-b-1')?.cycles).toBe(2);
  });

  it('refuses a blank operator before writing anything', async () => {
    const documents = await storedFreeze();
    await expect(clearStage4Freeze(documents, ACCOUNT, ' ', 'canceled it', NOW)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect((await loadFreezeState(documents, ACCOUNT)).version).toBe(1);
  });
});

describe('parseFreezeClearRequest', () => {
  it('trims the reason and the operator', () => {
    expect(parseFreezeClearRequest({ reason: ' canceled order 42 by hand ', operator: 'alice ' })).toEqual({
      reason: 'canceled order 42 by hand',
      operator: 'alice',
    });
  });

  it.each([
    [{ operator: 'alice' }, 'reason: expected why the freeze may lift (what was repaired), was missing'],
    [{ reason: '  ', operator: 'alice' }, 'reason: expected why the freeze may lift (what was repaired), was empty'],
    [{ reason: 'x'.repeat(201), operator: 'alice' }, 'reason: expected at most 200 characters'],
    [{ reason: 'repaired' }, 'operator: expected who clears, was missing'],
  ])('refuses %j naming the option', (input, message) => {
    expect(() => parseFreezeClearRequest(input)).toThrow(message);
  });
});

// IdempotencyKeys and ActionLog contracts: first registration wins, the same payload again is a duplicate,
// another payload is IdempotencyConflictError; action dedupe follows spec 6.5 and its worked examples.
import { describe, expect, it } from 'vitest';
import { IdempotencyConflictError } from '../../shared/domain/errors';
import type { StateStores } from '../../shared/ports/state-store';
import { settle, T0 } from './state-store-builders';

export function idempotencyKeysContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`IdempotencyKeys (${label})`, () => {
    it('registers a key once; the same hash again is a duplicate', async () => {
      const { idempotency } = await makeStores();
      expect(await idempotency.register('stage7', 'k-1', 'h-1', T0)).toBe('new');
      expect(await idempotency.register('stage7', 'k-1', 'h-1', T0 + 1)).toBe('duplicate');
      expect(await idempotency.register('stage3', 'k-1', 'h-2', T0)).toBe('new');
    });

    it('refuses the same key with another payload hash, naming both hashes', async () => {
      const { idempotency } = await makeStores();
      await idempotency.register('stage7', 'k-1', 'h-1', T0);
      const conflict = idempotency.register('stage7', 'k-1', 'h-2', T0 + 1);
      await expect(conflict).rejects.toBeInstanceOf(IdempotencyConflictError);
      await expect(idempotency.register('stage7', 'k-1', 'h-2', T0 + 1)).rejects.toThrow(
        'stage7#k-1: expected payload hash h-1, was h-2',
      );
      expect(await idempotency.register('stage7', 'k-1', 'h-1', T0 + 2)).toBe('duplicate');
    });

    it('treats a key past its TTL as absent', async () => {
      const { idempotency } = await makeStores();
      await idempotency.register('stage7', 'k-1', 'h-1', T0, 60);
      expect(await idempotency.register('stage7', 'k-1', 'h-1', T0 + 59_000)).toBe('duplicate');
      expect(await idempotency.register('stage7', 'k-1', 'h-2', T0 + 60_000)).toBe('new');
      await expect(idempotency.register('stage7', 'k-1', 'h-1', T0 + 61_000)).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
    });

    it('reports exactly one of 20 parallel registrations as new', async () => {
      const { idempotency } = await makeStores();
      const runs = Array.from({ length: 20 }, () => idempotency.register('stage7', 'k-1', 'h-1', T0));
      const { values, errors } = await settle(runs);
      expect(errors).toEqual([]);
      expect(values.filter((v) => v === 'new')).toHaveLength(1);
    });
  });
}

export function actionLogContract(label: string, makeStores: () => Promise<StateStores>) {
  const record = (nowSec: number, extra: { dedupeKey?: string; payloadHash?: string } = {}) => ({
    cycleId: 'cycle-1',
    actionType: 'place',
    payloadHash: extra.payloadHash ?? 'h-1',
    nowMs: nowSec * 1000,
    ...(extra.dedupeKey === undefined ? {} : { dedupeKey: extra.dedupeKey }),
  });

  describe(`ActionLog (${label})`, () => {
    it('dedupes within one 300 s bucket and not across buckets (spec 6.5 examples)', async () => {
      const { actions } = await makeStores();
      expect(await actions.record(record(1000))).toEqual(expect.any(String));
      expect(await actions.record(record(1100))).toBeNull();
      expect(await actions.record(record(1400))).toEqual(expect.any(String));
      expect(await actions.record(record(1100, { payloadHash: 'h-2' }))).toEqual(expect.any(String));
    });

    it('honours an explicit dedupe key and frees it for a retry after clearDedupeKey', async () => {
      const { actions } = await makeStores();
      const first = await actions.record(record(1000, { dedupeKey: 'cancel:o-1' }));
      expect(await actions.record(record(5000, { dedupeKey: 'cancel:o-1' }))).toBeNull();
      if (first === null) throw new Error('expected the first action to be recorded');
      await actions.clearDedupeKey(first);
      await actions.clearDedupeKey(first);
      await actions.clearDedupeKey('never-recorded');
      const retry = await actions.record(record(5001, { dedupeKey: 'cancel:o-1' }));
      expect(retry).not.toBeNull();
      expect(retry).not.toBe(first);
      await actions.clearDedupeKey(first);
      expect(await actions.record(record(5002, { dedupeKey: 'cancel:o-1' }))).toBeNull();
    });

    it('records one action out of 20 parallel records of one dedupe key', async () => {
      const { actions } = await makeStores();
      const { values, errors } = await settle(Array.from({ length: 20 }, () => actions.record(record(1000))));
      expect(errors).toEqual([]);
      expect(values.filter((id) => id !== null)).toHaveLength(1);
    });
  });
}

// DocumentStore and CursorStore contracts: version-guarded documents and cursors that only move forward.
import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError } from '../../shared/domain/errors';
import type { StateStores } from '../../shared/ports/state-store';
import { settle } from './state-store-builders';

export function documentStoreContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`DocumentStore (${label})`, () => {
    it('creates at expected version 0 and then moves one version per write', async () => {
      const { documents } = await makeStores();
      expect(await documents.get('risk_state')).toBeUndefined();
      expect(await documents.put('risk_state', '{"mode":"NORMAL"}', 0)).toEqual({
        value: '{"mode":"NORMAL"}',
        version: 1,
      });
      expect(await documents.put('risk_state', '', 1)).toEqual({ value: '', version: 2 });
      expect(await documents.get('risk_state')).toEqual({ value: '', version: 2 });
    });

    it('refuses a stale version with ConcurrentUpdateError and keeps the stored value', async () => {
      const { documents } = await makeStores();
      await documents.put('positions#default', 'a', 0);
      await expect(documents.put('positions#default', 'b', 0)).rejects.toThrow('expected version 0, was version 1');
      await expect(documents.put('missing', 'b', 3)).rejects.toThrow('expected version 3, was absent');
      expect(await documents.get('positions#default')).toEqual({ value: 'a', version: 1 });
    });

    it('lets exactly one of 20 parallel writes from one version succeed', async () => {
      const { documents } = await makeStores();
      await documents.put('degrade', 'v1', 0);
      const { values, errors } = await settle(
        Array.from({ length: 20 }, (_, i) => documents.put('degrade', `w${i}`, 1)),
      );
      expect(values).toHaveLength(1);
      for (const e of errors) expect(e).toBeInstanceOf(ConcurrentUpdateError);
      expect(await documents.get('degrade')).toEqual(values[0]);
    });
  });
}

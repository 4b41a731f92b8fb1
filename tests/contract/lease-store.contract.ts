// LeaseStore contract: single writer per name, epochs that only grow, and one winner per takeover race.
import { describe, expect, it } from 'vitest';
import type { StateStores } from '../../shared/ports/state-store';
import { settle, T0 } from './state-store-builders';

export function leaseStoreContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`LeaseStore (${label})`, () => {
    it('takes a free lease at epoch 1 and refuses it to another holder while it is live', async () => {
      const { leases } = await makeStores();
      const lease = await leases.acquire('stage3#default', 'inv-a', 30_000, T0);
      expect(lease).toEqual({ name: 'stage3#default', holder: 'inv-a', epoch: 1, expiresAtMs: T0 + 30_000 });
      expect(await leases.acquire('stage3#default', 'inv-b', 30_000, T0 + 29_999)).toBeUndefined();
      expect(await leases.read('stage3#default')).toEqual(lease);
    });

    it('renews for the same holder without changing the epoch', async () => {
      const { leases } = await makeStores();
      await leases.acquire('stage3#default', 'inv-a', 30_000, T0);
      const renewed = await leases.acquire('stage3#default', 'inv-a', 30_000, T0 + 10_000);
      expect(renewed).toEqual({ name: 'stage3#default', holder: 'inv-a', epoch: 1, expiresAtMs: T0 + 40_000 });
    });

    it('lets another holder take over an expired lease at the next epoch', async () => {
      const { leases } = await makeStores();
      await leases.acquire('stage3#default', 'inv-a', 30_000, T0);
      const taken = await leases.acquire('stage3#default', 'inv-b', 30_000, T0 + 30_001);
      expect(taken).toMatchObject({ holder: 'inv-b', epoch: 2 });
      expect(await leases.acquire('stage3#default', 'inv-a', 30_000, T0 + 30_002)).toBeUndefined();
    });

    it('releases only the current holder and epoch; a release keeps the epoch growing', async () => {
      const { leases } = await makeStores();
      const first = await leases.acquire('stage3#default', 'inv-a', 30_000, T0);
      const second = await leases.acquire('stage3#default', 'inv-b', 30_000, T0 + 40_000);
      if (!first || !second) throw new Error('expected both acquisitions to succeed');
      await leases.release(first);
      expect(await leases.read('stage3#default')).toEqual(second);
      await leases.release(second);
      expect(await leases.acquire('stage3#default', 'inv-c', 30_000, T0 + 40_001)).toMatchObject({ epoch: 3 });
    });

    it('keeps separate leases per name', async () => {
      const { leases } = await makeStores();
      await leases.acquire('stage3#default', 'inv-a', 30_000, T0);
      expect(await leases.acquire('stage4#default', 'inv-b', 30_000, T0)).toMatchObject({ epoch: 1 });
      expect(await leases.read('stage7#default')).toBeUndefined();
    });

    it('gives an expired lease to exactly one of 20 parallel takeovers, once per epoch', async () => {
      const { leases } = await makeStores();
      await leases.acquire('stage3#default', 'inv-0', 1_000, T0);
      for (let round = 1; round <= 3; round++) {
        const now = T0 + round * 10_000;
        const holders = Array.from({ length: 20 }, (_, i) => `inv-${round}-${i}`);
        const { values, errors } = await settle(holders.map((h) => leases.acquire('stage3#default', h, 1_000, now)));
        expect(errors).toEqual([]);
        const winners = values.filter((lease) => lease !== undefined);
        expect(winners).toHaveLength(1);
        expect(winners[0]?.epoch).toBe(round + 1);
        expect(await leases.read('stage3#default')).toEqual(winners[0]);
      }
    });
  });
}

// CycleAuditStore and SymbolCooldownStore contracts, the latter on the worked examples of spec 6.6.
import { describe, expect, it } from 'vitest';
import type { StateStores } from '../../shared/ports/state-store';
import { anAudit, T0 } from './state-store-builders';

export function cycleAuditStoreContract(label: string, makeStores: () => Promise<StateStores>) {
  describe(`CycleAuditStore (${label})`, () => {
    it('records a cycle once and lists the latest first', async () => {
      const { audits } = await makeStores();
      expect(await audits.put(anAudit({ cycleId: 'c-1' }), 86_400)).toBe(true);
      expect(await audits.put(anAudit({ cycleId: 'c-1', mode: 'live' }), 86_400)).toBe(false);
      await audits.put(anAudit({ cycleId: 'c-3', startedAtMs: T0 + 20, counts: {}, decisions: [] }), 86_400);
      await audits.put(anAudit({ cycleId: 'c-2', startedAtMs: T0 + 10 }), 86_400);
      await audits.put(anAudit({ cycleId: 'c-4', stage: 'stage4' }), 86_400);
      const latest = await audits.latest('stage3', 'default', 2);
      expect(latest.map((a) => a.cycleId)).toEqual(['c-3', 'c-2']);
      expect(latest[0]).toEqual(anAudit({ cycleId: 'c-3', startedAtMs: T0 + 20, counts: {}, decisions: [] }));
      expect((await audits.latest('stage3', 'default', 10)).map((a) => a.cycleId)).toEqual(['c-3', 'c-2', 'c-1']);
      expect(await audits.latest('stage3', 'default', 0)).toEqual([]);
    });
  });
}

export function symbolCooldownStoreContract(label: string, makeStores: () => Promise<StateStores>) {
  const defaults = { windowMinutes: 60, threshold: 3, cooldownMinutes: 240 };
  const short = { windowMinutes: 60, threshold: 3, cooldownMinutes: 10 };

  describe(`SymbolCooldownStore (${label})`, () => {
    it('counts rejects in a rolling window and restarts it after window_minutes (spec 6.6)', async () => {
      const { cooldowns } = await makeStores();
      expect(await cooldowns.recordReject('BTCTRY', 1000, defaults)).toEqual({
        symbol: 'BTCTRY',
        windowStartSec: 1000,
        rollingCount: 1,
      });
      expect(await cooldowns.recordReject('BTCTRY', 1020, defaults)).toMatchObject({
        rollingCount: 2,
        cooldownUntilSec: undefined,
      });
      expect(await cooldowns.recordReject('BTCTRY', 1000 + 61 * 60, defaults)).toMatchObject({
        windowStartSec: 1000 + 61 * 60,
        rollingCount: 1,
      });
      expect(await cooldowns.active(1020)).toEqual([]);
    });

    it('starts a cooldown at the threshold and extends it from the latest reject (spec 6.6)', async () => {
      const { cooldowns } = await makeStores();
      await cooldowns.recordReject('eth_try', 2000, short);
      await cooldowns.recordReject('ETH_TRY', 2010, short);
      expect(await cooldowns.recordReject('ETHTRY', 2020, short)).toMatchObject({
        rollingCount: 3,
        cooldownUntilSec: 2620,
      });
      expect(await cooldowns.recordReject('ETHTRY', 2050, short)).toMatchObject({
        rollingCount: 4,
        cooldownUntilSec: 2650,
      });
      await cooldowns.recordReject('BTCTRY', 2050, short);
      expect(await cooldowns.active(2051)).toEqual([
        { symbol: 'ETHTRY', windowStartSec: 2000, rollingCount: 4, cooldownUntilSec: 2650 },
      ]);
      expect(await cooldowns.active(2650)).toEqual([]);
    });
  });
}

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
  /** Epoch seconds: the stores keep cooldowns in seconds */
  const S0 = T0 / 1000;

  describe(`SymbolCooldownStore (${label})`, () => {
    it('counts rejects in a rolling window and restarts it after window_minutes (spec 6.6)', async () => {
      const { cooldowns } = await makeStores();
      expect(await cooldowns.recordReject('BTCTRY', S0, defaults)).toEqual({
        symbol: 'BTCTRY',
        windowStartSec: S0,
        rollingCount: 1,
      });
      expect(await cooldowns.recordReject('BTCTRY', S0 + 20, defaults)).toMatchObject({
        rollingCount: 2,
        cooldownUntilSec: undefined,
      });
      expect(await cooldowns.recordReject('BTCTRY', S0 + 61 * 60, defaults)).toMatchObject({
        windowStartSec: S0 + 61 * 60,
        rollingCount: 1,
      });
      expect(await cooldowns.active(S0 + 20)).toEqual([]);
    });

    it('starts a cooldown at the threshold and extends it from the latest reject (spec 6.6)', async () => {
      const { cooldowns } = await makeStores();
      await cooldowns.recordReject('eth_try', S0, short);
      await cooldowns.recordReject('ETH_TRY', S0 + 10, short);
      expect(await cooldowns.recordReject('ETHTRY', S0 + 20, short)).toMatchObject({
        rollingCount: 3,
        cooldownUntilSec: S0 + 620,
      });
      expect(await cooldowns.recordReject('ETHTRY', S0 + 50, short)).toMatchObject({
        rollingCount: 4,
        cooldownUntilSec: S0 + 650,
      });
      await cooldowns.recordReject('BTCTRY', S0 + 50, short);
      expect(await cooldowns.active(S0 + 51)).toEqual([
        { symbol: 'ETHTRY', windowStartSec: S0, rollingCount: 4, cooldownUntilSec: S0 + 650 },
      ]);
      expect(await cooldowns.active(S0 + 650)).toEqual([]);
    });
  });
}

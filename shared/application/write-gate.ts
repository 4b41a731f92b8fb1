// The last check before a live exchange write (spec 1.7 runtime re-check, ARCHITECTURE 5.2): every arming
// gate, the operator's kill switch (SSM parameter and the stored one of the escalation op-state) and the
// lease this invocation writes under. Readings are not cached here: the SSM adapter reuses a reading for at
// most KILL_SWITCH_CACHE_SECONDS, the stored switch and the lease are read each time.
import { type ArmingSettings, armingInputsOf, evaluateArming } from '../domain/arming';
import { LiveTradingNotArmedError, StaleLeaseError } from '../domain/errors';
import type { Clock } from '../ports/clock';
import type { KillSwitch } from '../ports/kill-switch';
import type { LeaseFence, LeaseStore } from '../ports/state-store';

export interface WriteGate {
  /**
   * @throws LiveTradingNotArmedError a gate is closed (or could not be read): do not send
   * @throws StaleLeaseError the lease moved on or expired: this invocation must stop writing
   */
  assertOpen(): Promise<void>;
}

export interface LiveWriteGateDeps {
  readonly settings: ArmingSettings;
  readonly killSwitch: KillSwitch;
  /** The stored kill switch (escalation op-state); a failed read counts as on */
  readonly storedKillSwitchOn: () => Promise<boolean>;
  readonly leases: Pick<LeaseStore, 'read'>;
  readonly fence: LeaseFence;
  readonly clock: Clock;
}

export interface WriteGateScope {
  /**
   * Whether the kill switches (the parameter, the stored one, KILL_SWITCH) close this gate: true for every
   * write except stage 4's cancels, which take risk off the book (spec 3.17); the other gates still hold
   */
  readonly killSwitchCloses: boolean;
}

export function liveWriteGate(deps: LiveWriteGateDeps, scope: WriteGateScope = { killSwitchCloses: true }): WriteGate {
  const settings = scope.killSwitchCloses ? deps.settings : { ...deps.settings, KILL_SWITCH: false };
  return {
    async assertOpen() {
      const [parameterOn, storedOn] = scope.killSwitchCloses
        ? await Promise.all([deps.killSwitch.isOn().catch(() => true), deps.storedKillSwitchOn().catch(() => true)])
        : [false, false];
      const arming = evaluateArming(armingInputsOf(settings, parameterOn || storedOn));
      if (!arming.allowed) throw new LiveTradingNotArmedError(arming.reasonCodes);
      const lease = await deps.leases.read(deps.fence.name);
      if (lease?.epoch !== deps.fence.epoch || lease.expiresAtMs <= deps.clock.nowMs()) {
        throw new StaleLeaseError(deps.fence.name, deps.fence.epoch);
      }
    },
  };
}

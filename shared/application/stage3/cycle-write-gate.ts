// The write gate of a stage 3 cycle: its settings, the SSM kill switch, the stored kill switch of the
// escalation op-state and the lease it holds (also what tests use to write as a cycle would)
import type { LeaseFence } from '../../ports/state-store';
import { loadOpState } from '../op-state';
import { liveWriteGate, type WriteGate } from '../write-gate';
import type { Stage3Deps } from './run-stage3-cycle';

export const cycleWriteGate = (deps: Stage3Deps, fence: LeaseFence): WriteGate =>
  liveWriteGate({
    settings: deps.settings,
    killSwitch: deps.killSwitch,
    storedKillSwitchOn: async () => (await loadOpState(deps.documents, deps.settings.BOT_ACCOUNT)).killSwitchOn,
    leases: deps.leases,
    fence,
    clock: deps.clock,
  });

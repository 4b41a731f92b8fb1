// Stage 4's two write gates (spec 3.17): SUBMITs need every arming gate, the kill switch included; CANCELs
// pass the kill switch unless KILL_SWITCH_FREEZE_ALL, because taking risk off the book is what an operator
// who stops the bot wants. Every other gate (role, dry-run, arming, ack, the lease) holds for both.
import type { KillSwitch } from '../../ports/kill-switch';
import { type LiveWriteGateDeps, liveWriteGate, type WriteGate } from '../write-gate';

export interface Stage4WriteGates {
  readonly submit: WriteGate;
  readonly cancel: WriteGate;
}

const OFF: KillSwitch = { isOn: async () => false };

export function stage4WriteGates(deps: LiveWriteGateDeps, freezeAll: boolean): Stage4WriteGates {
  const submit = liveWriteGate(deps);
  if (freezeAll) return { submit, cancel: submit };
  return {
    submit,
    cancel: liveWriteGate({
      ...deps,
      settings: { ...deps.settings, KILL_SWITCH: false },
      killSwitch: OFF,
      storedKillSwitchOn: async () => false,
    }),
  };
}

// Stage 4's two write gates (spec 3.17): SUBMITs need every arming gate, the kill switch included; CANCELs
// pass the kill switch unless KILL_SWITCH_FREEZE_ALL, because taking risk off the book is what an operator
// who stops the bot wants. Every other gate (role, dry-run, arming, ack, the lease) holds for both.
import { type LiveWriteGateDeps, liveWriteGate, type WriteGate } from '../write-gate';

export interface Stage4WriteGates {
  readonly submit: WriteGate;
  readonly cancel: WriteGate;
}

export function stage4WriteGates(deps: LiveWriteGateDeps, freezeAll: boolean): Stage4WriteGates {
  const submit = liveWriteGate(deps);
  return { submit, cancel: freezeAll ? submit : liveWriteGate(deps, { killSwitchCloses: false }) };
}

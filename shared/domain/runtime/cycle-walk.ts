// The transitions one cycle makes, from the state the previous cycle left and what this cycle observed. Every
// step goes through the machine's table (runtime-machine.ts), so a walk the table forbids throws rather than
// being recorded. A paused or error state is left only when this cycle shows its exit (fresh data, the gates
// open again, nothing left in flight, a cycle without an exception); otherwise the state stays and the walk
// is empty.
import {
  type RuntimeState,
  type RuntimeTransition,
  type RuntimeTrigger,
  restartRun,
  transition,
} from './runtime-machine';

/** What a cycle observed, in the order it observes it */
export interface CycleObservation {
  /** False when the settings cannot run any cycle (ERROR_FATAL until the operator changes them) */
  readonly settingsValid: boolean;
  /** `not_tried`: the cycle stopped before it asked for its lease */
  readonly lock: 'acquired' | 'held_elsewhere' | 'not_tried';
  /** A kill switch, an unknown-order freeze or a drawdown halt stopped this cycle's trading */
  readonly safetyClosed: boolean;
  /** `not_read`: the cycle stopped before it read the market */
  readonly data: 'fresh' | 'stale' | 'not_read';
  /** Intents (or stage 4 actions, or simulated orders) were approved for execution */
  readonly approved: boolean;
  /** Orders in flight (PENDING_SUBMIT, UNKNOWN) or uncertain when the cycle ended; undefined when not read */
  readonly inFlight: boolean | undefined;
  /** The cycle threw */
  readonly exception: boolean;
}

/** @throws InvalidTransitionError never for a walk built here: it would be a bug in this file */
export function walkCycle(from: RuntimeState, seen: CycleObservation): RuntimeTransition[] {
  const walked: RuntimeTransition[] = [];
  let state = from;
  const go = (t: RuntimeTransition) => {
    walked.push(t);
    state = t.to;
  };
  const step = (trigger: RuntimeTrigger) => go(transition(state, trigger));
  const restart = () => {
    if (state !== 'INIT') go(restartRun(state));
  };

  if (!seen.settingsValid) {
    if (state === 'ERROR_FATAL') return walked;
    restart();
    step('settings_invalid');
    return walked;
  }
  if (state === 'ERROR_FATAL') step('operator');
  if (seen.lock === 'held_elsewhere') {
    restart();
    step('settings_valid');
    step('lock_held_elsewhere');
    return walked;
  }
  if (state === 'INIT' || state === 'PAUSED_LOCKED') {
    // a run (re)starts only with the lock in hand: a cycle that stopped before asking proves nothing about it
    if (seen.lock === 'not_tried') return walked;
    restart();
    step('settings_valid');
    step('lock_acquired');
  }
  if (seen.exception) {
    // an exception proves no exit from a paused, degraded or error state: those stay
    if (state === 'READY') {
      step('timer_tick');
      step('exception');
    }
    return walked;
  }
  if (!leavePause(state, seen, step)) return walked;
  if (state !== 'READY') return walked;
  step('timer_tick');
  if (seen.safetyClosed) step('safety_gate_closed');
  else if (seen.data === 'stale') step('stale_data');
  else if (!seen.approved) step('no_intents');
  else {
    step('approved_intents');
    step(seen.inFlight === true ? 'uncertain_or_reconcile_pending' : 'success');
  }
  return walked;
}

/** Leaves a paused, degraded or error state through its spec trigger; @returns false when it stays */
function leavePause(state: RuntimeState, seen: CycleObservation, step: (trigger: RuntimeTrigger) => void): boolean {
  switch (state) {
    case 'ERROR_RETRYABLE':
      // the schedule's interval is the backoff: this cycle ran to its end
      step('backoff_elapsed');
      return true;
    case 'PAUSED_SAFETY':
      // the operator cleared the kill switch or the freeze: this cycle found its gates open
      if (seen.safetyClosed) return false;
      step('operator_unpause');
      return true;
    case 'DEGRADED_RECOVERY':
      // the spec's only way into PAUSED_SAFETY: the escalation's kill switch is such a threshold
      if (seen.safetyClosed) {
        step('threshold_breach');
        return false;
      }
      if (seen.inFlight !== false) return false;
      step('recovered');
      return true;
    case 'PAUSED_DATA':
      if (seen.data !== 'fresh') return false;
      step('fresh_data');
      return true;
    default:
      return true;
  }
}

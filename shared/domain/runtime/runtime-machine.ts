// The runtime state machine of a cycle function (spec 9.2.11): its states, its triggers and the one table of
// transitions. Nothing else decides a next state; a pair the table does not hold is a bug and is refused.
import { InvalidTransitionError } from '../errors';

export const RUNTIME_STATES = [
  'INIT',
  'LOCKING',
  'READY',
  'EVALUATING',
  'EXECUTING',
  'DEGRADED_RECOVERY',
  'PAUSED_DATA',
  'PAUSED_SAFETY',
  'PAUSED_LOCKED',
  'ERROR_RETRYABLE',
  'ERROR_FATAL',
] as const;
export type RuntimeState = (typeof RUNTIME_STATES)[number];

/** The spec's trigger phrases as log values, plus the two deployment triggers below and a run restart */
export const RUNTIME_TRIGGERS = [
  'settings_valid',
  'settings_invalid',
  'lock_acquired',
  'lock_held_elsewhere',
  'timer_tick',
  'stale_data',
  'approved_intents',
  'no_intents',
  'success',
  'uncertain_or_reconcile_pending',
  'exception',
  'recovered',
  'threshold_breach',
  'fresh_data',
  'operator_unpause',
  'backoff_elapsed',
  'operator',
  'safety_gate_closed',
  'restart',
] as const;
export type RuntimeTrigger = (typeof RUNTIME_TRIGGERS)[number];

type Table = Readonly<Record<RuntimeState, Readonly<Partial<Record<RuntimeTrigger, RuntimeState>>>>>;

/** Spec 9.2.11, transition for transition */
export const SPEC_TRANSITIONS: Table = {
  INIT: { settings_valid: 'LOCKING', settings_invalid: 'ERROR_FATAL' },
  LOCKING: { lock_acquired: 'READY', lock_held_elsewhere: 'PAUSED_LOCKED' },
  READY: { timer_tick: 'EVALUATING' },
  EVALUATING: { stale_data: 'PAUSED_DATA', approved_intents: 'EXECUTING', no_intents: 'READY' },
  EXECUTING: { success: 'READY', uncertain_or_reconcile_pending: 'DEGRADED_RECOVERY', exception: 'ERROR_RETRYABLE' },
  DEGRADED_RECOVERY: { recovered: 'READY', threshold_breach: 'PAUSED_SAFETY' },
  PAUSED_DATA: { fresh_data: 'READY' },
  PAUSED_SAFETY: { operator_unpause: 'READY' },
  PAUSED_LOCKED: {},
  ERROR_RETRYABLE: { backoff_elapsed: 'READY' },
  ERROR_FATAL: { operator: 'INIT' },
};

/**
 * What the deployment adds to the spec's table, and why. The spec enters PAUSED_SAFETY only through a
 * DEGRADED_RECOVERY threshold breach, but the operator's kill switch, the unknown-order freeze and the drawdown
 * halt stop a cycle while it evaluates; and it lists an exception only while executing, but a cycle can throw
 * while it reads and evaluates (a store or exchange read): both are as retryable.
 */
export const DEPLOYMENT_TRANSITIONS: Table = {
  INIT: {},
  LOCKING: {},
  READY: {},
  EVALUATING: { safety_gate_closed: 'PAUSED_SAFETY', exception: 'ERROR_RETRYABLE' },
  EXECUTING: {},
  DEGRADED_RECOVERY: {},
  PAUSED_DATA: {},
  PAUSED_SAFETY: {},
  PAUSED_LOCKED: {},
  ERROR_RETRYABLE: {},
  ERROR_FATAL: {},
};

const MACHINE = 'runtime state machine';

export interface RuntimeTransition {
  readonly from: RuntimeState;
  readonly to: RuntimeState;
  readonly trigger: RuntimeTrigger;
}

/** @throws InvalidTransitionError neither table holds (from, trigger) */
export function transition(from: RuntimeState, trigger: RuntimeTrigger): RuntimeTransition {
  const to = SPEC_TRANSITIONS[from][trigger] ?? DEPLOYMENT_TRANSITIONS[from][trigger];
  if (to === undefined) throw new InvalidTransitionError(MACHINE, from, trigger);
  return { from, to, trigger };
}

/**
 * A new run of the machine, at INIT. In a Lambda every invocation is a process start: the stored state carries
 * the run on, except where the spec's long-running process would have exited and been started again (it found
 * the lock held elsewhere, or a redeploy changed its settings). ERROR_FATAL does not restart: only the
 * operator's `operator` transition leaves it. A restart from INIT would mean nothing and is refused.
 * @throws InvalidTransitionError from INIT or ERROR_FATAL
 */
export function restartRun(from: RuntimeState): RuntimeTransition {
  if (from === 'INIT' || from === 'ERROR_FATAL') throw new InvalidTransitionError(MACHINE, from, 'restart');
  return { from, to: 'INIT', trigger: 'restart' };
}

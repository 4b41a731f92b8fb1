// The runtime machine's table is spec 9.2.11 plus the two deployment transitions, and nothing else: every
// listed transition is taken, every other (state, trigger) pair is refused with a typed error.
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../../../shared/domain/errors';
import {
  RUNTIME_STATES,
  RUNTIME_TRIGGERS,
  type RuntimeState,
  type RuntimeTrigger,
  restartRun,
  transition,
} from '../../../../shared/domain/runtime/runtime-machine';

// written out from the spec's text, not derived from the table under test
const SPEC: [RuntimeState, RuntimeTrigger, RuntimeState][] = [
  ['INIT', 'settings_valid', 'LOCKING'],
  ['INIT', 'settings_invalid', 'ERROR_FATAL'],
  ['LOCKING', 'lock_acquired', 'READY'],
  ['LOCKING', 'lock_held_elsewhere', 'PAUSED_LOCKED'],
  ['READY', 'timer_tick', 'EVALUATING'],
  ['EVALUATING', 'stale_data', 'PAUSED_DATA'],
  ['EVALUATING', 'approved_intents', 'EXECUTING'],
  ['EVALUATING', 'no_intents', 'READY'],
  ['EXECUTING', 'success', 'READY'],
  ['EXECUTING', 'uncertain_or_reconcile_pending', 'DEGRADED_RECOVERY'],
  ['EXECUTING', 'exception', 'ERROR_RETRYABLE'],
  ['DEGRADED_RECOVERY', 'recovered', 'READY'],
  ['DEGRADED_RECOVERY', 'threshold_breach', 'PAUSED_SAFETY'],
  ['PAUSED_DATA', 'fresh_data', 'READY'],
  ['PAUSED_SAFETY', 'operator_unpause', 'READY'],
  ['ERROR_RETRYABLE', 'backoff_elapsed', 'READY'],
  ['ERROR_FATAL', 'operator', 'INIT'],
];

const DEPLOYMENT: [RuntimeState, RuntimeTrigger, RuntimeState][] = [
  ['EVALUATING', 'safety_gate_closed', 'PAUSED_SAFETY'],
  ['EVALUATING', 'exception', 'ERROR_RETRYABLE'],
];

const allowed = new Set([...SPEC, ...DEPLOYMENT].map(([from, trigger]) => `${from}:${trigger}`));
const refused = RUNTIME_STATES.flatMap((from) =>
  RUNTIME_TRIGGERS.filter((trigger) => !allowed.has(`${from}:${trigger}`)).map((trigger) => [from, trigger] as const),
);

describe('runtime state machine', () => {
  it.each(SPEC)('takes the spec transition %s --%s--> %s', (from, trigger, to) => {
    expect(transition(from, trigger)).toEqual({ from, to, trigger });
  });

  it.each(DEPLOYMENT)('takes the deployment transition %s --%s--> %s', (from, trigger, to) => {
    expect(transition(from, trigger)).toEqual({ from, to, trigger });
  });

  it('refuses every other pair: 11 states x 19 triggers less the 19 listed', () => {
    expect(refused).toHaveLength(RUNTIME_STATES.length * RUNTIME_TRIGGERS.length - allowed.size);
    expect(refused).toHaveLength(11 * 19 - 19);
  });

  it.each(refused)('refuses %s on %s with InvalidTransitionError', (from, trigger) => {
    expect(() => transition(from, trigger)).toThrow(InvalidTransitionError);
    expect(() => transition(from, trigger)).toThrow(`no transition from ${from} on ${trigger}`);
  });

  it('leaves PAUSED_LOCKED by no transition at all, as the spec lists none', () => {
    for (const trigger of RUNTIME_TRIGGERS) expect(() => transition('PAUSED_LOCKED', trigger)).toThrow();
  });

  it.each(RUNTIME_STATES.filter((s) => s !== 'INIT' && s !== 'ERROR_FATAL'))(
    'restarts a run from %s at INIT',
    (from) => {
      expect(restartRun(from)).toEqual({ from, to: 'INIT', trigger: 'restart' });
    },
  );

  it('restarts no run from INIT, nor from ERROR_FATAL (only the operator leaves it)', () => {
    expect(() => restartRun('INIT')).toThrow(InvalidTransitionError);
    expect(() => restartRun('ERROR_FATAL')).toThrow('no transition from ERROR_FATAL on restart');
  });
});

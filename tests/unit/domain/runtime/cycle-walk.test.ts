// One cycle's walk through the runtime machine from the state the last cycle left, for what it observed.
import { describe, expect, it } from 'vitest';
import { type CycleObservation, walkCycle } from '../../../../shared/domain/runtime/cycle-walk';
import { RUNTIME_STATES, type RuntimeState } from '../../../../shared/domain/runtime/runtime-machine';

const NORMAL: CycleObservation = {
  settingsValid: true,
  lock: 'acquired',
  safetyClosed: false,
  data: 'fresh',
  approved: false,
  inFlight: false,
  exception: false,
};

const triggers = (from: RuntimeState, seen: Partial<CycleObservation>) =>
  walkCycle(from, { ...NORMAL, ...seen }).map((t) => `${t.trigger}>${t.to}`);

describe('a cycle walk', () => {
  it('starts the first run: INIT, LOCKING, READY, then one tick with nothing approved', () => {
    expect(triggers('INIT', {})).toEqual([
      'settings_valid>LOCKING',
      'lock_acquired>READY',
      'timer_tick>EVALUATING',
      'no_intents>READY',
    ]);
  });

  it('executes approved intents: READY on success, DEGRADED_RECOVERY when an order is left in flight', () => {
    expect(triggers('READY', { approved: true })).toEqual([
      'timer_tick>EVALUATING',
      'approved_intents>EXECUTING',
      'success>READY',
    ]);
    expect(triggers('READY', { approved: true, inFlight: true })).toEqual([
      'timer_tick>EVALUATING',
      'approved_intents>EXECUTING',
      'uncertain_or_reconcile_pending>DEGRADED_RECOVERY',
    ]);
  });

  it('stays in DEGRADED_RECOVERY while orders are in flight or unread, and recovers once none are', () => {
    expect(triggers('DEGRADED_RECOVERY', { inFlight: true })).toEqual([]);
    expect(triggers('DEGRADED_RECOVERY', { inFlight: undefined, data: 'stale' })).toEqual([]);
    expect(triggers('DEGRADED_RECOVERY', {})).toEqual(['recovered>READY', 'timer_tick>EVALUATING', 'no_intents>READY']);
  });

  it('pauses for safety: through the spec threshold breach from DEGRADED_RECOVERY, else while evaluating', () => {
    expect(triggers('DEGRADED_RECOVERY', { safetyClosed: true, inFlight: true })).toEqual([
      'threshold_breach>PAUSED_SAFETY',
    ]);
    expect(triggers('READY', { safetyClosed: true, lock: 'not_tried', data: 'not_read' })).toEqual([
      'timer_tick>EVALUATING',
      'safety_gate_closed>PAUSED_SAFETY',
    ]);
    expect(triggers('PAUSED_SAFETY', { safetyClosed: true })).toEqual([]);
  });

  it('leaves PAUSED_SAFETY when the cycle finds its gates open again (the operator unpaused)', () => {
    expect(triggers('PAUSED_SAFETY', { approved: true })).toEqual([
      'operator_unpause>READY',
      'timer_tick>EVALUATING',
      'approved_intents>EXECUTING',
      'success>READY',
    ]);
  });

  it('pauses on stale data and leaves only with fresh data', () => {
    expect(triggers('READY', { data: 'stale' })).toEqual(['timer_tick>EVALUATING', 'stale_data>PAUSED_DATA']);
    expect(triggers('PAUSED_DATA', { data: 'stale' })).toEqual([]);
    expect(triggers('PAUSED_DATA', { data: 'not_read', safetyClosed: true, lock: 'not_tried' })).toEqual([]);
    expect(triggers('PAUSED_DATA', {})).toEqual(['fresh_data>READY', 'timer_tick>EVALUATING', 'no_intents>READY']);
  });

  it('ends a run in PAUSED_LOCKED when another holder has the lock, and starts a new one with the lock', () => {
    expect(triggers('READY', { lock: 'held_elsewhere' })).toEqual([
      'restart>INIT',
      'settings_valid>LOCKING',
      'lock_held_elsewhere>PAUSED_LOCKED',
    ]);
    expect(triggers('INIT', { lock: 'held_elsewhere' })).toEqual([
      'settings_valid>LOCKING',
      'lock_held_elsewhere>PAUSED_LOCKED',
    ]);
    expect(triggers('PAUSED_LOCKED', {})).toEqual([
      'restart>INIT',
      'settings_valid>LOCKING',
      'lock_acquired>READY',
      'timer_tick>EVALUATING',
      'no_intents>READY',
    ]);
  });

  it('waits in INIT or PAUSED_LOCKED for a cycle that asks for the lock', () => {
    const blocked = { lock: 'not_tried', safetyClosed: true, data: 'not_read' } as const;
    expect(triggers('INIT', blocked)).toEqual([]);
    expect(triggers('PAUSED_LOCKED', blocked)).toEqual([]);
  });

  it('goes to ERROR_FATAL on invalid settings, stays there, and leaves through the operator', () => {
    const invalid = { settingsValid: false, lock: 'not_tried' } as const;
    expect(triggers('INIT', invalid)).toEqual(['settings_invalid>ERROR_FATAL']);
    expect(triggers('READY', invalid)).toEqual(['restart>INIT', 'settings_invalid>ERROR_FATAL']);
    expect(triggers('ERROR_FATAL', invalid)).toEqual([]);
    expect(triggers('ERROR_FATAL', {})).toEqual([
      'operator>INIT',
      'settings_valid>LOCKING',
      'lock_acquired>READY',
      'timer_tick>EVALUATING',
      'no_intents>READY',
    ]);
  });

  it('goes to ERROR_RETRYABLE on an exception from READY, and back once a cycle runs through', () => {
    expect(triggers('READY', { exception: true })).toEqual(['timer_tick>EVALUATING', 'exception>ERROR_RETRYABLE']);
    expect(triggers('INIT', { exception: true })).toEqual([
      'settings_valid>LOCKING',
      'lock_acquired>READY',
      'timer_tick>EVALUATING',
      'exception>ERROR_RETRYABLE',
    ]);
    expect(triggers('ERROR_RETRYABLE', { exception: true })).toEqual([]);
    expect(triggers('DEGRADED_RECOVERY', { exception: true })).toEqual([]);
    expect(triggers('ERROR_RETRYABLE', {})).toEqual([
      'backoff_elapsed>READY',
      'timer_tick>EVALUATING',
      'no_intents>READY',
    ]);
  });

  it('from every resting state and every observation, walks a connected chain to a resting state', () => {
    const observations: CycleObservation[] = [];
    for (const settingsValid of [true, false])
      for (const lock of ['acquired', 'held_elsewhere', 'not_tried'] as const)
        for (const safetyClosed of [true, false])
          for (const data of ['fresh', 'stale', 'not_read'] as const)
            for (const approved of [true, false])
              for (const inFlight of [true, false, undefined])
                for (const exception of [true, false])
                  observations.push({ settingsValid, lock, safetyClosed, data, approved, inFlight, exception });
    const resting = RUNTIME_STATES.filter((s) => !['LOCKING', 'EVALUATING', 'EXECUTING'].includes(s));
    for (const from of resting)
      for (const seen of observations) {
        const walk = walkCycle(from, seen);
        let at = from;
        for (const t of walk) {
          expect(t.from).toBe(at);
          at = t.to;
        }
        expect(resting).toContain(at);
      }
    expect(observations).toHaveLength(432);
  });
});

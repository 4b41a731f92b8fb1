// What each cycle result means to the runtime machine: the rows of the table in cycle-observations.ts that
// the integration tests (tests/integration/runtime-stage*.test.ts) do not drive with real cycles.
import { describe, expect, it } from 'vitest';
import {
  observeError,
  stage3Observation,
  stage4Observation,
  stage7Observation,
} from '../../../../shared/application/runtime/cycle-observations';
import { newCounters } from '../../../../shared/application/stage3/cycle-counters';
import type { Stage3CycleResult } from '../../../../shared/application/stage3/run-stage3-cycle';
import type { Stage4CycleResult } from '../../../../shared/application/stage4/cycle-audit';
import { newExecutionResult } from '../../../../shared/application/stage4/execute-actions-result';
import { Stage7RefusedError } from '../../../../shared/application/stage7/cycle-preconditions';
import { JOURNAL_STATUSES, type JournalStatus } from '../../../../shared/domain/order-state';

const counts = (some: Partial<Record<JournalStatus, number>> = {}) => ({
  ...(Object.fromEntries(JOURNAL_STATUSES.map((s) => [s, 0])) as Record<JournalStatus, number>),
  ...some,
});

const stage3 = ({ killSwitchOn = false, ...r }: Partial<Stage3CycleResult>): Stage3CycleResult => ({
  status: 'completed',
  mode: 'LIVE',
  counters: newCounters(),
  decisions: [],
  ...r,
  killSwitchOn,
});

const stage4 = ({ killSwitchOn = false, ...r }: Partial<Stage4CycleResult>): Stage4CycleResult => ({
  status: 'completed',
  mode: 'LIVE',
  counters: { planned: 0, actions: 0, recovered: 0, fillsInserted: 0, imported: 0 },
  decisions: [],
  reasonsNoAction: [],
  freezeActive: false,
  ...r,
  killSwitchOn,
});

describe('stage 3 observations', () => {
  it('reads a block by the settings as invalid settings, and one by the kill switch alone as a safety pause', () => {
    const notArmed = stage3({ status: 'blocked', decisions: ['policy_block:kill_switch', 'policy_block:not_armed'] });
    expect(stage3Observation(notArmed)).toMatchObject({ settingsValid: false });
    const killed = stage3({
      status: 'blocked',
      decisions: ['policy_block:kill_switch', 'escalation:stored_kill_switch:x'],
    });
    expect(stage3Observation(killed)).toMatchObject({ settingsValid: true, safetyClosed: true, lock: 'not_tried' });
  });

  it('reads missing marks (observe-only) as stale data, and an expired firing as nothing', () => {
    const blind = stage3({ decisions: ['observe_only:missing_mark_prices'] });
    expect(stage3Observation(blind)).toMatchObject({ data: 'stale', lock: 'acquired' });
    expect(stage3Observation(stage3({ status: 'expired' }))).toBeUndefined();
    expect(stage3Observation(stage3({ status: 'lease_lost' }))).toMatchObject({ lock: 'held_elsewhere' });
  });

  it('reads in flight from the journal counts at the end, or from the cycle uncertain submits and cancels', () => {
    expect(stage3Observation(stage3({ journalCounts: counts({ PENDING_SUBMIT: 1 }) }))?.inFlight).toBe(true);
    expect(stage3Observation(stage3({ journalCounts: counts({ OPEN: 3, FILLED: 9 }) }))?.inFlight).toBe(false);
    expect(stage3Observation(stage3({ counters: { ...newCounters(), cancelUncertain: 1 } }))?.inFlight).toBe(true);
    // a dry run reads no journal: what it simulated is never in flight
    expect(stage3Observation(stage3({ mode: 'DRY_RUN' }))?.inFlight).toBe(false);
  });
});

describe('stage 4 observations', () => {
  it('reads the drawdown halt, the freeze and the applied kill switch as safety pauses', () => {
    const halted = stage4({ decisions: ['risk_budget:DRAWDOWN_LIMIT'] });
    expect(stage4Observation({ result: halted, killSwitchApplied: false })?.safetyClosed).toBe(true);
    expect(stage4Observation({ result: stage4({ freezeActive: true }), killSwitchApplied: false })?.safetyClosed).toBe(
      true,
    );
    expect(stage4Observation({ result: stage4({}), killSwitchApplied: true })?.safetyClosed).toBe(true);
    expect(stage4Observation({ result: stage4({}), killSwitchApplied: false })?.safetyClosed).toBe(false);
  });

  it('reads every block as invalid settings (its arming leaves the kill switch out)', () => {
    expect(stage4Observation({ result: stage4({ status: 'blocked' }), killSwitchApplied: false })).toMatchObject({
      settingsValid: false,
    });
  });

  it('reads an open replace transaction or an UNKNOWN order as in flight', () => {
    const execution = { ...newExecutionResult().counters, replaceOpen: 1 };
    expect(stage4Observation({ result: stage4({ execution }), killSwitchApplied: false })?.inFlight).toBe(true);
    const unknown = { result: stage4({}), killSwitchApplied: false, journalCounts: counts({ UNKNOWN: 1 }) };
    expect(stage4Observation(unknown)?.inFlight).toBe(true);
  });
});

describe('stage 7 observations and exceptions', () => {
  it('records nothing for a cycle already saved', () => {
    expect(stage7Observation({ status: 'already_saved', ledgerEventsAppended: 2 })).toBeUndefined();
  });

  it('reads a refused stage 7 as invalid settings and any other exception as retryable, with the lock seen', () => {
    expect(observeError(new Stage7RefusedError('disabled'), 'not_tried')).toMatchObject({ settingsValid: false });
    expect(observeError(new Error('boom'), 'acquired')).toMatchObject({
      settingsValid: true,
      lock: 'acquired',
      exception: true,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../../shared/domain/errors';
import {
  CLOSED,
  IN_FLIGHT,
  JOURNAL_EVENTS,
  JOURNAL_STATUSES,
  type JournalStatus,
  journalMachine,
  OMS_EVENTS,
  OMS_STATUSES,
  omsMachine,
  RESTING,
} from '../../../shared/domain/order-state';

describe('order journal state machine', () => {
  it.each([
    ['PENDING_SUBMIT', 'SUBMIT_ACKED', 'OPEN'],
    ['PENDING_SUBMIT', 'SUBMIT_REJECTED', 'REJECTED'],
    ['PENDING_SUBMIT', 'SUBMIT_UNCERTAIN', 'UNKNOWN'],
    ['PENDING_SUBMIT', 'OBSERVED_FILLED', 'FILLED'],
    ['UNKNOWN', 'OBSERVED_OPEN', 'OPEN'],
    ['UNKNOWN', 'NOT_PLACED', 'FAILED'],
    ['OPEN', 'OBSERVED_PARTIAL', 'PARTIAL'],
    ['PARTIAL', 'OBSERVED_PARTIAL', 'PARTIAL'],
    ['PARTIAL', 'CANCEL_REQUESTED', 'CANCEL_REQUESTED'],
    ['CANCEL_REQUESTED', 'OBSERVED_CANCELED', 'CANCELED'],
    ['CANCEL_REQUESTED', 'OBSERVED_FILLED', 'FILLED'],
    ['CANCELED', 'OBSERVED_FILLED', 'FILLED'],
  ] as const)('%s --%s--> %s', (from, event, to) => {
    expect(journalMachine.next(from, event)).toBe(to);
  });

  it('never turns an UNKNOWN order into REJECTED', () => {
    expect(journalMachine.can('UNKNOWN', 'SUBMIT_REJECTED')).toBe(false);
    for (const event of JOURNAL_EVENTS) {
      if (journalMachine.can('UNKNOWN', event)) expect(journalMachine.next('UNKNOWN', event)).not.toBe('REJECTED');
    }
  });

  it('throws a typed error naming the order on an illegal transition', () => {
    expect(() => journalMachine.next('FILLED', 'CANCEL_REQUESTED', 'bb3-BTCTRY-b-abc')).toThrow(
      new InvalidTransitionError('order journal', 'FILLED', 'CANCEL_REQUESTED', 'bb3-BTCTRY-b-abc'),
    );
    expect(() => journalMachine.next('OPEN', 'SUBMIT_ACKED')).toThrow(InvalidTransitionError);
  });

  it('has FILLED, REJECTED and FAILED as terminal, and nothing leaves them', () => {
    const terminal = JOURNAL_STATUSES.filter((s) => journalMachine.isTerminal(s));
    expect(terminal.sort()).toEqual(['FAILED', 'FILLED', 'REJECTED']);
    for (const s of terminal) for (const e of JOURNAL_EVENTS) expect(journalMachine.can(s, e)).toBe(false);
  });

  it('reaches every status from PENDING_SUBMIT', () => {
    const seen = new Set<JournalStatus>(['PENDING_SUBMIT']);
    const queue: JournalStatus[] = ['PENDING_SUBMIT'];
    while (queue.length > 0) {
      const from = queue.shift() as JournalStatus;
      for (const e of JOURNAL_EVENTS) {
        if (!journalMachine.can(from, e)) continue;
        const to = journalMachine.next(from, e);
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    expect([...seen].sort()).toEqual([...JOURNAL_STATUSES].sort());
  });

  it('classifies in-flight, resting and closed statuses without overlap', () => {
    for (const s of JOURNAL_STATUSES) {
      const groups = [IN_FLIGHT.has(s), RESTING.has(s), CLOSED.has(s)].filter(Boolean);
      expect(groups).toHaveLength(1);
    }
  });
});

describe('stage 7 OMS state machine (spec 4.10)', () => {
  const allowed: Record<string, string[]> = {
    PLANNED: ['SUBMITTED', 'CANCELED', 'REJECTED'],
    SUBMITTED: ['ACKED', 'CANCELED', 'REJECTED'],
    ACKED: ['PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED'],
    PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'FILLED', 'CANCELED'],
    FILLED: [],
    CANCELED: [],
    REJECTED: [],
  };

  it('allows exactly the transitions of the spec table', () => {
    for (const from of OMS_STATUSES) {
      const reachable = OMS_EVENTS.filter((e) => omsMachine.can(from, e)).map((e) => omsMachine.next(from, e));
      expect(reachable.sort()).toEqual([...(allowed[from] ?? [])].sort());
    }
  });

  it('refuses SUBMITTED -> FILLED (a fill needs an ack first)', () => {
    expect(() => omsMachine.next('SUBMITTED', 'FILLED')).toThrow(InvalidTransitionError);
  });
});

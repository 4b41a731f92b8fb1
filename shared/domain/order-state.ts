// Order state machines, one transition table each: the live order journal (stages 3 and 4) and the
// simulated stage 7 OMS (spec 4.10). Nothing else assigns a status: `next` looks the pair up or throws.
import { InvalidTransitionError } from './errors';

export const JOURNAL_STATUSES = [
  'PENDING_SUBMIT',
  'OPEN',
  'PARTIAL',
  'FILLED',
  'CANCEL_REQUESTED',
  'CANCELED',
  'REJECTED',
  'UNKNOWN',
  'FAILED',
] as const;
export type JournalStatus = (typeof JOURNAL_STATUSES)[number];

export const JOURNAL_EVENTS = [
  'SUBMIT_ACKED',
  'SUBMIT_REJECTED',
  'SUBMIT_UNCERTAIN',
  'NOT_PLACED',
  'CANCEL_REQUESTED',
  'OBSERVED_OPEN',
  'OBSERVED_PARTIAL',
  'OBSERVED_FILLED',
  'OBSERVED_CANCELED',
  'VANISHED',
] as const;
export type JournalEvent = (typeof JOURNAL_EVENTS)[number];

// OBSERVED_* are what a reconcile or lifecycle refresh saw on the exchange. UNKNOWN never becomes REJECTED:
// only an observation or a proven absence (NOT_PLACED, after the grace window and N checks) settles it.
// VANISHED closes an order that was acknowledged but is listed nowhere on the venue any more (spec 2.11
// step 6, `missing_on_exchange_after_grace`); its fills, if any, still arrive through the fill cursor.
const JOURNAL: Record<JournalStatus, Partial<Record<JournalEvent, JournalStatus>>> = {
  PENDING_SUBMIT: {
    SUBMIT_ACKED: 'OPEN',
    SUBMIT_REJECTED: 'REJECTED',
    SUBMIT_UNCERTAIN: 'UNKNOWN',
    NOT_PLACED: 'FAILED',
    OBSERVED_OPEN: 'OPEN',
    OBSERVED_PARTIAL: 'PARTIAL',
    OBSERVED_FILLED: 'FILLED',
    OBSERVED_CANCELED: 'CANCELED',
  },
  UNKNOWN: {
    NOT_PLACED: 'FAILED',
    OBSERVED_OPEN: 'OPEN',
    OBSERVED_PARTIAL: 'PARTIAL',
    OBSERVED_FILLED: 'FILLED',
    OBSERVED_CANCELED: 'CANCELED',
  },
  OPEN: {
    OBSERVED_OPEN: 'OPEN',
    OBSERVED_PARTIAL: 'PARTIAL',
    OBSERVED_FILLED: 'FILLED',
    OBSERVED_CANCELED: 'CANCELED',
    CANCEL_REQUESTED: 'CANCEL_REQUESTED',
    VANISHED: 'CANCELED',
  },
  PARTIAL: {
    OBSERVED_PARTIAL: 'PARTIAL',
    OBSERVED_FILLED: 'FILLED',
    OBSERVED_CANCELED: 'CANCELED',
    CANCEL_REQUESTED: 'CANCEL_REQUESTED',
    VANISHED: 'CANCELED',
  },
  // A cancel request is asynchronous on BTCTurk: the order stays listed until the venue settles it
  CANCEL_REQUESTED: {
    CANCEL_REQUESTED: 'CANCEL_REQUESTED',
    OBSERVED_OPEN: 'OPEN',
    OBSERVED_PARTIAL: 'PARTIAL',
    OBSERVED_FILLED: 'FILLED',
    OBSERVED_CANCELED: 'CANCELED',
    VANISHED: 'CANCELED',
  },
  CANCELED: { OBSERVED_FILLED: 'FILLED' }, // a fill can race a cancel and be reported after it
  FILLED: {},
  REJECTED: {},
  FAILED: {},
};

export const OMS_STATUSES = [
  'PLANNED',
  'SUBMITTED',
  'ACKED',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'REJECTED',
] as const;
export type OmsStatus = (typeof OMS_STATUSES)[number];

export const OMS_EVENTS = ['SUBMIT_REQUESTED', 'ACKED', 'PARTIAL_FILL', 'FILLED', 'REJECTED', 'CANCELED'] as const;
export type OmsEvent = (typeof OMS_EVENTS)[number];

const OMS: Record<OmsStatus, Partial<Record<OmsEvent, OmsStatus>>> = {
  PLANNED: { SUBMIT_REQUESTED: 'SUBMITTED', CANCELED: 'CANCELED', REJECTED: 'REJECTED' },
  SUBMITTED: { ACKED: 'ACKED', CANCELED: 'CANCELED', REJECTED: 'REJECTED' },
  ACKED: { PARTIAL_FILL: 'PARTIALLY_FILLED', FILLED: 'FILLED', CANCELED: 'CANCELED', REJECTED: 'REJECTED' },
  PARTIALLY_FILLED: { PARTIAL_FILL: 'PARTIALLY_FILLED', FILLED: 'FILLED', CANCELED: 'CANCELED' },
  FILLED: {},
  CANCELED: {},
  REJECTED: {},
};

export interface StateMachine<S extends string, E extends string> {
  readonly name: string;
  /** The status after `event`, or InvalidTransitionError naming the subject (an order id) */
  next(from: S, event: E, subject?: string): S;
  can(from: S, event: E): boolean;
  isTerminal(status: S): boolean;
}

/** A state machine over a transition table: a missing entry is an InvalidTransitionError naming the machine */
export function machine<S extends string, E extends string>(
  name: string,
  table: Record<S, Partial<Record<E, S>>>,
): StateMachine<S, E> {
  return {
    name,
    next(from, event, subject) {
      const to = table[from]?.[event];
      if (to === undefined) throw new InvalidTransitionError(name, from, event, subject);
      return to;
    },
    can: (from, event) => table[from]?.[event] !== undefined,
    isTerminal: (status) => Object.keys(table[status] ?? {}).length === 0,
  };
}

export const journalMachine = machine<JournalStatus, JournalEvent>('order journal', JOURNAL);
export const omsMachine = machine<OmsStatus, OmsEvent>('stage7 oms', OMS);

/** Statuses whose exchange outcome is not yet known: they freeze new submits for their symbol */
export const IN_FLIGHT: ReadonlySet<JournalStatus> = new Set(['PENDING_SUBMIT', 'UNKNOWN']);
/** Statuses in which the order no longer rests on the exchange (CANCELED may still learn of a late fill) */
export const CLOSED: ReadonlySet<JournalStatus> = new Set(['FILLED', 'CANCELED', 'REJECTED', 'FAILED']);
/** Statuses in which the order may be resting on the exchange */
export const RESTING: ReadonlySet<JournalStatus> = new Set(['OPEN', 'PARTIAL', 'CANCEL_REQUESTED']);

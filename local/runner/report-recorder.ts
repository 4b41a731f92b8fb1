// What a local run's report needs that no store keeps: each journal order's status history (the journal
// stores only the latest row) and every API request the simulator answered, with the fault it injected.
// The journal is recorded through a decorator the world hands every handler in place of the store's own
// journal; the requests by watching the venue's fault plan `decide` in place (the simulator's one call per
// request, control calls excluded), so no simulator module has to know about the report.

import { forwardingJournal } from '../../shared/adapters/forwarding-journal';
import type { JournalEvent, JournalStatus } from '../../shared/domain/order-state';
import type { Clock } from '../../shared/ports/clock';
import type {
  JournalOrder,
  JournalPatch,
  LeaseFence,
  NewJournalOrder,
  OrderJournal,
} from '../../shared/ports/state-store';
import type { FaultDecision } from '../btcturk-sim/fault-plan';
import type { Venue } from '../btcturk-sim/venue';

/** One step of an order's life in the journal */
export interface OrderStep {
  readonly atMs: number;
  /** null for the entry's creation */
  readonly from: JournalStatus | null;
  readonly to: JournalStatus;
  /** The journal event, `CREATED`, or `NOT_FOUND_CHECK` (reconcile looked and did not find it yet) */
  readonly event: JournalEvent | 'CREATED' | 'NOT_FOUND_CHECK';
  /** Who wrote it: `stage3 cycle`, `stage4 cycle` (a cycle's writes carry its lease fence) or `reconcile` */
  readonly by: string;
  readonly cause: string;
}

export const FAULT_KINDS = [
  'refused-5xx',
  'rate-limited',
  'answer-lost',
  'answer-held',
  'then-429',
  'then-5xx',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One API request as the simulator saw it, in arrival order */
export interface SimRequestSeen {
  readonly atMs: number;
  /** `METHOD /path`, the form the gateway counts its own requests in */
  readonly endpoint: string;
  readonly fault: { readonly kind: FaultKind; readonly what: string } | null;
}

/** What a fault decision did to the request; null when it was answered normally (latency alone is no fault) */
export function faultOf(d: FaultDecision): SimRequestSeen['fault'] {
  if (d.before?.kind === 'rate-limit') return { kind: 'rate-limited', what: 'answered 429 without processing' };
  if (d.before) return { kind: 'refused-5xx', what: `answered ${d.before.status} without processing` };
  if (d.after === 'drop' || d.after === 'destroy')
    return { kind: 'answer-lost', what: 'processed, then the connection closed without an answer' };
  if (d.after === 'hold') return { kind: 'answer-held', what: "processed, answer held past the client's timeout" };
  if (d.replace?.kind === 'rate-limit') return { kind: 'then-429', what: 'processed, then answered 429' };
  if (d.replace) return { kind: 'then-5xx', what: `processed, then answered ${d.replace.status}` };
  return null;
}

const EVENT_CAUSE: Record<JournalEvent, string> = {
  SUBMIT_ACKED: 'submit acknowledged by the venue',
  SUBMIT_REJECTED: 'submit rejected by the venue',
  SUBMIT_UNCERTAIN: 'submit outcome unknown',
  NOT_PLACED: 'proven not placed',
  CANCEL_REQUESTED: 'cancel requested',
  OBSERVED_OPEN: 'seen open on the venue',
  OBSERVED_PARTIAL: 'seen partly filled on the venue',
  OBSERVED_FILLED: 'seen filled on the venue',
  OBSERVED_CANCELED: 'seen canceled on the venue',
  VANISHED: 'listed nowhere on the venue any more',
};

/** Only a cycle holding the trading lease fences its writes; the order's own stage names that cycle */
const writerOf = (order: Pick<JournalOrder, 'stage'>, fence: LeaseFence | undefined): string =>
  fence === undefined ? 'reconcile' : `${order.stage} cycle`;

function causeOf(event: JournalEvent, by: string, patch: JournalPatch, next: JournalOrder): string {
  // reconcile always looks an order up by its client id (reconcile-order.ts)
  const base = by === 'reconcile' && event.startsWith('OBSERVED_') ? 'reconciled: found by client id' : '';
  const parts = [base, EVENT_CAUSE[event]].filter((p) => p !== '');
  if (patch.exchangeOrderId !== undefined) parts.push(`venue order ${patch.exchangeOrderId}`);
  if (patch.filledQty !== undefined && !patch.filledQty.isZero()) parts.push(`filled ${next.filledQty.toFixed()}`);
  if (patch.lastError !== undefined) parts.push(patch.lastError);
  return parts.join(', ');
}

export class RunRecorder {
  readonly #steps = new Map<string, OrderStep[]>();
  readonly #requests: SimRequestSeen[] = [];

  /** The steps recorded for a client order id, oldest first */
  stepsOf(clientOrderId: string): readonly OrderStep[] {
    return this.#steps.get(clientOrderId) ?? [];
  }

  /** Every API request the simulator saw so far, in arrival order */
  requests(): readonly SimRequestSeen[] {
    return [...this.#requests];
  }

  /** `journal` recording every create, status change and not-found check it accepts */
  journal(inner: OrderJournal): OrderJournal {
    return {
      ...forwardingJournal(inner),
      create: (order, fence, nowMs) => this.#create(inner, order, fence, nowMs),
      transition: (order, event, patch, nowMs, fence) => this.#transition(inner, order, event, patch, nowMs, fence),
      update: (order, patch, nowMs, fence) => this.#update(inner, order, patch, nowMs, fence),
    };
  }

  async #create(inner: OrderJournal, order: NewJournalOrder, fence: LeaseFence, nowMs: number) {
    const done = await inner.create(order, fence, nowMs);
    if (done.created) {
      const cause = `journaled before sending (intent ${order.intentKey}, attempt ${order.attempt})`;
      const by = writerOf(order, fence);
      this.#add(order.clientOrderId, { atMs: nowMs, from: null, to: 'PENDING_SUBMIT', event: 'CREATED', by, cause });
    }
    return done;
  }

  async #transition(
    inner: OrderJournal,
    order: JournalOrder,
    event: JournalEvent,
    patch: JournalPatch,
    nowMs: number,
    fence: LeaseFence | undefined,
  ): Promise<JournalOrder> {
    const next = await inner.transition(order, event, patch, nowMs, fence);
    const by = writerOf(order, fence);
    const cause = causeOf(event, by, patch, next);
    this.#add(order.clientOrderId, { atMs: nowMs, from: order.status, to: next.status, event, by, cause });
    return next;
  }

  async #update(
    inner: OrderJournal,
    order: JournalOrder,
    patch: JournalPatch,
    nowMs: number,
    fence: LeaseFence | undefined,
  ): Promise<JournalOrder> {
    const next = await inner.update(order, patch, nowMs, fence);
    if (patch.notFoundChecks !== undefined && patch.notFoundChecks !== order.notFoundChecks) {
      const cause = `looked up by client id: not on the venue yet (check ${patch.notFoundChecks})`;
      const step = { atMs: nowMs, from: order.status, to: next.status, event: 'NOT_FOUND_CHECK' as const };
      this.#add(order.clientOrderId, { ...step, by: writerOf(order, fence), cause });
    }
    return next;
  }

  /** Records every API request the venue's fault plan decides on (each one exactly once, control calls never) */
  watchVenue(venue: Pick<Venue, 'faults'>, clock: Clock): void {
    const decide = venue.faults.decide.bind(venue.faults);
    venue.faults.decide = (method, path) => {
      const decision = decide(method, path);
      this.#requests.push({ atMs: clock.nowMs(), endpoint: `${method} ${path}`, fault: faultOf(decision) });
      return decision;
    };
  }

  #add(clientOrderId: string, step: OrderStep): void {
    const steps = this.#steps.get(clientOrderId) ?? [];
    steps.push(step);
    this.#steps.set(clientOrderId, steps);
  }
}

/** A recorder watching the simulator's requests; hand its journal(...) to every handler before the first cycle */
export function recordRun(parts: { readonly venue: Venue; readonly clock: Clock }) {
  const recorder = new RunRecorder();
  recorder.watchVenue(parts.venue, parts.clock);
  return recorder;
}

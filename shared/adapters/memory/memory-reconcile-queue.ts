// An in-memory reconcile queue (unit tests, the local runner): messages become visible after their delay
// of the injected clock, and are validated exactly as the SQS adapter validates them. Every receive gives
// a message a new receipt handle; only the latest one may change its visibility (like SQS).

import { ReconcileMessageSchema } from '../../lambda/reconcile-message';
import type { Clock } from '../../ports/clock';
import type { ReconcileMessage, ReconcileQueue } from '../../ports/reconcile-queue';

export interface QueuedMessage {
  readonly id: string;
  readonly body: string;
  readonly visibleAtMs: number;
  readonly receiveCount: number;
  /** The handle of the latest receive ('' before the first) */
  readonly receiptHandle: string;
}

/** SQS refuses a receipt handle of a deleted message, or of an earlier receive of a received-again one */
export class ReceiptHandleInvalidError extends Error {
  constructor(readonly receiptHandle: string) {
    super(`receipt handle ${receiptHandle} is not the latest receive of a queued message`);
    this.name = 'ReceiptHandleInvalidError';
  }
}

export class MemoryReconcileQueue implements ReconcileQueue {
  #messages: QueuedMessage[] = [];
  #seq = 0;
  #sent = 0;

  constructor(private readonly clock: Clock) {}

  async enqueue(message: ReconcileMessage, delaySeconds = 0): Promise<void> {
    this.#sent += 1;
    this.#messages.push({
      id: `msg-${++this.#seq}`,
      body: JSON.stringify(ReconcileMessageSchema.parse(message)),
      visibleAtMs: this.clock.nowMs() + delaySeconds * 1000,
      receiveCount: 0,
      receiptHandle: '',
    });
  }

  /** Hides the message received with `receiptHandle` for `delaySeconds` from now, keeping its receive count */
  async retryLater(receiptHandle: string, delaySeconds: number): Promise<void> {
    const visibleAtMs = this.clock.nowMs() + Math.max(0, delaySeconds) * 1000;
    let found = false;
    this.#messages = this.#messages.map((m) => {
      if (m.receiptHandle !== receiptHandle || receiptHandle === '') return m;
      found = true;
      return { ...m, visibleAtMs };
    });
    if (!found) throw new ReceiptHandleInvalidError(receiptHandle);
  }

  /** Takes up to `max` visible messages, hiding them for `visibilityMs` (like an SQS receive) */
  receive(max: number, visibilityMs: number): QueuedMessage[] {
    const now = this.clock.nowMs();
    const out: QueuedMessage[] = [];
    this.#messages = this.#messages.map((m) => {
      if (out.length >= max || m.visibleAtMs > now) return m;
      const receiveCount = m.receiveCount + 1;
      const taken = { ...m, visibleAtMs: now + visibilityMs, receiveCount, receiptHandle: `${m.id}#${receiveCount}` };
      out.push(taken);
      return taken;
    });
    return out;
  }

  delete(id: string): void {
    this.#messages = this.#messages.filter((m) => m.id !== id);
  }

  /** Every message ever sent, deleted or not (what "no new message" is measured with) */
  get sent(): number {
    return this.#sent;
  }

  /** Messages not yet deleted, visible or not */
  get size(): number {
    return this.#messages.length;
  }

  get bodies(): ReconcileMessage[] {
    return this.#messages.map((m) => JSON.parse(m.body) as ReconcileMessage);
  }

  /** Messages not yet deleted, with their receive counts and visibility (tests) */
  get messages(): readonly QueuedMessage[] {
    return this.#messages;
  }
}

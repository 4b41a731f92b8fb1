// An in-memory reconcile queue (unit tests, the local runner): messages become visible after their delay
// of the injected clock, and are validated exactly as the SQS adapter validates them

import { ReconcileMessageSchema } from '../../lambda/reconcile-message';
import type { Clock } from '../../ports/clock';
import type { ReconcileMessage, ReconcileQueue } from '../../ports/reconcile-queue';

export interface QueuedMessage {
  readonly id: string;
  readonly body: string;
  readonly visibleAtMs: number;
  readonly receiveCount: number;
}

export class MemoryReconcileQueue implements ReconcileQueue {
  #messages: QueuedMessage[] = [];
  #seq = 0;

  constructor(private readonly clock: Clock) {}

  async enqueue(message: ReconcileMessage, delaySeconds = 0): Promise<void> {
    this.#messages.push({
      id: `msg-${++this.#seq}`,
      body: JSON.stringify(ReconcileMessageSchema.parse(message)),
      visibleAtMs: this.clock.nowMs() + delaySeconds * 1000,
      receiveCount: 0,
    });
  }

  /** Takes up to `max` visible messages, hiding them for `visibilityMs` (like an SQS receive) */
  receive(max: number, visibilityMs: number): QueuedMessage[] {
    const now = this.clock.nowMs();
    const out: QueuedMessage[] = [];
    this.#messages = this.#messages.map((m) => {
      if (out.length >= max || m.visibleAtMs > now) return m;
      const taken = { ...m, visibleAtMs: now + visibilityMs, receiveCount: m.receiveCount + 1 };
      out.push(taken);
      return taken;
    });
    return out;
  }

  delete(id: string): void {
    this.#messages = this.#messages.filter((m) => m.id !== id);
  }

  /** Messages not yet deleted, visible or not */
  get size(): number {
    return this.#messages.length;
  }

  get bodies(): ReconcileMessage[] {
    return this.#messages.map((m) => JSON.parse(m.body) as ReconcileMessage);
  }
}

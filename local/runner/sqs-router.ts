// Delivers reconcile messages of the in-memory queue to the reconcile handler the way SQS with an event
// source mapping does: batches of up to 10 visible messages, hidden for the visibility timeout (simulated
// time) while in flight unless the handler changed it, deleted unless listed in batchItemFailures,
// dead-lettered when received after maxReceiveCount deliveries.
import type { MemoryReconcileQueue, QueuedMessage } from '../../shared/adapters/memory/memory-reconcile-queue';
import {
  deliverBatch,
  type ReconcileHandler,
  type ReconcileRouter,
  type RouteResult,
  SQS_BATCH_SIZE,
  SQS_MAX_RECEIVE_COUNT,
} from './reconcile-router';

export const SQS_VISIBILITY_TIMEOUT_MS = 30_000;

export class SqsRouter implements ReconcileRouter {
  readonly #deadLetters: QueuedMessage[] = [];
  #invocations = 0;

  constructor(
    private readonly queue: MemoryReconcileQueue,
    private readonly handler: ReconcileHandler,
    private readonly nowMs: () => number,
    private readonly maxReceiveCount = SQS_MAX_RECEIVE_COUNT,
  ) {}

  async route(): Promise<RouteResult> {
    const result: RouteResult = { delivered: 0, failed: 0, deadLettered: 0 };
    for (;;) {
      const received = this.queue.receive(SQS_BATCH_SIZE, SQS_VISIBILITY_TIMEOUT_MS);
      if (received.length === 0) return result;
      const batch = received.filter((m) => {
        if (m.receiveCount <= this.maxReceiveCount) return true;
        this.queue.delete(m.id);
        this.#deadLetters.push(m);
        result.deadLettered += 1;
        return false;
      });
      if (batch.length === 0) continue;
      this.#invocations += 1;
      const sentMs = this.nowMs();
      const failed = await deliverBatch(
        this.handler,
        batch.map((m) => ({ ...m, sentMs })),
        this.#invocations,
      );
      for (const m of batch) if (!failed.has(m.id)) this.queue.delete(m.id);
      result.delivered += batch.length;
      result.failed += failed.size;
    }
  }

  async pending(): Promise<number> {
    return this.queue.size;
  }

  async deadLetters(): Promise<number> {
    return this.#deadLetters.length;
  }

  /** Nothing to wait for: the schedule advances the simulated clock past the visibility timeout and delay */
  async awaitRetry(): Promise<void> {}

  /** The dead-lettered messages, oldest first */
  get deadLettered(): readonly QueuedMessage[] {
    return this.#deadLetters;
  }
}

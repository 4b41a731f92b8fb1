// Delivers reconcile messages to the reconcile handler the way SQS with an event source mapping does:
// batches of up to 10 visible messages, hidden for the visibility timeout while in flight, deleted when
// the handler does not list them in batchItemFailures, moved to a DLQ after maxReceiveCount receives.
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { MemoryReconcileQueue, QueuedMessage } from '../../shared/adapters/memory/memory-reconcile-queue';
import { lambdaContext } from './lambda-context';

export const SQS_BATCH_SIZE = 10;
export const SQS_VISIBILITY_TIMEOUT_MS = 30_000;
export const SQS_MAX_RECEIVE_COUNT = 5;

export type ReconcileHandler = (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

export interface RouteResult {
  delivered: number;
  failed: number;
  deadLettered: number;
}

const recordOf = (m: QueuedMessage, nowMs: number): SQSRecord => ({
  messageId: m.id,
  receiptHandle: `${m.id}#${m.receiveCount}`,
  body: m.body,
  attributes: {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(nowMs),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(nowMs),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:local:000000000000:btcbot-reconcile',
  awsRegion: 'local',
});

export class SqsRouter {
  readonly deadLetters: QueuedMessage[] = [];
  #invocations = 0;

  constructor(
    private readonly queue: MemoryReconcileQueue,
    private readonly handler: ReconcileHandler,
    private readonly nowMs: () => number,
  ) {}

  /** Receives and delivers batches until no message is visible; messages that fail reappear later */
  async route(): Promise<RouteResult> {
    const result: RouteResult = { delivered: 0, failed: 0, deadLettered: 0 };
    for (;;) {
      const received = this.queue.receive(SQS_BATCH_SIZE, SQS_VISIBILITY_TIMEOUT_MS);
      if (received.length === 0) return result;
      const batch = received.filter((m) => {
        if (m.receiveCount <= SQS_MAX_RECEIVE_COUNT) return true;
        this.queue.delete(m.id);
        this.deadLetters.push(m);
        result.deadLettered += 1;
        return false;
      });
      if (batch.length === 0) continue;
      const failed = await this.#deliver(batch);
      for (const m of batch) if (!failed.has(m.id)) this.queue.delete(m.id);
      result.delivered += batch.length;
      result.failed += failed.size;
    }
  }

  /** @returns the ids the handler reported failed; all of them when the invocation itself failed */
  async #deliver(batch: readonly QueuedMessage[]): Promise<Set<string>> {
    this.#invocations += 1;
    try {
      const response = await this.handler(
        { Records: batch.map((m) => recordOf(m, this.nowMs())) },
        lambdaContext('btcbot-reconcile', `reconcile-${this.#invocations}`),
      );
      return new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    } catch {
      return new Set(batch.map((m) => m.id));
    }
  }
}

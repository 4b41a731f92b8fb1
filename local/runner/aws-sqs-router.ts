// Delivers reconcile messages of a real SQS queue (moto_server) to the reconcile handler like the event
// source mapping: batches of up to 10, hidden for a short visibility timeout (SQS time is real time) while
// in flight unless the handler changes it (its back-off, through the same queue), deleted unless listed in
// batchItemFailures; the queue's redrive policy fills the real DLQ.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type DeliverableMessage,
  deliverBatch,
  type ReconcileHandler,
  type ReconcileRouter,
  type RouteResult,
  SQS_BATCH_SIZE,
} from './reconcile-router';

export const AWS_VISIBILITY_TIMEOUT_SECONDS = 1;

export interface AwsReconcileQueues {
  readonly queueUrl: string;
  readonly dlqUrl: string;
}

export class AwsSqsRouter implements ReconcileRouter {
  #invocations = 0;
  #deadLetters = 0;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queues: AwsReconcileQueues,
    private readonly handler: ReconcileHandler,
    private readonly retryDelaySeconds: number,
  ) {}

  /** Stops after a batch smaller than 10: the visible messages are drained (failed ones are hidden) */
  async route(): Promise<RouteResult> {
    const result: RouteResult = { delivered: 0, failed: 0, deadLettered: 0 };
    for (;;) {
      const batch = await this.#receive();
      if (batch.length > 0) {
        this.#invocations += 1;
        const failed = await deliverBatch(this.handler, batch, this.#invocations);
        await this.#delete(batch.filter((m) => !failed.has(m.id)));
        result.delivered += batch.length;
        result.failed += failed.size;
      }
      if (batch.length < SQS_BATCH_SIZE) break;
    }
    const deadLetters = await this.deadLetters();
    result.deadLettered = deadLetters - this.#deadLetters;
    this.#deadLetters = deadLetters;
    return result;
  }

  async pending(): Promise<number> {
    return this.#count(this.queues.queueUrl, [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ]);
  }

  async deadLetters(): Promise<number> {
    return this.#count(this.queues.dlqUrl, ['ApproximateNumberOfMessages']);
  }

  async awaitRetry(): Promise<void> {
    await sleep(Math.max(this.retryDelaySeconds, AWS_VISIBILITY_TIMEOUT_SECONDS) * 1000 + 100);
  }

  async #receive(): Promise<DeliverableMessage[]> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queues.queueUrl,
        MaxNumberOfMessages: SQS_BATCH_SIZE,
        VisibilityTimeout: AWS_VISIBILITY_TIMEOUT_SECONDS,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    return (out.Messages ?? []).map((m) => ({
      id: m.MessageId as string,
      receiptHandle: m.ReceiptHandle as string,
      body: m.Body as string,
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
      sentMs: Number(m.Attributes?.SentTimestamp ?? Date.now()),
    }));
  }

  async #delete(done: readonly DeliverableMessage[]): Promise<void> {
    if (done.length === 0) return;
    await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queues.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
      }),
    );
  }

  async #count(queueUrl: string, names: readonly QueueAttributeName[]): Promise<number> {
    const out = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }));
    return names.reduce((sum, n) => sum + Number(out.Attributes?.[n] ?? 0), 0);
  }
}

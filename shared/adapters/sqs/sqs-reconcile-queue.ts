// The reconcile queue on SQS. The deduplication-free standard queue is fine: reconciling twice is harmless.
// The cycle sends messages; the reconcile function only changes the visibility of the one it received.
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ReconcileMessageSchema } from '../../lambda/reconcile-message';
import type { ReconcileMessage, ReconcileQueue } from '../../ports/reconcile-queue';

/** SQS's longest visibility timeout (12 hours) */
const MAX_VISIBILITY_SECONDS = 43_200;

export class SqsReconcileQueue implements ReconcileQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: ReconcileMessage, delaySeconds = 0): Promise<void> {
    const body = JSON.stringify(ReconcileMessageSchema.parse(message));
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        DelaySeconds: Math.min(900, Math.max(0, delaySeconds)),
      }),
    );
  }

  async retryLater(receiptHandle: string, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(delaySeconds))),
      }),
    );
  }
}

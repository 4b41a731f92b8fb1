// The reconcile queue on SQS. The deduplication-free standard queue is fine: reconciling twice is harmless.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ReconcileMessageSchema } from '../../lambda/reconcile-message';
import type { ReconcileMessage, ReconcileQueue } from '../../ports/reconcile-queue';

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
}

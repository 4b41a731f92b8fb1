// What the local schedule needs from the reconcile queue's event source mapping: deliver visible messages
// to the reconcile handler in batches, count what is left and what was dead-lettered, and wait for retries.
// Two routers share the delivery: the in-memory one (sqs-router) and the real SQS one (aws-sqs-router).
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { KNOBS } from '../../shared/config/knobs';
import { parseReconcileMessage } from '../../shared/lambda/reconcile-message';
import { lambdaContext } from './lambda-context';

export const SQS_BATCH_SIZE = 10;
/** The local queues' maxReceiveCount: the RECONCILE_MAX_RECEIVES default, which local runs do not override */
export const SQS_MAX_RECEIVE_COUNT = Number(KNOBS.RECONCILE_MAX_RECEIVES.default);

export type ReconcileHandler = (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

export interface RouteResult {
  delivered: number;
  failed: number;
  deadLettered: number;
}

export interface ReconcileRouter {
  /** Receives and delivers batches until no message is visible; messages that fail reappear later */
  route(): Promise<RouteResult>;
  /** Messages not yet deleted: visible, in flight or delayed */
  pending(): Promise<number>;
  /** Messages in the dead-letter queue */
  deadLetters(): Promise<number>;
  /** Waits (in real time, where the queue lives in real time) until retried messages are due again */
  awaitRetry(): Promise<void>;
}

export interface DeliverableMessage {
  readonly id: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly sentMs: number;
}

const recordOf = (m: DeliverableMessage, queueArn: string): SQSRecord => ({
  messageId: m.id,
  receiptHandle: m.receiptHandle,
  body: m.body,
  attributes: {
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentMs),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(m.sentMs),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: 'local',
});

/**
 * One queue for several bot accounts (the local run's stand-in for each deployment's own queue): every message
 * goes to the reconcile function of its account, a message naming none known to the fallback (whose parsing
 * refuses it, as the deployed function would)
 */
export function reconcileByAccount(
  handlers: ReadonlyMap<string, ReconcileHandler>,
  fallback: ReconcileHandler,
): ReconcileHandler {
  const handlerOf = (body: string): ReconcileHandler => {
    try {
      return handlers.get(parseReconcileMessage(body).account) ?? fallback;
    } catch {
      return fallback;
    }
  };
  return async (event, context) => {
    const batches = new Map<ReconcileHandler, SQSRecord[]>();
    for (const record of event.Records) {
      const handler = handlerOf(record.body);
      batches.set(handler, [...(batches.get(handler) ?? []), record]);
    }
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const [handler, records] of batches) {
      failures.push(...(await handler({ Records: records }, context)).batchItemFailures);
    }
    return { batchItemFailures: failures };
  };
}

/** Invokes the handler with one batch; @returns the ids it reported failed, all of them when it threw */
export async function deliverBatch(
  handler: ReconcileHandler,
  batch: readonly DeliverableMessage[],
  invocation: number,
  queueArn = 'arn:aws:sqs:local:000000000000:btcbot-reconcile',
): Promise<Set<string>> {
  try {
    const response = await handler(
      { Records: batch.map((m) => recordOf(m, queueArn)) },
      lambdaContext('btcbot-reconcile', `reconcile-${invocation}`),
    );
    return new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  } catch {
    return new Set(batch.map((m) => m.id));
  }
}

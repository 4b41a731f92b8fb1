// Reconcile function: an SQS batch of uncertain orders; each record succeeds or fails alone
// (ReportBatchItemFailures), so a malformed message reaches the DLQ without holding up the others. A record
// whose order does not settle yet is reported failed after its visibility was set to a back-off delay;
// nothing here sends a message, so the queue's maxReceiveCount bounds every message. The batch's metrics
// (shared/lambda/cycle-metrics.ts) are published once when the invocation ends.
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleReconcileMessage, type ReconcileMessageDeps } from '../../shared/application/reconcile-batch';
import { ValidationError } from '../../shared/domain/errors';
import { batchFailures } from '../../shared/lambda/batch-failures';
import { recordReconcileResult } from '../../shared/lambda/cycle-metrics';
import { lazy } from '../../shared/lambda/lazy';
import { logErrors } from '../../shared/lambda/log-errors';
import { type Metered, publishMetrics, publishRecorded } from '../../shared/lambda/publish-metrics';
import { parseReconcileMessage } from '../../shared/lambda/reconcile-message';
import { type SqsRecordView, sqsRecords } from '../../shared/lambda/sqs-records';
import { compose } from './compose';

/** A record whose order did not settle: failed on purpose, the queue delivers it again (or dead-letters it) */
export class ReconcileNotSettledError extends Error {
  constructor(
    readonly messageId: string,
    readonly kind: 'retry' | 'exhausted',
    reason: string,
  ) {
    super(`${messageId}: ${kind}: ${reason}`);
    this.name = 'ReconcileNotSettledError';
  }
}

async function processRecord(deps: ReconcileMessageDeps & Metered, record: SqsRecordView): Promise<void> {
  if (record.body === undefined) {
    throw new ValidationError('reconcile record', [{ path: 'body', message: 'expected a string body' }]);
  }
  const message = parseReconcileMessage(record.body);
  const result = await handleReconcileMessage(deps, message, record);
  if (deps.metrics) recordReconcileResult(deps.metrics, result);
  if (result.kind !== 'done') throw new ReconcileNotSettledError(record.messageId, result.kind, result.reason);
}

export const createHandler = (deps: () => ReconcileMessageDeps & Metered) =>
  middy<SQSEvent, SQSBatchResponse, Error, Context>({ timeoutEarlyInMillis: 2_000 })
    .use(logErrors(() => deps().log))
    .use(publishMetrics(deps))
    .handler(async (event) => {
      const { records, unidentified, noRecords } = sqsRecords(event);
      if (noRecords || unidentified > 0) {
        deps().log.error('Reconcile event has records that cannot be identified; skipped', {
          no_records: noRecords,
          unidentified,
          identified: records.length,
        });
      }
      const settled = await Promise.allSettled(
        records.map(async (record) => {
          try {
            await processRecord(deps(), record);
          } catch (e) {
            if (!(e instanceof ReconcileNotSettledError)) {
              deps().log.warn('Reconcile record failed', {
                message_id: record.messageId,
                receive_count: record.receiveCount,
                error_name: (e as Error).name,
                error_message: (e as Error).message,
              });
            }
            throw e;
          }
        }),
      );
      publishRecorded(deps);
      return batchFailures(records, settled);
    });

export const handler = createHandler(lazy(() => compose(process.env)));

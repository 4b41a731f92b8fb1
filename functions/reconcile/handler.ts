// Reconcile function: an SQS batch of uncertain orders; each record succeeds or fails alone
// (ReportBatchItemFailures), so a malformed message reaches the DLQ without holding up the others.
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleReconcileMessage, type ReconcileMessageDeps } from '../../shared/application/reconcile-batch';
import { batchFailures } from '../../shared/lambda/batch-failures';
import { lazy } from '../../shared/lambda/lazy';
import { logErrors } from '../../shared/lambda/log-errors';
import { parseReconcileMessage } from '../../shared/lambda/reconcile-message';
import { compose } from './compose';

export const createHandler = (deps: () => ReconcileMessageDeps) =>
  middy<SQSEvent, SQSBatchResponse, Error, Context>({ timeoutEarlyInMillis: 2_000 })
    .use(logErrors(() => deps().log))
    .handler(async (event) => {
      const settled = await Promise.allSettled(
        event.Records.map(async (record) => {
          try {
            return await handleReconcileMessage(deps(), parseReconcileMessage(record.body));
          } catch (e) {
            deps().log.warn('Reconcile record failed', {
              message_id: record.messageId,
              error_name: (e as Error).name,
              error_message: (e as Error).message,
            });
            throw e;
          }
        }),
      );
      return batchFailures(event.Records, settled);
    });

export const handler = createHandler(lazy(() => compose(process.env)));

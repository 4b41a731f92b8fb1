// SQS partial batch responses: one failed record is reported by its message id and retried alone
import type { SQSBatchResponse } from 'aws-lambda';

export function batchFailures(
  records: readonly { readonly messageId: string }[],
  settled: readonly PromiseSettledResult<unknown>[],
): SQSBatchResponse {
  return {
    batchItemFailures: records.flatMap((record, i) =>
      settled[i]?.status === 'rejected' ? [{ itemIdentifier: record.messageId }] : [],
    ),
  };
}

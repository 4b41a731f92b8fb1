// The records of an SQS event, read defensively: the event source mapping is trusted for its shape, but a
// malformed event (no Records, a null record, a record without a message id) must not crash the batch.
// Only a record with a message id can be reported failed; one without cannot be named, so it is skipped.

/** What the reconcile handler reads of one record */
export interface SqsRecordView {
  readonly messageId: string;
  readonly receiptHandle: string | undefined;
  /** The body when it is a string; undefined otherwise (the record then fails) */
  readonly body: string | undefined;
  /** ApproximateReceiveCount, 1 when absent or unreadable */
  readonly receiveCount: number;
}

export interface SqsRecords {
  readonly records: SqsRecordView[];
  /** Entries that could not be identified (not an object, or no message id): skipped, logged */
  readonly unidentified: number;
  /** The event had no Records array */
  readonly noRecords: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** SQS writes the count in decimal digits; `Number` would also read `0x10` or `1e3`, and a count that high escalates */
const COUNT = /^[1-9]\d{0,8}$/;

function receiveCountOf(record: Record<string, unknown>): number {
  const raw = isObject(record.attributes) ? record.attributes.ApproximateReceiveCount : undefined;
  return typeof raw === 'string' && COUNT.test(raw) ? Number(raw) : 1;
}

export function sqsRecords(event: unknown): SqsRecords {
  const raw = isObject(event) ? event.Records : undefined;
  if (!Array.isArray(raw)) return { records: [], unidentified: 0, noRecords: true };
  const records: SqsRecordView[] = [];
  let unidentified = 0;
  for (const r of raw as unknown[]) {
    if (!isObject(r) || !nonEmpty(r.messageId)) {
      unidentified += 1;
      continue;
    }
    records.push({
      messageId: r.messageId,
      receiptHandle: nonEmpty(r.receiptHandle) ? r.receiptHandle : undefined,
      body: typeof r.body === 'string' ? r.body : undefined,
      receiveCount: receiveCountOf(r),
    });
  }
  return { records, unidentified, noRecords: false };
}

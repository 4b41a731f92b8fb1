// Where uncertain submits and cancels go to be settled against the exchange (SQS in AWS). The cycle sends
// messages; the reconcile function never does: a message it cannot settle yet stays in flight with a
// longer visibility timeout, so the queue's maxReceiveCount bounds every message and ends in the DLQ.

export type ReconcileReason = 'submit_uncertain' | 'cancel_uncertain' | 'recovery';

export interface ReconcileMessage {
  readonly account: string;
  readonly clientOrderId: string;
  readonly reason: ReconcileReason;
  readonly enqueuedAtMs: number;
}

/** The cycle's side: send a message */
export interface ReconcileSender {
  /** @param delaySeconds when to deliver (0..900) */
  enqueue(message: ReconcileMessage, delaySeconds?: number): Promise<void>;
}

/** The reconcile function's side: keep a received message and look at it again later (no new message) */
export interface ReconcileRetryQueue {
  /**
   * Hides the received message for `delaySeconds` from now (SQS ChangeMessageVisibility). Its receive
   * count is kept, so the queue's maxReceiveCount still bounds it.
   * @throws when the receipt handle is no longer valid (the message was deleted or received again)
   */
  retryLater(receiptHandle: string, delaySeconds: number): Promise<void>;
}

/** The queue as its adapters provide it */
export interface ReconcileQueue extends ReconcileSender, ReconcileRetryQueue {}

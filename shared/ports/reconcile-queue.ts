// Where uncertain submits and cancels go to be settled against the exchange (SQS in AWS)

export type ReconcileReason = 'submit_uncertain' | 'cancel_uncertain' | 'recovery';

export interface ReconcileMessage {
  readonly account: string;
  readonly clientOrderId: string;
  readonly reason: ReconcileReason;
  readonly enqueuedAtMs: number;
}

export interface ReconcileQueue {
  /** @param delaySeconds when to deliver (0..900) */
  enqueue(message: ReconcileMessage, delaySeconds?: number): Promise<void>;
}

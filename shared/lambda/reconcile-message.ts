// The reconcile queue's message body: our own format, so strict (a typo or an extra field is an error)
import * as z from 'zod';
import { parseInput } from '../application/parse-input';
import { ValidationError } from '../domain/errors';
import type { ReconcileMessage } from '../ports/reconcile-queue';

export const ReconcileMessageSchema = z.strictObject({
  account: z.string().min(1),
  clientOrderId: z.string().min(1).max(50),
  reason: z.enum(['submit_uncertain', 'cancel_uncertain', 'recovery']),
  enqueuedAtMs: z.number().int().nonnegative(),
});

/** @throws ValidationError naming every problem of the body */
export function parseReconcileMessage(body: string): ReconcileMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ValidationError('reconcile message', [{ path: '', message: 'body is not JSON' }]);
  }
  return parseInput(ReconcileMessageSchema, 'reconcile message', json);
}

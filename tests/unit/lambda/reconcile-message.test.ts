import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors';
import { parseReconcileMessage } from '../../../shared/lambda/reconcile-message';

const valid = {
  account: 'default',
  clientOrderId: 'bb3-BTCTRY-b-0123456789abcdef0123',
  reason: 'recovery',
  enqueuedAtMs: 1,
};

describe('parseReconcileMessage', () => {
  it('accepts a well-formed body', () => {
    expect(parseReconcileMessage(JSON.stringify(valid))).toEqual(valid);
  });

  it.each([
    ['not JSON', '{"account":', /body is not JSON/],
    ['an extra field (strict)', JSON.stringify({ ...valid, extra: 1 }), /Unrecognized key/],
    ['an unknown reason', JSON.stringify({ ...valid, reason: 'because' }), /reason/],
    ['a client id over 50 characters', JSON.stringify({ ...valid, clientOrderId: 'x'.repeat(51) }), /clientOrderId/],
    ['a missing account', JSON.stringify({ ...valid, account: undefined }), /account/],
  ])('refuses %s with a ValidationError naming the problem', (_name, body, message) => {
    expect(() => parseReconcileMessage(body)).toThrow(ValidationError);
    expect(() => parseReconcileMessage(body)).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { confirmReplaceCancels } from '../../../../shared/domain/oms/replace-transaction-confirmation';
import type { JournalStatus } from '../../../../shared/domain/order-state';

const A = 'bb4-BTCTRY-b-a';
const B = 'bb4-BTCTRY-b-b';
const confirm = (open: string[], local: [string, JournalStatus][], reconcileFailure?: string) =>
  confirmReplaceCancels({
    oldClientOrderIds: [A, B],
    exchangeOpenClientOrderIds: new Set(open),
    localStatus: new Map(local),
    ...(reconcileFailure === undefined ? {} : { reconcileFailure }),
  });

describe('confirmReplaceCancels (spec 3.18)', () => {
  it.each(['CANCELED', 'FILLED', 'REJECTED', 'FAILED'] as const)(
    'confirms when the exchange lists no old id and every old order is closed (%s)',
    (status) => {
      expect(
        confirm(
          ['someone-else'],
          [
            [A, status],
            [B, 'CANCELED'],
          ],
        ),
      ).toEqual({ confirmed: true });
    },
  );

  it.each(['PENDING_SUBMIT', 'OPEN', 'PARTIAL', 'CANCEL_REQUESTED', 'UNKNOWN'] as const)(
    'blocks on an old order the journal still holds in %s, even when the exchange no longer lists it',
    (status) => {
      expect(
        confirm(
          [],
          [
            [A, status],
            [B, 'CANCELED'],
          ],
        ),
      ).toEqual({
        confirmed: false,
        reasons: [`local_state_not_terminal:${A}:${status}`],
      });
    },
  );

  it('blocks on an old id the exchange still lists, even when the journal says it is closed', () => {
    expect(
      confirm(
        [B],
        [
          [A, 'CANCELED'],
          [B, 'CANCELED'],
        ],
      ),
    ).toEqual({
      confirmed: false,
      reasons: [`old_id_still_open:${B}`],
    });
  });

  it('blocks on an old order without a journal entry', () => {
    expect(confirm([], [[B, 'FILLED']])).toEqual({ confirmed: false, reasons: [`local_missing_record:${A}`] });
  });

  it('blocks when reconcile failed, naming it first, and lists every reason', () => {
    expect(confirm([A], [[A, 'OPEN']], 'open_orders_timeout')).toEqual({
      confirmed: false,
      reasons: [
        'reconcile_failed:open_orders_timeout',
        `old_id_still_open:${A}`,
        `local_state_not_terminal:${A}:OPEN`,
        `local_missing_record:${B}`,
      ],
    });
    expect(
      confirm(
        [],
        [
          [A, 'CANCELED'],
          [B, 'CANCELED'],
        ],
        'symbol_failed',
      ),
    ).toEqual({
      confirmed: false,
      reasons: ['reconcile_failed:symbol_failed'],
    });
  });
});

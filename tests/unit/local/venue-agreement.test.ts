// The end-of-run reconciliation of `btcbot local`: each venue order against the journal row that sent it.
import { describe, expect, it } from 'vitest';
import { venueAgreement } from '../../../local/runner/venue-agreement';
import { dec } from '../../../shared/domain/money';
import type { VenueOrder } from '../../../shared/ports/exchange';
import type { JournalOrder } from '../../../shared/ports/state-store';

const venue = (id: string, status: VenueOrder['status'], left: string): VenueOrder => ({
  orderId: id,
  clientOrderId: `c-${id}`,
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('100'),
  qty: dec('2'),
  leftQty: dec(left),
  status,
  updatedAtMs: 0,
});

const row = (id: string, status: JournalOrder['status'], filled: string, exchangeOrderId?: string): JournalOrder => ({
  account: 'default',
  clientOrderId: `c-${id}`,
  stage: 'stage4',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('100'),
  qty: dec('2'),
  status,
  version: 1,
  intentKey: `i-${id}`,
  attempt: 1,
  cycleId: 'c',
  createdAtMs: 0,
  updatedAtMs: 0,
  exchangeOrderId,
  filledQty: dec(filled),
  notFoundChecks: 0,
});

describe('venueAgreement', () => {
  it('counts orders whose status class and filled quantity match, by exchange id or client id', () => {
    const r = venueAgreement(
      [venue('1', 'FILLED', '0'), venue('2', 'PARTIAL', '1.5'), venue('3', 'CANCELED', '2')],
      [row('1', 'FILLED', '2', '1'), row('2', 'OPEN', '0.5'), row('3', 'CANCELED', '0', '3')],
    );
    expect(r).toEqual({ agree: 3, lagging: [], disagree: [] });
  });

  it('tells a journal that has not yet seen a later fill or cancel apart from one that is wrong', () => {
    const r = venueAgreement(
      [venue('1', 'FILLED', '0'), venue('2', 'CANCELED', '2'), venue('3', 'FILLED', '0'), venue('4', 'OPEN', '2')],
      [row('1', 'OPEN', '0', '1'), row('2', 'CANCEL_REQUESTED', '0', '2'), row('3', 'CANCELED', '0', '3')],
    );
    expect(r.agree).toBe(0);
    expect(r.lagging).toHaveLength(2);
    expect(r.disagree).toEqual([
      'BTCTRY BUY c-3 (venue FILLED filled 2): journal CANCELED filled 0',
      'BTCTRY BUY c-4 (venue OPEN filled 0): no journal row',
    ]);
  });

  it('a journal that says more was filled than the venue did disagrees', () => {
    const r = venueAgreement([venue('1', 'PARTIAL', '1')], [row('1', 'PARTIAL', '1.5', '1')]);
    expect(r.disagree).toHaveLength(1);
  });
});

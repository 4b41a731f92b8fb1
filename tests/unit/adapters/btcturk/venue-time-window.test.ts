// Lookup windows in the venue's time: allOrders, userTrades and findOrderByClientId take local clock times
// and the gateway shifts them by the measured (raw, unclamped) clock offset, widened by the measurement's
// uncertainty and a margin. An unmeasured offset makes the lookups fail: absence is never concluded then.
import { describe, expect, it } from 'vitest';
import { LOOKUP_WINDOW_MARGIN_MS } from '../../../../shared/adapters/btcturk/btcturk-gateway';
import { ExchangeUnavailableError } from '../../../../shared/domain/errors';
import { MockVenue, RECORDED_SERVER_TIME_MS } from '../../../contract/exchange-mockagent-harness';

const SINCE = 1_618_900_000_000;
const query = (venue: MockVenue, pathname: string, name: string) =>
  venue.requests().find((r) => r.pathname === pathname)?.query[name];

describe('lookup windows in venue time', () => {
  it.each([
    ['20 s ahead of the venue (beyond the 15 s stamp clamp)', 20_000],
    ['15 s ahead of the venue', 15_000],
    ['15 s behind the venue', -15_000],
  ])('shifts allOrders and userTrades starts when the local clock is %s', async (_name, localAheadMs) => {
    const venue = new MockVenue({}, RECORDED_SERVER_TIME_MS + localAheadMs);
    await venue.exchange.allOrders('BTCTRY', SINCE);
    await venue.exchange.userTrades('BTCTRY', SINCE);
    const expected = String(SINCE - localAheadMs - LOOKUP_WINDOW_MARGIN_MS);
    expect(query(venue, '/api/v1/allOrders', 'startTime')).toBe(expected);
    expect(query(venue, '/api/v1/users/transactions/trade', 'startDate')).toBe(expected);
    expect(await venue.exchange.venueWindowStartMs(SINCE)).toBe(Number(expected));
  });

  it('looks up a client id from submit time - 10 s in venue time', async () => {
    const venue = new MockVenue({}, RECORDED_SERVER_TIME_MS + 20_000);
    expect(await venue.exchange.findOrderByClientId('BTCTRY', 'c-1', SINCE)).toEqual({ found: false });
    const expected = String(SINCE - 10_000 - 20_000 - LOOKUP_WINDOW_MARGIN_MS);
    expect(query(venue, '/api/v1/allOrders', 'startTime')).toBe(expected);
    expect(query(venue, '/api/v1/users/transactions/trade', 'startDate')).toBe(expected);
  });

  it('widens the start by half the round trip of the clock measurement', async () => {
    const venue = new MockVenue({}, RECORDED_SERVER_TIME_MS);
    // the server-time request takes 3 s (a 503, then a retry after a backoff); the offset is only known to +-1.5 s or so
    venue.inject('GET', '/api/v2/server/time', { status: 503, text: '' });
    await venue.exchange.allOrders('BTCTRY', SINCE);
    const { clock } = venue.exchange.health();
    expect(clock.uncertaintyMs).toBeGreaterThan(0);
    const expected = SINCE + (clock.rawOffsetMs ?? Number.NaN) - (clock.uncertaintyMs ?? 0) - LOOKUP_WINDOW_MARGIN_MS;
    expect(query(venue, '/api/v1/allOrders', 'startTime')).toBe(String(Math.floor(expected)));
  });

  it('never believes absence on an unmeasured clock: the lookup fails before asking allOrders', async () => {
    const venue = new MockVenue();
    const refused = () => ({
      error: Object.assign(new Error('connect ECONNREFUSED 104.16.0.1:443'), { code: 'ECONNREFUSED' }),
    });
    venue.inject('GET', '/api/v2/server/time', ...Array.from({ length: 20 }, refused));
    const error = await venue.exchange.findOrderByClientId('BTCTRY', 'c-1', SINCE).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect((error as Error).message).toContain('venue clock');
    expect(venue.count('GET', '/api/v1/allOrders')).toBe(0);
    expect(venue.count('GET', '/api/v1/users/transactions/trade')).toBe(0);
  });
});

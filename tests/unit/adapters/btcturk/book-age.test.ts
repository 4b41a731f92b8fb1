// The market-data freshness gate (spec 2.4) judges a quote by the venue's own timestamp, placed on our clock
// with the measured venue clock offset, not only by when we received it. Before, the book's timestamp was
// dropped and replaced by the receive time, so an hour-old book passed as fresh. Since issue 12 the marks
// come from one ticker read; its timestamp is judged the same way.
import { describe, expect, it } from 'vitest';
import { marketSnapshot } from '../../../../shared/application/market-snapshot';
import { ExchangeUnavailableError, ValidationError } from '../../../../shared/domain/errors';
import { MockVenue, RECORDED_SERVER_TIME_MS } from '../../../contract/exchange-mockagent-harness';

const MAX_AGE_MS = 15_000;
const HOUR_MS = 3_600_000;

const bookStampedAt = (venueMs: number, bid = '349600.00', ask = '349830.00') => ({
  status: 200,
  text: `{"success":true,"message":null,"code":0,"data":{"timestamp":${venueMs},"bids":[["${bid}","0.1"]],"asks":[["${ask}","0.2"]]}}`,
});

const tickerStampedAt = (venueMs: number, bid = '349600', ask = '349830') => ({
  status: 200,
  text: `{"success":true,"message":null,"code":0,"data":[{"pair":"BTCTRY","timestamp":${venueMs},"bid":${bid},"ask":${ask},"last":${bid},"high":${ask},"low":${bid},"volume":1.5}]}`,
});

const snapshotOf = (venue: MockVenue) =>
  marketSnapshot(venue.exchange, ['BTCTRY'], () => venue.clock.nowMs(), MAX_AGE_MS);

describe('market snapshot age', () => {
  it('is stale when the venue serves a quote stamped an hour ago, however fresh its receipt', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/ticker', tickerStampedAt(RECORDED_SERVER_TIME_MS - HOUR_MS));
    const snapshot = await snapshotOf(venue);
    expect(snapshot.tops.get('BTCTRY')?.receivedAtMs).toBe(venue.clock.nowMs());
    expect(snapshot.stale).toBe(true);
    expect(snapshot.observedAgeMs).toBeGreaterThanOrEqual(HOUR_MS);
  });

  it('is fresh for a quote the venue stamped just now', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/ticker', tickerStampedAt(RECORDED_SERVER_TIME_MS));
    const snapshot = await snapshotOf(venue);
    expect(snapshot.stale).toBe(false);
    expect(snapshot.observedAgeMs).toBeLessThan(1_000);
  });

  // The venue's clock is 30 s ahead of ours: its stamps are read through the measured offset
  it.each([
    ['fresh: stamped at the venue now', 0, false],
    ['stale: stamped 20 s before the venue now', 20_000, true],
  ])('places the stamp on our clock with the measured offset (%s)', async (_name, ageMs, stale) => {
    const venue = new MockVenue({}, RECORDED_SERVER_TIME_MS - 30_000);
    venue.inject('GET', '/api/v2/ticker', tickerStampedAt(RECORDED_SERVER_TIME_MS - ageMs));
    const snapshot = await snapshotOf(venue);
    expect(venue.exchange.health().clock.rawOffsetMs).toBe(30_000);
    expect(snapshot.stale).toBe(stale);
    expect(snapshot.tops.get('BTCTRY')?.stampedAtMs).toBe(RECORDED_SERVER_TIME_MS - 30_000 - ageMs);
  });

  it('reads no book when the venue clock offset cannot be measured: its age could not be proven', async () => {
    const venue = new MockVenue();
    const down = { status: 503, text: '' };
    venue.inject('GET', '/api/v2/server/time', down, down, down, down);
    const error = await venue.exchange.orderBookTop('BTCTRY').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect((error as Error).message).toContain('expected a measured venue clock offset');
    expect(venue.count('GET', '/api/v2/orderbook')).toBe(0);
  });

  it('leaves a crossed quote out: its symbol has no mark and the snapshot is stale', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/ticker', tickerStampedAt(RECORDED_SERVER_TIME_MS, '349900', '349830'));
    const snapshot = await snapshotOf(venue);
    expect([snapshot.tops.size, snapshot.missingSymbols, snapshot.stale]).toEqual([0, ['BTCTRY'], true]);
    venue.inject('GET', '/api/v2/orderbook', bookStampedAt(RECORDED_SERVER_TIME_MS, '349900.00', '349830.00'));
    expect(await venue.exchange.orderBookTop('BTCTRY').catch((e: unknown) => e)).toBeInstanceOf(ValidationError);
  });
});

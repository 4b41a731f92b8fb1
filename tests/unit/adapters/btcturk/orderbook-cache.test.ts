// The REST orderbook cache of spec 2.4 (ORDERBOOK_TTL_MS): a second read of a symbol inside the TTL makes
// no request, one after it does, concurrent reads share one request, and a cached book keeps its age.
// Before, ORDERBOOK_TTL_MS was declared and unused: every read went to the venue.
import { describe, expect, it } from 'vitest';
import { createBtcturkGateway } from '../../../../shared/adapters/btcturk/create-gateway';
import { loadConfig } from '../../../../shared/config/load-config';
import { ExchangeRejectedError } from '../../../../shared/domain/errors';
import {
  BASE_URL,
  MockVenue,
  RECORDED_SERVER_TIME_MS,
  TEST_API_KEY,
  TEST_API_SECRET,
} from '../../../contract/exchange-mockagent-harness';

const BOOK = '/api/v2/orderbook';
const book = {
  status: 200,
  text: `{"success":true,"message":null,"code":0,"data":{"timestamp":${RECORDED_SERVER_TIME_MS},"bids":[["349600.00","0.1"]],"asks":[["349830.00","0.2"]]}}`,
};

/** The gateway as the composition root builds it from configuration, over the venue's MockAgent */
function configuredGateway(venue: MockVenue, ttlMs: string) {
  const config = loadConfig({ BTCTURK_BASE_URL: BASE_URL, ORDERBOOK_TTL_MS: ttlMs });
  const credentials = { get: async () => ({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET }) };
  return createBtcturkGateway(config, credentials, venue.clock, venue.agent);
}

describe('orderbook cache', () => {
  it('answers a second read inside ORDERBOOK_TTL_MS from the cache and asks the venue after it', async () => {
    const venue = new MockVenue();
    venue.inject('GET', BOOK, book, book);
    const exchange = configuredGateway(venue, '2000');
    const first = await exchange.orderBookTop('BTCTRY');
    venue.clock.advance(1_999);
    expect(await exchange.orderBookTop('btc_try')).toBe(first);
    expect(venue.count('GET', BOOK)).toBe(1);
    venue.clock.advance(1);
    const second = await exchange.orderBookTop('BTCTRY');
    expect(venue.count('GET', BOOK)).toBe(2);
    expect(second.receivedAtMs).toBe(first.receivedAtMs + 2_000);
  });

  it('asks the venue every time with ORDERBOOK_TTL_MS=0', async () => {
    const venue = new MockVenue();
    venue.inject('GET', BOOK, book, book);
    const exchange = configuredGateway(venue, '0');
    await exchange.orderBookTop('BTCTRY');
    await exchange.orderBookTop('BTCTRY');
    expect(venue.count('GET', BOOK)).toBe(2);
  });

  it('sends one request for concurrent reads of one symbol, whatever its spelling', async () => {
    const venue = new MockVenue();
    venue.inject('GET', BOOK, book, book);
    const tops = await Promise.all([
      venue.exchange.orderBookTop('BTCTRY'),
      venue.exchange.orderBookTop('BTC_TRY'),
      venue.exchange.orderBookTop('btctry'),
    ]);
    expect(venue.count('GET', BOOK)).toBe(1);
    expect(new Set(tops).size).toBe(1);
  });

  it('does not cache a failure: the next read asks again', async () => {
    const venue = new MockVenue({ orderBookTtlMs: 2_000 });
    venue.inject('GET', BOOK, { status: 400, text: '{"success":false,"message":"FAILED","code":1}' }, book);
    expect(await venue.exchange.orderBookTop('BTCTRY').catch((e: unknown) => e)).toBeInstanceOf(ExchangeRejectedError);
    expect((await venue.exchange.orderBookTop('BTCTRY')).bid.toFixed()).toBe('349600');
    expect(venue.count('GET', BOOK)).toBe(2);
  });

  it('serves a cached book with its true times: its age is what the freshness gate would judge', async () => {
    const venue = new MockVenue({ orderBookTtlMs: 60_000 });
    venue.inject('GET', BOOK, book);
    const first = await venue.exchange.orderBookTop('BTCTRY');
    venue.clock.advance(15_001);
    const later = await venue.exchange.orderBookTop('BTCTRY');
    expect(venue.count('GET', BOOK)).toBe(1);
    expect(venue.clock.nowMs() - Math.min(later.receivedAtMs, later.stampedAtMs)).toBeGreaterThanOrEqual(15_001);
    expect(later.receivedAtMs).toBe(first.receivedAtMs);
  });
});

// Two classifications the cycle acts on. A request refused before sending (a header value undici refuses:
// an API key with a newline or a character outside Latin-1) is "not sent", ExchangeUnavailableError, and
// says nothing about the venue's health; before, a submit refused that way was an unknown outcome and
// counted against the breaker. A read answered 429, or refused while its group backs off after a 429, is
// ExchangeRateLimitedError, which puts the cycle into observe-only (spec 2.3 step 15).
import { describe, expect, it } from 'vitest';
import {
  ExchangeRateLimitedError,
  ExchangeUnavailableError,
  OutcomeUnknownError,
} from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import { MockVenue, TEST_API_KEY, TEST_API_SECRET } from '../../../contract/exchange-mockagent-harness';
import { fixtureText } from '../../../support/fixtures';

const ORDER = { clientOrderId: 'test', symbol: 'BTCTRY', side: 'BUY', price: dec('20000'), qty: dec('0.001') } as const;
const ORDER_PATH = '/api/v1/order';
const SUBMIT_OK = { status: 200, text: fixtureText('docs_example_submit_order_response.json') };
const TOO_MANY = fixtureText('captured_rest_error_429_too_many_requests_2021.json');
const STATUS_503 = { status: 503, text: '' };

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

/** A venue whose API key the test can swap */
function venueWithKey(initialKey: string): { venue: MockVenue; useKey: (key: string) => void } {
  let apiKey = initialKey;
  const venue = new MockVenue({ credentials: async () => ({ apiKey, apiSecret: TEST_API_SECRET }) });
  return {
    venue,
    useKey: (key) => {
      apiKey = key;
    },
  };
}

describe('a request refused before sending', () => {
  it.each([
    ['a newline', 'test-public-key\nX-Injected: 1'],
    ['a carriage return', 'test-public-key\r'],
    ['a character outside Latin-1', 'test-public-kéy-ключ'],
    ['a control character', 'test-public-key\u0007'],
  ])('is ExchangeUnavailableError for a submit whose API key has %s, never sent', async (_name, key) => {
    const { venue } = venueWithKey(key);
    const error = await caught(venue.exchange.placeLimitOrder(ORDER));
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect(error).not.toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toContain('refused before sending');
    expect((error as Error).message).toContain('X-PCK');
    expect((error as Error).message).not.toContain(key);
    expect(venue.count('POST', ORDER_PATH)).toBe(0);
  });

  it('is tried once for a read and leaves every breaker closed and uncounted', async () => {
    const { venue } = venueWithKey('bad\nkey');
    for (let i = 0; i < 5; i++) {
      expect(await caught(venue.exchange.balances())).toBeInstanceOf(ExchangeUnavailableError);
      expect(await caught(venue.exchange.placeLimitOrder(ORDER))).toBeInstanceOf(ExchangeUnavailableError);
    }
    const { account, orders } = venue.exchange.health().groups;
    expect([account.state, account.consecutiveFailures, orders.state, orders.consecutiveFailures]).toEqual([
      'CLOSED',
      0,
      'CLOSED',
      0,
    ]);
    expect(venue.requests().filter((r) => r.pathname !== '/api/v2/server/time')).toEqual([]);
  });

  it('does not hold the half-open probe of a breaker: the next valid submit is still let through', async () => {
    const { venue, useKey } = venueWithKey(TEST_API_KEY);
    venue.inject('POST', ORDER_PATH, STATUS_503, STATUS_503, STATUS_503, SUBMIT_OK);
    for (let i = 0; i < 3; i++) await caught(venue.exchange.placeLimitOrder(ORDER));
    expect(venue.exchange.health().groups.orders.state).toBe('OPEN');
    venue.clock.advance(3_000);
    useKey('bad\nkey');
    expect(await caught(venue.exchange.placeLimitOrder(ORDER))).toBeInstanceOf(ExchangeUnavailableError);
    useKey(TEST_API_KEY);
    expect(await venue.exchange.placeLimitOrder(ORDER)).toEqual({ orderId: '9932534', clientOrderId: 'test' });
    expect(venue.exchange.health().groups.orders.state).toBe('CLOSED');
  });
});

describe('a read that meets a 429', () => {
  it('is ExchangeRateLimitedError when the venue answers 429 (the Retry-After exceeds what a read waits)', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/users/balances', { status: 429, text: TOO_MANY, headers: { 'Retry-After': '49' } });
    const error = await caught(venue.exchange.balances());
    expect(error).toBeInstanceOf(ExchangeRateLimitedError);
    expect((error as ExchangeRateLimitedError).retryAfterMs).toBe(49_000);
  });

  it('is refused at once with ExchangeRateLimitedError while its group is in that back-off, not slept out', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/users/balances', { status: 429, text: TOO_MANY, headers: { 'Retry-After': '49' } });
    await caught(venue.exchange.balances());
    const startedAt = venue.clock.nowMs();
    const error = await caught(venue.exchange.openOrders('BTCTRY'));
    expect(error).toBeInstanceOf(ExchangeRateLimitedError);
    expect((error as Error).message).toContain('expected the account group out of its 429 back-off');
    expect(venue.count('GET', '/api/v1/openOrders')).toBe(0);
    expect(venue.clock.nowMs()).toBe(startedAt);
    // another group is not held back, and the account group reads again once the back-off is over
    expect(await venue.exchange.serverTime()).toBeGreaterThan(0);
    venue.clock.advance(49_000);
    expect(await venue.exchange.openOrders('BTCTRY')).toEqual([]);
  });

  it('is ExchangeRateLimitedError when 429s opened the group breaker, before and after the retries', async () => {
    const venue = new MockVenue();
    const limited = { status: 429, text: TOO_MANY, headers: { 'Retry-After': '1' } };
    venue.inject('GET', '/api/v2/orderbook', limited, limited, limited);
    const error = await caught(venue.exchange.orderBookTop('BTCTRY'));
    expect(error).toBeInstanceOf(ExchangeRateLimitedError);
    expect(venue.exchange.health().groups.market_data.state).toBe('OPEN');
    const refused = await caught(venue.exchange.orderBookTop('BTCTRY'));
    expect(refused).toBeInstanceOf(ExchangeRateLimitedError);
    expect((refused as Error).message).toContain('expected the market_data breaker closed, was OPEN after a 429');
    expect(venue.count('GET', '/api/v2/orderbook')).toBe(3);
  });

  it('stays a plain ExchangeUnavailableError when 5xx answers opened the breaker', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/orderbook', STATUS_503, STATUS_503, STATUS_503);
    await caught(venue.exchange.orderBookTop('BTCTRY'));
    const refused = await caught(venue.exchange.orderBookTop('BTCTRY'));
    expect(refused).toBeInstanceOf(ExchangeUnavailableError);
    expect(refused).not.toBeInstanceOf(ExchangeRateLimitedError);
  });

  it('leaves a write answered 429 an unknown outcome (it may have been processed)', async () => {
    const venue = new MockVenue();
    venue.inject('POST', ORDER_PATH, { status: 429, text: TOO_MANY, headers: { 'Retry-After': '49' } });
    expect(await caught(venue.exchange.placeLimitOrder(ORDER))).toBeInstanceOf(OutcomeUnknownError);
  });
});

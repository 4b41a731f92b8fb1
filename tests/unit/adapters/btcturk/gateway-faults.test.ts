// Each fault class the gateway can meet, replayed over MockAgent, mapped to the right error class; and
// the write-safety rule: a POST is never re-sent after it may have reached the venue.
import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { rejectionReason } from '../../../../shared/adapters/btcturk/rejection-reason';
import {
  ExchangeRejectedError,
  ExchangeUnavailableError,
  OutcomeUnknownError,
  ValidationError,
} from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import { MockVenue, TEST_API_KEY, TEST_API_SECRET } from '../../../contract/exchange-mockagent-harness';
import { fixtureText } from '../../../support/fixtures';

const ORDER = { clientOrderId: 'c-1', symbol: 'BTCTRY', side: 'BUY', price: dec('20000'), qty: dec('0.001') } as const;
const ORDER_PATH = '/api/v1/order';
const SUBMIT_OK = { status: 200, text: fixtureText('docs_example_submit_order_response.json') };
/** Node's own shape for a refused TCP connect (undici passes it through unchanged) */
const refused = () => Object.assign(new Error('connect ECONNREFUSED 104.16.0.1:443'), { code: 'ECONNREFUSED' });
// No recording has a 5xx body from BTCTurk; a bare status is what a failing edge proxy returns
const STATUS_503 = { status: 503, text: '' };

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('placeLimitOrder faults', () => {
  it.each([
    ['a timeout after sending', { error: new errors.HeadersTimeoutError() }],
    ['a socket reset', { error: new errors.SocketError('other side closed') }],
    ['a 503', STATUS_503],
    ['an unparsable 200 body', { status: 200, text: '<html>upstream error</html>' }],
    // a TLS record error on a kept-alive connection can come after the request was written
    [
      'a TLS record error',
      { error: Object.assign(new Error('bad record mac'), { code: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC' }) },
    ],
  ])('reports %s as OutcomeUnknownError and sends the POST once', async (_, fault) => {
    const venue = new MockVenue();
    venue.inject('POST', ORDER_PATH, fault);
    const error = await caught(venue.exchange.placeLimitOrder(ORDER));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.count('POST', ORDER_PATH)).toBe(1);
  });

  it('reports a certificate failure as ExchangeUnavailableError (the handshake never completed)', async () => {
    const venue = new MockVenue();
    const tls = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    venue.inject('POST', ORDER_PATH, { error: tls });
    expect(await caught(venue.exchange.placeLimitOrder(ORDER))).toBeInstanceOf(ExchangeUnavailableError);
    expect(venue.count('POST', ORDER_PATH)).toBe(1);
  });

  it('reports a refused connection as ExchangeUnavailableError (certainly not processed)', async () => {
    const venue = new MockVenue();
    venue.inject('POST', ORDER_PATH, { error: refused() });
    const error = await caught(venue.exchange.placeLimitOrder(ORDER));
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect(venue.count('POST', ORDER_PATH)).toBe(1);
  });

  it('reports a 400 with a token as ExchangeRejectedError keeping token and code, without retrying', async () => {
    const venue = new MockVenue();
    venue.inject('POST', ORDER_PATH, {
      status: 400,
      text: fixtureText('captured_rest_error_invalid_price_scale_1126.json'),
    });
    const error = await caught(venue.exchange.placeLimitOrder(ORDER));
    expect(error).toBeInstanceOf(ExchangeRejectedError);
    expect(error).toMatchObject({ token: 'FAILED_INVALID_PRICE_SCALE', code: 1126, httpStatus: 400 });
    expect(venue.count('POST', ORDER_PATH)).toBe(1);
  });

  it('matches the token before the code: the misnumbered 2024 capture still means insufficient funds', async () => {
    const venue = new MockVenue();
    const text = fixtureText('captured_rest_error_order_with_open_orders_1123_2024-04_MISNUMBERED.json');
    venue.inject('POST', ORDER_PATH, { status: 400, text });
    const error = await caught(venue.exchange.placeLimitOrder(ORDER));
    expect(error instanceof ExchangeRejectedError && rejectionReason(error)).toBe('insufficient_funds');
  });

  // A 429 on a write used to be waited out and the POST sent again with the same client id; the venue may
  // have processed it before limiting, so it is now an unknown outcome, sent once (write-safety.test.ts)
  it('reports a 429 as OutcomeUnknownError, sends the POST once and records the Retry-After', async () => {
    const venue = new MockVenue();
    const text = fixtureText('captured_rest_error_429_too_many_requests_2021.json');
    venue.inject('POST', ORDER_PATH, { status: 429, text, headers: { 'Retry-After': '3' } });
    venue.inject('POST', ORDER_PATH, { ...SUBMIT_OK }); // would be the answer to a second POST: never sent
    const error = await caught(venue.exchange.placeLimitOrder({ ...ORDER, clientOrderId: 'test' }));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.count('POST', ORDER_PATH)).toBe(1);
    expect(venue.exchange.health().groups.orders.lastRetryAfterMs).toBe(3000);
  });

  it('reports a 429 whose Retry-After exceeds the cap as OutcomeUnknownError too, sent once', async () => {
    const venue = new MockVenue();
    const text = fixtureText('captured_rest_error_429_too_many_requests_2021.json');
    venue.inject('POST', ORDER_PATH, { status: 429, text, headers: { 'Retry-After': '49' } });
    const error = await caught(venue.exchange.placeLimitOrder(ORDER));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.exchange.health().groups.orders.lastRetryAfterMs).toBe(49_000);
    expect(venue.count('POST', ORDER_PATH)).toBe(1);
  });

  it('follows a timed-out POST only with GET lookups, never a second POST', async () => {
    const venue = new MockVenue();
    venue.inject('POST', ORDER_PATH, { error: new errors.HeadersTimeoutError() });
    await caught(venue.exchange.placeLimitOrder(ORDER));
    const before = venue.requests().length;
    const lookup = await venue.exchange.findOrderByClientId('BTCTRY', 'c-1', venue.clock.nowMs());
    expect(lookup).toEqual({ found: false });
    expect(
      venue
        .requests()
        .slice(before)
        .map((r) => r.method),
    ).toEqual(['GET', 'GET', 'GET']);
    expect(venue.count('POST', ORDER_PATH)).toBe(1);
  });
});

describe('cancelOrder faults', () => {
  it('reports NO_ORDER_MATCHES_YOUR_REQUEST as a rejection and a 503 as OutcomeUnknownError, each sent once', async () => {
    const venue = new MockVenue();
    const text = fixtureText('captured_rest_error_cancel_no_order_matches_1052.json');
    venue.inject('DELETE', ORDER_PATH, { status: 400, text }, STATUS_503);
    expect(await caught(venue.exchange.cancelOrder('BTCTRY', '1'))).toMatchObject({
      token: 'NO_ORDER_MATCHES_YOUR_REQUEST',
      code: 1052,
    });
    expect(await caught(venue.exchange.cancelOrder('BTCTRY', '2'))).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.count('DELETE', ORDER_PATH)).toBe(2);
  });
});

describe('read faults', () => {
  it('retries a GET after a 503 and returns the answer', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/openOrders', STATUS_503);
    expect(await venue.exchange.openOrders('BTCTRY')).toEqual([]);
    expect(venue.count('GET', '/api/v1/openOrders')).toBe(2);
  });

  it('gives up on a GET after the attempt limit with ExchangeUnavailableError', async () => {
    const venue = new MockVenue({
      breaker: {
        consecutiveFailures: 10,
        windowSize: 20,
        failureRateThreshold: 1,
        cooldownMs: 3000,
        halfOpenProbes: 1,
      },
    });
    const timeout = () => ({ error: new errors.BodyTimeoutError() });
    venue.inject('GET', '/api/v1/users/balances', timeout(), timeout(), timeout(), timeout());
    expect(await caught(venue.exchange.balances())).toBeInstanceOf(ExchangeUnavailableError);
    expect(venue.count('GET', '/api/v1/users/balances')).toBe(4);
  });

  it('never retries a TLS certificate failure', async () => {
    const venue = new MockVenue();
    const tls = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    venue.inject('GET', '/api/v2/orderbook', { error: tls });
    expect(await caught(venue.exchange.orderBookTop('BTCTRY'))).toBeInstanceOf(ExchangeUnavailableError);
    expect(venue.count('GET', '/api/v2/orderbook')).toBe(1);
  });

  it('treats a 401 as a rejection even though the invalid-nonce body says success:true', async () => {
    const venue = new MockVenue();
    const nonce = { status: 401, text: fixtureText('captured_rest_error_invalid_nonce_1037.json') };
    venue.inject('GET', '/api/v1/users/balances', nonce, nonce);
    const error = await caught(venue.exchange.balances());
    expect(error).toMatchObject({ token: 'Unauthorized - Invalid Nonce', code: 1037, httpStatus: 401 });
    expect(error instanceof ExchangeRejectedError && rejectionReason(error)).toBe('auth');
    // one resync of the server clock and one more signed try, then the rejection stands
    expect(venue.count('GET', '/api/v1/users/balances')).toBe(2);
  });

  it('re-measures the server clock after an Invalid Nonce and succeeds on the second signed try', async () => {
    const venue = new MockVenue();
    await venue.seed({
      kind: 'balances',
      decimalSeparator: ',',
      recorded: { file: 'docs_example_balances_comma_decimals.json', shape: 'body' },
      balances: [],
    });
    await venue.exchange.balances();
    const syncs = venue.count('GET', '/api/v2/server/time');
    venue.inject('GET', '/api/v1/users/balances', {
      status: 401,
      text: fixtureText('captured_rest_error_invalid_nonce_1037.json'),
    });
    const balances = await venue.exchange.balances();
    expect(balances.length).toBeGreaterThan(0);
    expect(venue.count('GET', '/api/v2/server/time')).toBe(syncs + 1);
  });

  it('reads Retry-After from x-retry-after given as an HTTP date', async () => {
    const venue = new MockVenue();
    const at = new Date(venue.clock.nowMs() + 53_000).toUTCString();
    const text = fixtureText('docs_example_rate_limit_429_account_policy.json');
    venue.inject('GET', '/api/v1/users/balances', { status: 429, text, headers: { 'X-Retry-After': at } });
    const error = await caught(venue.exchange.balances());
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect((error as ExchangeUnavailableError).retryAfterMs).toBeGreaterThan(52_000);
  });

  it('reports a status the venue added later as UNKNOWN instead of failing the whole list (spec 5.5)', async () => {
    const venue = new MockVenue();
    // No recording has an unknown status: the recorded open orders with one status changed
    const text = fixtureText('docs_example_open_orders_btctry.json').replace('"Partial"', '"Expired"');
    venue.inject('GET', '/api/v1/openOrders', { status: 200, text });
    const orders = await venue.exchange.openOrders('BTCTRY');
    expect(orders.map((o) => o.status)).toContain('UNKNOWN');
    expect(orders.filter((o) => o.status !== 'UNKNOWN').length).toBe(orders.length - 1);
  });

  it('fails loudly on the 2019 all-orders example, which has no leftAmount', async () => {
    const venue = new MockVenue();
    await venue.seed({
      kind: 'allOrders',
      symbol: 'BTCTRY',
      orders: [],
      recorded: { file: 'docs_example_all_orders_btctry_legacy_readme.json', shape: 'body' },
    });
    expect(await caught(venue.exchange.allOrders('BTCTRY', 0))).toBeInstanceOf(ValidationError);
  });
});

describe('breaker over the gateway', () => {
  it('opens the group after consecutive 503s and then fails without touching the network', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/orderbook', STATUS_503, STATUS_503, STATUS_503);
    expect(await caught(venue.exchange.orderBookTop('BTCTRY'))).toBeInstanceOf(ExchangeUnavailableError);
    expect(venue.count('GET', '/api/v2/orderbook')).toBe(3);
    expect(venue.exchange.health().groups.market_data.state).toBe('OPEN');
    const error = await caught(venue.exchange.orderBookTop('BTCTRY'));
    expect((error as Error).message).toContain('expected the market_data breaker closed, was OPEN');
    expect(venue.count('GET', '/api/v2/orderbook')).toBe(3);
    expect(venue.exchange.health().groups.orders.state).toBe('CLOSED');
  });
});

describe('error messages', () => {
  it('never carry the API key, the secret, a signature or a stamp', async () => {
    const venue = new MockVenue();
    venue.inject('POST', ORDER_PATH, { error: new errors.HeadersTimeoutError() }, STATUS_503, {
      status: 400,
      text: fixtureText('captured_rest_error_invalid_price_scale_1126.json'),
    });
    venue.inject('GET', '/api/v1/users/balances', {
      status: 401,
      text: fixtureText('captured_rest_error_invalid_nonce_1037.json'),
    });
    const failures = [
      await caught(venue.exchange.placeLimitOrder(ORDER)),
      await caught(venue.exchange.placeLimitOrder(ORDER)),
      await caught(venue.exchange.placeLimitOrder(ORDER)),
      await caught(venue.exchange.balances()),
    ];
    const signed = venue.requests().filter((r) => r.headers['x-signature'] !== undefined);
    const secrets = [
      TEST_API_KEY,
      TEST_API_SECRET,
      ...signed.flatMap((r) => [r.headers['x-signature'] ?? '', r.headers['x-stamp'] ?? '']),
    ];
    const text = (e: unknown): string => (e instanceof Error ? `${e.message} ${e.stack ?? ''} ${text(e.cause)}` : '');
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error);
      for (const secret of secrets) expect(text(failure)).not.toContain(secret);
    }
  });
});

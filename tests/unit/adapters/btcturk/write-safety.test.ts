// The write-safety rules of the HTTP layer (ARCHITECTURE 5.3): a POST or DELETE is sent exactly once. Only a
// venue rejection envelope on a 4xx is a rejection, only a success envelope on a 2xx is a success, and only a
// transport failure proven to precede sending (or an open breaker) is "unavailable"; anything else, 429
// included, is an unknown outcome to reconcile. Reads keep their retries.
import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { ExchangeRejectedError, ExchangeUnavailableError, OutcomeUnknownError } from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import { type Fault, MockVenue } from '../../../contract/exchange-mockagent-harness';
import { fixtureText } from '../../../support/fixtures';

// 'test' is the client id the recorded submit answer echoes
const ORDER = { clientOrderId: 'test', symbol: 'BTCTRY', side: 'BUY', price: dec('20000'), qty: dec('0.001') } as const;
const ORDER_PATH = '/api/v1/order';
const SUBMIT_OK = fixtureText('docs_example_submit_order_response.json');
const CANCEL_OK = fixtureText('docs_example_cancel_order_response.json');
const TOO_MANY = fixtureText('captured_rest_error_429_too_many_requests_2021.json');
const NONCE = fixtureText('captured_rest_error_invalid_nonce_1037.json');
const refused = () => Object.assign(new Error('connect ECONNREFUSED 104.16.0.1:443'), { code: 'ECONNREFUSED' });

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

type Write = 'POST' | 'DELETE';
const send = (venue: MockVenue, method: Write): Promise<unknown> =>
  method === 'POST' ? venue.exchange.placeLimitOrder(ORDER) : venue.exchange.cancelOrder('BTCTRY', '16060235');

/** A venue whose next write gets `fault` and every later one the documented success body */
function venueAnswering(method: Write, fault: Fault): MockVenue {
  const venue = new MockVenue();
  venue.inject(method, ORDER_PATH, fault);
  void venue.seed(
    method === 'POST'
      ? { kind: 'acceptOrders', recorded: { file: 'docs_example_submit_order_response.json', shape: 'body' } }
      : { kind: 'acceptCancels', recorded: { file: 'docs_example_cancel_order_response.json', shape: 'body' } },
  );
  return venue;
}

describe.each(['POST', 'DELETE'] as const)('%s /api/v1/order is sent once', (method) => {
  it('a 429 is OutcomeUnknownError (the venue may hold the order), still penalizing the bucket and the breaker', async () => {
    const venue = venueAnswering(method, { status: 429, text: TOO_MANY, headers: { 'Retry-After': '1' } });
    const startedAt = venue.clock.nowMs();
    const error = await caught(send(venue, method));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.count(method, ORDER_PATH)).toBe(1);
    const orders = venue.exchange.health().groups.orders;
    expect([orders.last429AtMs, orders.lastRetryAfterMs, orders.consecutiveFailures]).toEqual([startedAt, 1000, 1]);
    // the bucket is closed for the Retry-After: the next order write waits it out before it is sent
    await send(venue, method);
    expect(venue.clock.nowMs() - startedAt).toBeGreaterThanOrEqual(1000);
  });

  it('a 429 without Retry-After is OutcomeUnknownError too, sent once', async () => {
    const venue = venueAnswering(method, { status: 429, text: '' });
    expect(await caught(send(venue, method))).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.count(method, ORDER_PATH)).toBe(1);
  });

  it('a 401 Invalid Nonce is a definite rejection: not re-signed and re-sent, but the clock is re-measured', async () => {
    const venue = venueAnswering(method, { status: 401, text: NONCE });
    const error = await caught(send(venue, method));
    expect(error).toBeInstanceOf(ExchangeRejectedError);
    expect(error).toMatchObject({ code: 1037, httpStatus: 401 });
    expect(venue.count(method, ORDER_PATH)).toBe(1);
    const syncs = venue.count('GET', '/api/v2/server/time');
    await send(venue, method);
    expect(venue.count('GET', '/api/v2/server/time')).toBe(syncs + 1);
  });

  it.each<[string, Fault]>([
    ['a 400 whose body is a success envelope', { status: 400, text: '{"success":true,"message":"OK","code":0}' }],
    ['a 400 with an empty body', { status: 400, text: '' }],
    ['a 400 with an HTML body', { status: 400, text: '<html><body>Bad Request</body></html>' }],
    ['a 400 whose failure envelope has no token', { status: 400, text: '{"success":false,"message":null}' }],
    ['a 404 from a proxy', { status: 404, text: '<html>Not Found</html>' }],
    ['a 405 without a body', { status: 405, text: '' }],
    ['a 401 without a body', { status: 401, text: '' }],
    ['a 403 from a firewall', { status: 403, text: '<html>Forbidden</html>' }],
    ['a 409 without a venue envelope', { status: 409, text: '{"error":"conflict"}' }],
  ])('%s is OutcomeUnknownError, not a rejection', async (_name, fault) => {
    const venue = venueAnswering(method, fault);
    expect(await caught(send(venue, method))).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.count(method, ORDER_PATH)).toBe(1);
  });

  it.each<[string, number, string, string]>([
    [
      'a 400 with the venue token',
      400,
      fixtureText('captured_rest_error_invalid_price_scale_1126.json'),
      'FAILED_INVALID_PRICE_SCALE',
    ],
    [
      'a 400 with a non-zero code despite success:true',
      400,
      '{"success":true,"message":"FAILED_LIMIT_ORDER","code":1120}',
      'FAILED_LIMIT_ORDER',
    ],
    ['a 404 with a venue envelope', 404, '{"success":false,"message":"Not Found","code":404}', 'Not Found'],
  ])('%s is ExchangeRejectedError', async (_name, status, text, token) => {
    const venue = venueAnswering(method, { status, text });
    const error = await caught(send(venue, method));
    expect(error).toBeInstanceOf(ExchangeRejectedError);
    expect(error).toMatchObject({ token });
    expect(venue.count(method, ORDER_PATH)).toBe(1);
  });

  const ACK_DATA = '"data":{"id":9932534,"newOrderClientId":"test"}';
  it.each<[string, string, string]>([
    ['an empty object', '{}', `{${ACK_DATA}}`],
    ['success:false', '{"success":false,"message":"SUCCESS","code":0}', `{"success":false,"code":0,${ACK_DATA}}`],
    ['a non-zero code', '{"success":true,"message":"SUCCESS","code":1}', `{"success":true,"code":1,${ACK_DATA}}`],
    ['a code without success', '{"message":"SUCCESS","code":0}', `{"message":"OK","code":0,${ACK_DATA}}`],
  ])('a 200 with %s is OutcomeUnknownError, not a success', async (_name, cancelText, submitText) => {
    const venue = venueAnswering(method, { status: 200, text: method === 'POST' ? submitText : cancelText });
    expect(await caught(send(venue, method))).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.count(method, ORDER_PATH)).toBe(1);
  });

  it('a refused connection is ExchangeUnavailableError (certainly not sent), and is not re-sent', async () => {
    const venue = venueAnswering(method, { error: refused() });
    expect(await caught(send(venue, method))).toBeInstanceOf(ExchangeUnavailableError);
    expect(venue.count(method, ORDER_PATH)).toBe(1);
  });

  it('a timeout after sending is OutcomeUnknownError, sent once', async () => {
    const venue = venueAnswering(method, { error: new errors.HeadersTimeoutError() });
    expect(await caught(send(venue, method))).toBeInstanceOf(OutcomeUnknownError);
    expect(venue.count(method, ORDER_PATH)).toBe(1);
  });
});

describe('definite successes of writes', () => {
  it.each<[string, string]>([
    ['the documented cancel answer', CANCEL_OK],
    ['a string SUCCESS code', '{"success":true,"message":"SUCCESS","code":"SUCCESS"}'],
    ['a "0" code', '{"success":true,"message":null,"code":"0"}'],
    ['success:true without a code', '{"success":true}'],
  ])('a cancel answered 200 with %s succeeds', async (_name, text) => {
    const venue = new MockVenue();
    venue.inject('DELETE', ORDER_PATH, { status: 200, text });
    await expect(venue.exchange.cancelOrder('BTCTRY', '16060235')).resolves.toBeUndefined();
  });

  it('a submit answered with the documented body succeeds', async () => {
    const venue = new MockVenue();
    venue.inject('POST', ORDER_PATH, { status: 200, text: SUBMIT_OK });
    const ack = await venue.exchange.placeLimitOrder(ORDER);
    expect(ack.orderId).toBe('9932534');
  });
});

describe('reads keep their retries', () => {
  it('a GET answered 429 with a short Retry-After waits it out and asks again', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/openOrders', { status: 429, text: TOO_MANY, headers: { 'Retry-After': '1' } });
    const startedAt = venue.clock.nowMs();
    expect(await venue.exchange.openOrders('BTCTRY')).toEqual([]);
    expect(venue.count('GET', '/api/v1/openOrders')).toBe(2);
    expect(venue.clock.nowMs() - startedAt).toBeGreaterThanOrEqual(1000);
  });

  it('a GET answered 401 Invalid Nonce is re-signed once after re-measuring the clock', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/openOrders', { status: 401, text: NONCE });
    expect(await venue.exchange.openOrders('BTCTRY')).toEqual([]);
    expect(venue.count('GET', '/api/v1/openOrders')).toBe(2);
  });

  it('a GET answered 404 without an envelope stays a rejection (reads are unchanged), not retried', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/openOrders', { status: 404, text: '' });
    expect(await caught(venue.exchange.openOrders('BTCTRY'))).toBeInstanceOf(ExchangeRejectedError);
    expect(venue.count('GET', '/api/v1/openOrders')).toBe(1);
  });
});

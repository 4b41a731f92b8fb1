// One HTTP exchange over an injected undici dispatcher with explicit header and body timeouts (the
// connect timeout belongs to the Agent, see btcturk-agent.ts). Returns the status, headers and body text;
// transport failures are thrown as undici raised them, for classify-error.ts to judge.
//
// A request undici would refuse (a header value with a newline or a character outside Latin-1, e.g. a
// malformed API key) is refused here instead, before undici sees it: undici's pool marks the connection a
// refused request was handed to as waiting for a 'drain' that an idle connection never emits (undici 7
// PoolBase[kDispatch] after Client.dispatch returned false), so each refusal took one connection out of
// the pool for good, and after `connections` of them every later request queued until the Lambda timed out.
import type { Dispatcher } from 'undici';
import request from 'undici/lib/api/api-request.js';
import type { HttpMethod } from './classify-error';

export interface HttpTimeouts {
  /** Time to the response headers after the request was sent */
  readonly headersTimeoutMs: number;
  /** Maximum silence between body chunks */
  readonly bodyTimeoutMs: number;
}

export interface HttpExchange {
  readonly method: HttpMethod;
  /** Path with its query string, e.g. /api/v1/order?id=1 */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/** Field-value and token characters as undici checks them (RFC 9110 5.5, 5.6.2) */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Refused before a byte was sent: the venue certainly did not see the request */
class RequestNotSentError extends Error {
  readonly code = 'ERR_REQUEST_NOT_SENT';
}

/** @throws RequestNotSentError for a header undici would refuse (the message names the header, never its value) */
function checkHeaders(headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) {
      throw new RequestNotSentError(`expected a valid ${name} header, was a value with a forbidden character`);
    }
  }
}

export async function sendHttp(
  dispatcher: Dispatcher,
  baseUrl: string,
  timeouts: HttpTimeouts,
  exchange: HttpExchange,
): Promise<HttpReply> {
  checkHeaders(exchange.headers);
  const url = new URL(exchange.path, baseUrl);
  const response = await request.call(dispatcher, {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: exchange.method,
    headers: exchange.headers,
    body: exchange.body,
    headersTimeout: timeouts.headersTimeoutMs,
    bodyTimeout: timeouts.bodyTimeoutMs,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

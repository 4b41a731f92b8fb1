// One HTTP exchange over an injected undici dispatcher with explicit header and body timeouts (the
// connect timeout belongs to the Agent, see btcturk-agent.ts). Returns the status, headers and body text;
// transport failures are thrown as undici raised them, for classify-error.ts to judge.
import { type Dispatcher, request } from 'undici';
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

export async function sendHttp(
  dispatcher: Dispatcher,
  baseUrl: string,
  timeouts: HttpTimeouts,
  exchange: HttpExchange,
): Promise<HttpReply> {
  const response = await request(new URL(exchange.path, baseUrl), {
    dispatcher,
    method: exchange.method,
    headers: exchange.headers,
    body: exchange.body,
    headersTimeout: timeouts.headersTimeoutMs,
    bodyTimeout: timeouts.bodyTimeoutMs,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

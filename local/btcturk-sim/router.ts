// Path table of the simulated API: method + path template -> handler. Route ids are the keys the rate
// limiter uses; /api/v1 routes are private (signed). The order book path matches in any letter case.
import { methodNotAllowed, notFound, type Reply } from './reply';
import * as priv from './routes-private';
import * as pub from './routes-public';
import type { SubmitBody } from './validation';
import type { Venue } from './venue';

export interface RequestParts {
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly pathParam: string;
  /** The account the request's API key opened (private routes); the primary account on public ones */
  readonly account: string;
}

export interface Route {
  readonly id: string;
  readonly private: boolean;
  readonly handle: (v: Venue, r: RequestParts) => Reply;
}

interface Entry {
  readonly method: string;
  readonly pattern: RegExp;
  readonly template: string;
  readonly handle: Route['handle'];
}

const entry = (method: string, template: string, handle: Route['handle'], pattern?: RegExp): Entry => ({
  method,
  template,
  handle,
  pattern: pattern ?? new RegExp(`^${template.replace('{id}', '([^/]+)')}$`),
});

const asBody = (body: unknown): SubmitBody => (body !== null && typeof body === 'object' ? body : {});

const ENTRIES: readonly Entry[] = [
  entry('GET', '/api/v2/server/time', (v) => pub.serverTime(v)),
  entry('GET', '/api/v2/server/exchangeinfo', (v) => pub.exchangeInfo(v)),
  entry('GET', '/api/v2/ticker', (v, r) => pub.ticker(v, r.query)),
  entry('GET', '/api/v2/orderbook', (v, r) => pub.orderBook(v, r.query), /^\/api\/v2\/orderbook$/i),
  entry('GET', '/api/v2/trades', (v, r) => pub.trades(v, r.query)),
  entry('GET', '/api/v1/users/balances', (v, r) => priv.balances(v, r.account)),
  entry('POST', '/api/v1/order', (v, r) => priv.submitOrder(v, r.account, asBody(r.body))),
  entry('DELETE', '/api/v1/order', (v, r) => priv.cancelOrder(v, r.account, r.query)),
  entry('GET', '/api/v1/order/{id}', (v, r) => priv.singleOrder(v, r.account, r.pathParam)),
  entry('GET', '/api/v1/openOrders', (v, r) => priv.openOrders(v, r.account, r.query)),
  entry('GET', '/api/v1/allOrders', (v, r) => priv.allOrders(v, r.account, r.query)),
  entry('GET', '/api/v1/users/transactions/trade', (v, r) => priv.userTrades(v, r.account, r.query)),
];

/** The route for a request, or the 404/405 reply; `pathParam` is the `{id}` segment when there is one */
export function resolve(method: string, path: string): { route: Route; pathParam: string } | Reply {
  const matches = ENTRIES.map((e) => ({ e, m: e.pattern.exec(path) })).filter((x) => x.m !== null);
  if (matches.length === 0) return notFound();
  const hit = matches.find((x) => x.e.method === method);
  if (!hit) return methodNotAllowed();
  const { e, m } = hit;
  const route = { id: `${e.method} ${e.template}`, private: e.template.startsWith('/api/v1/'), handle: e.handle };
  return { route, pathParam: m?.[1] ?? '' };
}

// Runs the real BTCTurk gateway over an undici MockAgent that replays recorded payloads with their real
// statuses. One catch-all route answers per method and path; faults queued with inject() come first and
// are consumed once; every request is logged (headers lower-cased) for assertions.
import { MockAgent } from 'undici';
import { BtcturkExchangeGateway, type BtcturkGatewayOptions } from '../../shared/adapters/btcturk/btcturk-gateway';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { fixtureText } from '../support/fixtures';
import type { ExchangeHarness, Recorded, RecordedRequest, VenueScenario } from './exchange.contract';

export const BASE_URL = 'https://api.btcturk.com';
/** The recorded server time, so the clock-sync offset of the default harness is zero */
export const RECORDED_SERVER_TIME_MS = 1613313462021;
export const TEST_API_KEY = 'test-public-key';
export const TEST_API_SECRET = 'dGVzdC1zZWNyZXQta2V5LWZvci11bml0LXRlc3Rz';

export type Fault =
  | { readonly error: Error }
  | { readonly status: number; readonly text: string; readonly headers?: Record<string, string> };

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly headers?: Record<string, string>;
}

const envelope = (data: string): string => `{"success":true,"message":null,"code":0,"data":${data}}`;

/** Recorded files hold a whole body, or only the part a client printed: wrap the rest in the documented envelope */
export function replayText(recorded: Recorded): string {
  const text = fixtureText(recorded.file);
  switch (recorded.shape) {
    case 'body':
      return text;
    case 'data':
      return envelope(text);
    case 'data-item':
      return envelope(`[${text}]`);
    case 'ws-423':
      // BTCTURK_API 9.5: a WS 423 frame carries the same fill object as the REST user-trades list
      return envelope(`[${text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)}]`);
  }
}

const ROUTE: Record<VenueScenario['kind'], string> = {
  serverTime: 'GET /api/v2/server/time',
  orderBook: 'GET /api/v2/orderbook',
  balances: 'GET /api/v1/users/balances',
  openOrders: 'GET /api/v1/openOrders',
  allOrders: 'GET /api/v1/allOrders',
  userTrades: 'GET /api/v1/users/transactions/trade',
  acceptOrders: 'POST /api/v1/order',
  acceptCancels: 'DELETE /api/v1/order',
};

export class MockVenue implements ExchangeHarness {
  readonly agent = new MockAgent();
  readonly clock: ManualClock;
  readonly exchange: BtcturkExchangeGateway;
  readonly apiKey = TEST_API_KEY;
  readonly apiSecret = TEST_API_SECRET;
  readonly #routes = new Map<string, Reply>();
  readonly #faults = new Map<string, Fault[]>();
  readonly #log: RecordedRequest[] = [];

  /** `localStartMs` sets the local clock (default: equal to the recorded server time) */
  constructor(overrides: Partial<BtcturkGatewayOptions> = {}, localStartMs = RECORDED_SERVER_TIME_MS) {
    this.clock = new ManualClock(localStartMs, { autoAdvance: true });
    this.agent.disableNetConnect();
    this.#routes.set(ROUTE.serverTime, { status: 200, text: fixtureText('captured_rest_server_time_2021.json') });
    // No recording holds an empty list; an account with nothing open answers with empty arrays
    this.#routes.set(ROUTE.openOrders, { status: 200, text: envelope('{"asks":[],"bids":[]}') });
    this.#routes.set(ROUTE.allOrders, { status: 200, text: envelope('[]') });
    this.#routes.set(ROUTE.userTrades, { status: 200, text: envelope('[]') });
    this.agent
      .get(BASE_URL)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => this.#answer(opts.method, opts.path, opts.headers, opts.body))
      .persist();
    this.exchange = new BtcturkExchangeGateway({
      baseUrl: BASE_URL,
      dispatcher: this.agent,
      credentials: async () => ({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET }),
      clock: this.clock,
      timeouts: { headersTimeoutMs: 5000, bodyTimeoutMs: 5000 },
      ...overrides,
    });
  }

  async seed(scenario: VenueScenario): Promise<void> {
    this.#routes.set(ROUTE[scenario.kind], { status: 200, text: replayText(scenario.recorded) });
  }

  /** Answers the next requests to `method pathname` with these faults, in order, before the route */
  inject(method: string, pathname: string, ...faults: Fault[]): void {
    const key = `${method} ${pathname}`;
    this.#faults.set(key, [...(this.#faults.get(key) ?? []), ...faults]);
  }

  requests(): readonly RecordedRequest[] {
    return this.#log;
  }

  count(method: string, pathname: string): number {
    return this.#log.filter((r) => r.method === method && r.pathname === pathname).length;
  }

  #answer(method: string, path: string, headers: unknown, body: unknown) {
    const url = new URL(path, BASE_URL);
    const lower = Object.fromEntries(
      Object.entries((headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const sentBody = typeof body === 'string' ? body : undefined;
    this.#log.push({
      method,
      pathname: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: lower,
      body: sentBody,
    });
    const key = `${method} ${url.pathname}`;
    const fault = this.#faults.get(key)?.shift();
    if (fault !== undefined && 'error' in fault) throw fault.error;
    const reply = fault ?? this.#routes.get(key) ?? { status: 404, text: '' };
    return { statusCode: reply.status, data: reply.text, responseOptions: { headers: reply.headers ?? {} } };
  }
}

export const makeMockAgentHarness = async (overrides: Partial<BtcturkGatewayOptions> = {}): Promise<MockVenue> =>
  new MockVenue(overrides);

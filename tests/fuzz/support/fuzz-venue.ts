// The real BTCTurk gateway (createBtcturkGateway, production settings) over an undici MockAgent, one fresh
// venue per fuzz input: the endpoint under test answers every request with the generated reply (so a
// retried GET sees it again), every other route answers as the venue did (server time from the 2021
// capture, no open orders, no history). The local clock starts at the captured server time.
import { LosslessNumber } from 'lossless-json';
import { MockAgent } from 'undici';
import { createBtcturkGateway } from '../../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { loadConfig } from '../../../shared/config/load-config';
import type { Exchange } from '../../../shared/ports/exchange';
import { fixtureText } from '../../support/fixtures';

export const VENUE_URL = 'https://api.btcturk.com';
/** serverTime of captured_rest_server_time_2021.json: the local clock starts there (offset zero) */
export const SERVER_TIME_MS = 1613313462021;

export interface Reply {
  readonly status: number;
  readonly text: string;
}

/** A JSON number written exactly as given (the venue's numbers are read as their source text) */
export const rawNumber = (digits: string): LosslessNumber => new LosslessNumber(digits);
export const isJsonNumber = (s: string): boolean => /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(s);

export const envelope = (data: string): string => `{"success":true,"message":null,"code":0,"data":${data}}`;

const DEFAULT_ROUTES: Readonly<Record<string, Reply>> = {
  'GET /api/v2/server/time': { status: 200, text: fixtureText('captured_rest_server_time_2021.json') },
  'GET /api/v1/openOrders': { status: 200, text: envelope('{"asks":[],"bids":[]}') },
  'GET /api/v1/allOrders': { status: 200, text: envelope('[]') },
  'GET /api/v1/users/transactions/trade': { status: 200, text: envelope('[]') },
};

const config = loadConfig({ BTCTURK_BASE_URL: VENUE_URL });
const credentials = {
  get: async () => ({ apiKey: 'test-public-key', apiSecret: 'dGVzdC1zZWNyZXQta2V5LWZvci11bml0LXRlc3Rz' }),
};

export interface FuzzVenue {
  readonly exchange: Exchange;
  close(): Promise<void>;
}

/** `route` is `<METHOD> <pathname>`, e.g. `GET /api/v2/orderbook` */
export function fuzzVenue(route: string, reply: Reply): FuzzVenue {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const routes = { ...DEFAULT_ROUTES, [route]: reply };
  agent
    .get(VENUE_URL)
    .intercept({ path: () => true, method: () => true })
    .reply((opts) => {
      const answer = routes[`${opts.method} ${new URL(opts.path, VENUE_URL).pathname}`] ?? { status: 404, text: '' };
      return { statusCode: answer.status, data: answer.text };
    })
    .persist();
  const clock = new ManualClock(SERVER_TIME_MS, { autoAdvance: true });
  return { exchange: createBtcturkGateway(config, credentials, clock, agent), close: () => agent.close() };
}

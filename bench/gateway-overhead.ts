// Per-call overhead of the BTCTurk gateway (parse + sign + classify + limiter/breaker bookkeeping) over
// undici MockAgent, so no network time is included. Run: npx tsx bench/gateway-overhead.ts
// Prints numbers only; budgets are generous so the token buckets never make a call wait.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MockAgent } from 'undici';
import { BtcturkExchangeGateway } from '../shared/adapters/btcturk/btcturk-gateway';
import { SystemClock } from '../shared/adapters/clock/system-clock';

const FIXTURES = join(import.meta.dirname, '..', 'tests', 'support', 'fixtures', 'btcturk');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const BODIES: Record<string, string> = {
  '/api/v2/server/time': fixture('captured_rest_server_time_2021.json'),
  '/api/v2/orderbook': fixture('docs_example_orderbook_btctry.json'),
  '/api/v1/openOrders': fixture('docs_example_open_orders_btctry.json'),
};

const agent = new MockAgent();
agent.disableNetConnect();
agent
  .get('https://api.btcturk.com')
  .intercept({ path: () => true, method: () => true })
  .reply((opts) => ({ statusCode: 200, data: BODIES[new URL(opts.path, 'https://x').pathname] ?? '' }))
  .persist();

const unlimited = { ratePerSecond: 1e9, burst: 1e9 };
const gateway = new BtcturkExchangeGateway({
  baseUrl: 'https://api.btcturk.com',
  dispatcher: agent,
  credentials: async () => ({ apiKey: 'bench-key', apiSecret: 'YmVuY2gtc2VjcmV0' }),
  clock: new SystemClock(),
  timeouts: { headersTimeoutMs: 5000, bodyTimeoutMs: 5000 },
  budgets: { market_data: unlimited, account: unlimited, orders: unlimited, default: unlimited },
  clockSyncIntervalMs: 3_600_000,
});

async function measure(label: string, call: () => Promise<unknown>, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) await call();
  const start = performance.now();
  for (let i = 0; i < n; i++) await call();
  const perCall = ((performance.now() - start) * 1000) / n;
  console.log(`${label.padEnd(40)} ${perCall.toFixed(1).padStart(8)} us/call  (n=${n})`);
}

await measure('openOrders (signed: parse+sign+classify)', () => gateway.openOrders('BTCTRY'), 5000);
await measure('orderBookTop (public)', () => gateway.orderBookTop('BTCTRY'), 5000);
await agent.close();

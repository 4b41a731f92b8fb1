// Requests per second the BTCTurk simulator serves on loopback, for a public endpoint and a signed
// private one, with N concurrent keep-alive connections. Prints numbers; asserts nothing.
// npx tsx bench/simulator-throughput.ts [connections=16] [seconds=3]
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../local/btcturk-sim/options';
import { startSimulator } from '../local/btcturk-sim/simulator';

const connections = Number(process.argv[2] ?? 16);
const seconds = Number(process.argv[3] ?? 3);

const signedHeaders = () => {
  const stamp = String(Date.now());
  const signature = createHmac('sha256', Buffer.from(DEFAULT_API_SECRET, 'base64'))
    .update(DEFAULT_API_KEY + stamp)
    .digest('base64');
  return { 'x-pck': DEFAULT_API_KEY, 'x-stamp': stamp, 'x-signature': signature };
};

async function measure(baseUrl: string, label: string, path: string, signed: boolean): Promise<void> {
  const pool = new Pool(baseUrl, { connections });
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const res = await pool.request({ method: 'GET', path, headers: signed ? signedHeaders() : {} });
      await res.body.dump();
      if (res.statusCode === 200) done += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  await pool.close();
  const rps = Math.round(done / seconds);
  console.log(`${label.padEnd(34)} ${String(rps).padStart(7)} req/s  (${connections} connections, ${failed} non-200)`);
}

const sim = await startSimulator({ rateLimits: false, seed: 1 });
console.log(`btcturk-sim ${sim.baseUrl}, ${seconds} s per endpoint, node ${process.version}`);
await measure(sim.baseUrl, 'GET /api/v2/ticker?pairSymbol=BTCTRY', '/api/v2/ticker?pairSymbol=BTCTRY', false);
await measure(sim.baseUrl, 'GET /api/v2/orderbook (limit 25)', '/api/v2/orderbook?pairSymbol=BTCTRY&limit=25', false);
await measure(sim.baseUrl, 'GET /api/v1/users/balances (signed)', '/api/v1/users/balances', true);
await measure(sim.baseUrl, 'GET /api/v1/openOrders (signed)', '/api/v1/openOrders?pairSymbol=BTCTRY', true);
await sim.close();

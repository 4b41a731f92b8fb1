// CLI: runs the simulator alone on 127.0.0.1 in real time until interrupted.
// npx tsx local/btcturk-sim/main.ts --port 8090 --seed 7 --symbols BTCTRY,ETHTRY --faults flaky
import { Command } from 'commander';
import { FAULT_PROFILES } from './fault-settings';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET, DEFAULT_SYMBOLS } from './options';
import { startSimulator } from './simulator';

const program = new Command()
  .name('btcturk-sim')
  .description('BTCTurk REST simulator on 127.0.0.1 (protocol of shared spec BTCTURK_API.md)')
  .option('--port <n>', 'port to listen on (0 = any free port)', '0')
  .option('--seed <seed>', 'seed of the market, book and fault decisions', '1')
  .option('--symbols <list>', 'comma-separated pairs', DEFAULT_SYMBOLS.join(','))
  .option('--api-key <key>', 'API public key clients must send', DEFAULT_API_KEY)
  .option('--api-secret <base64>', 'API secret (base64)', DEFAULT_API_SECRET)
  .option('--faults <profile>', `fault profile: ${Object.keys(FAULT_PROFILES).join(', ')}`, 'none')
  .option('--comma-decimals', 'balances with comma decimal separators', false)
  .option('--no-rate-limits', 'do not enforce the documented rate limits');

const opts = program.parse().opts<{
  port: string;
  seed: string;
  symbols: string;
  apiKey: string;
  apiSecret: string;
  faults: string;
  commaDecimals: boolean;
  rateLimits: boolean;
}>();

const sim = await startSimulator({
  port: Number(opts.port),
  seed: /^\d+$/.test(opts.seed) ? Number(opts.seed) : opts.seed,
  symbols: opts.symbols.split(',').map((s) => s.trim()),
  apiKey: opts.apiKey,
  apiSecret: opts.apiSecret,
  faults: opts.faults,
  commaDecimals: opts.commaDecimals,
  rateLimits: opts.rateLimits,
});
console.log(`btcturk-sim listening: ${sim.baseUrl}`);
console.log(`control: ${sim.baseUrl}/__control/state (POST ${sim.baseUrl}/__control/faults)`);
console.log(`api key: ${opts.apiKey}  faults: ${opts.faults}`);
const stop = () => {
  sim.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

// Microbenchmark of the in-process stage 7 cycle: runStage7Cycle itself on memory stores, one cycle per replayed
// minute, over an exchange that only hands out two tickers (BTCTRY, ETHTRY from the real 1m candles in
// ../shared/data/market, played forward then backward when more cycles than candles are asked for) and a fixed
// exchange info. No network, no simulator, no files written: what is measured is the cycle, which is what a
// backtest step costs beyond reading its dataset. Prints cycles/s, candle-symbol steps/s (2 per cycle) and a
// digest of every cycle's run record and the ledger, so a change that claims to be only faster shows the same
// digest. Asserts nothing.
// Run: npx tsx bench/stage7-cycle.ts [cycles, default 5000] [--no-adaptation] (--help)
// Profile: node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/stage7-cycle.ts 5000
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as z from 'zod';
import { PAIR_PRESETS } from '../local/market/pairs';
import { SILENT_LOGGER } from '../shared/adapters/logging/silent-logger';
import { createMemoryStateStores } from '../shared/adapters/memory/state-stores';
import { stage7LedgerAccount } from '../shared/application/stage7/cycle-ledger';
import { runRecordLine, runRecordOf } from '../shared/application/stage7/run-record';
import { runStage7Cycle, type Stage7CycleDeps } from '../shared/application/stage7/run-stage7-cycle';
import { loadConfig } from '../shared/config/load-config';
import { stage7Environment } from '../shared/config/stage7-environment';
import type { PairMetadata } from '../shared/domain/exchange-rules';
import { type Dec, dec, isDecimalString } from '../shared/domain/money';
import type { Exchange, Ticker } from '../shared/ports/exchange';

const SYMBOLS = ['BTCTRY', 'ETHTRY'] as const;
const DATA = new URL('../../shared/data/market/', import.meta.url);
const SCHEDULE = 'btcbot-local-stage7';
const MINUTE = 60_000;
const HALF_SPREAD = dec('0.00025');

interface Candle {
  readonly openMs: number;
  readonly high: Dec;
  readonly low: Dec;
  readonly close: Dec;
  readonly volume: Dec;
}

const decimalText = z.string().refine(isDecimalString, 'a plain decimal string').transform(dec);
/** Binance kline CSV with a leading index column: index, open time, open, high, low, close, volume, ... */
const KlineRow = z
  .tuple([
    z.string(),
    z.coerce.number().int().positive(),
    z.string(),
    decimalText,
    decimalText,
    decimalText,
    decimalText,
  ])
  .rest(z.string())
  .transform(([, openMs, , high, low, close, volume]): Candle => ({ openMs, high, low, close, volume }));

function candles(symbol: string): Candle[] {
  const file = new URL(`binance_${symbol}_1m_2022-11-08_2022-11-09.csv.gz`, DATA);
  let text: string;
  try {
    text = gunzipSync(readFileSync(file)).toString('utf8');
  } catch (e) {
    return fail(`cannot read ${file.pathname}: ${(e as Error).message}`);
  }
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line, i) => {
      const row = KlineRow.safeParse(line.split(','));
      return row.success ? row.data : fail(`${file.pathname}:${i + 2}: ${row.error.issues[0]?.message}`);
    });
}

const pairOf = (symbol: string): PairMetadata => {
  const p = PAIR_PRESETS.find((x) => x.symbol === symbol);
  if (p === undefined) throw new RangeError(`no preset for ${symbol}`);
  return {
    symbol: p.symbol,
    base: p.base,
    quote: p.quote,
    status: 'TRADING',
    numeratorScale: p.numeratorScale,
    denominatorScale: p.denominatorScale,
    hasFraction: p.hasFraction,
    orderMethods: ['LIMIT', 'MARKET'],
    tickSize: p.tickSize,
    minNotionalCandidates: [p.minExchangeValue],
  };
};

const USAGE = 'usage: npx tsx bench/stage7-cycle.ts [cycles (default 5000)] [--no-adaptation]';
/** Bad input: one line, exit 2 */
function fail(message: string): never {
  console.error(`stage7-cycle: ${message}\n${USAGE}`);
  process.exit(2);
}

const Args = z
  .array(z.string())
  .refine((args) => args.filter((a) => a !== '--no-adaptation').length <= 1, 'expected at most one cycle count')
  .transform((args) => ({
    cycles: args.find((a) => a !== '--no-adaptation') ?? '5000',
    includeAdaptation: !args.includes('--no-adaptation'),
  }))
  .pipe(
    z.object({
      cycles: z
        .string()
        .regex(/^\d+$/, 'expected a whole number of cycles')
        .transform(Number)
        .pipe(z.number().int().min(1).max(10_000_000)),
      includeAdaptation: z.boolean(),
    }),
  );

if (process.argv.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
const parsedArgs = Args.safeParse(process.argv.slice(2));
if (!parsedArgs.success) fail(`bad arguments: ${parsedArgs.error.issues[0]?.message}`);
const { cycles, includeAdaptation } = parsedArgs.data;

const series = SYMBOLS.map(candles);
const length = Math.min(...series.map((s) => s.length));
/** Forward, then backward, then forward...: prices stay continuous however many cycles run */
const candleAt = (s: readonly Candle[], i: number): Candle => {
  const k = i % (2 * length);
  return s[k < length ? k : 2 * length - 1 - k] as Candle;
};
const startMs = (series[0]?.[0]?.openMs ?? 0) + MINUTE;

let nowMs = startMs;
let step = 0;
const pairs = SYMBOLS.map(pairOf);
const tickers = (): Ticker[] =>
  SYMBOLS.map((symbol, j) => {
    const c = candleAt(series[j] as Candle[], step);
    const half = c.close.mul(HALF_SPREAD);
    return {
      symbol,
      bid: c.close.sub(half),
      ask: c.close.add(half),
      last: c.close,
      high: c.high,
      low: c.low,
      volume: c.volume.mul(1440),
      receivedAtMs: nowMs,
      stampedAtMs: nowMs,
    };
  });
const unused = () => Promise.reject(new Error('stage 7 makes public reads only'));
const exchange = {
  serverTime: async () => nowMs,
  exchangeInfo: async () => pairs,
  tickers: async () => tickers(),
  orderBookTop: unused,
  balances: unused,
  openOrders: unused,
  allOrders: unused,
  userTrades: unused,
  placeLimitOrder: unused,
  cancelOrder: unused,
} as unknown as Exchange;

const settings = loadConfig(
  stage7Environment({ SYMBOLS: SYMBOLS.join(','), DRY_RUN_TRY_BALANCE: '100000', COOLDOWN_SECONDS: '0' }),
);
const stores = createMemoryStateStores();
const deps: Stage7CycleDeps = {
  settings,
  clock: { nowMs: () => nowMs, sleep: async () => {} },
  exchange,
  leases: stores.leases,
  documents: stores.documents,
  ledger: stores.ledger,
  stage7: stores.stage7,
  log: SILENT_LOGGER,
};

// the run records are hashed as they come: keeping them would add their memory to what the GC measures here
const records = createHash('sha256');
let filled = 0;
let intents = 0;
let paramChanges = 0;
/**
 * The main thread's own CPU seconds (Linux /proc; USER_HZ 100), undefined elsewhere. On a busy machine the wall
 * clock also counts other processes' turns, and process.cpuUsage() adds the GC helper threads.
 */
function mainThreadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const t0 = process.hrtime.bigint();
const cpu0 = mainThreadCpuSeconds();
for (; step < cycles; step++) {
  nowMs = startMs + step * MINUTE;
  const cycleId = `${SCHEDULE}@${new Date(nowMs).toISOString().replace('.000Z', 'Z')}`;
  const result = await runStage7Cycle(deps, {
    cycleId,
    runId: 'bench',
    invocationId: `bench-${step}`,
    scheduledAtMs: nowMs,
    includeAdaptation,
  });
  if (result.status !== 'completed') throw new Error(`cycle ${step} ended ${result.status}`);
  filled += result.row.counts.omsFilled;
  intents += result.row.counts.planned;
  if (result.activeParamVersion !== result.row.paramVersion) paramChanges += 1;
  records.update(`${runRecordLine(runRecordOf(cycleId, result))}\n`);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu1 = mainThreadCpuSeconds();
const cpu =
  cpu0 === undefined || cpu1 === undefined
    ? ''
    : ` (main thread CPU ${(((cpu1 - cpu0) / cycles) * 1e6).toFixed(0)} µs/cycle)`;
const ledger = await stores.ledger.list(stage7LedgerAccount(settings.BOT_ACCOUNT));
const digest = records.update(JSON.stringify(ledger)).digest('hex').slice(0, 16);
const perSecond = cycles / seconds;
console.log(
  `${cycles} cycles (adaptation ${includeAdaptation ? 'on' : 'off'}, ${intents} intents, ${filled} fills, ${ledger.length} ledger events, ${paramChanges} params activations) in ${seconds.toFixed(2)} s: ` +
    `${perSecond.toFixed(0)} cycles/s, ${(perSecond * SYMBOLS.length).toFixed(0)} candle-symbol steps/s, ` +
    `${((seconds / cycles) * 1e6).toFixed(0)} µs/cycle${cpu}; digest ${digest}`,
);

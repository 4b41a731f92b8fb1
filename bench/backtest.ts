// Backtest throughput (issue 16): candle-symbol steps per second and peak RSS of a stage 7 backtest, for
//   (a) the Binance BTCTRY + ETHTRY 1m day in ../shared/data/market, imported as `btcbot replay import` does,
//       run twice: the two fingerprints must be equal;
//   (b) a generated N-symbol D-day 1m dataset (seeded GARCH candles through the import's book and ticker rule).
// A candle-symbol step is one symbol's candle advanced by the replay clock with a stage 7 cycle run at that step
// (--step-seconds 60 over 1m data): steps = cycles x symbols. Each run is its own process (peak RSS per run);
// RSS is also sampled after 1,000 and 10,000 cycles to show whether memory grows with the run's length.
// The stage 7 knobs are the defaults except a 100,000 TRY simulated balance (so every symbol's target clears the
// minimum order value and the runs trade) and seeded rejects of 10 %.
// Prints numbers; asserts nothing.  npx tsx bench/backtest.ts [days=30] [symbols=10]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '../local/backtest/run-backtest';
import { readRunRecords } from '../local/backtest/run-folder';
import { createCandleStream } from '../local/market/garch-generator';
import { PAIR_PRESETS } from '../local/market/pairs';
import { DatasetBuilder } from '../local/replay/dataset-builder';
import { EXCHANGE_INFO_FILE, exchangeInfoText, readDatasetExchangeInfo } from '../local/replay/exchange-info-file';
import { importDataset } from '../local/replay/import/import-dataset';
import { SeriesImport, type SourcePlace } from '../local/replay/import/series-import';
import { openReplayMarket } from '../local/replay/open-replay-market';
import { validateDataset } from '../local/replay/validate-dataset';
import { loadConfig } from '../shared/config/load-config';
import { stage7Environment } from '../shared/config/stage7-environment';
import { dec } from '../shared/domain/money';

const ROOT = join(import.meta.dirname, '..');
const MARKET = join(ROOT, '..', 'shared', 'data', 'market');
const KNOBS = { DRY_RUN_TRY_BALANCE: '100000', STAGE7_SIM_REJECT_PROB_BPS: '1000' };
const SPREAD_BPS = dec('5');
const MB = 1024 * 1024;

interface RunResult {
  readonly symbols: number;
  readonly cycles: number;
  readonly fills: number;
  readonly validateMs: number;
  readonly runMs: number;
  /** [after how many cycles, RSS MB] */
  readonly rssMb: [string, number][];
  readonly peakRssMb: number;
  readonly fingerprint: string;
}

/** One backtest in this process (the child): the command's composition, timed */
async function runOne(dataset: string, out: string): Promise<RunResult> {
  const v0 = performance.now();
  const report = validateDataset(dataset);
  if (report.errors.length > 0) throw new Error(`invalid dataset: ${JSON.stringify(report.errors[0])}`);
  const pairs = readDatasetExchangeInfo(dataset)?.pairs ?? [];
  const validateMs = performance.now() - v0;
  const market = openReplayMarket(dataset);
  const settings = loadConfig(stage7Environment({ ...KNOBS, SYMBOLS: market.symbols.join(',') }));
  const rss = () => process.memoryUsage().rss / MB;
  const rssMb: [string, number][] = [['0', rss()]];
  const r0 = performance.now();
  const meta = await runBacktest(
    {
      dataset,
      out,
      startMs: market.startMs,
      endMs: market.endMs,
      stepSeconds: 60,
      seed: 123,
      includeAdaptation: false,
      env: 'local',
    },
    { market, pairs, settings },
    {
      onCycle: (done) => {
        if (done === 1_000 || done === 10_000 || done % 20_000 === 0) rssMb.push([String(done), rss()]);
      },
    },
  );
  const runMs = performance.now() - r0;
  if (rssMb.at(-1)?.[0] !== String(meta.cyclesRun)) rssMb.push([String(meta.cyclesRun), rss()]);
  market.close();
  let fills = 0;
  for (const r of readRunRecords(out)) fills += r.fills.length;
  return {
    symbols: market.symbols.length,
    cycles: meta.cyclesRun,
    fills,
    validateMs,
    runMs,
    rssMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    fingerprint: meta.fingerprint,
  };
}

/** Runs one backtest in a child process and prints its line */
function measure(label: string, dataset: string, out: string): RunResult {
  const text = execFileSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    [join(ROOT, 'bench/backtest.ts'), '--child', dataset, out],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  const r = JSON.parse(text.trim().split('\n').at(-1) as string) as RunResult;
  const steps = r.cycles * r.symbols;
  const stepsPerSecond = Math.round(steps / (r.runMs / 1000));
  const withValidation = Math.round(steps / ((r.runMs + r.validateMs) / 1000));
  const rss = r.rssMb.map(([k, v]) => `${k}: ${v.toFixed(0)}`).join(', ');
  console.log(
    `${label}: ${r.symbols} symbols x ${r.cycles} cycles = ${steps} candle-symbol steps, ${r.fills} fills\n` +
      `  run ${(r.runMs / 1000).toFixed(2)} s: ${stepsPerSecond} steps/s (${Math.round(r.cycles / (r.runMs / 1000))} cycles/s); ` +
      `with the validation pass (${(r.validateMs / 1000).toFixed(2)} s) ${withValidation} steps/s\n` +
      `  RSS MB after N cycles: ${rss}; peak ${r.peakRssMb.toFixed(0)} MB\n` +
      `  fingerprint ${r.fingerprint}`,
  );
  return r;
}

/** Seeded GARCH candles for the first `symbols` preset pairs, streamed through the import's row rule */
function generateDataset(dir: string, symbols: number, days: number): void {
  const startMs = Date.UTC(2026, 0, 1);
  const builder = new DatasetBuilder<SourcePlace>(dir);
  const summaries = PAIR_PRESETS.slice(0, symbols).map((pair) => {
    const series = new SeriesImport(pair.symbol, dec(pair.tickSize), SPREAD_BPS, builder);
    // no trading gaps: every minute of every symbol is a step
    const next = createCandleStream({ pair, seed: 1, startMs, params: { gapProbability: 0 } });
    for (let n = 1; n <= days * 1440; n += 1) {
      const c = next();
      const bar = {
        openMs: c.timeMs,
        open: dec(c.open),
        high: dec(c.high),
        low: dec(c.low),
        close: dec(c.close),
        volume: dec(c.volume),
        line: n,
      };
      series.add(bar, { file: 'generated', unit: 'line', n });
    }
    return series.finish();
  });
  const endMs = Math.max(...summaries.map((s) => s.lastMs));
  builder.text(
    EXCHANGE_INFO_FILE,
    exchangeInfoText(
      summaries.map((s) => ({ symbol: s.symbol, low: s.low, high: s.high, last: s.lastClose })),
      endMs,
    ),
  );
  builder.commit();
}

async function main(): Promise<void> {
  const days = Number(process.argv[2] ?? 30);
  const symbols = Number(process.argv[3] ?? 10);
  const work = mkdtempSync(join(tmpdir(), 'bench-backtest-'));
  console.log(
    `stage 7 backtest, node ${process.version}, knobs ${JSON.stringify(KNOBS)}, book spread ${SPREAD_BPS} bps`,
  );
  try {
    const day = ['BTCTRY', 'ETHTRY'].map((s) => join(MARKET, `binance_${s}_1m_2022-11-08_2022-11-09.csv.gz`));
    if (day.every(existsSync)) {
      const dataset = join(work, 'binance-day');
      const i0 = performance.now();
      await importDataset({ dataset, from: day, spreadBps: SPREAD_BPS, allowGaps: false });
      console.log(`(a) imported ${day.length} Binance 1m files in ${((performance.now() - i0) / 1000).toFixed(2)} s`);
      const first = measure('(a) Binance BTCTRY+ETHTRY 1m day, run 1', dataset, join(work, 'a1'));
      const second = measure('(a) Binance BTCTRY+ETHTRY 1m day, run 2', dataset, join(work, 'a2'));
      console.log(`(a) fingerprints ${first.fingerprint === second.fingerprint ? 'MATCH' : 'DIFFER'}`);
    } else console.log(`(a) skipped: ${MARKET} has no Binance 1m files`);
    const generated = join(work, 'generated');
    const g0 = performance.now();
    generateDataset(generated, symbols, days);
    console.log(
      `(b) generated ${symbols} symbols x ${days} days of 1m rows in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
    );
    measure(`(b) generated ${symbols}-symbol ${days}-day 1m`, generated, join(work, 'b'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [dataset, out] = process.argv.slice(3) as [string, string];
  console.log(JSON.stringify(await runOne(dataset, out)));
} else await main();

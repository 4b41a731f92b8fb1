// `btcbot backtest` (spec 4.18): stage 7 over a replay dataset in simulated time, in memory, and one JSON line
// (sorted keys) saying what ran: {cycles_run, ended_at, final_fingerprint, out, param_changes, seed, started_at}.
// The run folder (--out) holds run.json and cycles.jsonl for `btcbot parity`, `report` and `export`.
// Everything is checked before the first cycle: the options, the dataset folder (--dataset, else
// BTCTBOT_REPLAY_DATASET, else ./data/replay), that --out holds no run, a full validation pass over the dataset,
// the pair rules (the dataset's exchangeinfo.json, else --pair-info-json) and the stage 7 configuration. Bad input
// prints `backtest: FAIL - <what>` lines and exits 2 with nothing written; a cycle that fails exits 1 and leaves
// no run behind; SIGINT stops after the current cycle, also leaving nothing.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type BacktestOptions,
  parseBacktestOptions,
  type RawBacktestOptions,
} from '../../local/backtest/backtest-options';
import { readPairInfoJson } from '../../local/backtest/pair-info';
import { plannedCycles, runBacktest } from '../../local/backtest/run-backtest';
import { RUN_META_FILE } from '../../local/backtest/run-folder';
import { issueText } from '../../local/replay/dataset-issues';
import { readDatasetExchangeInfo } from '../../local/replay/exchange-info-file';
import { openReplayMarket } from '../../local/replay/open-replay-market';
import type { ReplayMarket } from '../../local/replay/replay-market';
import { validateDataset } from '../../local/replay/validate-dataset';
import { progressBar } from '../../local/runner/progress-bar';
import { type Config, type Env, loadConfig } from '../../shared/config/load-config';
import { stage7Environment } from '../../shared/config/stage7-environment';
import { BacktestError, ConfigError, ReplayDatasetError, ValidationError } from '../../shared/domain/errors';
import type { PairMetadata } from '../../shared/domain/exchange-rules';
import { canonicalJson } from '../../shared/domain/hashing';
import type { CommandIo } from './config-command';
import { errorLine } from './error-line';
import { outputFolderProblem } from './output-folder';

export type { RawBacktestOptions } from '../../local/backtest/backtest-options';

/** Where a dataset is looked for when neither --dataset nor BTCTBOT_REPLAY_DATASET names one */
export const DEFAULT_DATASET = join('data', 'replay');
/** Progress redraws at most this often: a redraw per cycle would cost more than many cycles */
const REDRAW_MS = 100;

export interface BacktestIo extends CommandIo {
  /** The progress bar's terminal (drawn only when it is a TTY) */
  readonly progress: NodeJS.WriteStream;
  /** Ends the run before its next cycle (SIGINT) */
  readonly signal?: AbortSignal;
}

/** Bad input: every line is printed as `backtest: FAIL - <line>` and the command exits 2 */
class BadInput extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('; '));
  }
}

/** `--step-seconds: expected ...` rather than the schema's `stepSeconds: expected ...` */
export const optionIssues = (e: ValidationError): string[] =>
  e.issues.map((i) => `${i.path ? `--${i.path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ` : ''}${i.message}`);

/** @returns the exit code: 0 done, 1 a cycle failed, 2 bad input, 130 interrupted */
export async function backtestCommand(raw: RawBacktestOptions, env: Env, io: BacktestIo, cwd = process.cwd()) {
  let market: ReplayMarket | undefined;
  try {
    const options = parseOptions(raw);
    const dataset = resolveDataset(options, env, cwd);
    const out = resolve(cwd, options.out);
    if (existsSync(join(out, RUN_META_FILE)))
      throw new BadInput([`--out ${out} already holds a run (${RUN_META_FILE}); choose another --out or remove it`]);
    const outProblem = outputFolderProblem(out);
    if (outProblem !== undefined) throw new BadInput([`--out ${out}: ${outProblem}`]);
    const pairs = readPairs(options, dataset, io);
    market = openMarket(dataset);
    const settings = stage7Settings(env, market.symbols);
    const startMs = options.start ?? market.startMs;
    const endMs = options.end ?? market.endMs;
    if (endMs < startMs)
      throw new BadInput([`expected --end at or after --start, was ${iso(endMs)} before ${iso(startMs)}`]);
    const plan = {
      dataset,
      out,
      startMs,
      endMs,
      stepSeconds: options.stepSeconds,
      seed: options.seed,
      cycles: options.cycles,
      includeAdaptation: options.includeAdaptation,
      env: options.env,
    };
    const bar = progressBar(plannedCycles(plan), io.progress);
    const began = performance.now();
    let drawn = 0;
    const hooks = {
      ...(io.signal ? { signal: io.signal } : {}),
      onCycle: (done: number, total: number) => {
        const now = performance.now();
        if (now - drawn < REDRAW_MS && done < total) return;
        drawn = now;
        bar.update(done, `${Math.round(done / ((now - began) / 1000))} cycles/s`);
      },
    };
    const meta = await runBacktest(plan, { market, pairs, settings }, hooks).finally(() => bar.clear());
    if (io.progress.isTTY) {
      const seconds = (performance.now() - began) / 1000;
      io.err(
        `backtest: ${meta.cyclesRun} cycles in ${seconds.toFixed(1)} s (${Math.round(meta.cyclesRun / seconds)} cycles/s)`,
      );
    }
    io.out(
      canonicalJson({
        cycles_run: meta.cyclesRun,
        seed: meta.seed,
        out,
        started_at: meta.startedAt,
        ended_at: meta.endedAt,
        param_changes: meta.paramChanges,
        final_fingerprint: meta.fingerprint,
      }),
    );
    return 0;
  } catch (e) {
    return failure(e, io, io.signal?.aborted === true);
  } finally {
    market?.close();
  }
}

function failure(e: unknown, io: CommandIo, interrupted: boolean): number {
  if (e instanceof BadInput) {
    for (const line of e.lines) io.err(`backtest: FAIL - ${line}`);
    return 2;
  }
  // a row the validation pass accepted cannot fail later; if one does, it is still the dataset's fault
  if (e instanceof ReplayDatasetError) {
    io.err(`backtest: FAIL - ${e.message}; nothing was written`);
    return 2;
  }
  if (interrupted) {
    io.err(`backtest: ${e instanceof Error ? e.message : 'interrupted'}; nothing was written`);
    return 130;
  }
  io.err(`backtest: ERROR - ${errorLine(e)}; nothing was written`);
  return 1;
}

function parseOptions(raw: RawBacktestOptions): BacktestOptions {
  try {
    return parseBacktestOptions(raw);
  } catch (e) {
    if (e instanceof ValidationError) throw new BadInput(optionIssues(e));
    throw e;
  }
}

/** Spec 4.18: --dataset, else BTCTBOT_REPLAY_DATASET (sic), else ./data/replay when it exists */
function resolveDataset(options: BacktestOptions, env: Env, cwd: string): string {
  const named = options.dataset ?? (env.BTCTBOT_REPLAY_DATASET || undefined);
  if (named !== undefined) return resolve(cwd, named);
  const fallback = resolve(cwd, DEFAULT_DATASET);
  if (existsSync(fallback) && statSync(fallback).isDirectory()) return fallback;
  throw new BadInput([
    `no dataset: pass --dataset <dir>, set BTCTBOT_REPLAY_DATASET, or create ./${DEFAULT_DATASET} ` +
      '(btcbot replay init, import or capture make one)',
  ]);
}

/**
 * The full validation pass (every row of every file), then the pair rules: the dataset's exchangeinfo.json
 * (checked by the pass), else --pair-info-json; both given is refused rather than one silently ignored.
 */
function readPairs(options: BacktestOptions, dataset: string, io: CommandIo): PairMetadata[] {
  const report = validateDataset(dataset);
  if (report.errors.length > 0) throw new BadInput(report.errors.map(issueText));
  const fromDataset = readDatasetExchangeInfo(dataset);
  for (const w of report.warnings) {
    // that the dataset has no exchangeinfo.json is settled below: --pair-info-json, or a FAIL saying so
    if (w.code === 'missing_pair_rules' && w.file === undefined) continue;
    io.err(`backtest: WARN - ${issueText(w)}`);
  }
  if (fromDataset !== undefined && options.pairInfoJson !== undefined)
    throw new BadInput([
      `--pair-info-json: the dataset has its own exchangeinfo.json; drop --pair-info-json or remove the file`,
    ]);
  if (fromDataset !== undefined) return fromDataset.pairs;
  if (options.pairInfoJson === undefined)
    throw new BadInput([
      `no pair rules: ${dataset} has no exchangeinfo.json; pass --pair-info-json <file> (an exchangeinfo symbols array)`,
    ]);
  try {
    return readPairInfoJson(options.pairInfoJson);
  } catch (e) {
    if (e instanceof BacktestError) throw new BadInput([e.message]);
    throw e;
  }
}

function openMarket(dataset: string): ReplayMarket {
  try {
    return openReplayMarket(dataset);
  } catch (e) {
    if (e instanceof ReplayDatasetError) throw new BadInput([e.message]);
    throw e;
  }
}

/**
 * The stage 7 configuration from the knobs the user set (process environment and .env), forced to a dry-run
 * simulation as every stage 7 is (stage7Environment), trading the dataset's symbols unless SYMBOLS says otherwise
 */
function stage7Settings(env: Env, symbols: readonly string[]): Config {
  try {
    return loadConfig(stage7Environment({ ...env, SYMBOLS: env.SYMBOLS || symbols.join(',') }));
  } catch (e) {
    if (e instanceof ConfigError) throw new BadInput([e.message]);
    throw e;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

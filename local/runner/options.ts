// Options of a local run (`btcbot local`), their defaults and validation. Speed is simulated seconds per
// real second; 0 means as fast as possible (no real waiting). By default a run is the rehearsal of real
// trading: every stage scheduled, the trading stages armed against the simulator (fake money: the real
// exchange is never reachable from a local run), each on its own funded simulator account.
import { z } from 'zod';
import { dec, isDecimalString } from '../../shared/domain/money';
import { FAULT_PROFILES } from '../btcturk-sim/fault-settings';
import { candleFileSymbol } from './market-history';

const FAULT_PROFILE_NAMES = Object.keys(FAULT_PROFILES);
const AWS_MODES = ['embedded', 'moto'] as const;
export type AwsMode = (typeof AWS_MODES)[number];
/** The stages a local run can schedule, in the order they fire within one simulated minute */
export const LOCAL_STAGES = ['stage3', 'stage4', 'stage7'] as const;
export type LocalStage = (typeof LOCAL_STAGES)[number];
export type TradingStage = Exclude<LocalStage, 'stage7'>;
/** The stages that trade, each on its own simulator account; stage 7 only simulates, on its own simulated account */
export const TRADING_STAGES: readonly TradingStage[] = ['stage3', 'stage4'];
export const isTradingStage = (s: LocalStage): s is TradingStage => s !== 'stage7';

export interface LocalRunOptions {
  readonly cycles: number;
  /** Each fires once per simulated minute; stage 3 and stage 4 trade two accounts, stage 7 never trades */
  readonly stages: readonly LocalStage[];
  readonly symbols: readonly string[];
  readonly seed: number;
  readonly speed: number;
  readonly faults: string;
  /** Every gate armed against the simulator (the default); false with --dry-run, or when no trading stage runs */
  readonly liveSim: boolean;
  /** Where state lives: in-memory adapters, or the real AWS adapters on moto_server */
  readonly aws: AwsMode;
  /** With --aws moto: an endpoint already running (--aws-endpoint or AWS_ENDPOINT_URL); null starts moto_server */
  readonly awsEndpoint: string | null;
  readonly out: string;
  /** Simulated time between two scheduled cycles */
  readonly intervalMs: number;
  /** Reconcile routing rounds allowed after the last cycle to settle what is still uncertain */
  readonly drainRounds: number;
  /**
   * A replay dataset folder (`--dataset`): the simulator's market (candles, tickers, exchange info) replays it
   * from its first row for every stage, and stage 7 reads it as `btcbot backtest` would over the same data
   */
  readonly dataset: string | null;
  /** Candle files (`--market-csv`, Binance klines, gz or not): the simulator's market replays them, one symbol each */
  readonly marketCsv: readonly string[];
  /**
   * TRY each trading bot starts with (`--balance-try`): stage 3's and stage 4's simulator accounts, and their
   * dry-run balance; decimal text, > 0. Stage 7's simulated account keeps DRY_RUN_TRY_BALANCE, as its backtest does
   */
  readonly balanceTry: string;
}

export const DEFAULT_LOCAL_OPTIONS: LocalRunOptions = {
  cycles: 30,
  stages: LOCAL_STAGES,
  symbols: ['BTCTRY', 'ETHTRY'],
  seed: 1,
  speed: 0,
  faults: 'none',
  liveSim: true,
  aws: 'embedded',
  awsEndpoint: null,
  out: 'out',
  intervalMs: 60_000,
  drainRounds: 20,
  dataset: null,
  marketCsv: [],
  balanceTry: '10000',
};

export interface RawLocalOptions {
  readonly cycles?: string;
  readonly stages?: string;
  readonly symbols?: string;
  readonly seed?: string;
  readonly speed?: string;
  readonly faults?: string;
  /** Kept for scripts written before live-sim became the default: it changes nothing but refuses --dry-run */
  readonly liveSim?: boolean;
  readonly dryRun?: boolean;
  readonly aws?: string;
  readonly awsEndpoint?: string;
  readonly out?: string;
  readonly dataset?: string;
  readonly marketCsv?: string;
  readonly balanceTry?: string;
}

const nonNegativeInt = (name: string, raw: string, min: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}, got ${raw}`);
  return n;
};

/** A TRY amount: plain decimal text above 0 and at most 10^12 (a simulator account, not a bank) */
const BalanceTry = z
  .string()
  .trim()
  .refine(isDecimalString, { message: 'expected a plain decimal number such as 10000', abort: true })
  .refine((s) => dec(s).gt(0) && dec(s).lte('1e12'), 'expected more than 0 and at most 1000000000000');

function parseBalance(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_LOCAL_OPTIONS.balanceTry;
  const parsed = BalanceTry.safeParse(raw);
  if (!parsed.success) throw new RangeError(`--balance-try: ${parsed.error.issues[0]?.message}, got ${raw}`);
  return parsed.data;
}

function parseAws(raw: RawLocalOptions, envEndpoint: string | undefined): Pick<LocalRunOptions, 'aws' | 'awsEndpoint'> {
  const aws = raw.aws ?? DEFAULT_LOCAL_OPTIONS.aws;
  if (!AWS_MODES.includes(aws as AwsMode)) throw new RangeError(`--aws must be embedded or moto, got ${aws}`);
  if (aws === 'embedded') {
    if (raw.awsEndpoint !== undefined) throw new RangeError('--aws-endpoint needs --aws moto');
    return { aws, awsEndpoint: null };
  }
  const endpoint = raw.awsEndpoint ?? envEndpoint;
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new RangeError(`--aws-endpoint must be an http(s) URL, got ${endpoint}`);
  }
  return { aws: 'moto', awsEndpoint: endpoint ?? null };
}

function parseStages(raw: string): LocalStage[] {
  const named = raw.split(',').map((s) => s.trim());
  const unknown = named.filter((s) => !LOCAL_STAGES.includes(s as LocalStage));
  if (unknown.length > 0) {
    throw new RangeError(`--stages must be a comma-separated list of ${LOCAL_STAGES.join(', ')}, got ${raw}`);
  }
  return LOCAL_STAGES.filter((s) => named.includes(s));
}

/**
 * Live is the default; --dry-run turns it off and --live-sim (the old opt-in) may not be combined with it.
 * Stage 3 and stage 4 trade two simulator accounts (the CDK synth refuses both schedules on one account), so
 * both may run live. Stage 7 never trades: alone it runs dry, and --live-sim asked for it is refused rather
 * than silently ignored.
 */
function parseLive(raw: RawLocalOptions, stages: readonly LocalStage[]): boolean {
  if (raw.liveSim && raw.dryRun) throw new RangeError('--live-sim and --dry-run contradict each other: give one');
  const trading = stages.some(isTradingStage);
  if (raw.liveSim && !trading) {
    throw new RangeError(
      '--live-sim arms the trading stages against the simulator, and stage 7 never trades: add stage3 or stage4, ' +
        'or drop --live-sim',
    );
  }
  return trading && !raw.dryRun;
}

/** The market's source; candle files name the symbols (one file each), in place of --symbols */
function parseMarket(raw: RawLocalOptions): Pick<LocalRunOptions, 'dataset' | 'marketCsv'> & { symbols?: string[] } {
  if (raw.dataset !== undefined && raw.marketCsv !== undefined)
    throw new RangeError('--dataset and --market-csv both name the market: give one');
  if (raw.marketCsv === undefined) return { dataset: raw.dataset ?? null, marketCsv: [] };
  const files = raw.marketCsv.split(',').map((f) => f.trim());
  if (files.some((f) => f === ''))
    throw new RangeError(`--market-csv must be candle files, comma-separated, got ${raw.marketCsv}`);
  const symbols = files.map((file) => {
    const named = candleFileSymbol(file);
    if ('problem' in named) throw new RangeError(`--market-csv: ${named.problem}`);
    return named.symbol;
  });
  const twice = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (twice !== undefined) throw new RangeError(`--market-csv: two files of ${twice}, expected one per symbol`);
  return { dataset: null, marketCsv: files, symbols };
}

/** @param envEndpoint AWS_ENDPOINT_URL, the fallback for --aws-endpoint; @throws RangeError naming the bad option */
export function parseLocalOptions(raw: RawLocalOptions, envEndpoint?: string): LocalRunOptions {
  const d = DEFAULT_LOCAL_OPTIONS;
  const stages = raw.stages === undefined ? d.stages : parseStages(raw.stages);
  const faults = raw.faults ?? d.faults;
  if (!FAULT_PROFILE_NAMES.includes(faults)) {
    throw new RangeError(`--faults must be one of ${FAULT_PROFILE_NAMES.join(', ')}, got ${faults}`);
  }
  const symbols = raw.symbols === undefined ? d.symbols : raw.symbols.split(',').map((s) => s.trim().toUpperCase());
  if (symbols.length === 0 || symbols.some((s) => !/^[A-Z0-9]+TRY$/.test(s))) {
    throw new RangeError(`--symbols must be TRY pairs such as BTCTRY,ETHTRY, got ${raw.symbols}`);
  }
  const speed = raw.speed === undefined || raw.speed === 'fast' ? 0 : Number(raw.speed);
  if (!Number.isFinite(speed) || speed < 0)
    throw new RangeError(`--speed must be 'fast' or a number > 0, got ${raw.speed}`);
  return {
    ...d,
    cycles: raw.cycles === undefined ? d.cycles : nonNegativeInt('cycles', raw.cycles, 1),
    stages,
    symbols,
    seed: raw.seed === undefined ? d.seed : nonNegativeInt('seed', raw.seed, 0),
    speed,
    faults,
    liveSim: parseLive(raw, stages),
    ...parseAws(raw, envEndpoint),
    out: raw.out ?? d.out,
    ...parseMarket(raw),
    balanceTry: parseBalance(raw.balanceTry),
  };
}

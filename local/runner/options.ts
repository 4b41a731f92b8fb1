// Options of a local run (`btcbot local`), their defaults and validation. Speed is simulated seconds per
// real second; 0 means as fast as possible (no real waiting).
import { FAULT_PROFILES } from '../btcturk-sim/fault-settings';

const FAULT_PROFILE_NAMES = Object.keys(FAULT_PROFILES);
const AWS_MODES = ['embedded', 'moto'] as const;
export type AwsMode = (typeof AWS_MODES)[number];
/** The stages a local run can schedule, in the order they fire within one simulated minute */
export const LOCAL_STAGES = ['stage3', 'stage4', 'stage7'] as const;
export type LocalStage = (typeof LOCAL_STAGES)[number];
/** The stages that trade the simulator's account; stage 7 only simulates, on its own simulated account */
export const TRADING_STAGES: readonly LocalStage[] = ['stage3', 'stage4'];

export interface LocalRunOptions {
  readonly cycles: number;
  /** Each fires once per simulated minute; with --live-sim at most one trading stage (stage 7 never trades) */
  readonly stages: readonly LocalStage[];
  readonly symbols: readonly string[];
  readonly seed: number;
  readonly speed: number;
  readonly faults: string;
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
   * A replay dataset folder (`--dataset`): the simulator's tickers and exchange info replay it from its first row,
   * and stage 7 runs on it alone, as `btcbot backtest` would over the same data
   */
  readonly dataset: string | null;
}

export const DEFAULT_LOCAL_OPTIONS: LocalRunOptions = {
  cycles: 30,
  stages: ['stage3'],
  symbols: ['BTCTRY', 'ETHTRY'],
  seed: 1,
  speed: 0,
  faults: 'none',
  liveSim: false,
  aws: 'embedded',
  awsEndpoint: null,
  out: 'out',
  intervalMs: 60_000,
  drainRounds: 20,
  dataset: null,
};

export interface RawLocalOptions {
  readonly cycles?: string;
  readonly stages?: string;
  readonly symbols?: string;
  readonly seed?: string;
  readonly speed?: string;
  readonly faults?: string;
  readonly liveSim?: boolean;
  readonly aws?: string;
  readonly awsEndpoint?: string;
  readonly out?: string;
  readonly dataset?: string;
}

const nonNegativeInt = (name: string, raw: string, min: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}, got ${raw}`);
  return n;
};

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

/**
 * Stage 3 and stage 4 share one account: live, their strategies would fight over its orders (the rule the
 * CDK synth enforces for the two schedules). In dry-run nothing reaches the venue, so both may run. Stage 7
 * never trades (its own simulated account, public reads only), so it may run beside either, live or not;
 * --live-sim with stage 7 alone would arm nothing, so it is refused rather than silently ignored.
 */
function parseStages(raw: string, liveSim: boolean): LocalStage[] {
  const named = raw.split(',').map((s) => s.trim());
  const unknown = named.filter((s) => !LOCAL_STAGES.includes(s as LocalStage));
  if (unknown.length > 0) {
    throw new RangeError(`--stages must be a comma-separated list of ${LOCAL_STAGES.join(', ')}, got ${raw}`);
  }
  const stages = LOCAL_STAGES.filter((s) => named.includes(s));
  const trading = stages.filter((s) => TRADING_STAGES.includes(s));
  if (liveSim && trading.length === 0) {
    throw new RangeError(
      '--live-sim arms the trading stages against the simulator, and stage 7 never trades: add stage3 or stage4, ' +
        'or drop --live-sim',
    );
  }
  if (liveSim && trading.length > 1) {
    throw new RangeError(
      '--stages stage3,stage4 with --live-sim: stage 3 and stage 4 would trade one account and fight over its ' +
        'orders (the CDK synth refuses both schedules for the same reason); run one stage live, or both in dry-run',
    );
  }
  return stages;
}

/** @param envEndpoint AWS_ENDPOINT_URL, the fallback for --aws-endpoint; @throws RangeError naming the bad option */
export function parseLocalOptions(raw: RawLocalOptions, envEndpoint?: string): LocalRunOptions {
  const d = DEFAULT_LOCAL_OPTIONS;
  const stages = raw.stages === undefined ? d.stages : parseStages(raw.stages, raw.liveSim ?? false);
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
  if (raw.dataset !== undefined) {
    if (stages.join(',') !== 'stage7')
      throw new RangeError(
        '--dataset replays public market data for stage 7 only (--stages stage7): stage 3 and 4 trade against the ' +
          "simulator's generated market",
      );
  }
  return {
    ...d,
    cycles: raw.cycles === undefined ? d.cycles : nonNegativeInt('cycles', raw.cycles, 1),
    stages,
    symbols,
    seed: raw.seed === undefined ? d.seed : nonNegativeInt('seed', raw.seed, 0),
    speed,
    faults,
    liveSim: raw.liveSim ?? false,
    ...parseAws(raw, envEndpoint),
    out: raw.out ?? d.out,
    dataset: raw.dataset ?? null,
  };
}

// Assembles a local system: the BTCTurk simulator on 127.0.0.1 (seeded market, or real history with --dataset /
// --market-csv; ManualClock shared with the gateways), the state (embedded in-memory adapters, or the real AWS
// adapters on moto_server with --aws moto), and the real stage 3, stage 4, stage 7 and reconcile handlers built on
// those dependencies. Stage 3 and stage 4 are two bots: each its own BOT_ACCOUNT (its journal, lease and ledger),
// API key and funded simulator account, as two deployments would be (the CDK refuses both schedules on one
// account). They share the state table and the reconcile queue, whose messages each bot's reconcile function
// receives by their account. Every placement and every replace transaction is shown to its bot's duplicate check,
// every journal step and simulator request to the run's recorder. Stage 7 gets its own configuration (always dry-run, never armed) and
// its own gateway without credentials, as its deployed function does (functions/stage7-cycle/compose.ts): it can
// only read public market data.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { createHandler as createReconcileHandler } from '../../functions/reconcile/handler';
import { createHandler as createStage3Handler } from '../../functions/stage3-cycle/handler';
import { createHandler as createStage4Handler } from '../../functions/stage4-cycle/handler';
import { createHandler as createStage7Handler } from '../../functions/stage7-cycle/handler';
import { createBtcturkGateway } from '../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { StaticCredentials } from '../../shared/adapters/env-credentials';
import type { ReconcileMessageDeps } from '../../shared/application/reconcile-batch';
import { reconcilePolicyOf } from '../../shared/application/reconcile-policy';
import type { Stage3Deps } from '../../shared/application/stage3/run-stage3-cycle';
import type { Stage4CycleDeps } from '../../shared/application/stage4/run-stage4-cycle';
import type { Stage7CycleDeps } from '../../shared/application/stage7/run-stage7-cycle';
import { type Config, loadConfig } from '../../shared/config/load-config';
import { stage7Environment } from '../../shared/config/stage7-environment';
import { escalationThresholdsOf } from '../../shared/domain/escalation';
import type { Clock } from '../../shared/ports/clock';
import type { CredentialsProvider } from '../../shared/ports/credentials';
import type { Exchange } from '../../shared/ports/exchange';
import type { KillSwitch } from '../../shared/ports/kill-switch';
import type { Logger } from '../../shared/ports/logger';
import type { ReconcileQueue, ReconcileRetryQueue } from '../../shared/ports/reconcile-queue';
import type { StateStores } from '../../shared/ports/state-store';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET, type SimulatorOptions } from '../btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../btcturk-sim/simulator';
import { EXCHANGE_INFO_FILE } from '../replay/exchange-info-file';
import { openReplayMarket } from '../replay/open-replay-market';
import type { ReplayMarket } from '../replay/replay-market';
import { DuplicateCheck, recordReplaces, watchPlacements } from './duplicate-check';
import type { LocalState, StateInfo } from './local-state';
import { csvMarket, datasetMarket, type HistoryMarket } from './market-history';
import { isTradingStage, type LocalRunOptions, TRADING_STAGES, type TradingStage } from './options';
import { type ReconcileHandler, type ReconcileRouter, reconcileByAccount } from './reconcile-router';
import { type RunRecorder, recordRun } from './report-recorder';
import { CountingLogger } from './run-logger';
import { openEmbeddedState, SIMULATOR_CREDENTIALS } from './state-embedded';
import { openMotoState } from './state-moto';

/** Simulated start of every local run: runs with the same seed are identical */
export const LOCAL_START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Every gate armed against the simulator (`--live-sim`): real order flow, simulator credentials */
export const LIVE_SIM_ENV = {
  APP_ROLE: 'LIVE',
  DRY_RUN: 'false',
  SAFE_MODE: 'false',
  KILL_SWITCH: 'false',
  LIVE_TRADING: 'true',
  LIVE_TRADING_ACK: 'I_UNDERSTAND',
} as const;

/** Tight timeouts: the simulator answers at once unless a fault holds the request */
export const LOCAL_ENV = {
  COOLDOWN_SECONDS: '0',
  BTCTURK_HEADERS_TIMEOUT_MS: '400',
  BTCTURK_BODY_TIMEOUT_MS: '400',
  BTCTURK_REST_MAX_RETRIES: '2',
} as const;

/** One trading bot of the run: a trading stage on its own account, as its own deployment would run it */
export interface LocalBot {
  readonly stage: TradingStage;
  /** Its BOT_ACCOUNT and the name of its simulator account */
  readonly account: string;
  readonly config: Config;
  /** Its gateway with its own API key, every placement shown to its duplicate check */
  readonly exchange: Exchange;
  /** Never two of its orders resting for one client id, intent or replace group, on the venue's own books */
  readonly duplicates: DuplicateCheck;
  readonly reconcile: ReconcileHandler;
}

export interface LocalWorld {
  readonly sim: RunningSimulator;
  readonly clock: ManualClock;
  /** Simulated start: LOCAL_START_MS, or the first moment of the replayed history */
  readonly startMs: number;
  /** The primary bot's configuration (see `primary`) */
  readonly config: Config;
  readonly state: StateInfo;
  readonly stores: StateStores;
  readonly killSwitch: KillSwitch;
  readonly router: ReconcileRouter;
  readonly log: CountingLogger;
  /** The primary bot's gateway */
  readonly exchange: Exchange;
  /** Stage 3's and stage 4's bots, each on its own simulator account funded with --balance-try */
  readonly bots: Readonly<Record<TradingStage, LocalBot>>;
  /** The first trading stage the run schedules (stage 3's bot when none): its account is the simulator's primary one */
  readonly primary: LocalBot;
  readonly stage3: ReturnType<typeof createStage3Handler>;
  readonly stage4: ReturnType<typeof createStage4Handler>;
  /** Stage 7's own configuration: the local one forced to dry-run and enabled, without the live arming */
  readonly stage7Config: Config;
  /** Stage 7's gateway (no credentials): its requestsSent() are stage 7's requests alone */
  readonly stage7Exchange: Exchange;
  readonly stage7: ReturnType<typeof createStage7Handler>;
  /** What the reconcile queue's event source invokes: each message goes to its account's bot */
  readonly reconcile: ReconcileHandler;
  /** Every bot's duplicate check at once: what each found, and judging all of them */
  readonly duplicates: Pick<DuplicateCheck, 'found' | 'judge'>;
  /** Every journal step and every request the simulator answered, watched from before the first cycle */
  readonly recorder: RunRecorder;
  /** Where the market comes from, for the banner */
  readonly marketLabel: string;
  close(): Promise<void>;
}

/** The bots' accounts: also their simulator account names and the prefix of their API keys */
export const BOT_ACCOUNTS: Readonly<Record<TradingStage, string>> = { stage3: 'stage3', stage4: 'stage4' };

/** The primary bot holds the simulator's own key (what the moto secret stores); the other bot its own */
export function botCredentials(account: string, primary: boolean): { apiKey: string; apiSecret: string } {
  if (primary) return { apiKey: DEFAULT_API_KEY, apiSecret: DEFAULT_API_SECRET };
  return { apiKey: `sim-${account}-key`, apiSecret: Buffer.from(`sim-secret-of-${account}`).toString('base64') };
}

/** The stage whose bot is primary: the first trading stage scheduled */
export const primaryStage = (options: Pick<LocalRunOptions, 'stages'>): TradingStage =>
  options.stages.find(isTradingStage) ?? 'stage3';

/** The environment of every function of the run; a bot adds its account, key and balance (botOf) */
export function localEnv(options: LocalRunOptions, baseUrl: string): Record<string, string> {
  return {
    ...LOCAL_ENV,
    ...(options.liveSim ? LIVE_SIM_ENV : {}),
    SYMBOLS: options.symbols.join(','),
    BTCTURK_BASE_URL: baseUrl,
    BTCTURK_API_KEY: DEFAULT_API_KEY,
    BTCTURK_API_SECRET: DEFAULT_API_SECRET,
  };
}

/** The real gateway (by default with the simulator's credentials) over its own small connection pool */
export function simulatorGateway(
  config: Config,
  clock: ManualClock,
  credentials: CredentialsProvider = SIMULATOR_CREDENTIALS,
): { exchange: Exchange; dispatcher: Agent } {
  const dispatcher = new Agent({ connections: 4, connect: { timeout: 1_000 } });
  return { exchange: createBtcturkGateway(config, credentials, clock, dispatcher), dispatcher };
}

const openState = (options: LocalRunOptions, clock: ManualClock): Promise<LocalState> =>
  options.aws === 'moto'
    ? openMotoState(options.liveSim, options.awsEndpoint, clock)
    : Promise.resolve(openEmbeddedState(options.liveSim, clock));

/** The market the simulator replays: a dataset's (its rows and exchange info), candle files, or none (generated) */
async function openHistory(
  options: LocalRunOptions,
): Promise<{ replay?: SimulatorOptions['replay']; history?: HistoryMarket; label: string }> {
  if (options.dataset !== null) {
    const replay = openDatasetReplay(options.dataset);
    try {
      const history = datasetMarket(options.dataset, replay.market.symbols, replay.market.startMs);
      return { replay, history, label: `dataset ${options.dataset}` };
    } catch (e) {
      replay.market.close();
      throw e;
    }
  }
  if (options.marketCsv.length > 0) {
    const history = await csvMarket(options.marketCsv, options.symbols);
    return { history, label: `candles ${options.marketCsv.join(',')}` };
  }
  return { label: `generated (seed ${options.seed})` };
}

/**
 * @throws MotoNotFoundError with --aws moto, no endpoint given and no moto_server installed
 * @throws ReplayDatasetError a --market-csv file cannot be read as candles of a served pair
 */
export async function assembleWorld(given: LocalRunOptions): Promise<LocalWorld> {
  const { replay, history, label } = await openHistory(given);
  // history names the symbols (`btcbot local` already took a dataset's from its validation)
  const options = history ? { ...given, symbols: history.symbols } : given;
  const closeHistory = () => {
    history?.close();
    replay?.market.close();
  };
  // real history starts where it starts, as a backtest of it does
  const startMs = replay?.market.startMs ?? history?.startMs ?? LOCAL_START_MS;
  const clock = new ManualClock(startMs, { autoAdvance: true });
  let state: LocalState | undefined;
  let sim: RunningSimulator | undefined;
  try {
    state = await openState(options, clock);
    const primary = primaryStage(options);
    const funding = { TRY: options.balanceTry };
    const others = TRADING_STAGES.filter((st) => st !== primary).map((st) => ({
      name: BOT_ACCOUNTS[st],
      ...botCredentials(BOT_ACCOUNTS[st], false),
      balances: funding,
    }));
    sim = await startSimulator({
      seed: options.seed,
      clock,
      symbols: options.symbols,
      candleIntervalMs: options.intervalMs,
      faults: options.faults,
      accountName: BOT_ACCOUNTS[primary],
      balances: funding,
      accounts: others,
      ...(history ? { market: history.candles } : {}),
      ...(replay ? { replay } : {}),
    });
    return wire(options, { clock, startMs, sim, state, closeHistory, marketLabel: label });
  } catch (e) {
    await sim?.close();
    await state?.close();
    closeHistory();
    throw e;
  }
}

/** The dataset's market and, when it has one, its exchangeinfo.json as written (what a backtest reads) */
function openDatasetReplay(dir: string): { market: ReplayMarket; exchangeInfoBody?: string } {
  const path = join(dir, EXCHANGE_INFO_FILE);
  const market = openReplayMarket(dir);
  return existsSync(path) ? { market, exchangeInfoBody: readFileSync(path, 'utf8') } : { market };
}

export interface Stage3Parts {
  readonly config: Config;
  readonly clock: ManualClock;
  readonly exchange: Exchange;
  readonly stores: StateStores;
  readonly killSwitch: KillSwitch;
  readonly queue: ReconcileQueue;
  readonly log: Logger;
}

/** The stage 3 handler's dependencies from the parts of a local world (also the test harness's) */
export const stage3DepsOf = (p: Stage3Parts): Stage3Deps => ({
  settings: p.config,
  clock: p.clock,
  exchange: p.exchange,
  ...p.stores,
  killSwitch: p.killSwitch,
  queue: p.queue,
  log: p.log,
  reconcilePolicy: reconcilePolicyOf(p.config),
});

/** The stage 4 handler's dependencies: stage 3's plus the replace transactions and the 1123 symbol cooldowns */
export const stage4DepsOf = (p: Stage3Parts): Stage4CycleDeps => ({
  ...stage3DepsOf(p),
  settings: p.config,
  replaceTransactions: p.stores.replaceTransactions,
  cooldowns: p.stores.cooldowns,
});

export interface ReconcileParts {
  readonly config: Config;
  readonly clock: Clock;
  readonly exchange: Exchange;
  readonly stores: StateStores;
  readonly queue: ReconcileRetryQueue;
  readonly log: Logger;
}

/** The reconcile handler's dependencies from the parts of a local world (also the test harnesses') */
export const reconcileDepsOf = (p: ReconcileParts): ReconcileMessageDeps => ({
  journal: p.stores.journal,
  documents: p.stores.documents,
  exchange: p.exchange,
  clock: p.clock,
  queue: p.queue,
  log: p.log,
  policy: reconcilePolicyOf(p.config),
  retryDelaySeconds: p.config.RECONCILE_RETRY_DELAY_SECONDS,
  maxReceives: p.config.RECONCILE_MAX_RECEIVES,
  escalation: escalationThresholdsOf(p.config),
});

interface Stage7Parts {
  readonly config: Config;
  readonly clock: Clock;
  readonly exchange: Exchange;
  readonly stores: StateStores;
  readonly log: Logger;
}

/** The stage 7 handler's dependencies from the parts of a local world, as its composition root builds them */
const stage7DepsOf = (p: Stage7Parts): Stage7CycleDeps => ({
  settings: p.config,
  clock: p.clock,
  exchange: p.exchange,
  leases: p.stores.leases,
  documents: p.stores.documents,
  ledger: p.stores.ledger,
  stage7: p.stores.stage7,
  log: p.log,
});

interface WorldParts {
  readonly clock: ManualClock;
  readonly startMs: number;
  readonly sim: RunningSimulator;
  readonly state: LocalState;
  readonly closeHistory: () => void;
  readonly marketLabel: string;
}

interface Shared {
  readonly options: LocalRunOptions;
  readonly clock: ManualClock;
  readonly sim: RunningSimulator;
  readonly state: LocalState;
  readonly stores: StateStores;
  readonly log: CountingLogger;
  readonly primary: TradingStage;
}

/** One bot: its configuration and gateway on its account, and its reconcile function */
function botOf(stage: TradingStage, x: Shared, duplicates: DuplicateCheck): LocalBot & { readonly dispatcher: Agent } {
  const account = BOT_ACCOUNTS[stage];
  const isPrimary = stage === x.primary;
  const key = botCredentials(account, isPrimary);
  const config = loadConfig({
    ...localEnv(x.options, x.sim.baseUrl),
    ...x.state.env,
    // a dry run values its cash at what the account holds live (stage 7 keeps its own configured balance,
    // what a backtest of the same data starts with)
    DRY_RUN_TRY_BALANCE: x.options.balanceTry,
    BOT_ACCOUNT: account,
    BTCTURK_API_KEY: key.apiKey,
    BTCTURK_API_SECRET: key.apiSecret,
  });
  // the primary bot reads its key where the state keeps it (the moto secret); the other bot holds its own
  const credentials = isPrimary ? x.state.credentials : new StaticCredentials(key);
  const gateway = simulatorGateway(config, x.clock, credentials);
  const exchange = watchPlacements(gateway.exchange, duplicates);
  const { queue } = x.state;
  const deps = reconcileDepsOf({ config, clock: x.clock, exchange, stores: x.stores, queue, log: x.log });
  const reconcile = createReconcileHandler(() => deps);
  return { stage, account, config, exchange, duplicates, reconcile, dispatcher: gateway.dispatcher };
}

function wire(options: LocalRunOptions, p: WorldParts): LocalWorld {
  const { clock, sim, state } = p;
  const { queue, killSwitch } = state;
  const log = new CountingLogger();
  const recorder = recordRun({ venue: sim.venue, clock });
  // every handler below journals through the recorder, which keeps each order's status history for the report
  const journal = recorder.journal(state.stores.journal);
  const checks = {
    stage3: new DuplicateCheck(sim.venue, journal, BOT_ACCOUNTS.stage3),
    stage4: new DuplicateCheck(sim.venue, journal, BOT_ACCOUNTS.stage4),
  };
  // replace transactions are stage 4's: its bot's check judges them
  const stores = {
    ...state.stores,
    journal,
    replaceTransactions: recordReplaces(state.stores.replaceTransactions, checks.stage4),
  };
  const primary = primaryStage(options);
  const shared: Shared = { options, clock, sim, state, stores, log, primary };
  const stage3Bot = botOf('stage3', shared, checks.stage3);
  const stage4Bot = botOf('stage4', shared, checks.stage4);
  const bots = { stage3: stage3Bot, stage4: stage4Bot };
  const primaryBot = bots[primary];
  const partsOf = (bot: LocalBot) => ({
    config: bot.config,
    clock,
    exchange: bot.exchange,
    stores,
    killSwitch,
    queue,
    log,
  });
  const stage3Deps = stage3DepsOf(partsOf(stage3Bot));
  const stage4Deps = stage4DepsOf(partsOf(stage4Bot));
  const reconcile = reconcileByAccount(
    new Map(TRADING_STAGES.map((st) => [bots[st].account, bots[st].reconcile])),
    primaryBot.reconcile,
  );
  // spec 4.1: stage 7 runs on a copy of the settings, dry-run and never armed, whatever the trading stages do
  const stage7Config = loadConfig(stage7Environment(localEnv(options, sim.baseUrl)));
  const stage7Gateway = simulatorGateway(stage7Config, clock, new StaticCredentials(undefined));
  const stage7Deps = stage7DepsOf({ config: stage7Config, clock, exchange: stage7Gateway.exchange, stores, log });
  return {
    sim,
    clock,
    startMs: p.startMs,
    config: primaryBot.config,
    state: state.info,
    stores,
    killSwitch,
    router: state.router(reconcile, primaryBot.config),
    log,
    exchange: primaryBot.exchange,
    bots,
    primary: primaryBot,
    stage3: createStage3Handler(() => stage3Deps),
    stage4: createStage4Handler(() => stage4Deps),
    stage7Config,
    stage7Exchange: stage7Gateway.exchange,
    stage7: createStage7Handler(() => stage7Deps),
    reconcile,
    duplicates: {
      get found() {
        return TRADING_STAGES.flatMap((st) => bots[st].duplicates.found);
      },
      async judge() {
        for (const st of TRADING_STAGES) await bots[st].duplicates.judge();
      },
    },
    recorder,
    marketLabel: p.marketLabel,
    async close() {
      await sim.close();
      p.closeHistory();
      for (const bot of [stage3Bot, stage4Bot]) await bot.dispatcher.close();
      await stage7Gateway.dispatcher.close();
      await state.close();
    },
  };
}

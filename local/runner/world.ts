// Assembles a local system: the BTCTurk simulator on 127.0.0.1 (seeded market, ManualClock shared with
// the gateway), the real gateway, the state (embedded in-memory adapters, or the real AWS adapters on
// moto_server with --aws moto), and the real stage 3, stage 4, stage 7 and reconcile handlers built on those
// dependencies. Every placement and every replace transaction is shown to the run's duplicate check. Stage 7
// gets its own configuration (always dry-run, never armed) and its own gateway without credentials, as its
// deployed function does (functions/stage7-cycle/compose.ts): it can only read public market data.
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
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../btcturk-sim/options';
import { type RunningSimulator, startSimulator } from '../btcturk-sim/simulator';
import { EXCHANGE_INFO_FILE } from '../replay/exchange-info-file';
import { openReplayMarket } from '../replay/open-replay-market';
import type { ReplayMarket } from '../replay/replay-market';
import { DuplicateCheck, recordReplaces, watchPlacements } from './duplicate-check';
import type { LocalState, StateInfo } from './local-state';
import type { LocalRunOptions } from './options';
import type { ReconcileRouter } from './reconcile-router';
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

export interface LocalWorld {
  readonly sim: RunningSimulator;
  readonly clock: ManualClock;
  readonly config: Config;
  readonly state: StateInfo;
  readonly stores: StateStores;
  readonly killSwitch: KillSwitch;
  readonly router: ReconcileRouter;
  readonly log: CountingLogger;
  readonly exchange: Exchange;
  readonly stage3: ReturnType<typeof createStage3Handler>;
  readonly stage4: ReturnType<typeof createStage4Handler>;
  /** Stage 7's own configuration: the local one forced to dry-run and enabled, without the live arming */
  readonly stage7Config: Config;
  /** Stage 7's gateway (no credentials): its requestsSent() are stage 7's requests alone */
  readonly stage7Exchange: Exchange;
  readonly stage7: ReturnType<typeof createStage7Handler>;
  readonly reconcile: ReturnType<typeof createReconcileHandler>;
  /** Never two of our orders resting for one client id, intent or replace group, on the venue's own books */
  readonly duplicates: DuplicateCheck;
  close(): Promise<void>;
}

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

/** @throws MotoNotFoundError with --aws moto, no endpoint given and no moto_server installed */
export async function assembleWorld(options: LocalRunOptions): Promise<LocalWorld> {
  const replay = options.dataset === null ? undefined : openDatasetReplay(options.dataset);
  // a replay starts at the dataset's first row, as a backtest of it does
  const clock = new ManualClock(replay?.market.startMs ?? LOCAL_START_MS, { autoAdvance: true });
  let state: LocalState | undefined;
  let sim: RunningSimulator | undefined;
  try {
    state = await openState(options, clock);
    sim = await startSimulator({
      seed: options.seed,
      clock,
      symbols: options.symbols,
      candleIntervalMs: options.intervalMs,
      faults: options.faults,
      ...(replay ? { replay } : {}),
    });
    return wire(options, clock, sim, state, () => replay?.market.close());
  } catch (e) {
    await sim?.close();
    await state?.close();
    replay?.market.close();
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

function wire(
  options: LocalRunOptions,
  clock: ManualClock,
  sim: RunningSimulator,
  state: LocalState,
  closeReplay: () => void,
): LocalWorld {
  const config = loadConfig({ ...localEnv(options, sim.baseUrl), ...state.env });
  const { queue, killSwitch } = state;
  const log = new CountingLogger();
  const duplicates = new DuplicateCheck(sim.venue, state.stores.journal, config.BOT_ACCOUNT);
  const stores = {
    ...state.stores,
    replaceTransactions: recordReplaces(state.stores.replaceTransactions, duplicates),
  };
  const gateway = simulatorGateway(config, clock, state.credentials);
  const exchange = watchPlacements(gateway.exchange, duplicates);
  const parts = { config, clock, exchange, stores, killSwitch, queue, log };
  const stage3Deps = stage3DepsOf(parts);
  const stage4Deps = stage4DepsOf(parts);
  const reconcileDeps = reconcileDepsOf({ config, clock, exchange, stores, queue, log });
  const reconcile = createReconcileHandler(() => reconcileDeps);
  // spec 4.1: stage 7 runs on a copy of the settings, dry-run and never armed, whatever --live-sim says
  const stage7Config = loadConfig(stage7Environment(localEnv(options, sim.baseUrl)));
  const stage7Gateway = simulatorGateway(stage7Config, clock, new StaticCredentials(undefined));
  const stage7Deps = stage7DepsOf({ config: stage7Config, clock, exchange: stage7Gateway.exchange, stores, log });
  return {
    sim,
    clock,
    config,
    state: state.info,
    stores,
    killSwitch,
    router: state.router(reconcile, config),
    log,
    exchange,
    stage3: createStage3Handler(() => stage3Deps),
    stage4: createStage4Handler(() => stage4Deps),
    stage7Config,
    stage7Exchange: stage7Gateway.exchange,
    stage7: createStage7Handler(() => stage7Deps),
    reconcile,
    duplicates,
    async close() {
      await sim.close();
      closeReplay();
      await gateway.dispatcher.close();
      await stage7Gateway.dispatcher.close();
      await state.close();
    },
  };
}

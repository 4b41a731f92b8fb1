// One chaos schedule's system under test, all in process: a fresh simulator venue behind the in-process
// undici dispatcher, the real gateway on it, fresh in-memory stores, the real stage 3 or stage 4 cycle
// dependencies and the real reconcile handler behind the in-memory SQS router. One ManualClock (autoAdvance)
// drives gateway and venue, so backoffs, token buckets and Retry-After waits cost no real time. A stage 4
// cycle's writes (submits, cancels, journal and replace transaction writes) go through WritePoints, where a
// schedule interrupts one of them; every replace transaction written is recorded for the invariants.
import { randomUUID } from 'node:crypto';
import { createHandler as createReconcileHandler } from '../../../functions/reconcile/handler';
import {
  type InProcessSimulator,
  inProcessSimulator,
  type ReceivedRequest,
} from '../../../local/btcturk-sim/in-process-dispatcher';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET, type SimulatorOptions } from '../../../local/btcturk-sim/options';
import type { RouteResult } from '../../../local/runner/reconcile-router';
import { SqsRouter } from '../../../local/runner/sqs-router';
import { SIMULATOR_CREDENTIALS } from '../../../local/runner/state-embedded';
import { LIVE_SIM_ENV, LOCAL_ENV, reconcileDepsOf, stage3DepsOf, stage4DepsOf } from '../../../local/runner/world';
import { createBtcturkGateway } from '../../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { MemoryKillSwitch } from '../../../shared/adapters/memory/memory-kill-switch';
import { MemoryReconcileQueue } from '../../../shared/adapters/memory/memory-reconcile-queue';
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import { runStage3Cycle, type Stage3Deps } from '../../../shared/application/stage3/run-stage3-cycle';
import { runStage4Cycle } from '../../../shared/application/stage4/run-stage4-cycle';
import { type Config, loadConfig } from '../../../shared/config/load-config';
import type { Exchange } from '../../../shared/ports/exchange';
import type { Logger } from '../../../shared/ports/logger';
import type { StateStores } from '../../../shared/ports/state-store';
import { ReplaceLog } from './replace-log';
import {
  interruptibleExchange,
  interruptibleJournal,
  interruptibleReplaces,
  mortalLeases,
  WritePoints,
} from './write-points';

export const CHAOS_START_MS = Date.UTC(2026, 10, 21, 12, 0, 0);
export const CHAOS_SYMBOLS = ['BTCTRY', 'ETHTRY'] as const;

/**
 * The kill switch is read fresh before every write when KILL_SWITCH_CACHE_SECONDS is 0: a write that
 * reaches the venue after the flip plus this window is a violation.
 */
export const KILL_SWITCH_CACHE_SECONDS = 0;
export const KILL_SWITCH_WINDOW_MS = KILL_SWITCH_CACHE_SECONDS * 1000;

/** Settings of every schedule: live against the simulator, small timeouts, quick reconcile */
export const CHAOS_ENV: Readonly<Record<string, string>> = {
  ...LIVE_SIM_ENV,
  ...LOCAL_ENV,
  BTCTURK_BASE_URL: 'http://btcturk-sim.invalid',
  BTCTURK_API_KEY: DEFAULT_API_KEY,
  BTCTURK_API_SECRET: DEFAULT_API_SECRET,
  FUNCTION_TIMEOUT_SECONDS: '60',
  SYMBOLS: CHAOS_SYMBOLS.join(','),
  RECONCILE_NOT_PLACED_CHECKS: '2',
  TTL_SECONDS: '90',
  MIN_PROFIT_BPS: '0',
  KILL_SWITCH_CACHE_SECONDS: String(KILL_SWITCH_CACHE_SECONDS),
};

/** The last look of a schedule: it places nothing and cancels nothing, it only observes and settles */
const OBSERVE_ONLY_ENV: Readonly<Record<string, string>> = { MAX_ORDERS_PER_CYCLE: '0', TTL_SECONDS: '86400' };

const configs = new Map<string, Config>();
const configOf = (env: Readonly<Record<string, string>>): Config => {
  const key = JSON.stringify(env);
  let config = configs.get(key);
  if (!config) {
    config = loadConfig({ ...CHAOS_ENV, ...env });
    configs.set(key, config);
  }
  return config;
};

/** Logging costs time and memory over thousands of schedules: only warnings and errors are counted */
class CountingNullLogger implements Logger {
  warnings = 0;
  errors = 0;
  debug(): void {}
  info(): void {}
  warn(): void {
    this.warnings += 1;
  }
  error(): void {
    this.errors += 1;
  }
}

export type ChaosStage = 'stage3' | 'stage4';

/** What a schedule reads of a cycle's result, stage 3's or stage 4's */
export interface CycleOutcome {
  readonly status: string;
  readonly decisions: readonly string[];
}

export interface ChaosWorld {
  readonly seed: number;
  /** The trading stage whose cycles the schedule runs (both take the account's one trading lease) */
  readonly stage: ChaosStage;
  readonly clock: ManualClock;
  readonly sim: InProcessSimulator;
  readonly config: Config;
  readonly stores: StateStores;
  readonly queue: MemoryReconcileQueue;
  readonly killSwitch: MemoryKillSwitch;
  readonly log: CountingNullLogger;
  readonly exchange: Exchange;
  /** Stage 3's dependencies, uninterrupted: what the schedule's own extra orders are placed with */
  readonly deps: Stage3Deps;
  /** Where a stage 4 cycle's writes are interrupted (disarmed unless a schedule arms it) */
  readonly points: WritePoints;
  /** Every replace transaction written, as last stored */
  readonly replaces: ReplaceLog;
  /** Every request that reached the venue, in order (writes are what the kill-switch check reads) */
  readonly received: ReceivedRequest[];
  cycle(cycleId: string): Promise<CycleOutcome>;
  /** The final look: no new orders, no stale cancels (a stage 4 look still resumes open replaces) */
  observeCycle(cycleId: string): Promise<CycleOutcome>;
  drainReconcile(): Promise<RouteResult>;
}

export interface ChaosWorldOptions {
  readonly seed: number;
  /** stage3 unless told */
  readonly stage?: ChaosStage;
  readonly faults?: SimulatorOptions['faults'];
  /** The venue's documented quotas; off unless a profile is about 429s (they only slow the harness down) */
  readonly rateLimits?: boolean;
  /** How long an accepted cancel takes to settle at the venue (BTCTurk settles them asynchronously) */
  readonly cancelDelayMs?: number;
  /** Candles per symbol; the simulator's seeded generator for the others */
  readonly market?: SimulatorOptions['market'];
  readonly env?: Readonly<Record<string, string>>;
  /** Sees every request as it reaches the venue, before it is processed */
  readonly onRequest?: (r: ReceivedRequest) => void;
}

export function chaosWorld(o: ChaosWorldOptions): ChaosWorld {
  const clock = new ManualClock(CHAOS_START_MS, { autoAdvance: true });
  const received: ReceivedRequest[] = [];
  const sim = inProcessSimulator(
    {
      seed: o.seed,
      clock,
      symbols: CHAOS_SYMBOLS,
      faults: o.faults,
      rateLimits: o.rateLimits ?? false,
      cancelDelayMs: o.cancelDelayMs ?? 0,
      ...(o.market ? { market: o.market } : {}),
    },
    {
      onRequest: (r) => {
        received.push(r);
        o.onRequest?.(r);
      },
    },
  );
  const stage = o.stage ?? 'stage3';
  const env = o.env ?? {};
  const config = configOf(env);
  const observeConfig = configOf({ ...env, ...OBSERVE_ONLY_ENV });
  const stores = createMemoryStateStores();
  const queue = new MemoryReconcileQueue(clock);
  const killSwitch = new MemoryKillSwitch(false);
  const log = new CountingNullLogger();
  const exchange = createBtcturkGateway(config, SIMULATOR_CREDENTIALS, clock, sim.dispatcher);
  const points = new WritePoints();
  const replaces = new ReplaceLog();
  const replaceTransactions = replaces.recording(stores.replaceTransactions);
  const deps = stage3DepsOf({ config, clock, exchange, stores, killSwitch, queue, log });
  const reconcileDeps = reconcileDepsOf({ config, clock, exchange, stores, queue, log });
  const router = new SqsRouter(
    queue,
    createReconcileHandler(() => reconcileDeps),
    () => clock.nowMs(),
    config.RECONCILE_MAX_RECEIVES,
  );
  const input = (cycleId: string) => ({ cycleId, runId: `chaos-${o.seed}`, invocationId: randomUUID() });
  let cycle: (c: Config) => (cycleId: string) => Promise<CycleOutcome>;
  if (stage === 'stage3') {
    cycle = (c) => {
      const d = stage3DepsOf({ config: c, clock, exchange, stores, killSwitch, queue, log });
      return (cycleId) => runStage3Cycle(d, input(cycleId));
    };
  } else {
    // the invocation's writes can be interrupted; a dead one never releases its lease
    const interruptible = {
      ...stores,
      leases: mortalLeases(stores.leases, points),
      journal: interruptibleJournal(stores.journal, points),
      replaceTransactions: interruptibleReplaces(replaceTransactions, points),
    };
    const venue = interruptibleExchange(exchange, points);
    cycle = (c) => {
      const d = stage4DepsOf({ config: c, clock, exchange: venue, stores: interruptible, killSwitch, queue, log });
      return (cycleId) => runStage4Cycle(d, input(cycleId));
    };
  }
  return {
    seed: o.seed,
    stage,
    clock,
    sim,
    config,
    stores,
    queue,
    killSwitch,
    log,
    exchange,
    deps,
    points,
    replaces,
    received,
    cycle: cycle(config),
    observeCycle: cycle(observeConfig),
    drainReconcile: () => router.route(),
  };
}

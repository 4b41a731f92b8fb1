// A live stage 3 system in one process, for measuring what a cycle asks of the exchange: the simulator
// behind the in-process undici dispatcher (every request counted by endpoint as it reaches the venue), the
// real gateway and cycle on in-memory stores, one ManualClock for both. No sockets, no real time.
import { randomUUID } from 'node:crypto';
import { createBtcturkGateway } from '../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { SILENT_LOGGER } from '../../shared/adapters/logging/silent-logger';
import { MemoryKillSwitch } from '../../shared/adapters/memory/memory-kill-switch';
import { MemoryReconcileQueue } from '../../shared/adapters/memory/memory-reconcile-queue';
import { createMemoryStateStores } from '../../shared/adapters/memory/state-stores';
import { runStage3Cycle, type Stage3CycleResult } from '../../shared/application/stage3/run-stage3-cycle';
import { type Config, loadConfig } from '../../shared/config/load-config';
import type { Exchange } from '../../shared/ports/exchange';
import type { StateStores } from '../../shared/ports/state-store';
import { type InProcessSimulator, inProcessSimulator } from '../btcturk-sim/in-process-dispatcher';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET, type SimulatorOptions } from '../btcturk-sim/options';
import { SIMULATOR_CREDENTIALS } from './state-embedded';
import { LIVE_SIM_ENV, LOCAL_ENV, LOCAL_START_MS, stage3DepsOf } from './world';

export interface InProcessWorld {
  readonly sim: InProcessSimulator;
  readonly clock: ManualClock;
  readonly config: Config;
  readonly stores: StateStores;
  /** The real gateway over the in-process dispatcher */
  readonly exchange: Exchange;
  /** Requests that reached the venue so far, by `METHOD /path` */
  readonly received: ReadonlyMap<string, number>;
  /** One live stage 3 cycle; `cycleId` defaults to a fresh one */
  cycle(cycleId?: string): Promise<Stage3CycleResult>;
}

export interface InProcessWorldOptions {
  readonly symbols: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly sim?: Omit<SimulatorOptions, 'clock' | 'symbols'>;
}

export function inProcessWorld(o: InProcessWorldOptions): InProcessWorld {
  const clock = new ManualClock(LOCAL_START_MS, { autoAdvance: true });
  const received = new Map<string, number>();
  const sim = inProcessSimulator(
    { seed: 1, rateLimits: false, ...o.sim, clock, symbols: o.symbols },
    {
      onRequest: (r) => {
        const endpoint = `${r.method} ${r.url.split('?')[0]}`;
        received.set(endpoint, (received.get(endpoint) ?? 0) + 1);
      },
    },
  );
  const config = loadConfig({
    ...LIVE_SIM_ENV,
    ...LOCAL_ENV,
    BTCTURK_BASE_URL: sim.baseUrl,
    BTCTURK_API_KEY: DEFAULT_API_KEY,
    BTCTURK_API_SECRET: DEFAULT_API_SECRET,
    FUNCTION_TIMEOUT_SECONDS: '60',
    SYMBOLS: o.symbols.join(','),
    ...o.env,
  });
  const stores = createMemoryStateStores();
  const exchange = createBtcturkGateway(config, SIMULATOR_CREDENTIALS, clock, sim.dispatcher);
  const deps = stage3DepsOf({
    config,
    clock,
    exchange,
    stores,
    killSwitch: new MemoryKillSwitch(false),
    queue: new MemoryReconcileQueue(clock),
    log: SILENT_LOGGER,
  });
  return {
    sim,
    clock,
    config,
    stores,
    exchange,
    received,
    cycle: (cycleId = randomUUID()) =>
      runStage3Cycle(deps, { cycleId, runId: 'in-process', invocationId: randomUUID() }),
  };
}

// The stage 3 handler, one fresh world per fuzz input: the real gateway on the in-process simulator (no
// sockets), in-memory stores, kill switch and queue, all on one ManualClock; live against the simulator, so a
// cycle that runs places real (simulated) orders.
import { createHandler } from '../../../functions/stage3-cycle/handler';
import { inProcessSimulator } from '../../../local/btcturk-sim/in-process-dispatcher';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../../local/btcturk-sim/options';
import { SIMULATOR_CREDENTIALS } from '../../../local/runner/state-embedded';
import { LIVE_SIM_ENV, LOCAL_ENV, stage3DepsOf } from '../../../local/runner/world';
import { createBtcturkGateway } from '../../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { MemoryKillSwitch } from '../../../shared/adapters/memory/memory-kill-switch';
import { MemoryReconcileQueue } from '../../../shared/adapters/memory/memory-reconcile-queue';
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import type { Stage3CycleResult } from '../../../shared/application/stage3/run-stage3-cycle';
import { loadConfig } from '../../../shared/config/load-config';
import type { StateStores } from '../../../shared/ports/state-store';
import { lambdaContext, silentLogger } from './reconcile-world';

export const STAGE3_START_MS = Date.UTC(2026, 10, 21, 12, 0, 0);

const config = loadConfig({
  ...LIVE_SIM_ENV,
  ...LOCAL_ENV,
  // the in-process dispatcher answers any origin
  BTCTURK_BASE_URL: 'https://btcturk-sim.invalid',
  BTCTURK_API_KEY: DEFAULT_API_KEY,
  BTCTURK_API_SECRET: DEFAULT_API_SECRET,
  FUNCTION_TIMEOUT_SECONDS: '60',
  SYMBOLS: 'BTCTRY',
});

export interface Stage3World {
  readonly stores: StateStores;
  readonly account: string;
  nowMs(): number;
  handle(event: unknown): Promise<Stage3CycleResult>;
  /** Requests that reached the simulated venue */
  venueRequests(): number;
}

export function stage3World(): Stage3World {
  const clock = new ManualClock(STAGE3_START_MS, { autoAdvance: true });
  let requests = 0;
  const sim = inProcessSimulator(
    { seed: 3, clock, symbols: ['BTCTRY'], rateLimits: false },
    {
      onRequest: () => {
        requests += 1;
      },
    },
  );
  const stores = createMemoryStateStores();
  const exchange = createBtcturkGateway(config, SIMULATOR_CREDENTIALS, clock, sim.dispatcher);
  const deps = stage3DepsOf({
    config,
    clock,
    exchange,
    stores,
    killSwitch: new MemoryKillSwitch(false),
    queue: new MemoryReconcileQueue(clock),
    log: silentLogger,
  });
  const handler = createHandler(() => deps);
  return {
    stores,
    account: config.BOT_ACCOUNT,
    nowMs: () => clock.nowMs(),
    handle: (event) => handler(event, lambdaContext('fuzz-stage3')),
    venueRequests: () => requests,
  };
}

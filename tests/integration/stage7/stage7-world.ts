// A stage 7 system under test: the BTCTurk simulator behind the in-process dispatcher (every request counted
// by endpoint), the real gateway, memory stores (or stores passed in), one ManualClock. Dry-run, stage 7 on.
import { randomUUID } from 'node:crypto';
import { inProcessSimulator } from '../../../local/btcturk-sim/in-process-dispatcher';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../../../local/btcturk-sim/options';
import { SIMULATOR_CREDENTIALS } from '../../../local/runner/state-embedded';
import { LOCAL_ENV, LOCAL_START_MS } from '../../../local/runner/world';
import { createBtcturkGateway } from '../../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import {
  runStage7Cycle,
  type Stage7CycleDeps,
  type Stage7CycleResult,
} from '../../../shared/application/stage7/run-stage7-cycle';
import { type Config, loadConfig } from '../../../shared/config/load-config';
import type { Exchange } from '../../../shared/ports/exchange';
import type { Logger } from '../../../shared/ports/logger';
import type { StateStores } from '../../../shared/ports/state-store';
import { countingExchange } from '../../support/stage3-harness';

const QUIET: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const STAGE7_ENV = {
  ...LOCAL_ENV,
  DRY_RUN: 'true',
  DRY_RUN_TRY_BALANCE: '100000',
  SYMBOLS: 'BTCTRY,ETHTRY',
  STAGE7_ENABLED: 'true',
} as const;

export interface Stage7World {
  readonly clock: ManualClock;
  readonly config: Config;
  readonly stores: StateStores;
  readonly exchange: ReturnType<typeof countingExchange>;
  /** Requests that reached the venue, by `METHOD /path` */
  readonly received: ReadonlyMap<string, number>;
  readonly deps: Stage7CycleDeps;
  /** Advances the clock by `gapMs` (a minute unless told) then runs the cycle */
  cycle(cycleId: string, invocationId?: string, gapMs?: number): Promise<Stage7CycleResult>;
}

export function stage7World(
  o: {
    readonly seed?: number;
    readonly env?: Record<string, string>;
    readonly stores?: StateStores;
    readonly settings?: Partial<Config>;
    /** Wraps the exchange the cycle reads (e.g. to move the market) */
    readonly wrapExchange?: (inner: Exchange) => Exchange;
  } = {},
): Stage7World {
  const clock = new ManualClock(LOCAL_START_MS, { autoAdvance: true });
  const received = new Map<string, number>();
  const symbols = ['BTCTRY', 'ETHTRY'];
  const sim = inProcessSimulator(
    { seed: o.seed ?? 1, rateLimits: false, clock, symbols },
    {
      onRequest: (r) => {
        const endpoint = `${r.method} ${r.url.split('?')[0]}`;
        received.set(endpoint, (received.get(endpoint) ?? 0) + 1);
      },
    },
  );
  const config = loadConfig({
    ...STAGE7_ENV,
    BTCTURK_BASE_URL: sim.baseUrl,
    BTCTURK_API_KEY: DEFAULT_API_KEY,
    BTCTURK_API_SECRET: DEFAULT_API_SECRET,
    FUNCTION_TIMEOUT_SECONDS: '60',
    ...o.env,
  });
  const stores = o.stores ?? createMemoryStateStores();
  const exchange = countingExchange(
    createBtcturkGateway(config, SIMULATOR_CREDENTIALS, clock, sim.dispatcher) as Exchange,
  );
  const deps: Stage7CycleDeps = {
    settings: { ...config, ...o.settings },
    clock,
    exchange: o.wrapExchange ? o.wrapExchange(exchange) : exchange,
    leases: stores.leases,
    documents: stores.documents,
    ledger: stores.ledger,
    stage7: stores.stage7,
    log: QUIET,
  };
  return {
    clock,
    config,
    stores,
    exchange,
    received,
    deps,
    // cycles are scheduled a minute apart unless a test says otherwise
    cycle: (cycleId, invocationId = randomUUID(), gapMs = 60_000) => {
      clock.advance(gapMs);
      return runStage7Cycle(deps, { cycleId, runId: 'run-1', invocationId });
    },
  };
}

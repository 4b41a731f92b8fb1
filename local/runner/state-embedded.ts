// The default state of a local run: in-memory stores, queue and kill switch, the simulator's credentials,
// and the in-memory SQS router over the run's ManualClock.
import type { ManualClock } from '../../shared/adapters/clock/manual-clock';
import { MemoryKillSwitch } from '../../shared/adapters/memory/memory-kill-switch';
import { MemoryReconcileQueue } from '../../shared/adapters/memory/memory-reconcile-queue';
import { createMemoryStateStores } from '../../shared/adapters/memory/state-stores';
import type { CredentialsProvider } from '../../shared/ports/credentials';
import { DEFAULT_API_KEY, DEFAULT_API_SECRET } from '../btcturk-sim/options';
import type { LocalState } from './local-state';
import { SqsRouter } from './sqs-router';

/** The simulator's fixed API key and secret, as the embedded state and the stage 3 test harness use them */
export const SIMULATOR_CREDENTIALS: CredentialsProvider = {
  get: async () => ({ apiKey: DEFAULT_API_KEY, apiSecret: DEFAULT_API_SECRET }),
};

export function openEmbeddedState(liveSim: boolean, clock: ManualClock): LocalState {
  const queue = new MemoryReconcileQueue(clock);
  return {
    info: { mode: 'embedded' },
    env: {},
    stores: createMemoryStateStores(),
    queue,
    killSwitch: new MemoryKillSwitch(!liveSim),
    credentials: SIMULATOR_CREDENTIALS,
    router: (handler) => new SqsRouter(queue, handler, () => clock.nowMs()),
    close: async () => {},
  };
}

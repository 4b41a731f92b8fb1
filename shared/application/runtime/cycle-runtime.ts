// Runs one cycle and then records its walk through the runtime machine (record-runtime.ts): from the cycle's
// result when it returns, from its exception when it throws (rethrown as it was). The cycle's lease store is
// watched so that an exception still tells whether the lock was in hand.
import type { StageName } from '../../domain/ids';
import type { CycleObservation } from '../../domain/runtime/cycle-walk';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { DocumentStore, LeaseStore } from '../../ports/state-store';
import { withFields } from '../log-fields';
import { recordRuntime } from './record-runtime';

export type LockSeen = CycleObservation['lock'];

export interface CycleRuntimeDeps {
  readonly documents: DocumentStore;
  readonly leases: LeaseStore;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface RuntimeCycle {
  readonly role: StageName;
  readonly account: string;
  readonly cycleId: string;
  readonly scheduledAtMs?: number | undefined;
  /** The cycle's correlation ids, on the transition lines as on every other line of the cycle */
  readonly runId: string;
  readonly invocationId: string;
}

export interface CycleObserver<R> {
  /** undefined: the cycle observed nothing (a firing too old, a cycle already saved): nothing is recorded */
  readonly result: (result: R, lock: LockSeen) => CycleObservation | undefined;
  readonly error: (error: unknown, lock: LockSeen) => CycleObservation;
}

export async function withCycleRuntime<R>(
  deps: CycleRuntimeDeps,
  cycle: RuntimeCycle,
  run: (leases: LeaseStore) => Promise<R>,
  observe: CycleObserver<R>,
): Promise<R> {
  const cycleAtMs = cycle.scheduledAtMs ?? deps.clock.nowMs();
  const watched = watchLeases(deps.leases);
  const log = withFields(deps.log, { cycle_id: cycle.cycleId, run_id: cycle.runId, request_id: cycle.invocationId });
  const recorded = { role: cycle.role, account: cycle.account, cycleId: cycle.cycleId, cycleAtMs };
  const record = (seen: CycleObservation | undefined) =>
    seen && recordRuntime({ documents: deps.documents, log }, { ...recorded, nowMs: deps.clock.nowMs() }, seen);
  let result: R;
  try {
    result = await run(watched.leases);
  } catch (e) {
    await record(observe.error(e, watched.lock()));
    throw e;
  }
  await record(observe.result(result, watched.lock()));
  return result;
}

function watchLeases(leases: LeaseStore): { leases: LeaseStore; lock: () => LockSeen } {
  let lock: LockSeen = 'not_tried';
  return {
    leases: {
      acquire: async (name, holder, ttlMs, nowMs) => {
        const lease = await leases.acquire(name, holder, ttlMs, nowMs);
        lock = lease ? 'acquired' : 'held_elsewhere';
        return lease;
      },
      release: (lease) => leases.release(lease),
      read: (name) => leases.read(name),
    },
    lock: () => lock,
  };
}

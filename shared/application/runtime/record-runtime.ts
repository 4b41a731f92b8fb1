// Records one cycle's walk through the runtime machine in its runtime document and logs each transition with
// from_state, to_state, trigger and cycle_id (spec 9.2.11). It runs when the cycle has ended, its own writes
// done, and it never throws: the document is observability, and failing to write it must not fail a cycle.
//
// The write is not fenced by the lease: a cycle that did not get the lease records that too, and nothing
// trades on this document. What keeps it sound is the version check of every put (a concurrent recording
// re-reads and walks again from what the other one stored) and the order of cycles: a cycle that was due
// before the one recorded last records nothing, so a slow older cycle cannot put back a state a newer one left.
import { ConcurrentUpdateError } from '../../domain/errors';
import type { StageName } from '../../domain/ids';
import { type CycleObservation, walkCycle } from '../../domain/runtime/cycle-walk';
import type { RuntimeTransition } from '../../domain/runtime/runtime-machine';
import type { Logger } from '../../ports/logger';
import type { DocumentStore } from '../../ports/state-store';
import { parseRuntimeDocument, RUNTIME_TRANSITIONS_KEPT, type RuntimeDocument, runtimeKey } from './runtime-document';

/** Attempts when other recordings keep moving the version (a locked-out copy of the cycle records too) */
const WRITE_ATTEMPTS = 3;

export interface RuntimeRecordDeps {
  readonly documents: DocumentStore;
  readonly log: Logger;
}

export interface RecordedCycle {
  readonly role: StageName;
  readonly account: string;
  readonly cycleId: string;
  /** When the cycle was due (its scheduled time, else its start): cycles are recorded in this order */
  readonly cycleAtMs: number;
  readonly nowMs: number;
}

/** @returns the document written, or undefined when nothing was (a newer cycle recorded, or the store failed) */
export async function recordRuntime(
  deps: RuntimeRecordDeps,
  cycle: RecordedCycle,
  seen: CycleObservation,
): Promise<RuntimeDocument | undefined> {
  const key = runtimeKey(cycle.role, cycle.account);
  try {
    for (let attempt = 1; ; attempt++) {
      const stored = await deps.documents.get(key);
      const current = stored && readable(deps.log, key, stored.value);
      if (current && current.lastCycleAtMs > cycle.cycleAtMs) {
        deps.log.info('Runtime state left to the newer cycle that recorded it', {
          role: cycle.role,
          recorded_cycle_id: current.lastCycleId,
        });
        return undefined;
      }
      const walked = walkCycle(current?.state ?? 'INIT', seen);
      const next = nextDocument(current, walked, cycle);
      try {
        await deps.documents.put(key, JSON.stringify(next), stored?.version ?? 0);
      } catch (e) {
        if (e instanceof ConcurrentUpdateError && attempt < WRITE_ATTEMPTS) continue;
        throw e;
      }
      for (const t of walked)
        deps.log.info('runtime_transition', {
          role: cycle.role,
          from_state: t.from,
          to_state: t.to,
          trigger: t.trigger,
          cycle_id: cycle.cycleId,
        });
      return next;
    }
  } catch (e) {
    deps.log.warn('Runtime state not recorded', { role: cycle.role, error: String(e) });
    return undefined;
  }
}

/** A corrupt document is replaced: it only ever describes, and a fresh run from INIT is the honest restart */
function readable(log: Logger, key: string, text: string): RuntimeDocument | undefined {
  try {
    return parseRuntimeDocument(key, text);
  } catch (e) {
    log.warn('Runtime document unreadable; recording a new run from INIT', { key, error: String(e) });
    return undefined;
  }
}

function nextDocument(
  current: RuntimeDocument | undefined,
  walked: readonly RuntimeTransition[],
  cycle: RecordedCycle,
): RuntimeDocument {
  const recorded = walked.map((t) => ({ ...t, cycleId: cycle.cycleId, atMs: cycle.nowMs })).reverse();
  const last = walked.at(-1);
  return {
    state: last?.to ?? current?.state ?? 'INIT',
    sinceMs: last || !current ? cycle.nowMs : current.sinceMs,
    lastCycleId: cycle.cycleId,
    lastCycleAtMs: cycle.cycleAtMs,
    transitions: [...recorded, ...(current?.transitions ?? [])].slice(0, RUNTIME_TRANSITIONS_KEPT),
  };
}

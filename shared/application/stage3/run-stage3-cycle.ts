// One stage 3 cycle (spec 2.3 with the section 9 fixes), step by step: arming gates (fail closed) ->
// single-writer lease -> market data freshness -> recovery of in-flight orders -> lifecycle refresh ->
// fills into the ledger -> stale cancels -> strategy -> risk -> execution by the safety protocol -> audit.
import { armingInputsOf, evaluateArming } from '../../domain/arming';
import { StaleLeaseError } from '../../domain/errors';
import type { JournalStatus } from '../../domain/order-state';
import type { Clock } from '../../ports/clock';
import type { Exchange } from '../../ports/exchange';
import type { KillSwitch } from '../../ports/kill-switch';
import type { Logger } from '../../ports/logger';
import type { ReconcileQueue } from '../../ports/reconcile-queue';
import type {
  CursorStore,
  CycleAuditStore,
  DocumentStore,
  FillStore,
  LeaseStore,
  LedgerStore,
  OrderJournal,
} from '../../ports/state-store';
import { withFields } from '../log-fields';
import { loadOpState } from '../op-state';
import type { ReconcilePolicy } from '../reconcile-order';
import { observeError, stage3Observation } from '../runtime/cycle-observations';
import { withCycleRuntime } from '../runtime/cycle-runtime';
import { tradingLeaseName } from '../trading-lease';
import { type CycleCounters, newCounters } from './cycle-counters';
import { cycleWriteGate } from './cycle-write-gate';
import { executeCycle } from './execute-cycle';
import type { Stage3Settings } from './stage3-settings';

export interface Stage3Deps {
  readonly settings: Stage3Settings;
  readonly clock: Clock;
  readonly exchange: Exchange;
  readonly journal: OrderJournal;
  readonly leases: LeaseStore;
  readonly fills: FillStore;
  readonly ledger: LedgerStore;
  readonly cursors: CursorStore;
  readonly documents: DocumentStore;
  readonly audits: CycleAuditStore;
  readonly killSwitch: KillSwitch;
  readonly queue: ReconcileQueue;
  readonly log: Logger;
  readonly reconcilePolicy: ReconcilePolicy;
}

export interface CycleInput {
  /** Stable across retries of one scheduled firing (cycleIdOf): replays derive the same orders */
  readonly cycleId: string;
  /** When the firing was due; a cycle started later than CYCLE_MAX_EVENT_AGE_SECONDS after it does nothing */
  readonly scheduledAtMs?: number;
  readonly runId: string;
  /** Unique per invocation: the lease holder */
  readonly invocationId: string;
}

export type CycleStatus = 'completed' | 'blocked' | 'locked' | 'stale_market_data' | 'lease_lost' | 'expired';
export type CycleMode = 'LIVE' | 'DRY_RUN' | 'BLOCKED';

export interface Stage3CycleResult {
  readonly status: CycleStatus;
  readonly mode: CycleMode;
  readonly counters: CycleCounters;
  readonly decisions: readonly string[];
  readonly journalCounts?: Readonly<Record<JournalStatus, number>>;
  /** The operator's kill-switch parameter (on when unreadable) or the stored escalation switch, as read */
  readonly killSwitchOn: boolean;
}

const AUDIT_TTL_SECONDS = 30 * 24 * 3600;

/** Runs the cycle and records its walk through the runtime machine (spec 9.2.11) once it has ended */
export function runStage3Cycle(base: Stage3Deps, input: CycleInput): Promise<Stage3CycleResult> {
  return withCycleRuntime(
    base,
    { role: 'stage3', account: base.settings.BOT_ACCOUNT, ...input },
    (leases) => stage3Cycle({ ...base, leases }, input),
    { result: stage3Observation, error: observeError },
  );
}

async function stage3Cycle(base: Stage3Deps, input: CycleInput): Promise<Stage3CycleResult> {
  const log = withFields(base.log, { cycle_id: input.cycleId, run_id: input.runId, request_id: input.invocationId });
  const deps: Stage3Deps = { ...base, log };
  const { settings: s, clock } = deps;
  const startedAtMs = clock.nowMs();
  const killSwitchParameterOn = await deps.killSwitch.isOn().catch(() => true);
  // the stored kill switch of unknown-order escalation (spec 9.1.5) counts like the operator's parameter
  const opState = await loadOpState(deps.documents, s.BOT_ACCOUNT);
  if (opState.unreadable)
    deps.log.error('Op-state unreadable; the stored kill switch reads on', { error: opState.unreadable.message });
  const inputs = armingInputsOf(s, killSwitchParameterOn || opState.killSwitchOn);
  const dryRun = inputs.dryRun;
  const arming = evaluateArming(inputs);
  const counters = newCounters();
  const finish = async (
    status: CycleStatus,
    mode: CycleMode,
    decisions: string[],
    journalCounts?: Record<JournalStatus, number>,
  ) => {
    const result: Stage3CycleResult = {
      status,
      mode,
      counters,
      decisions,
      ...(journalCounts ? { journalCounts } : {}),
      killSwitchOn: killSwitchParameterOn || opState.killSwitchOn,
    };
    await deps.audits.put(
      {
        stage: 'stage3',
        account: s.BOT_ACCOUNT,
        cycleId: input.cycleId,
        runId: input.runId,
        startedAtMs,
        finishedAtMs: clock.nowMs(),
        mode,
        counts: { ...counters, ...(journalCounts ?? {}) },
        decisions,
        summary: JSON.stringify({ status, mode, ...counters, journal: journalCounts ?? null }),
      },
      AUDIT_TTL_SECONDS,
    );
    deps.log.info('Cycle completed', {
      status,
      mode,
      ...counters,
      pending_submit: journalCounts?.PENDING_SUBMIT ?? 0,
      unknown: journalCounts?.UNKNOWN ?? 0,
      failed: journalCounts?.FAILED ?? 0,
      top_reject_reasons: topReasons(decisions),
    });
    return result;
  };

  const ageMs = input.scheduledAtMs === undefined ? 0 : startedAtMs - input.scheduledAtMs;
  if (ageMs > s.CYCLE_MAX_EVENT_AGE_SECONDS * 1000) {
    deps.log.warn('Scheduled event too old; the next firing is due', { event_age_ms: ageMs });
    return finish('expired', 'BLOCKED', ['cycle:event_too_old']);
  }
  if (!dryRun && !arming.allowed) {
    deps.log.warn(arming.message, { reasons: arming.reasons });
    const stored = opState.killSwitchOn ? [`escalation:stored_kill_switch:${opState.killSwitchReason ?? 'on'}`] : [];
    return finish('blocked', 'BLOCKED', [...arming.reasonCodes, ...stored]);
  }
  const live = arming.allowed;
  const leaseName = tradingLeaseName(s.BOT_ACCOUNT);
  const lease = await deps.leases.acquire(leaseName, input.invocationId, s.LEASE_TTL_SECONDS * 1000, clock.nowMs());
  if (!lease) {
    deps.log.info('Another trading invocation holds the account lease; exiting');
    const killSwitchOn = killSwitchParameterOn || opState.killSwitchOn;
    return {
      status: 'locked',
      mode: live ? 'LIVE' : 'DRY_RUN',
      counters,
      decisions: ['lease_held_elsewhere'],
      killSwitchOn,
    };
  }
  try {
    const fence = { name: lease.name, epoch: lease.epoch };
    const writes = cycleWriteGate(deps, fence);
    const outcome = await executeCycle(deps, input, { live, fence, writes, opState }, counters);
    const journalCounts = live ? await deps.journal.countByStatus(s.BOT_ACCOUNT) : undefined;
    return await finish(outcome.status, live ? 'LIVE' : 'DRY_RUN', outcome.decisions, journalCounts);
  } catch (e) {
    if (e instanceof StaleLeaseError) return finish('lease_lost', live ? 'LIVE' : 'DRY_RUN', ['lease_lost']);
    throw e;
  } finally {
    await deps.leases.release(lease);
  }
}

function topReasons(decisions: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const d of decisions) counts.set(d, (counts.get(d) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([code]) => code);
}

// What a stage 4 cycle leaves behind (spec 3.21): its result and one cycle audit whose summary JSON carries
// the run metrics an operator reads (`btcbot status --stage stage4` reads `status`, `risk_mode`,
// `freeze_active` and `reasons_no_action`): the degrade level, the 1123 breaker, the anomalies and the
// replace transactions' counters beside the execution report. `reasons_no_action` lists the codes of the
// decisions that held something back, so it explains a cycle that sent nothing (empty when it acted). The
// summary log line carries the journal's counts (`unknown`, `pending_submit`, `failed`) when the cycle read them:
// a line without them shows none rather than a 0 nobody measured (the alarms read the published metrics,
// shared/lambda/cycle-metrics.ts).
import type { Decision } from '../../domain/decision';
import type { JournalStatus } from '../../domain/order-state';
import type { AnomalyEvent } from '../../domain/risk/anomalies';
import type { DegradeDecision, DegradeLevel } from '../../domain/risk/degrade';
import type { Mode } from '../../domain/risk/mode';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { CycleAuditStore } from '../../ports/state-store';
import type { CycleInput, CycleMode, CycleStatus } from '../stage3/run-stage3-cycle';
import type { Stage4ExecutionCounters } from './execute-actions';

export interface Stage4CycleCounters {
  planned: number;
  actions: number;
  recovered: number;
  fillsInserted: number;
  imported: number;
}

/** The 1123 cooldowns as the cycle read them (spec 3.18 step 3 reports a cooldown as `breaker_open`) */
export interface BreakerState {
  /** `unreadable`: the cooldowns could not be read (execution then blocks every SUBMIT) */
  readonly state: 'open' | 'closed' | 'unreadable';
  /** Configured symbols whose cooldown is running */
  readonly coolingSymbols: readonly string[];
}

export interface Stage4CycleResult {
  readonly status: CycleStatus;
  readonly mode: CycleMode;
  readonly counters: Stage4CycleCounters;
  readonly execution?: Stage4ExecutionCounters;
  /** `layer:code` per decision of the cycle, in the order they were taken */
  readonly decisions: readonly string[];
  /** Why the cycle sent nothing, when it did not (empty when it acted) */
  readonly reasonsNoAction: readonly string[];
  readonly freezeActive: boolean;
  /** The combined trading mode of risk budget and degrade, once the cycle got that far */
  readonly riskMode?: Mode;
  /** The degrade level this cycle traded under, once the cycle got that far */
  readonly degradeLevel?: DegradeLevel;
  /** The degrade level saved for the next cycle (decided again once execution counted its rejects) */
  readonly nextDegradeLevel?: DegradeLevel;
  /** The operator's kill-switch parameter (on when unreadable) or the stored escalation switch, as read */
  readonly killSwitchOn: boolean;
}

/** What the cycle learnt before it stopped; the later fields only once it got that far */
export interface CycleOutcome {
  readonly status: CycleStatus;
  readonly mode: CycleMode;
  /** Each step's decisions: `layer:code` strings of the snapshot, or decisions of the pipeline's layers */
  readonly decisions: readonly (string | Decision)[];
  readonly execution?: Stage4ExecutionCounters;
  readonly freezeActive?: boolean;
  readonly riskMode?: Mode;
  readonly degrade?: DegradeDecision;
  /** The degrade decision saved for the next cycle */
  readonly nextDegrade?: DegradeDecision;
  readonly anomalies?: readonly AnomalyEvent[];
  readonly breaker?: BreakerState;
  /** The account's journal counts once the cycle executed (live) */
  readonly journalCounts?: Readonly<Record<JournalStatus, number>>;
}

export interface CycleAuditDeps {
  readonly audits: CycleAuditStore;
  readonly clock: Clock;
  readonly log: Logger;
}

const AUDIT_TTL_SECONDS = 30 * 24 * 3600;

export const codeOf = (d: Decision): string => `${d.layer}:${d.code}`;

/**
 * The snapshot's strings are all trouble reports; of the pipeline's decisions, all but the ACCEPTs held back,
 * except the universe's bookkeeping (a reused selection, a symbol outside the top N): only its BLOCK does
 */
const heldBack = (d: string | Decision): string | undefined =>
  typeof d === 'string'
    ? d
    : d.action === 'ACCEPT' || (d.layer === 'universe' && d.action !== 'BLOCK')
      ? undefined
      : codeOf(d);

/** Whether execution sent (or, dry, would have sent) anything: then no reason for inaction is reported */
const acted = (e: Stage4ExecutionCounters | undefined): boolean =>
  e !== undefined && e.submitted + e.canceled + e.simulated + e.replaceCommitted > 0;

export function reasonsNoAction(outcome: CycleOutcome): string[] {
  if (acted(outcome.execution)) return [];
  const reasons = [...new Set(outcome.decisions.map(heldBack).filter((r): r is string => r !== undefined))];
  return reasons.length > 0 ? reasons : ['no_planned_actions'];
}

/** Writes the cycle audit and returns the cycle's result */
export async function recordStage4Cycle(
  deps: CycleAuditDeps,
  cycle: CycleInput & { readonly account: string; readonly startedAtMs: number; readonly killSwitchOn: boolean },
  counters: Stage4CycleCounters,
  outcome: CycleOutcome,
): Promise<Stage4CycleResult> {
  const decisions = outcome.decisions.map((d) => (typeof d === 'string' ? d : codeOf(d)));
  const reasons = reasonsNoAction(outcome);
  const { execution, degrade, nextDegrade, journalCounts } = outcome;
  const result: Stage4CycleResult = {
    status: outcome.status,
    mode: outcome.mode,
    counters,
    ...(execution ? { execution } : {}),
    decisions,
    reasonsNoAction: reasons,
    freezeActive: outcome.freezeActive ?? false,
    ...(outcome.riskMode ? { riskMode: outcome.riskMode } : {}),
    ...(degrade ? { degradeLevel: degrade.level } : {}),
    ...(nextDegrade ? { nextDegradeLevel: nextDegrade.level } : {}),
    killSwitchOn: cycle.killSwitchOn,
  };
  const { rejectedByCode, ...executionCounts } = execution ?? { rejectedByCode: {} };
  await deps.audits.put(
    {
      stage: 'stage4',
      account: cycle.account,
      cycleId: cycle.cycleId,
      runId: cycle.runId,
      startedAtMs: cycle.startedAtMs,
      finishedAtMs: deps.clock.nowMs(),
      mode: outcome.mode,
      counts: { ...counters, ...executionCounts, ...journalCounts },
      decisions,
      summary: JSON.stringify({
        status: outcome.status,
        mode: outcome.mode,
        ...(outcome.riskMode ? { risk_mode: outcome.riskMode } : {}),
        ...counters,
        execution: execution ?? null,
        freeze_active: result.freezeActive,
        reasons_no_action: reasons,
        rejected_by_code: rejectedByCode,
        journal: journalCounts ?? null,
        ...(degrade ? { degrade_level: degrade.level, degrade_reasons: degrade.reasons } : {}),
        ...(nextDegrade ? { degrade_level_next: nextDegrade.level, degrade_reasons_next: nextDegrade.reasons } : {}),
        ...(outcome.anomalies ? { anomalies: outcome.anomalies.map((a) => `${a.code}:${a.severity}`) } : {}),
        ...(outcome.breaker
          ? { breaker_state: outcome.breaker.state, cooling_symbols: outcome.breaker.coolingSymbols }
          : {}),
        ...(execution
          ? {
              replace_transactions: {
                committed: execution.replaceCommitted,
                blocked: execution.replaceBlocked,
                failed: execution.replaceFailed,
                open: execution.replaceOpen,
              },
            }
          : {}),
      }),
    },
    AUDIT_TTL_SECONDS,
  );
  deps.log.info('Stage 4 cycle completed', {
    status: outcome.status,
    mode: outcome.mode,
    ...counters,
    ...(journalCounts
      ? { pending_submit: journalCounts.PENDING_SUBMIT, unknown: journalCounts.UNKNOWN, failed: journalCounts.FAILED }
      : {}),
    reasons_no_action: reasons,
  });
  return result;
}

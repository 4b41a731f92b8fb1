// The risk half of a stage 4 cycle's decision (spec 3.2 steps 16, 18, 23), pure over the cycle's snapshot:
// the self-financing capital checkpoint (3.11), the risk budget (3.12) with its mode and sizing multiplier,
// the anomaly detector and the degrade decision (3.16) that can only make that mode stricter. What it
// returns to persist (capital, risk, degrade and cursor stall states) the cycle saves with the versions it
// loaded; a capital policy error blocks every order of the cycle and leaves the capital state as it was.
//
// Degrade is decided before execution, when this cycle's rejects are not known yet, and decided again after
// it (degradeAfterExecution) with the rejects counted and the whole cycle's duration: that second decision
// is the one saved, so an ORDER_REJECT_SPIKE enters the WARN window the next cycle's degrade counts.
//
// Inputs without a source in this system, each left at its neutral value:
// - pnl snapshots: nothing persists one per cycle (the reference's `pnl_snapshots` table), so the risk budget
//   sees no losing streak and a `normal` volatility regime;
// - the anomaly detector's pnl snapshot: CLOCK_SKEW and PNL_DIVERGENCE compare the reference's positions
//   table snapshot with its ledger, two accounting sources; here positions are a projection of the one
//   ledger, so there is no second equity (nor a second clock) to compare with.
import type { Decision } from '../../domain/decision';
import { CapitalPolicyError } from '../../domain/errors';
import type { LedgerReport } from '../../domain/ledger/ledger-report';
import type { LedgerState } from '../../domain/ledger/ledger-state';
import { type Dec, dec, ZERO } from '../../domain/money';
import { applyCapitalCheckpoint, type CapitalPolicyState } from '../../domain/portfolio/capital-policy';
import {
  type AnomalyEvent,
  advanceCursorStalls,
  type CursorStallState,
  detectAnomalies,
} from '../../domain/risk/anomalies';
import { type DegradeDecision, decideDegrade, type OperatorOverride } from '../../domain/risk/degrade';
import type { Mode } from '../../domain/risk/mode';
import { computeRiskBudget, type RiskState } from '../../domain/risk/risk-budget';
import type { Stage4Settings } from './stage4-settings';

export interface CycleRiskInput {
  readonly cycleId: string;
  readonly nowMs: number;
  readonly live: boolean;
  readonly symbols: readonly string[];
  readonly ledger: LedgerState;
  readonly report: LedgerReport;
  readonly marks: ReadonlyMap<string, Dec>;
  /** The TRY the account owns, free and locked in resting orders alike: what equity and capital count */
  readonly totalTry: Dec;
  readonly marketDataAgeMs: ReadonlyMap<string, number>;
  readonly cycleDurationMs: number;
  /** Symbol -> its fill cursor after this cycle's ingest (live only: a dry-run ingests nothing) */
  readonly fillCursors: ReadonlyMap<string, string>;
  readonly freezeActive: boolean;
  /** An open 1123 breaker (the cycle decides what opens it): degrade level 3 */
  readonly breakerOpen: boolean;
  readonly stored: {
    readonly capital: CapitalPolicyState | undefined;
    readonly risk: RiskState | undefined;
    readonly degrade: DegradeDecision['state'];
    readonly cursorStalls: CursorStallState;
    readonly degradeOverride: OperatorOverride | undefined;
  };
}

export interface CycleRisk {
  /** The combined mode of risk budget, degrade and operator override */
  readonly mode: Mode;
  /** The mode degrade starts from: the risk budget's, OBSERVE_ONLY when the capital checkpoint failed */
  readonly baseMode: Mode;
  readonly equityTry: Dec;
  readonly multiplier: Dec;
  /** Drawdown from peak equity in percent (10 = 10 %) */
  readonly drawdownPct: Dec;
  readonly degrade: DegradeDecision;
  readonly anomalies: readonly AnomalyEvent[];
  readonly decisions: readonly Decision[];
  readonly next: {
    /** undefined: the checkpoint failed, the stored state stays */
    readonly capital: CapitalPolicyState | undefined;
    readonly risk: RiskState;
    readonly cursorStalls: CursorStallState;
  };
}

const HUNDRED = dec('100');

export function decideCycleRisk(input: CycleRiskInput, s: Stage4Settings): CycleRisk {
  const decisions: Decision[] = [];
  let capital: CapitalPolicyState | undefined;
  try {
    const checkpoint = {
      checkpointId: input.ledger.lastEventKey ?? '',
      eventCount: input.ledger.eventCount,
      realizedTotalTry: input.report.realizedTry,
    };
    capital = applyCapitalCheckpoint(input.stored.capital, checkpoint, input.totalTry).state;
  } catch (e) {
    if (!(e instanceof CapitalPolicyError)) throw e;
    decisions.push({ layer: 'capital', code: e.reason, action: 'BLOCK', scope: 'global' });
  }
  const budget = computeRiskBudget(
    {
      nowMs: input.nowMs,
      liveMode: input.live,
      // spec 1 (KILL_SWITCH): in stage 4 the kill switch blocks submits only, which the mode gate's suppression
      // does; the budget's OBSERVE_ONLY for it would also hold back the cancels that must still go out
      killSwitchActive: false,
      ledger: input.ledger,
      marks: input.marks,
      cashTry: input.totalTry,
      eligibleSymbols: input.symbols,
      tradingCapitalTry: capital?.tradingCapitalTry ?? ZERO,
      // no source (see the top of this file)
      snapshots: [],
      stored: input.stored.risk,
    },
    s,
  );
  decisions.push(...budget.decisions);
  const { peakEquityTry, drawdownTry } = budget.signals;
  const drawdownPct = peakEquityTry.gt(0) && drawdownTry.gt(0) ? drawdownTry.div(peakEquityTry).mul(HUNDRED) : ZERO;
  const cursorStalls = advanceCursorStalls(input.stored.cursorStalls, input.fillCursors);
  const baseMode: Mode = capital === undefined ? 'OBSERVE_ONLY' : budget.mode;
  const equityTry = budget.signals.equityTry;
  // decided before execution: this cycle's rejects are not known yet
  const { anomalies, degrade } = decideDegradeOf(
    input,
    { baseMode, equityTry, cursorStalls },
    { rejects: 0, cycleDurationMs: input.cycleDurationMs },
    s,
  );
  decisions.push(...degrade.decisions);
  return {
    mode: degrade.mode,
    baseMode,
    equityTry,
    multiplier: budget.multiplier,
    drawdownPct,
    degrade,
    anomalies,
    decisions,
    next: { capital, risk: budget.state, cursorStalls },
  };
}

/** What the cycle observed once its execution ended */
export interface ExecutionObservation {
  /** Rejects of this cycle's execution (spec 3.16 ORDER_REJECT_SPIKE) */
  readonly rejects: number;
  /** The whole cycle's duration so far, execution included */
  readonly cycleDurationMs: number;
}

/**
 * The degrade decision again, from the same stored state, with what execution observed: the one the cycle
 * saves. The cycle's orders went out under `risk.mode`; this decision governs the next cycle.
 */
export function degradeAfterExecution(
  input: CycleRiskInput,
  risk: CycleRisk,
  observed: ExecutionObservation,
  s: Stage4Settings,
): { readonly anomalies: readonly AnomalyEvent[]; readonly degrade: DegradeDecision } {
  return decideDegradeOf(input, { ...risk, cursorStalls: risk.next.cursorStalls }, observed, s);
}

function decideDegradeOf(
  input: CycleRiskInput,
  base: { readonly baseMode: Mode; readonly equityTry: Dec; readonly cursorStalls: CursorStallState },
  observed: ExecutionObservation,
  s: Stage4Settings,
): { anomalies: AnomalyEvent[]; degrade: DegradeDecision } {
  const anomalies = detectAnomalies(
    {
      cycleId: input.cycleId,
      nowMs: input.nowMs,
      marketDataAgeMs: input.marketDataAgeMs,
      cycleDurationMs: observed.cycleDurationMs,
      rejectsThisCycle: observed.rejects,
      cursorStallCycles: base.cursorStalls.stallCycles,
      pnlSnapshot: undefined,
      ledgerEquityTry: base.equityTry,
    },
    s,
  );
  const degrade = decideDegrade(
    {
      nowMs: input.nowMs,
      anomalies,
      breakerOpen: input.breakerOpen,
      freezeActive: input.freezeActive,
      baseMode: base.baseMode,
      override: input.stored.degradeOverride,
      previous: input.stored.degrade,
    },
    s,
  );
  return { anomalies, degrade };
}

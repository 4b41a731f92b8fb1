// The risk half of a stage 4 cycle's decision (spec 3.2 steps 16, 18, 23), pure over the cycle's snapshot:
// the self-financing capital checkpoint (3.11), the risk budget (3.12) with its mode and sizing multiplier,
// the anomaly detector and the degrade decision (3.16) that can only make that mode stricter. What it
// returns to persist (capital, risk, degrade and cursor stall states) the cycle saves with the versions it
// loaded; a capital policy error blocks every order of the cycle and leaves the capital state as it was.
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
  readonly cashTry: Dec;
  readonly marketDataAgeMs: ReadonlyMap<string, number>;
  readonly cycleDurationMs: number;
  /** Symbol -> its fill cursor after this cycle's ingest (live only: a dry-run ingests nothing) */
  readonly fillCursors: ReadonlyMap<string, string>;
  readonly freezeActive: boolean;
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
    capital = applyCapitalCheckpoint(input.stored.capital, checkpoint, input.cashTry).state;
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
      cashTry: input.cashTry,
      eligibleSymbols: input.symbols,
      tradingCapitalTry: capital?.tradingCapitalTry ?? ZERO,
      // no pnl snapshot is persisted yet: no losing streak and a normal volatility regime
      snapshots: [],
      stored: input.stored.risk,
    },
    s,
  );
  decisions.push(...budget.decisions);
  const { peakEquityTry, drawdownTry } = budget.signals;
  const drawdownPct = peakEquityTry.gt(0) && drawdownTry.gt(0) ? drawdownTry.div(peakEquityTry).mul(HUNDRED) : ZERO;
  const cursorStalls = advanceCursorStalls(input.stored.cursorStalls, input.fillCursors);
  const anomalies = detectAnomalies(
    {
      cycleId: input.cycleId,
      nowMs: input.nowMs,
      marketDataAgeMs: input.marketDataAgeMs,
      cycleDurationMs: input.cycleDurationMs,
      // decided before execution: this cycle's rejects are not known yet
      rejectsThisCycle: 0,
      cursorStallCycles: cursorStalls.stallCycles,
      pnlSnapshot: undefined,
      ledgerEquityTry: budget.signals.equityTry,
    },
    s,
  );
  const degrade = decideDegrade(
    {
      nowMs: input.nowMs,
      anomalies,
      breakerOpen: false,
      freezeActive: input.freezeActive,
      baseMode: capital === undefined ? 'OBSERVE_ONLY' : budget.mode,
      override: input.stored.degradeOverride,
      previous: input.stored.degrade,
    },
    s,
  );
  decisions.push(...degrade.decisions);
  return {
    mode: degrade.mode,
    multiplier: budget.multiplier,
    drawdownPct,
    degrade,
    anomalies,
    decisions,
    next: { capital, risk: budget.state, cursorStalls },
  };
}

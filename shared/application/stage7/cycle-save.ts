// Spec 4.2 steps 17 and 19, 4.15-4.16: the cycle's ONE store write (OMS passes, run metrics, trace, documents,
// params), with adaptation's writes merged into version 1's first write when both happen in one cycle.
import type { AdaptationWrites } from '../../domain/adaptation/adaptation-model';
import { universeStateRecord } from '../../domain/market/stage7-universe-state';
import { toPlain } from '../../domain/money';
import { stage7RiskDecisionRecord } from '../../domain/risk/stage7-risk-budget-record';
import type {
  Stage7CycleState,
  Stage7CycleWrite,
  Stage7Document,
  Stage7ParamsWrite,
  Stage7RunMetricsRow,
} from '../../ports/stage7-store';
import { riskDecisionDocument } from './cycle-documents';
import type { Stage7Marks } from './cycle-marks';
import type { Stage7Execution } from './cycle-oms';
import type { ActiveParams } from './cycle-params';
import type { Stage7Planning } from './cycle-plan';
import type { RiskStep } from './cycle-risk';

export function paramsWrite(
  state: Stage7CycleState,
  active: ActiveParams,
  adaptation: AdaptationWrites | undefined,
): Stage7ParamsWrite | undefined {
  const initial = active.initialWrite;
  const adapted = adaptation && (adaptation.activeParams || adaptation.change || adaptation.checkpoints.length > 0);
  if (!initial && !adapted) return undefined;
  const activeParams = adaptation?.activeParams ?? initial?.activeParams;
  return {
    ...(activeParams ? { activeParams } : {}),
    ...(adaptation?.change ? { change: adaptation.change } : {}),
    checkpoints: [...(initial?.checkpoints ?? []), ...(adaptation?.checkpoints ?? [])],
    expectedRevision: state.params.active.version,
  };
}

export function cycleWrite(args: {
  readonly account: string;
  readonly cycleId: string;
  readonly state: Stage7CycleState;
  readonly exec: Stage7Execution;
  readonly planning: Stage7Planning;
  readonly risk: RiskStep;
  readonly row: Stage7RunMetricsRow;
  readonly filledClientOrderIds: readonly string[];
  readonly marks: Stage7Marks;
  readonly params: Stage7ParamsWrite | undefined;
}): Stage7CycleWrite {
  const { state, exec, planning, risk, cycleId } = args;
  const d = state.documents;
  const trace: Stage7Document = {
    cycle_id: cycleId,
    mode_final: planning.finalMode,
    risk_mode: risk.decision.mode,
    risk_reasons: [...risk.decision.reasons],
    active_param_version: args.row.paramVersion,
    universe: [...planning.symbols],
    intents: planning.intents.map((i) => ({
      client_order_id: i.clientOrderId,
      symbol: i.symbol,
      side: i.side,
      price: toPlain(i.price),
      qty: toPlain(i.qty),
      skipped: i.skipped,
      skip_reason: i.skipReason ?? null,
    })),
    account: exec.account.snapshot(),
  };
  return {
    account: args.account,
    cycleId,
    oms: exec.passes,
    runMetrics: args.row,
    trace,
    documents: {
      account: { value: exec.account.balances(), expectedVersion: d.account.version },
      tokenBucket: { value: exec.tokenBucket, expectedVersion: d.tokenBucket.version },
      universe: {
        value: universeStateRecord(planning.universe.state) as unknown as Stage7Document,
        expectedVersion: d.universe.version,
      },
      riskDecision: {
        value: riskDecisionDocument(
          stage7RiskDecisionRecord(cycleId, risk.decision),
          { cycleId, clientOrderIds: args.filledClientOrderIds },
          args.marks,
        ),
        expectedVersion: d.riskDecision.version,
      },
    },
    ...(args.params ? { params: args.params } : {}),
  };
}

// The stage 7 state documents a cycle reads back (spec 4.15): the simulated account (opened from
// DRY_RUN_TRY_BALANCE when none is stored), the previous universe and the previous risk decision, which also
// carries the client ids whose fills the saved cycle owes the ledger (cycle-ledger.ts) and the risk marks
// (peak equity, day-start mark, fees today: cycle-marks.ts).
import {
  type Stage7UniverseState,
  type Stage7UniverseStateRecord,
  universeStateFromRecord,
} from '../../domain/market/stage7-universe-state';
import type { Dec } from '../../domain/money';
import { CASH_ASSET, SimulatedAccount } from '../../domain/portfolio/simulated-account';
import type { Stage7PreviousRiskDecision } from '../../domain/risk/stage7-risk-budget';
import { previousStage7RiskDecision, type Stage7RiskDecisionRecord } from '../../domain/risk/stage7-risk-budget-record';
import type { Stage7CycleState, Stage7Document } from '../../ports/stage7-store';
import { marksFromRecord, marksRecord, type Stage7Marks, type Stage7MarksRecord } from './cycle-marks';

export interface OwedFills {
  readonly cycleId: string;
  readonly clientOrderIds: readonly string[];
}

/** The risk decision document: the decision record, the fills its cycle owes the ledger and the risk marks */
export type RiskDecisionDocument = Stage7RiskDecisionRecord & {
  readonly ledger: OwedFills;
  /** Absent from a document written before marks were kept */
  readonly marks?: Stage7MarksRecord;
};

export const riskDecisionDocument = (
  record: Stage7RiskDecisionRecord,
  owed: OwedFills,
  marks: Stage7Marks,
): Stage7Document => ({ ...record, ledger: owed, marks: marksRecord(marks) }) as unknown as Stage7Document;

export interface LoadedDocuments {
  readonly account: SimulatedAccount;
  readonly previousUniverse: Stage7UniverseState | undefined;
  readonly previousRisk: Stage7PreviousRiskDecision | undefined;
  readonly owed: OwedFills | undefined;
  readonly marks: Stage7Marks | undefined;
}

export function readDocuments(state: Stage7CycleState, startingTry: Dec): LoadedDocuments {
  const d = state.documents;
  const account = d.account.value
    ? SimulatedAccount.restore(d.account.value)
    : SimulatedAccount.open({ [CASH_ASSET]: startingTry });
  const universe = d.universe.value as unknown as Stage7UniverseStateRecord | undefined;
  const risk = d.riskDecision.value as unknown as RiskDecisionDocument | undefined;
  return {
    account,
    previousUniverse: universe ? universeStateFromRecord(universe) : undefined,
    previousRisk: risk ? previousStage7RiskDecision(risk) : undefined,
    owed: risk?.ledger,
    marks: risk?.marks ? marksFromRecord(risk.marks) : undefined,
  };
}

// The stage 7 state documents a cycle reads back (spec 4.15): the simulated account (opened from
// DRY_RUN_TRY_BALANCE when none is stored), the previous universe and the previous risk decision, which also
// carries the client ids whose fills the saved cycle owes the ledger (cycle-ledger.ts).
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

export interface OwedFills {
  readonly cycleId: string;
  readonly clientOrderIds: readonly string[];
}

/** The risk decision document: the decision record plus the fills its cycle owes the ledger */
export type RiskDecisionDocument = Stage7RiskDecisionRecord & { readonly ledger: OwedFills };

export const riskDecisionDocument = (record: Stage7RiskDecisionRecord, owed: OwedFills): Stage7Document =>
  ({ ...record, ledger: owed }) as unknown as Stage7Document;

export interface LoadedDocuments {
  readonly account: SimulatedAccount;
  readonly previousUniverse: Stage7UniverseState | undefined;
  readonly previousRisk: Stage7PreviousRiskDecision | undefined;
  readonly owed: OwedFills | undefined;
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
  };
}

// The end of a live stage 4 cycle: every state document it moved saved over the version the cycle loaded.
// A save that lost a race (ConcurrentUpdateError) stops there: the next cycle re-reads and decides again.
import type { FreezeState } from '../../domain/oms/unknown-order-freeze';
import type { CapitalPolicyState } from '../../domain/portfolio/capital-policy';
import type { CursorStallState } from '../../domain/risk/anomalies';
import type { DegradeState } from '../../domain/risk/degrade';
import type { RiskState } from '../../domain/risk/risk-budget';
import type { DocumentStore } from '../../ports/state-store';
import { saveCapitalPolicyState } from './state/capital-policy-state';
import { saveCursorStallState } from './state/cursor-stall-state';
import { saveDegradeState } from './state/degrade-state';
import { saveFreezeState } from './state/freeze-state';
import type { Stage4State } from './state/load-stage4-state';
import { saveRiskState } from './state/risk-state';

export interface CycleStateUpdate {
  /** undefined: the capital checkpoint failed, the stored state stays */
  readonly capital: CapitalPolicyState | undefined;
  readonly risk: RiskState;
  readonly degrade: DegradeState;
  readonly cursorStalls: CursorStallState;
  readonly freeze: FreezeState;
}

export async function saveCycleState(
  documents: DocumentStore,
  account: string,
  loaded: Stage4State,
  next: CycleStateUpdate,
): Promise<void> {
  await saveFreezeState(documents, account, next.freeze, loaded.freeze.version);
  if (next.capital !== undefined)
    await saveCapitalPolicyState(documents, account, next.capital, loaded.capital.version);
  await saveRiskState(documents, account, next.risk, loaded.risk.version);
  await saveDegradeState(documents, account, next.degrade, loaded.degrade.version);
  await saveCursorStallState(documents, account, next.cursorStalls, loaded.cursorStalls.version);
}

// Every stage 4 state document of an account, read at the start of a cycle: one GetItem each (seven),
// sent at once, so a quiet cycle reads its whole state in one round trip. Each comes with the version its
// save must name. A corrupt document fails the whole load (CorruptStateError naming its key; the first in
// the order below when several are), so no cycle acts on part of its state.

import type { FreezeState } from '../../../domain/oms/unknown-order-freeze';
import type { CapitalPolicyState } from '../../../domain/portfolio/capital-policy';
import type { CursorStallState } from '../../../domain/risk/anomalies';
import type { DegradeState, OperatorOverride } from '../../../domain/risk/degrade';
import type { RiskState } from '../../../domain/risk/risk-budget';
import type { DocumentStore, Versioned } from '../../../ports/state-store';
import { loadCapitalPolicyState } from './capital-policy-state';
import { loadCursorStallState } from './cursor-stall-state';
import { loadDegradeOverride } from './degrade-override';
import { loadDegradeState } from './degrade-state';
import { loadFreezeState } from './freeze-state';
import { loadRiskState } from './risk-state';
import { loadUniverseState, type UniverseState } from './universe-state';

export interface Stage4State {
  readonly risk: Versioned<RiskState | undefined>;
  readonly degrade: Versioned<DegradeState>;
  readonly cursorStalls: Versioned<CursorStallState>;
  readonly universe: Versioned<UniverseState>;
  readonly capital: Versioned<CapitalPolicyState | undefined>;
  readonly freeze: Versioned<FreezeState>;
  readonly degradeOverride: Versioned<OperatorOverride | undefined>;
}

/** @throws CorruptStateError a stored document is not valid; the store's own errors as they come */
export async function loadStage4State(documents: DocumentStore, account: string): Promise<Stage4State> {
  const reads = [
    loadRiskState(documents, account),
    loadDegradeState(documents, account),
    loadCursorStallState(documents, account),
    loadUniverseState(documents, account),
    loadCapitalPolicyState(documents, account),
    loadFreezeState(documents, account),
    loadDegradeOverride(documents, account),
  ] as const;
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [risk, degrade, cursorStalls, universe, capital, freeze, degradeOverride] = await Promise.all(reads);
  return { risk, degrade, cursorStalls, universe, capital, freeze, degradeOverride };
}

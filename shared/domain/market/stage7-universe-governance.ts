// Spec 4.5 step 7: governance of the eligible symbols, in rank order. A new symbol (not in the universe in
// force) is skipped while in cooldown and until it has passed probation; a change that would push the day's
// churn past its limit keeps the universe in force; a removed symbol cools down. Symbols in force are never
// held back by cooldown or probation (as stage 4's fix 9.2.14). A fix: a skipped symbol's slot goes to the
// next eligible one; the reference judged only the top STAGE7_UNIVERSE_SIZE, so a symbol in cooldown at the
// top pushed a symbol in force out and left its slot empty (an empty universe falls back to SYMBOLS).
import type { Stage7UniverseSettings } from './stage7-universe-input';
import type { Stage7UniverseSymbolState } from './stage7-universe-state';

export type GovernanceSkip = 'cooldown' | 'probation';

export interface GovernanceInput {
  readonly nowMs: number;
  /** Eligible symbols in rank order */
  readonly eligible: readonly string[];
  /** The universe in force, rank order, at most STAGE7_UNIVERSE_SIZE */
  readonly inForce: readonly string[];
  readonly states: ReadonlyMap<string, Stage7UniverseSymbolState>;
  /** Churn of the selections of the last 24 h */
  readonly churnLast24h: number;
}

export interface GovernanceOutcome {
  readonly selected: readonly string[];
  readonly churnGuarded: boolean;
  readonly skipped: readonly { readonly symbol: string; readonly reason: GovernanceSkip }[];
  /** Every symbol state, changed ones included */
  readonly states: ReadonlyMap<string, Stage7UniverseSymbolState>;
}

type GovernanceSettings = Pick<
  Stage7UniverseSettings,
  | 'STAGE7_UNIVERSE_SIZE'
  | 'STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES'
  | 'STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC'
  | 'STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY'
>;

export function governUniverse(g: GovernanceInput, s: GovernanceSettings): GovernanceOutcome {
  const inForce = new Set(g.inForce);
  const states = new Map(g.states);
  const stateOf = (symbol: string) => states.get(symbol) ?? { symbol, probationPasses: 0 };
  const admitted: string[] = [];
  const skipped: { symbol: string; reason: GovernanceSkip }[] = [];
  for (const symbol of g.eligible) {
    if (admitted.length >= s.STAGE7_UNIVERSE_SIZE) break;
    if (inForce.has(symbol)) {
      admitted.push(symbol);
      continue;
    }
    const st = stateOf(symbol);
    if (st.cooldownUntilMs !== undefined && g.nowMs < st.cooldownUntilMs) {
      skipped.push({ symbol, reason: 'cooldown' });
      continue;
    }
    // a pass counts even when the churn guard then keeps the universe: the symbol was in the top on fresh data
    const probationPasses = st.probationPasses + 1;
    states.set(symbol, { ...st, probationPasses });
    if (probationPasses < s.STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES) skipped.push({ symbol, reason: 'probation' });
    else admitted.push(symbol);
  }
  const admittedSet = new Set(admitted);
  const additions = admitted.filter((x) => !inForce.has(x));
  const removals = g.inForce.filter((x) => !admittedSet.has(x));
  const churn = additions.length + removals.length;
  if (g.inForce.length > 0 && g.churnLast24h + churn > s.STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY) {
    return { selected: g.inForce, churnGuarded: true, skipped, states };
  }
  for (const symbol of additions) states.set(symbol, { ...stateOf(symbol), lastAddedMs: g.nowMs });
  const cooldownUntilMs = g.nowMs + s.STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC * 1000;
  for (const symbol of removals) {
    states.set(symbol, { ...stateOf(symbol), probationPasses: 0, cooldownUntilMs, lastRemovedMs: g.nowMs });
  }
  return { selected: admitted, churnGuarded: false, skipped, states };
}

// Stage 7 universe selection (spec 4.5) as a pure function of the market read this cycle and the state the
// previous selection left: discover, measure, score, exclude, govern, or freeze on the universe in force.
// Invariants: never more than STAGE7_UNIVERSE_SIZE symbols; the same input in any order gives the same
// outcome; a frozen cycle with a universe in force keeps it (truncated to size) and changes no governance
// state (the reference still ran governance, cooling down symbols that stayed selected). The caller persists
// `state` and, when `selected` is empty, uses the configured symbols (spec 4.2 step 9).
import { discoverCandidates, operatorExclusionOf } from './stage7-universe-discovery';
import { type GovernanceSkip, governUniverse } from './stage7-universe-governance';
import {
  checkUniverseInput,
  checkUniverseSettings,
  type Stage7UniverseInput,
  type Stage7UniverseSettings,
} from './stage7-universe-input';
import {
  type CandidateMetrics,
  measureCandidates,
  SCORE_EXCLUSION_CODES,
  type ScoreExclusionCode,
  type Stage7ScoredCandidate,
  scoreCandidates,
} from './stage7-universe-scoring';
import {
  FREEZE_REASON_NAMES,
  type FreezeReason,
  type Stage7UniverseState,
  type Stage7UniverseSymbolState,
} from './stage7-universe-state';
import { compareSymbols } from './universe-scan';

const DAY_MS = 86_400_000;

export const FREEZE_PREVIOUS_UNIVERSE = 'freeze_previous_universe';
/** Ours: the churn guard kept the universe in force (the reference kept it without saying why) */
export const CHURN_GUARD_KEEP_PREVIOUS = 'churn_guard_keep_previous';

export interface Stage7UniverseOutcome {
  /** The universe in force after this cycle, rank order */
  readonly selected: readonly string[];
  readonly frozen: boolean;
  readonly churnGuarded: boolean;
  /** Discovered candidates, sorted */
  readonly candidates: readonly string[];
  /** Every candidate scored, rank order, with the exclusions that apply to it */
  readonly ranked: readonly Stage7ScoredCandidate[];
  readonly governanceSkips: readonly { readonly symbol: string; readonly reason: GovernanceSkip }[];
  /** Against the previous universe, sorted */
  readonly additions: readonly string[];
  readonly removals: readonly string[];
  /** To persist (stage7_universe_state, role STAGE7) */
  readonly state: Stage7UniverseState;
}

/** @throws ValidationError settings or input that cannot be true (see checkUniverseSettings/checkUniverseInput) */
export function selectStage7Universe(input: Stage7UniverseInput, s: Stage7UniverseSettings): Stage7UniverseOutcome {
  checkUniverseSettings(s);
  checkUniverseInput(input);
  const { nowMs, previous } = input;
  const previousSelected = previous?.selected ?? [];
  // the operator's lists bind a kept universe too; listing and metadata need exchange info, which may be down
  const inForce = previousSelected
    .filter((symbol) => operatorExclusionOf(symbol, s) === undefined)
    .slice(0, s.STAGE7_UNIVERSE_SIZE);
  const discovery = discoverCandidates(input.pairs, s);
  const metrics = measureCandidates(discovery.candidates, input, s);
  const freezeReasons = freezeReasonsOf(input, metrics, s);
  const ranked = scoreCandidates(metrics, s);
  const states = new Map((previous?.symbolStates ?? []).map((st) => [st.symbol, st]));
  const churnLog = (previous?.churnLog ?? []).filter((e) => e.atMs >= nowMs - DAY_MS);

  const frozen = freezeReasons.length > 0 && previousSelected.length > 0;
  const governed = frozen
    ? undefined
    : governUniverse(
        {
          nowMs,
          eligible: ranked.filter((c) => c.exclusions.length === 0).map((c) => c.metrics.symbol),
          inForce,
          states,
          churnLast24h: churnLog.reduce((sum, e) => sum + e.churn, 0),
        },
        s,
      );
  const selected = governed?.selected ?? inForce;
  const chosen = new Set(selected);
  const before = new Set(previousSelected);
  const additions = selected.filter((x) => !before.has(x)).sort(compareSymbols);
  const removals = previousSelected.filter((x) => !chosen.has(x)).sort(compareSymbols);
  const churn = additions.length + removals.length;
  // the first universe is no churn: counting it would block every change for a day after the first cycle.
  // Forced removals (a symbol the operator now excludes, a smaller size) count, but nothing holds them back.
  if (previousSelected.length > 0 && churn > 0) churnLog.push({ atMs: nowMs, churn });

  const reasons = [
    ...(frozen ? [FREEZE_PREVIOUS_UNIVERSE] : []),
    ...(governed?.churnGuarded ? [CHURN_GUARD_KEEP_PREVIOUS] : []),
    ...freezeReasons.map((r) => FREEZE_REASON_NAMES[r]),
  ];
  const excludedCounts = {
    ...discovery.excluded,
    ...countExclusions(ranked),
    churn_additions: additions.length,
    churn_removals: removals.length,
    churn_total: churn,
  };
  const state: Stage7UniverseState = {
    atMs: nowMs,
    selected,
    scored: ranked.filter((c) => chosen.has(c.metrics.symbol)),
    reasons,
    freezeReason: freezeReasons[0],
    freezeReasons,
    excludedCounts,
    churnLog,
    symbolStates: keptStates(governed?.states ?? states, nowMs),
  };
  return {
    selected,
    frozen,
    churnGuarded: governed?.churnGuarded ?? false,
    candidates: discovery.candidates,
    ranked,
    governanceSkips: governed?.skipped ?? [],
    additions,
    removals,
    state,
  };
}

/** Spec 4.5 step 2: degraded exchange, observe-only, and any candidate whose data age is missing or too old */
export function freezeReasonsOf(
  input: Pick<Stage7UniverseInput, 'exchangeDegraded' | 'observeOnly'>,
  metrics: readonly CandidateMetrics[],
  s: Pick<Stage7UniverseSettings, 'STAGE7_MAX_DATA_AGE_SEC'>,
): FreezeReason[] {
  const maxAgeMs = s.STAGE7_MAX_DATA_AGE_SEC * 1000;
  const stale = metrics.some((m) => m.ageMs === undefined || m.ageMs > maxAgeMs);
  return [
    ...(input.exchangeDegraded ? (['EXCHANGE_DEGRADED'] as const) : []),
    ...(input.observeOnly ? (['OBSERVE_ONLY'] as const) : []),
    ...(stale ? (['STALE_DATA'] as const) : []),
  ];
}

function countExclusions(ranked: readonly Stage7ScoredCandidate[]): Record<ScoreExclusionCode, number> {
  const counts = Object.fromEntries(SCORE_EXCLUSION_CODES.map((c) => [c, 0])) as Record<ScoreExclusionCode, number>;
  for (const c of ranked) for (const code of c.exclusions) counts[code] += 1;
  return counts;
}

/** By symbol, without rows that hold nothing any more (no probation pass, no cooldown ahead) */
function keptStates(states: ReadonlyMap<string, Stage7UniverseSymbolState>, nowMs: number) {
  return [...states.values()]
    .filter((st) => st.probationPasses > 0 || (st.cooldownUntilMs !== undefined && st.cooldownUntilMs > nowMs))
    .sort((a, b) => compareSymbols(a.symbol, b.symbol));
}

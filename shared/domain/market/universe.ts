// Dynamic universe selection (spec 3.3) as a pure function of a snapshot: reuse a young selection, else
// filter, measure, score and rank the candidates, take the top UNIVERSE_TOP_N, and let the churn guard keep
// the selection in force when the day's changes are used up. Invariants: never more than UNIVERSE_TOP_N
// symbols; the same snapshot in any order gives the same result; a currently selected symbol is never
// held back by probation (9.2.14). The caller persists `stateUpdates`, `midObservations` and the cycle row.
import type { Decision } from '../decision';
import { assessSymbol, type MeasuredSymbol, type ScoredSymbol } from './universe-assess';
import {
  checkUniverseSnapshot,
  type UniverseSettings,
  type UniverseSnapshot,
  type UniverseSymbolState,
} from './universe-input';
import type { UniverseMidPoint } from './universe-metrics';
import {
  candidatePairs,
  compareSymbols,
  INELIGIBLE_CODES,
  type IneligibleCode,
  refreshDue,
  scanPlan,
  staticExclusion,
} from './universe-scan';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface UniverseOutcome {
  /** The selection in force after this cycle, rank order */
  readonly symbols: readonly string[];
  /** False when the selection in force was young enough to reuse (stored with refreshed=0) */
  readonly refreshed: boolean;
  readonly churnGuarded: boolean;
  /** Every eligible symbol, by score desc then symbol asc */
  readonly ranked: readonly ScoredSymbol[];
  /** Every symbol whose book had both sides, by symbol */
  readonly measured: readonly MeasuredSymbol[];
  readonly ineligibleCounts: Readonly<Record<IneligibleCode, number>>;
  /** Changed dynamic_universe_symbol_state rows, by symbol */
  readonly stateUpdates: readonly UniverseSymbolState[];
  /** Mids of fresh books for universe_price_cache, keyed by the start of their history bucket */
  readonly midObservations: readonly UniverseMidPoint[];
  /** The selection changes counted on the UTC day starting at `changesDayStartMs`, this cycle's included */
  readonly changesDayStartMs: number;
  readonly changesToday: number;
  readonly decisions: readonly Decision[];
}

/** @throws ValidationError when the snapshot holds something that cannot be true */
export function selectUniverse(snapshot: UniverseSnapshot, s: UniverseSettings): UniverseOutcome {
  checkUniverseSnapshot(snapshot);
  const { nowMs, previous } = snapshot;
  const changesDayStartMs = nowMs - (nowMs % DAY_MS);
  const changesToday = previous?.changesDayStartMs === changesDayStartMs ? previous.changesToday : 0;
  const inForce = keptSelection(snapshot, s);
  const counts = Object.fromEntries(INELIGIBLE_CODES.map((c) => [c, 0])) as Record<IneligibleCode, number>;
  if (!refreshDue(previous, nowMs, s)) {
    const decisions: Decision[] = [
      { layer: 'universe', code: 'selection_reused', action: 'DEFER', scope: 'global' },
      ...inForce.map((symbol) => selected(symbol)),
    ];
    return {
      symbols: inForce,
      refreshed: false,
      churnGuarded: false,
      ranked: [],
      measured: [],
      ineligibleCounts: counts,
      stateUpdates: [],
      midObservations: [],
      changesDayStartMs,
      changesToday,
      decisions,
    };
  }

  const plan = scanPlan(snapshot, s);
  const verdicts = new Map<string, IneligibleCode>(plan.refused);
  const states = new Map(snapshot.symbolStates.map((st) => [st.symbol, st]));
  const books = new Map(snapshot.books.map((b) => [b.symbol, b]));
  const updates = new Map<string, UniverseSymbolState>();
  const measured: MeasuredSymbol[] = [];
  const midObservations: UniverseMidPoint[] = [];
  const ranked: ScoredSymbol[] = [];
  for (const symbol of plan.requests) {
    const history = snapshot.midHistory.filter((p) => p.symbol === symbol);
    const state = states.get(symbol);
    const a = assessSymbol({ symbol, nowMs, book: books.get(symbol), history, state }, s);
    if (a.measured) measured.push(a.measured);
    if (a.observation) midObservations.push(a.observation);
    if (a.scored) ranked.push(a.scored);
    if (a.verdict) verdicts.set(symbol, a.verdict);
    if (a.verdict === 'reject_1123') {
      const cooldownUntilMs = nowMs + s.UNIVERSE_SYMBOL_COOLDOWN_MINUTES * MINUTE_MS;
      updates.set(symbol, { ...stateOf(states, symbol), cooldownUntilMs });
    }
  }
  ranked.sort((a, b) => b.score.comparedTo(a.score) || compareSymbols(a.symbol, b.symbol));
  for (const code of verdicts.values()) counts[code] += 1;

  const top = ranked.slice(0, s.UNIVERSE_TOP_N).map((r) => r.symbol);
  const changed = previous !== undefined && !sameMembers(top, inForce);
  const churnGuarded = changed && changesToday + 1 > s.UNIVERSE_CHURN_MAX_PER_DAY;
  const symbols = churnGuarded ? inForce : top;
  const current = new Set(previous?.symbols ?? []);
  for (const symbol of symbols) {
    const base = updates.get(symbol) ?? stateOf(states, symbol);
    // Probation marks a symbol newly added; one kept in the selection keeps whatever it had
    const probationUntilMs = current.has(symbol)
      ? base.probationUntilMs
      : nowMs + s.UNIVERSE_PROBATION_MINUTES * MINUTE_MS;
    updates.set(symbol, { ...base, lastSelectedMs: nowMs, probationUntilMs });
  }

  const chosen = new Set(symbols);
  const topSet = new Set(top);
  const decisions: Decision[] = churnGuarded
    ? [{ layer: 'universe', code: 'churn_guard', action: 'BLOCK', scope: 'global' }]
    : [];
  for (const symbol of [...plan.candidates].sort(compareSymbols)) {
    const verdict = verdicts.get(symbol);
    if (chosen.has(symbol)) decisions.push(selected(symbol));
    else if (verdict !== undefined) decisions.push(dropped(symbol, verdict));
    else decisions.push(dropped(symbol, topSet.has(symbol) ? 'churn_guard' : 'not_in_top_n'));
  }
  return {
    symbols,
    refreshed: true,
    churnGuarded,
    ranked,
    measured: measured.sort((a, b) => compareSymbols(a.symbol, b.symbol)),
    ineligibleCounts: counts,
    stateUpdates: [...updates.values()].sort((a, b) => compareSymbols(a.symbol, b.symbol)),
    midObservations: midObservations.sort((a, b) => compareSymbols(a.symbol, b.symbol)),
    changesDayStartMs,
    changesToday: changed && !churnGuarded ? changesToday + 1 : changesToday,
    decisions,
  };
}

/**
 * The selection in force as it may still be used: symbols still listed as TRY trading pairs and not
 * excluded by the operator, at most UNIVERSE_TOP_N (the knobs may have changed since it was chosen)
 */
function keptSelection(snapshot: UniverseSnapshot, s: UniverseSettings): string[] {
  const bases = new Map(candidatePairs(snapshot).map((p) => [p.symbol, p.base]));
  return (snapshot.previous?.symbols ?? [])
    .filter((symbol) => {
      const base = bases.get(symbol);
      return base !== undefined && staticExclusion(symbol, base, s) === undefined;
    })
    .slice(0, s.UNIVERSE_TOP_N);
}

const stateOf = (states: ReadonlyMap<string, UniverseSymbolState>, symbol: string): UniverseSymbolState =>
  states.get(symbol) ?? { symbol, rejects1123: 0 };

const sameMembers = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

const selected = (symbol: string): Decision => ({
  layer: 'universe',
  code: 'selected',
  action: 'ACCEPT',
  scope: 'symbol',
  symbol,
});

const dropped = (symbol: string, code: string): Decision => ({
  layer: 'universe',
  code,
  action: 'DROP',
  scope: 'symbol',
  symbol,
});

// What a stage 7 universe selection leaves for the next one and for the cycle trace (spec 4.5 step 9,
// stage7_universe_state and stage7_universe_symbol_state in one document per role), and its persisted form:
// JSON with decimals as plain strings and absent metrics as null. The churn log holds only the last 24 h,
// so the document never grows with history.
import { ValidationError, type ValidationIssue } from '../errors';
import { type Dec, dec, isDecimalString, toPlain } from '../money';
import { SCORE_EXCLUSION_CODES, type ScoreExclusionCode, type Stage7ScoredCandidate } from './stage7-universe-scoring';

/** Spec 4.5 step 2, in the order they are checked; the first one found is the freeze reason */
export const FREEZE_REASONS = ['EXCHANGE_DEGRADED', 'OBSERVE_ONLY', 'STALE_DATA'] as const;
export type FreezeReason = (typeof FREEZE_REASONS)[number];

/** Spec 4.5 step 8: the names the selection's reasons carry */
export const FREEZE_REASON_NAMES: Readonly<Record<FreezeReason, string>> = {
  EXCHANGE_DEGRADED: 'exchange_degraded',
  OBSERVE_ONLY: 'observe_only',
  STALE_DATA: 'stale_market_data',
};

/** Governance of one symbol (spec 4.5 step 7); times are epoch ms */
export interface Stage7UniverseSymbolState {
  readonly symbol: string;
  /** Cycles a new symbol was among the eligible top; reset when it leaves the universe */
  readonly probationPasses: number;
  readonly cooldownUntilMs?: number | undefined;
  readonly lastAddedMs?: number | undefined;
  readonly lastRemovedMs?: number | undefined;
}

/** Additions plus removals of one selection that changed a non-empty universe */
export interface ChurnEntry {
  readonly atMs: number;
  readonly churn: number;
}

export interface Stage7UniverseState {
  readonly atMs: number;
  /** The universe in force, rank order */
  readonly selected: readonly string[];
  /** The scores of the selected symbols that were scored this cycle, rank order */
  readonly scored: readonly Stage7ScoredCandidate[];
  readonly reasons: readonly string[];
  readonly freezeReason?: FreezeReason | undefined;
  readonly freezeReasons: readonly FreezeReason[];
  /** Every exclusion code (0 when none) and churn_additions, churn_removals, churn_total */
  readonly excludedCounts: Readonly<Record<string, number>>;
  readonly churnLog: readonly ChurnEntry[];
  /** By symbol; rows that no longer hold anything are dropped */
  readonly symbolStates: readonly Stage7UniverseSymbolState[];
}

export interface ScoredRecord {
  readonly symbol: string;
  readonly liquidity_score: string;
  readonly spread_score: string;
  readonly volatility_score: string;
  readonly total_score: string;
  readonly volume_try: string | null;
  readonly spread_bps: string | null;
  readonly volatility: string | null;
  readonly age_ms: number | null;
  readonly exclusions: readonly string[];
}

export interface Stage7UniverseStateRecord {
  readonly at_ms: number;
  readonly selected_symbols: readonly string[];
  readonly scored: readonly ScoredRecord[];
  readonly reasons: readonly string[];
  readonly freeze_reason: string | null;
  readonly freeze_reasons: readonly string[];
  readonly excluded_counts: Readonly<Record<string, number>>;
  readonly churn_log: readonly { readonly at_ms: number; readonly churn: number }[];
  readonly symbol_states: readonly {
    readonly symbol: string;
    readonly probation_passes: number;
    readonly cooldown_until_ms: number | null;
    readonly last_added_ms: number | null;
    readonly last_removed_ms: number | null;
  }[];
}

const plainOrNull = (x: Dec | undefined): string | null => (x === undefined ? null : toPlain(x));

export const universeStateRecord = (s: Stage7UniverseState): Stage7UniverseStateRecord => ({
  at_ms: s.atMs,
  selected_symbols: [...s.selected],
  scored: s.scored.map((c) => ({
    symbol: c.metrics.symbol,
    liquidity_score: toPlain(c.liquidityScore),
    spread_score: toPlain(c.spreadScore),
    volatility_score: toPlain(c.volatilityScore),
    total_score: toPlain(c.totalScore),
    volume_try: plainOrNull(c.metrics.quoteVolumeTry),
    spread_bps: plainOrNull(c.metrics.spreadBps),
    volatility: plainOrNull(c.metrics.volatility),
    age_ms: c.metrics.ageMs ?? null,
    exclusions: [...c.exclusions],
  })),
  reasons: [...s.reasons],
  freeze_reason: s.freezeReason ?? null,
  freeze_reasons: [...s.freezeReasons],
  excluded_counts: { ...s.excludedCounts },
  churn_log: s.churnLog.map((e) => ({ at_ms: e.atMs, churn: e.churn })),
  symbol_states: s.symbolStates.map((st) => ({
    symbol: st.symbol,
    probation_passes: st.probationPasses,
    cooldown_until_ms: st.cooldownUntilMs ?? null,
    last_added_ms: st.lastAddedMs ?? null,
    last_removed_ms: st.lastRemovedMs ?? null,
  })),
});

/**
 * The state from its persisted form; the store checks the shape, this the meaning (decimals, reason codes)
 * @throws ValidationError naming every field that cannot be read back
 */
export function universeStateFromRecord(r: Stage7UniverseStateRecord): Stage7UniverseState {
  const issues: ValidationIssue[] = [];
  const decimal = (text: string, path: string) => {
    if (isDecimalString(text)) return dec(text);
    issues.push({ path, message: `expected a plain decimal, was ${JSON.stringify(text)}` });
    return dec('0');
  };
  const optionalDecimal = (text: string | null, path: string) => (text === null ? undefined : decimal(text, path));
  const code = <C extends string>(known: readonly C[], text: string, path: string): C => {
    if (!(known as readonly string[]).includes(text)) {
      issues.push({ path, message: `expected one of ${known.join(', ')}, was ${JSON.stringify(text)}` });
    }
    return text as C;
  };
  const state: Stage7UniverseState = {
    atMs: r.at_ms,
    selected: [...r.selected_symbols],
    scored: r.scored.map((c, i) => ({
      metrics: {
        symbol: c.symbol,
        quoteVolumeTry: optionalDecimal(c.volume_try, `scored.${i}.volume_try`),
        spreadBps: optionalDecimal(c.spread_bps, `scored.${i}.spread_bps`),
        volatility: optionalDecimal(c.volatility, `scored.${i}.volatility`),
        ageMs: c.age_ms ?? undefined,
      },
      liquidityScore: decimal(c.liquidity_score, `scored.${i}.liquidity_score`),
      spreadScore: decimal(c.spread_score, `scored.${i}.spread_score`),
      volatilityScore: decimal(c.volatility_score, `scored.${i}.volatility_score`),
      totalScore: decimal(c.total_score, `scored.${i}.total_score`),
      exclusions: c.exclusions.map((x, j) =>
        code<ScoreExclusionCode>(SCORE_EXCLUSION_CODES, x, `scored.${i}.exclusions.${j}`),
      ),
    })),
    reasons: [...r.reasons],
    freezeReason: r.freeze_reason === null ? undefined : code(FREEZE_REASONS, r.freeze_reason, 'freeze_reason'),
    freezeReasons: r.freeze_reasons.map((c, i) => code(FREEZE_REASONS, c, `freeze_reasons.${i}`)),
    excludedCounts: { ...r.excluded_counts },
    churnLog: r.churn_log.map((e) => ({ atMs: e.at_ms, churn: e.churn })),
    symbolStates: r.symbol_states.map((st) => ({
      symbol: st.symbol,
      probationPasses: st.probation_passes,
      cooldownUntilMs: st.cooldown_until_ms ?? undefined,
      lastAddedMs: st.last_added_ms ?? undefined,
      lastRemovedMs: st.last_removed_ms ?? undefined,
    })),
  };
  if (issues.length > 0) throw new ValidationError('stage 7 universe state', issues);
  return state;
}

// The snapshot the dynamic universe (spec 3.3) decides from, and its sanity check. The adapters parse the
// venue and store with zod; this check refuses what parses but cannot be true (a crossed book, a book
// received after `nowMs`, a symbol listed twice), so one bad row never silently changes a ranking.
import { ValidationError, type ValidationIssue } from '../errors';
import type { PairMetadata } from '../exchange-rules';
import type { Dec } from '../money';
import { canonicalSymbol, isCanonicalPair } from '../symbols';
import type { BookLevel, ScoreWeights, UniverseBook, UniverseMidPoint } from './universe-metrics';

/** The knobs of spec 1.14 that the dynamic universe reads, named as in shared/config/knobs.ts */
export interface UniverseSettings extends ScoreWeights {
  readonly UNIVERSE_TOP_N: number;
  readonly UNIVERSE_SPREAD_MAX_BPS: Dec;
  readonly UNIVERSE_MIN_DEPTH_TRY: Dec;
  readonly UNIVERSE_EXCLUDE_STABLES: boolean;
  /** Canonical symbols (BTCTRY), as the knob parser produces them */
  readonly UNIVERSE_EXCLUDE_SYMBOLS: readonly string[];
  readonly UNIVERSE_REFRESH_MINUTES: number;
  readonly UNIVERSE_HISTORY_BUCKET_MINUTES: number;
  readonly UNIVERSE_HISTORY_TOLERANCE_MINUTES: number;
  readonly UNIVERSE_ORDERBOOK_MAX_AGE_SECONDS: number;
  readonly UNIVERSE_SYMBOL_COOLDOWN_MINUTES: number;
  readonly UNIVERSE_PROBATION_MINUTES: number;
  readonly UNIVERSE_REJECT_WINDOW_MINUTES: number;
  readonly UNIVERSE_REJECT_1123_THRESHOLD: number;
  readonly UNIVERSE_CHURN_MAX_PER_DAY: number;
  readonly UNIVERSE_SCAN_BUDGET_SYMBOLS: number;
  readonly UNIVERSE_MAX_ORDERBOOK_REQUESTS_PER_CYCLE: number;
}

export type UniversePair = Pick<PairMetadata, 'symbol' | 'base' | 'quote' | 'status'>;

/** One row of dynamic_universe_symbol_state; times in ms, absent when never set */
export interface UniverseSymbolState {
  readonly symbol: string;
  readonly lastSelectedMs?: number | undefined;
  readonly probationUntilMs?: number | undefined;
  readonly cooldownUntilMs?: number | undefined;
  /** Start of the symbol's 1123 reject window and the rejects counted in it */
  readonly rejectWindowStartMs?: number | undefined;
  readonly rejects1123: number;
}

/** The selection in force (the latest stored dynamic_universe_cycles row) */
export interface PreviousUniverse {
  /** Rank order */
  readonly symbols: readonly string[];
  /** When a refresh last chose it: the time of a real refresh, never of a reused copy (else it never ages) */
  readonly refreshedAtMs: number;
  /** Selection changes counted on the UTC day starting at `changesDayStartMs` */
  readonly changesDayStartMs: number;
  readonly changesToday: number;
}

export interface UniverseSnapshot {
  readonly nowMs: number;
  /** Pair metadata from exchange info: the TRY-quoted, trading pairs are the candidates */
  readonly pairs: readonly UniversePair[];
  /** The books the caller read, for the symbols `planOrderbookRequests` named */
  readonly books: readonly UniverseBook[];
  readonly midHistory: readonly UniverseMidPoint[];
  readonly symbolStates: readonly UniverseSymbolState[];
  readonly previous?: PreviousUniverse | undefined;
}

/** @throws ValidationError naming every field that cannot be true */
export function checkUniverseSnapshot(s: UniverseSnapshot): void {
  const issues: ValidationIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path, message });
  const time = (path: string, ms: number | undefined) => {
    if (ms !== undefined && !(Number.isSafeInteger(ms) && ms >= 0)) bad(path, `expected epoch ms, was ${ms}`);
  };
  time('nowMs', s.nowMs);
  unique(
    s.pairs.map((p) => symbolOf(p.symbol, `pairs.${p.symbol}`, bad)),
    'pairs',
    bad,
  );
  unique(
    s.books.map((b) => b.symbol),
    'books',
    bad,
  );
  for (const b of s.books) {
    const at = `books.${b.symbol}`;
    canonical(b.symbol, at, bad);
    time(`${at}.observedAtMs`, b.observedAtMs);
    if (b.observedAtMs > s.nowMs) bad(`${at}.observedAtMs`, `expected <= nowMs ${s.nowMs}, was ${b.observedAtMs}`);
    level(b.bestBid, `${at}.bestBid`, bad);
    level(b.bestAsk, `${at}.bestAsk`, bad);
    const { bestBid, bestAsk } = b;
    if (bestBid && bestAsk?.price.lt(bestBid.price)) {
      bad(`${at}.bestAsk`, `expected ask >= bid ${bestBid.price.toFixed()}, was ${bestAsk.price.toFixed()}`);
    }
  }
  unique(
    s.midHistory.map((p) => `${p.symbol}@${p.atMs}`),
    'midHistory',
    bad,
  );
  for (const p of s.midHistory) {
    canonical(p.symbol, `midHistory.${p.symbol}`, bad);
    time(`midHistory.${p.symbol}.atMs`, p.atMs);
    if (!p.mid.isFinite() || p.mid.lte(0)) bad(`midHistory.${p.symbol}@${p.atMs}`, `expected mid > 0, was ${p.mid}`);
  }
  unique(
    s.symbolStates.map((st) => st.symbol),
    'symbolStates',
    bad,
  );
  for (const st of s.symbolStates) {
    const at = `symbolStates.${st.symbol}`;
    canonical(st.symbol, at, bad);
    time(`${at}.lastSelectedMs`, st.lastSelectedMs);
    time(`${at}.probationUntilMs`, st.probationUntilMs);
    time(`${at}.cooldownUntilMs`, st.cooldownUntilMs);
    time(`${at}.rejectWindowStartMs`, st.rejectWindowStartMs);
    if (!(Number.isSafeInteger(st.rejects1123) && st.rejects1123 >= 0)) {
      bad(`${at}.rejects1123`, `expected a count >= 0, was ${st.rejects1123}`);
    }
  }
  if (s.previous) {
    const p = s.previous;
    for (const symbol of p.symbols) canonical(symbol, `previous.symbols.${symbol}`, bad);
    unique(p.symbols, 'previous.symbols', bad);
    time('previous.refreshedAtMs', p.refreshedAtMs);
    if (p.refreshedAtMs > s.nowMs)
      bad('previous.refreshedAtMs', `expected <= nowMs ${s.nowMs}, was ${p.refreshedAtMs}`);
    time('previous.changesDayStartMs', p.changesDayStartMs);
    if (p.changesDayStartMs > s.nowMs) {
      bad('previous.changesDayStartMs', `expected <= nowMs ${s.nowMs}, was ${p.changesDayStartMs}`);
    }
    if (!(Number.isSafeInteger(p.changesToday) && p.changesToday >= 0)) {
      bad('previous.changesToday', `expected a count >= 0, was ${p.changesToday}`);
    }
  }
  if (issues.length > 0) throw new ValidationError('universe snapshot', issues);
}

/** Where a check reports a problem: the field's path and what was wrong */
export type Bad = (path: string, message: string) => void;

function symbolOf(raw: string, path: string, bad: Bad): string {
  try {
    return canonicalSymbol(raw);
  } catch {
    bad(path, `expected a symbol like BTCTRY, was ${JSON.stringify(raw)}`);
    return raw;
  }
}

export function canonical(symbol: string, path: string, bad: Bad): void {
  if (!isCanonicalPair(symbol)) bad(path, `expected a canonical symbol like BTCTRY, was ${JSON.stringify(symbol)}`);
}

export function unique(keys: readonly string[], path: string, bad: Bad): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) bad(path, `expected each entry once, ${key} was listed twice`);
    seen.add(key);
  }
}

function level(l: BookLevel | undefined, path: string, bad: Bad): void {
  if (l === undefined) return;
  if (!l.price.isFinite() || l.price.lte(0)) bad(`${path}.price`, `expected > 0, was ${l.price}`);
  if (!l.qty.isFinite() || l.qty.lte(0)) bad(`${path}.qty`, `expected > 0, was ${l.qty}`);
}

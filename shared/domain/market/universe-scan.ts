// Which candidates a dynamic universe refresh (spec 3.3) looks at, before any book is read: the filters that
// need no market data, the scan budget and the orderbook request budget. The caller reads books for exactly
// `planOrderbookRequests`, and the selection replays the same plan, so no budget is exceeded by either.
// Probation (9.2.14 fix): it holds back a symbol added recently that has since dropped out, never a symbol
// that is currently selected (the reference put every selected symbol on probation and then excluded it).
import { canonicalSymbol } from '../symbols';
import type { PreviousUniverse, UniverseSettings, UniverseSnapshot } from './universe-input';

/** The spec's filters in their order: a symbol is counted under the first one it fails */
export const INELIGIBLE_CODES = [
  'cooldown',
  'probation',
  'excluded_symbol',
  'stable_symbol',
  'scan_budget_exhausted',
  'orderbook_unavailable',
  'stale_orderbook',
  'depth_unavailable',
  'spread_too_wide',
  'insufficient_depth',
  'insufficient_history',
  'reject_1123',
] as const;
export type IneligibleCode = (typeof INELIGIBLE_CODES)[number];

export const STABLE_BASES: readonly string[] = ['USDT', 'USDC', 'DAI', 'TUSD', 'FDUSD', 'BUSD'];

const MINUTE_MS = 60_000;

export type ScanInput = Pick<UniverseSnapshot, 'nowMs' | 'pairs' | 'symbolStates' | 'previous'>;
export type ScanSettings = Pick<
  UniverseSettings,
  | 'UNIVERSE_TOP_N'
  | 'UNIVERSE_EXCLUDE_STABLES'
  | 'UNIVERSE_EXCLUDE_SYMBOLS'
  | 'UNIVERSE_REFRESH_MINUTES'
  | 'UNIVERSE_SCAN_BUDGET_SYMBOLS'
  | 'UNIVERSE_MAX_ORDERBOOK_REQUESTS_PER_CYCLE'
>;

export interface ScanPlan {
  /** Canonical TRY-quoted trading pairs, in scan order */
  readonly candidates: readonly string[];
  /** Candidates refused before any book is read, with the first filter they failed */
  readonly refused: ReadonlyMap<string, IneligibleCode>;
  /** Candidates whose book the refresh reads, in scan order, within both budgets */
  readonly requests: readonly string[];
}

/** True when no selection exists or the one in force is at least UNIVERSE_REFRESH_MINUTES old */
export const refreshDue = (previous: PreviousUniverse | undefined, nowMs: number, s: ScanSettings): boolean =>
  previous === undefined || nowMs - previous.refreshedAtMs >= s.UNIVERSE_REFRESH_MINUTES * MINUTE_MS;

/** The symbols whose order books this cycle's refresh needs: none when the selection in force is reused */
export const planOrderbookRequests = (input: ScanInput, s: ScanSettings): readonly string[] =>
  refreshDue(input.previous, input.nowMs, s) ? scanPlan(input, s).requests : [];

export function scanPlan(input: ScanInput, s: ScanSettings): ScanPlan {
  const current = new Set(input.previous?.symbols ?? []);
  const states = new Map(input.symbolStates.map((st) => [st.symbol, st]));
  const bases = new Map(candidatePairs(input).map((p) => [p.symbol, p.base]));
  // Currently selected symbols first, so the budgets never drop a selected symbol for want of a book
  // read; then by symbol, so the plan does not depend on the order of the venue's pair list.
  const candidates = [...bases.keys()].sort(
    (a, b) => Number(current.has(b)) - Number(current.has(a)) || compareSymbols(a, b),
  );
  const refused = new Map<string, IneligibleCode>();
  const scanned: string[] = [];
  for (const symbol of candidates) {
    const st = states.get(symbol);
    const code: IneligibleCode | undefined =
      st?.cooldownUntilMs !== undefined && st.cooldownUntilMs > input.nowMs
        ? 'cooldown'
        : st?.probationUntilMs !== undefined && st.probationUntilMs > input.nowMs && !current.has(symbol)
          ? 'probation'
          : staticExclusion(symbol, bases.get(symbol) ?? '', s);
    if (code !== undefined) refused.set(symbol, code);
    else scanned.push(symbol);
  }
  const scanBudget = Math.max(s.UNIVERSE_TOP_N, s.UNIVERSE_SCAN_BUDGET_SYMBOLS);
  for (const symbol of scanned.slice(scanBudget)) refused.set(symbol, 'scan_budget_exhausted');
  const inBudget = scanned.slice(0, scanBudget);
  for (const symbol of inBudget.slice(s.UNIVERSE_MAX_ORDERBOOK_REQUESTS_PER_CYCLE)) {
    refused.set(symbol, 'orderbook_unavailable');
  }
  return { candidates, refused, requests: inBudget.slice(0, s.UNIVERSE_MAX_ORDERBOOK_REQUESTS_PER_CYCLE) };
}

/** The operator's exclusions: they bind every selection, a kept or reused one too */
export function staticExclusion(symbol: string, base: string, s: ScanSettings): IneligibleCode | undefined {
  if (s.UNIVERSE_EXCLUDE_SYMBOLS.includes(symbol)) return 'excluded_symbol';
  if (s.UNIVERSE_EXCLUDE_STABLES && STABLE_BASES.includes(base.toUpperCase())) return 'stable_symbol';
  return undefined;
}

export function candidatePairs(input: Pick<ScanInput, 'pairs'>): { symbol: string; base: string }[] {
  return input.pairs
    .filter((p) => p.quote.toUpperCase() === 'TRY' && p.status.toUpperCase() === 'TRADING')
    .map((p) => ({ symbol: canonicalSymbol(p.symbol), base: p.base }));
}

/** Code-unit order, the same on every runtime (localeCompare is not) */
export const compareSymbols = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

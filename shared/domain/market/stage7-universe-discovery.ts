// Spec 4.5 step 3: stage 7's candidates from exchange info. Each pair row is judged on its own and counted
// under the first check it fails, in the spec's order; the candidates are the passing symbols, sorted unique.
// One check is ours: a pair whose status is not TRADING is excluded (`excluded_by_status`), since a halted
// pair would hold a universe slot the order builder can never use.
import type { PairMetadata } from '../exchange-rules';
import { type Dec, dec, isDecimalString, maxDec } from '../money';
import { canonicalSymbol, splitSymbol } from '../symbols';
import type { Stage7UniverseSettings } from './stage7-universe-input';
import { compareSymbols } from './universe-scan';

export const DISCOVERY_CODES = [
  'excluded_by_symbol_missing',
  'excluded_by_quote',
  'excluded_by_allowlist',
  'excluded_by_denylist',
  'excluded_by_status',
  'excluded_by_metadata_missing',
  'excluded_by_min_notional',
  'excluded_by_min_qty',
  'excluded_by_step_size',
] as const;
export type DiscoveryCode = (typeof DISCOVERY_CODES)[number];

type OperatorSettings = Pick<
  Stage7UniverseSettings,
  'STAGE7_UNIVERSE_QUOTE_CCY' | 'STAGE7_UNIVERSE_WHITELIST' | 'STAGE7_UNIVERSE_BLACKLIST'
>;

export interface Discovery {
  /** Canonical symbols, sorted unique */
  readonly candidates: readonly string[];
  /** Pair rows per first failed check */
  readonly excluded: Readonly<Record<DiscoveryCode, number>>;
}

export function discoverCandidates(pairs: readonly PairMetadata[], s: OperatorSettings): Discovery {
  const excluded = Object.fromEntries(DISCOVERY_CODES.map((c) => [c, 0])) as Record<DiscoveryCode, number>;
  const passed = new Set<string>();
  for (const pair of pairs) {
    const verdict = discoveryVerdict(pair, s);
    if (typeof verdict === 'string') excluded[verdict] += 1;
    else passed.add(verdict.symbol);
  }
  return { candidates: [...passed].sort(compareSymbols), excluded };
}

/** The pair's canonical symbol, or the first check it fails */
export function discoveryVerdict(pair: PairMetadata, s: OperatorSettings): DiscoveryCode | { symbol: string } {
  const symbol = symbolOf(pair.symbol);
  if (symbol === undefined) return 'excluded_by_symbol_missing';
  const operator = operatorExclusion(symbol, pair.quote, s);
  if (operator !== undefined) return operator;
  if (pair.status.toUpperCase() !== 'TRADING') return 'excluded_by_status';
  return metadataExclusion(pair) ?? { symbol };
}

/**
 * The operator's rules (quote currency, allowlist, denylist): configuration, so they also bind a previous
 * selection kept while exchange info is unavailable
 */
export function operatorExclusion(symbol: string, quote: string, s: OperatorSettings): DiscoveryCode | undefined {
  if (quote.trim().toUpperCase() !== s.STAGE7_UNIVERSE_QUOTE_CCY.trim().toUpperCase()) return 'excluded_by_quote';
  const allow = s.STAGE7_UNIVERSE_WHITELIST ?? [];
  if (allow.length > 0 && !allow.includes(symbol)) return 'excluded_by_allowlist';
  if ((s.STAGE7_UNIVERSE_BLACKLIST ?? []).includes(symbol)) return 'excluded_by_denylist';
  return undefined;
}

/** For a canonical symbol whose pair row is not at hand (a kept previous selection) */
export const operatorExclusionOf = (symbol: string, s: OperatorSettings): DiscoveryCode | undefined =>
  operatorExclusion(symbol, splitSymbol(symbol).quote, s);

/**
 * Min notional (the largest published candidate), min qty and price scale: all three absent is missing
 * metadata; a present one must be usable. Unreadable text counts as absent, as the reference reads it.
 */
function metadataExclusion(pair: PairMetadata): DiscoveryCode | undefined {
  const readable = pair.minNotionalCandidates.filter(isDecimalString).map(dec);
  const minNotional = readable.length > 0 ? readable.reduce((a: Dec, b: Dec) => maxDec(a, b)) : undefined;
  const minQty = pair.minQty !== undefined && isDecimalString(pair.minQty) ? dec(pair.minQty) : undefined;
  const scale = Number.isFinite(pair.denominatorScale) ? pair.denominatorScale : undefined;
  if (minNotional === undefined && minQty === undefined && scale === undefined) return 'excluded_by_metadata_missing';
  if (minNotional?.lte(0)) return 'excluded_by_min_notional';
  if (minQty?.lte(0)) return 'excluded_by_min_qty';
  if (scale !== undefined && scale < 0) return 'excluded_by_step_size';
  return undefined;
}

function symbolOf(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return canonicalSymbol(raw);
  } catch {
    return undefined;
  }
}

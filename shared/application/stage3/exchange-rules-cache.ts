// Exchange rules per symbol for one cycle (spec 2.9): derived from exchangeinfo and looked up by any spelling
// of the pair (3.19 aliases); when it cannot be read, dry-run falls back to default rules and live blocks
// the symbol (rules undefined). The gateway keeps exchangeinfo for RULES_CACHE_TTL_SEC and hands out the
// same list meanwhile, so the rules derived from a list are kept with it (per container, for as long as the
// list is): a cycle re-derives nothing while the list is fresh.
import {
  deriveRules,
  type ExchangeRules,
  fallbackRules,
  type PairMetadata,
  rulesKey,
  rulesLookup,
} from '../../domain/exchange-rules';
import { type Dec, dec, minDec } from '../../domain/money';
import { splitSymbol } from '../../domain/symbols';
import type { Exchange } from '../../ports/exchange';
import type { Stage3Settings } from './stage3-settings';

export type RulesLookup = (symbol: string) => ExchangeRules | undefined;

export interface LoadedRules {
  readonly rules: RulesLookup;
  /**
   * The smallest order value the venue publishes for the pair (BTCTurk minExchangeValue, in its quote), our
   * own minimums left out: the least any client's order there holds. Undefined when none is known.
   */
  readonly venueMinNotional: (symbol: string) => Dec | undefined;
}

type RulesSettings = Pick<
  Stage3Settings,
  'STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY' | 'MIN_ORDER_NOTIONAL_TRY' | 'EXECUTION_FALLBACK_MIN_NOTIONAL_TRY'
>;

const derivedByList = new WeakMap<readonly PairMetadata[], Map<string, LoadedRules>>();

export async function loadRules(exchange: Exchange, settings: RulesSettings, live: boolean): Promise<LoadedRules> {
  let pairs: PairMetadata[];
  try {
    pairs = await exchange.exchangeInfo();
  } catch {
    const rules: RulesLookup = live ? () => undefined : (symbol) => fallbackOf(symbol, settings);
    return { rules, venueMinNotional: () => undefined };
  }
  const key = `${settings.STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY}|${settings.MIN_ORDER_NOTIONAL_TRY}`;
  const kept = derivedByList.get(pairs) ?? new Map<string, LoadedRules>();
  derivedByList.set(pairs, kept);
  const known = kept.get(key);
  if (known !== undefined) return known;
  const loaded = deriveAll(pairs, settings);
  kept.set(key, loaded);
  return loaded;
}

function deriveAll(pairs: readonly PairMetadata[], settings: RulesSettings): LoadedRules {
  const defaults = {
    safeMinNotional: settings.STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY,
    internalMinNotional: settings.MIN_ORDER_NOTIONAL_TRY,
  };
  const derived: ExchangeRules[] = [];
  const minimums = new Map<string, Dec>();
  for (const meta of pairs) {
    try {
      derived.push(deriveRules(meta, defaults));
    } catch {
      // invalid metadata for one pair blocks that pair only (it has no rules)
    }
    const published = meta.minNotionalCandidates.map(dec).filter((c) => c.gt(0));
    if (published.length > 0) minimums.set(rulesKey(meta.symbol), published.reduce(minDec));
  }
  return { rules: rulesLookup(derived), venueMinNotional: (symbol) => minimums.get(rulesKey(symbol)) };
}

function fallbackOf(symbol: string, settings: RulesSettings): ExchangeRules {
  const { base, quote } = splitSymbol(rulesKey(symbol));
  return fallbackRules({
    symbol: rulesKey(symbol),
    base,
    quote,
    tickSize: dec('0.01'),
    qtyStep: dec('0.00000001'),
    minNotional: settings.EXECUTION_FALLBACK_MIN_NOTIONAL_TRY,
  });
}

// Exchange rules per symbol for one cycle (spec 2.9): derived from exchangeinfo and looked up by any spelling
// of the pair (3.19 aliases); when it cannot be read, dry-run falls back to default rules and live blocks
// the symbol (rules undefined).
import { deriveRules, type ExchangeRules, fallbackRules, rulesKey, rulesLookup } from '../../domain/exchange-rules';
import { dec } from '../../domain/money';
import { splitSymbol } from '../../domain/symbols';
import type { Exchange } from '../../ports/exchange';
import type { Stage3Settings } from './stage3-settings';

export type RulesLookup = (symbol: string) => ExchangeRules | undefined;

export async function loadRules(exchange: Exchange, settings: Stage3Settings, live: boolean): Promise<RulesLookup> {
  const defaults = {
    safeMinNotional: settings.STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY,
    internalMinNotional: settings.MIN_ORDER_NOTIONAL_TRY,
  };
  const derived: ExchangeRules[] = [];
  try {
    for (const meta of await exchange.exchangeInfo()) {
      try {
        derived.push(deriveRules(meta, defaults));
      } catch {
        // invalid metadata for one pair blocks that pair only (it has no rules)
      }
    }
  } catch {
    if (live) return () => undefined;
    return (symbol) => {
      const { base, quote } = splitSymbol(rulesKey(symbol));
      return fallbackRules({
        symbol: rulesKey(symbol),
        base,
        quote,
        tickSize: dec('0.01'),
        qtyStep: dec('0.00000001'),
        minNotional: settings.EXECUTION_FALLBACK_MIN_NOTIONAL_TRY,
      });
    };
  }
  return rulesLookup(derived);
}

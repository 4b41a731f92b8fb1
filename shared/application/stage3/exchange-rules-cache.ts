// Exchange rules per symbol for one cycle (spec 2.9): derived from exchangeinfo; when it cannot be read,
// dry-run falls back to default rules and live blocks the symbol (rules undefined).
import { deriveRules, type ExchangeRules, fallbackRules } from '../../domain/exchange-rules';
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
  const bySymbol = new Map<string, ExchangeRules>();
  try {
    for (const meta of await exchange.exchangeInfo()) {
      try {
        const rules = deriveRules(meta, defaults);
        bySymbol.set(rules.symbol, rules);
      } catch {
        // invalid metadata for one pair blocks that pair only (it has no rules)
      }
    }
  } catch {
    if (live) return () => undefined;
    return (symbol) => {
      const { base, quote } = splitSymbol(symbol);
      return fallbackRules({
        symbol,
        base,
        quote,
        tickSize: dec('0.01'),
        qtyStep: dec('0.00000001'),
        minNotional: settings.EXECUTION_FALLBACK_MIN_NOTIONAL_TRY,
      });
    };
  }
  return (symbol) => bySymbol.get(symbol);
}

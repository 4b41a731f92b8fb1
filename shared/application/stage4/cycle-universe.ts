// The dynamic universe's read of the venue for one stage 4 cycle (spec 3.2 step 6, 3.3): exchange info and,
// when a refresh is due, the order books the scan plan names. decideCycle selects from what it returns.
import { ExchangeUnavailableError, ValidationError } from '../../domain/errors';
import { type PairMetadata, rulesKey } from '../../domain/exchange-rules';
import type { UniversePair, UniverseSettings } from '../../domain/market/universe-input';
import type { UniverseBook } from '../../domain/market/universe-metrics';
import { planOrderbookRequests } from '../../domain/market/universe-scan';
import type { Exchange } from '../../ports/exchange';
import type { CycleUniverseInput, EmptySelectionFallback } from './cycle-decide';
import type { UniverseState } from './state/universe-state';

export interface DynamicUniverseSettings {
  readonly DYNAMIC_UNIVERSE_ENABLED: boolean;
  readonly DYNAMIC_UNIVERSE_LIVE_FALLBACK_ENABLED: boolean;
}

export type CycleUniverseSettings = UniverseSettings &
  DynamicUniverseSettings & {
    readonly SYMBOLS: readonly string[];
  };

/**
 * What decideCycle's dynamic universe needs from the venue: exchange info (cached by the gateway) and, when a
 * refresh is due, the order books the scan plan names. Candidates are the configured symbols only: the
 * cycle's market snapshot, order refresh, fill ingestion and rules cover SYMBOLS, so a symbol outside them
 * could be ordered but never reconciled.
 * @returns undefined when DYNAMIC_UNIVERSE_ENABLED is off
 */
export async function readCycleUniverse(
  exchange: Pick<Exchange, 'exchangeInfo' | 'orderBookTop'>,
  state: UniverseState,
  live: boolean,
  s: CycleUniverseSettings,
  nowMs: number,
): Promise<CycleUniverseInput | undefined> {
  if (!s.DYNAMIC_UNIVERSE_ENABLED) return undefined;
  const emptyFallback: EmptySelectionFallback = !live
    ? 'dry_run'
    : s.DYNAMIC_UNIVERSE_LIVE_FALLBACK_ENABLED
      ? 'live'
      : 'none';
  const base = { state, nowMs, emptyFallback };
  let listed: PairMetadata[];
  try {
    listed = await exchange.exchangeInfo();
  } catch (e) {
    if (!(e instanceof ExchangeUnavailableError || e instanceof ValidationError)) throw e;
    return { ...base, pairs: undefined, books: [] };
  }
  const configured = new Set(s.SYMBOLS.map(rulesKey));
  // one pair per symbol, however many spellings the venue lists it under: the selection refuses a repeat
  const bySymbol = new Map<string, UniversePair>();
  for (const p of listed) {
    const symbol = rulesKey(p.symbol);
    if (configured.has(symbol) && !bySymbol.has(symbol))
      bySymbol.set(symbol, { symbol, base: p.base, quote: p.quote, status: p.status });
  }
  const pairs = [...bySymbol.values()];
  const requests = planOrderbookRequests(
    { nowMs, pairs, symbolStates: state.symbolStates, previous: state.previous },
    s,
  );
  const books: UniverseBook[] = [];
  for (const symbol of requests) {
    try {
      const top = await exchange.orderBookTop(symbol);
      books.push({
        symbol,
        bestBid: { price: top.bid, qty: top.bidQty },
        bestAsk: { price: top.ask, qty: top.askQty },
        // judged at the time the scan was planned: a book received since counts as observed then, and a
        // book the venue served already old keeps its age
        observedAtMs: Math.min(top.receivedAtMs, top.stampedAtMs, nowMs),
      });
    } catch (e) {
      if (!(e instanceof ExchangeUnavailableError || e instanceof ValidationError)) throw e;
    }
  }
  return { ...base, pairs, books };
}

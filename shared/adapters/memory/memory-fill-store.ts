// In-memory fills keyed by (account, canonical symbol, trade id): adding one twice changes nothing.
import { canonicalSymbol } from '../../domain/symbols';
import type { Fill, FillStore } from '../../ports/state-store';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class MemoryFillStore implements FillStore {
  readonly #fills = new Map<string, Fill>();

  /** @throws SymbolFormatError the fill's symbol cannot be normalized */
  async add(fill: Fill): Promise<boolean> {
    const key = `${fill.account}\u0000${canonicalSymbol(fill.symbol)}\u0000${fill.tradeId}`;
    if (this.#fills.has(key)) return false;
    this.#fills.set(key, Object.freeze({ ...fill }));
    return true;
  }

  /** Fills at or after `sinceMs`, in (timestamp, trade id) order */
  async list(account: string, symbol: string, sinceMs: number): Promise<Fill[]> {
    const wanted = canonicalSymbol(symbol);
    return [...this.#fills.values()]
      .filter((f) => f.account === account && canonicalSymbol(f.symbol) === wanted && f.timestampMs >= sinceMs)
      .sort((a, b) => a.timestampMs - b.timestampMs || compare(a.tradeId, b.tradeId));
  }
}

// Balances per asset as total and locked decimals; free = total - locked. Locking happens on order entry,
// release on cancel or fill; a lock larger than free is refused (the caller answers 1122).
import { type Dec, dec, ZERO } from '../../shared/domain/money';

interface Holding {
  total: Dec;
  locked: Dec;
}

export interface BalanceView {
  readonly asset: string;
  readonly total: Dec;
  readonly locked: Dec;
  readonly free: Dec;
}

export class Accounts {
  readonly #holdings = new Map<string, Holding>();

  constructor(initial: Readonly<Record<string, string>>) {
    for (const [asset, amount] of Object.entries(initial)) this.set(asset, amount);
  }

  set(asset: string, total: string): void {
    this.#holding(asset).total = dec(total);
  }

  #holding(asset: string): Holding {
    const key = asset.toUpperCase();
    let h = this.#holdings.get(key);
    if (!h) {
      h = { total: ZERO, locked: ZERO };
      this.#holdings.set(key, h);
    }
    return h;
  }

  free(asset: string): Dec {
    const h = this.#holding(asset);
    return h.total.sub(h.locked);
  }

  /** Locks `amount` when free covers it; false otherwise */
  tryLock(asset: string, amount: Dec): boolean {
    if (this.free(asset).lt(amount)) return false;
    const h = this.#holding(asset);
    h.locked = h.locked.add(amount);
    return true;
  }

  release(asset: string, amount: Dec): void {
    const h = this.#holding(asset);
    h.locked = h.locked.sub(amount);
  }

  /** Adds a signed amount to the total (fills: credit positive, debit negative) */
  adjust(asset: string, delta: Dec): void {
    const h = this.#holding(asset);
    h.total = h.total.add(delta);
  }

  list(): BalanceView[] {
    return [...this.#holdings.entries()].map(([asset, h]) => ({
      asset,
      total: h.total,
      locked: h.locked,
      free: h.total.sub(h.locked),
    }));
  }
}

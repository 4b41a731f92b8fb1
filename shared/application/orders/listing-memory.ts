// What one stage 3 cycle hands the next about listing (issue 12), kept per exchange connection, i.e. per
// container, with no stored state: when every configured symbol was last listed (open orders and fills;
// at least every FULL_LISTING_PERIOD_SECONDS), the balances it read, and the symbols where fills may still
// be new (reads that failed or were skipped, orders resting, in flight or just placed).
//
// Every fill, whoever's order made it, moves the totals of both assets of its pair: a total that differs
// from the previous cycle's read points at the pairs of that asset. An order the reconcile function settles
// between two cycles, or one another writer placed, is found this way although no cycle's journal read
// showed it (fills that net to zero on both assets, two opposite fills whose fees exactly offset their
// price difference, wait for the next full listing; the fill window reaches back to the symbol's cursor).
//
// A cycle takes the memory when it starts listing and gives it back only when it completes, so a cycle that
// fails half-way leaves none, and a new container has none: a cycle without memory lists everything. Stage 3
// runs under a single-writer lease, so whichever container runs a cycle, nothing a previous cycle saw is
// lost, and every configured symbol is listed at least once per period of cycles a container runs.
import { ZERO } from '../../domain/money';
import type { Balance } from '../../ports/exchange';

interface Memory {
  readonly lastFullAtMs: number;
  readonly fillSymbols: readonly string[];
  /** Total per asset (plain decimal text) as the cycle read it; undefined when the read failed */
  readonly totals: ReadonlyMap<string, string> | undefined;
}

const memories = new WeakMap<object, Memory>();

export interface ListingPlan {
  /** Whether this cycle lists every configured symbol */
  readonly due: boolean;
  /** Symbols the previous cycle left where fills may be new */
  readonly carried: readonly string[];
  /**
   * Assets whose total differs from the previous cycle's read (a fill there may be new), upper case;
   * undefined when either read is missing (then any asset may have moved)
   */
  movedAssets(balances: readonly Balance[] | undefined): string[] | undefined;
  /**
   * Gives the memory back at the end of a completed cycle. @param listedAll every configured symbol was
   * listed without a failure; @param fillSymbols where the next cycle must ask for fills
   */
  finish(listedAll: boolean, fillSymbols: readonly string[], balances: readonly Balance[] | undefined): void;
}

const totalsOf = (balances: readonly Balance[]) => new Map(balances.map((b) => [b.asset.toUpperCase(), b.total]));

/** @param connection the exchange connection the listings go through (its identity is the container's) */
export function takeListingPlan(connection: object, nowMs: number, periodSeconds: number): ListingPlan {
  const memory = memories.get(connection);
  memories.delete(connection);
  const due =
    memory === undefined || nowMs - memory.lastFullAtMs >= periodSeconds * 1000 || nowMs < memory.lastFullAtMs;
  return {
    due,
    carried: memory?.fillSymbols ?? [],
    movedAssets(balances) {
      const before = memory?.totals;
      if (before === undefined || balances === undefined) return undefined;
      const now = totalsOf(balances);
      const assets = new Set([...before.keys(), ...now.keys()]);
      return [...assets].filter((a) => !(now.get(a) ?? ZERO).eq(before.get(a) ?? '0')).sort();
    },
    finish(listedAll, fillSymbols, balances) {
      const lastFullAtMs = due && listedAll ? nowMs : memory?.lastFullAtMs;
      if (lastFullAtMs === undefined) return;
      const totals = balances && new Map([...totalsOf(balances)].map(([a, t]) => [a, t.toFixed()]));
      memories.set(connection, { lastFullAtMs, fillSymbols: [...new Set(fillSymbols)], totals });
    },
  };
}

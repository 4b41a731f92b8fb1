// Which assets hold more than the orders we know can explain (issue 12): the balances answer says, per
// asset, how much is locked. When every locked amount is explained by the orders just listed for the
// symbols we track, no foreign order can rest on a pair of that asset, and listing every configured symbol
// would tell nothing new; an unexplained amount lists every configured pair of its asset at once, so a
// foreign order is seen in the cycle its locked amount appears (spec 2.11 step 5).
//
// What an order locks (BTCTURK_API 7.2; the simulator's engine): a SELL its left base quantity, exactly; a
// BUY its left quote value price x left plus a commission reserve whose rate is not documented (the FAQ's
// example reserves 0.18 %, the simulator 0.108 %): we allow up to BUY_LOCK_RESERVE_MAX. An in-flight order
// of ours that the listing did not show may or may not rest, so it explains anything from nothing to its
// whole lock. The room between what our orders may lock at most and at least is where a foreign order
// could hide; an asset is explained only when that room is smaller than the smallest order the venue takes
// there: zero room for an asset some configured pair trades as its base (a foreign SELL may be tiny in base
// units), and less than the smallest published minimum value of the configured pairs quoted in it
// otherwise. Everything unsure errs toward listing: a withdrawal request's lock, an unknown minimum, a
// reserve above the allowance.
import { type Dec, dec, ZERO } from '../../domain/money';
import { splitSymbol } from '../../domain/symbols';
import type { Balance } from '../../ports/exchange';

/** The largest BUY commission reserve the venue is assumed to lock, as a fraction of the order's value */
export const BUY_LOCK_RESERVE_MAX = dec('0.005');

/** An order that may hold funds: listed ones with their venue `leftQty`, in-flight ones with their full `qty` */
export interface LockingOrder {
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly price: Dec;
  readonly leftQty: Dec;
  /** Listed by the venue just now (its lock is certain) or in flight and unlisted (it may lock nothing) */
  readonly certain: boolean;
}

export interface LockCheck {
  readonly balances: readonly Balance[];
  readonly orders: readonly LockingOrder[];
  readonly configuredSymbols: readonly string[];
  /** The venue's smallest order value on a pair, in its quote (undefined: unknown) */
  readonly venueMinNotional: (symbol: string) => Dec | undefined;
}

interface Range {
  least: Dec;
  most: Dec;
}

/** @returns the assets (upper case, sorted) whose locked amount our orders do not explain */
export function unexplainedAssets(check: LockCheck): string[] {
  const ranges = new Map<string, Range>();
  const range = (asset: string): Range => {
    let r = ranges.get(asset);
    if (r === undefined) {
      r = { least: ZERO, most: ZERO };
      ranges.set(asset, r);
    }
    return r;
  };
  for (const o of check.orders) {
    const { base, quote } = splitSymbol(o.symbol);
    const held = o.side === 'SELL' ? o.leftQty : o.leftQty.mul(o.price);
    const most = o.side === 'SELL' ? held : held.mul(BUY_LOCK_RESERVE_MAX.add(1));
    const r = range(o.side === 'SELL' ? base : quote);
    r.least = r.least.add(o.certain ? held : ZERO);
    r.most = r.most.add(most);
  }
  const pairs = check.configuredSymbols.map((symbol) => ({ symbol, ...splitSymbol(symbol) }));
  const unexplained: string[] = [];
  for (const b of check.balances) {
    const asset = b.asset.toUpperCase();
    if (!b.locked.gt(0)) continue;
    const r = ranges.get(asset) ?? { least: ZERO, most: ZERO };
    const room = r.most.sub(r.least);
    if (b.locked.gt(r.most) || !roomTooSmallToHide(asset, room, pairs, check.venueMinNotional)) {
      unexplained.push(asset);
    }
  }
  return unexplained.sort();
}

function roomTooSmallToHide(
  asset: string,
  room: Dec,
  pairs: readonly { symbol: string; base: string; quote: string }[],
  venueMinNotional: (symbol: string) => Dec | undefined,
): boolean {
  if (room.isZero()) return true;
  if (pairs.some((p) => p.base === asset)) return false;
  const minimums = pairs.filter((p) => p.quote === asset).map((p) => venueMinNotional(p.symbol));
  return minimums.every((m) => m !== undefined && room.lt(m));
}

/** Configured symbols that trade any of `assets` (as base or quote), in configuration order */
export function symbolsTrading(assets: readonly string[], configuredSymbols: readonly string[]): string[] {
  const wanted = new Set(assets);
  return configuredSymbols.filter((symbol) => {
    const { base, quote } = splitSymbol(symbol);
    return wanted.has(base) || wanted.has(quote);
  });
}

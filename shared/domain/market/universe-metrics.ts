// The dynamic universe's per-symbol metrics and score (spec 3.3): spread and depth of the top of the book,
// 24 h momentum against a stored mid, and the weighted score. Exact decimals throughout: the score only
// ranks, but a float here would make the ranking of two close symbols depend on evaluation order.
import { type Dec, ONE } from '../money';

const BPS = 10_000;
const DAY_MS = 86_400_000;

export interface BookLevel {
  readonly price: Dec;
  readonly qty: Dec;
}

/** The top of one symbol's order book as read this cycle; a side is absent when the book had no level there */
export interface UniverseBook {
  readonly symbol: string;
  readonly bestBid?: BookLevel | undefined;
  readonly bestAsk?: BookLevel | undefined;
  /** When we received the book (our clock, ms): its age decides `stale_orderbook` */
  readonly observedAtMs: number;
}

/** A stored mid price (universe_price_cache): `atMs` is the start of its history bucket */
export interface UniverseMidPoint {
  readonly symbol: string;
  readonly atMs: number;
  readonly mid: Dec;
}

export interface TopOfBook {
  readonly bid: BookLevel;
  readonly ask: BookLevel;
}

export const midOf = (top: TopOfBook): Dec => top.bid.price.add(top.ask.price).div(2);

/** (ask - bid) / mid * 10000, over the two prices alone */
export const spreadBpsOf = (bid: Dec, ask: Dec): Dec => ask.sub(bid).div(bid.add(ask).div(2)).mul(BPS);

/** (ask - bid) / mid * 10000 of a book's top */
export const spreadBps = (top: TopOfBook): Dec => spreadBpsOf(top.bid.price, top.ask.price);

/** bid_qty * bid + ask_qty * ask, top level only, in TRY */
export const depthTry = (top: TopOfBook): Dec => top.bid.qty.mul(top.bid.price).add(top.ask.qty.mul(top.ask.price));

/**
 * The stored mid closest to 24 h before `nowMs`, at most `toleranceMs` away; on a tie the older one, so the
 * answer does not depend on the order of `history`
 */
export function mid24hAgo(history: readonly UniverseMidPoint[], nowMs: number, toleranceMs: number): Dec | undefined {
  const target = nowMs - DAY_MS;
  let best: UniverseMidPoint | undefined;
  for (const point of history) {
    const distance = Math.abs(point.atMs - target);
    if (distance > toleranceMs) continue;
    const bestDistance = best === undefined ? Number.POSITIVE_INFINITY : Math.abs(best.atMs - target);
    if (best === undefined || distance < bestDistance || (distance === bestDistance && point.atMs < best.atMs)) {
      best = point;
    }
  }
  return best?.mid;
}

/** mid / mid_24h_ago - 1 */
export const momentum24h = (mid: Dec, midDayAgo: Dec): Dec => mid.div(midDayAgo).sub(ONE);

export interface UniverseMetrics {
  readonly mid: Dec;
  readonly spreadBps: Dec;
  readonly depthTry: Dec;
  readonly momentum24h: Dec;
  /** 1123 rejects of the symbol inside the reject window */
  readonly rejects1123: number;
}

export interface ScoreWeights {
  readonly UNIVERSE_SCORE_WEIGHT_MOMENTUM: Dec;
  readonly UNIVERSE_SCORE_WEIGHT_SPREAD: Dec;
  readonly UNIVERSE_SCORE_WEIGHT_DEPTH: Dec;
  readonly UNIVERSE_REJECT_PENALTY_WEIGHT: Dec;
}

/** W_momentum * momentum - W_spread * spread_bps + W_depth * ln(depth_try + 1) - W_reject * rejects_1123 */
export const universeScore = (m: UniverseMetrics, w: ScoreWeights): Dec =>
  w.UNIVERSE_SCORE_WEIGHT_MOMENTUM.mul(m.momentum24h)
    .sub(w.UNIVERSE_SCORE_WEIGHT_SPREAD.mul(m.spreadBps))
    .add(w.UNIVERSE_SCORE_WEIGHT_DEPTH.mul(m.depthTry.add(ONE).ln()))
    .sub(w.UNIVERSE_REJECT_PENALTY_WEIGHT.mul(m.rejects1123));

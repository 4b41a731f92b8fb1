// One scanned symbol of a dynamic universe refresh (spec 3.3): the book-based filters in the spec's order,
// then the metrics and the score. Pure; the refresh gathers the verdicts, observations and scores.
import type { Dec } from '../money';
import type { UniverseSettings, UniverseSymbolState } from './universe-input';
import {
  depthTry,
  mid24hAgo,
  midOf,
  momentum24h,
  spreadBps,
  type UniverseBook,
  type UniverseMetrics,
  type UniverseMidPoint,
  universeScore,
} from './universe-metrics';
import type { IneligibleCode } from './universe-scan';

const MINUTE_MS = 60_000;

/** What a book read showed; `momentum24h` is absent when no mid of ~24 h ago was stored */
export interface MeasuredSymbol {
  readonly symbol: string;
  readonly mid: Dec;
  readonly spreadBps: Dec;
  readonly depthTry: Dec;
  readonly momentum24h?: Dec | undefined;
}

export interface ScoredSymbol {
  readonly symbol: string;
  readonly score: Dec;
  readonly metrics: UniverseMetrics;
}

export interface Assessment {
  /** The first filter the symbol failed; absent when it is eligible and `scored` is set */
  readonly verdict?: IneligibleCode;
  readonly scored?: ScoredSymbol;
  /** Set once the book had both sides */
  readonly measured?: MeasuredSymbol;
  /** The mid of a fresh book, for universe_price_cache */
  readonly observation?: UniverseMidPoint;
}

export interface AssessInput {
  readonly symbol: string;
  readonly nowMs: number;
  readonly book: UniverseBook | undefined;
  /** The symbol's stored mids */
  readonly history: readonly UniverseMidPoint[];
  readonly state: UniverseSymbolState | undefined;
}

export function assessSymbol(input: AssessInput, s: UniverseSettings): Assessment {
  const { symbol, nowMs, book } = input;
  if (book === undefined) return { verdict: 'orderbook_unavailable' };
  if (nowMs - book.observedAtMs > s.UNIVERSE_ORDERBOOK_MAX_AGE_SECONDS * 1000) return { verdict: 'stale_orderbook' };
  if (book.bestBid === undefined || book.bestAsk === undefined) return { verdict: 'depth_unavailable' };
  const top = { bid: book.bestBid, ask: book.bestAsk };
  const mid = midOf(top);
  const bucketMs = s.UNIVERSE_HISTORY_BUCKET_MINUTES * MINUTE_MS;
  const observation = { symbol, atMs: book.observedAtMs - (book.observedAtMs % bucketMs), mid };
  const dayAgo = mid24hAgo(input.history, nowMs, s.UNIVERSE_HISTORY_TOLERANCE_MINUTES * MINUTE_MS);
  const momentum = dayAgo === undefined ? undefined : momentum24h(mid, dayAgo);
  const measured = { symbol, mid, spreadBps: spreadBps(top), depthTry: depthTry(top), momentum24h: momentum };
  const refuse = (verdict: IneligibleCode): Assessment => ({ verdict, measured, observation });
  if (measured.spreadBps.gt(s.UNIVERSE_SPREAD_MAX_BPS)) return refuse('spread_too_wide');
  if (measured.depthTry.lt(s.UNIVERSE_MIN_DEPTH_TRY)) return refuse('insufficient_depth');
  if (momentum === undefined) return refuse('insufficient_history');
  const rejects1123 = rejectsInWindow(input.state, nowMs, s);
  if (rejects1123 >= s.UNIVERSE_REJECT_1123_THRESHOLD) return refuse('reject_1123');
  const metrics = {
    mid,
    spreadBps: measured.spreadBps,
    depthTry: measured.depthTry,
    momentum24h: momentum,
    rejects1123,
  };
  return { scored: { symbol, score: universeScore(metrics, s), metrics }, measured, observation };
}

/** The 1123 rejects counted in the symbol's window, 0 once the window has passed */
export function rejectsInWindow(st: UniverseSymbolState | undefined, nowMs: number, s: UniverseSettings): number {
  if (st?.rejectWindowStartMs === undefined) return 0;
  return nowMs - st.rejectWindowStartMs < s.UNIVERSE_REJECT_WINDOW_MINUTES * MINUTE_MS ? st.rejects1123 : 0;
}

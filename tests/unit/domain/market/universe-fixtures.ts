// Builders for dynamic universe snapshots (spec 3.3) shared by the universe tests

import type {
  UniversePair,
  UniverseSettings,
  UniverseSnapshot,
  UniverseSymbolState,
} from '../../../../shared/domain/market/universe-input';
import type { UniverseBook, UniverseMidPoint } from '../../../../shared/domain/market/universe-metrics';
import { dec } from '../../../../shared/domain/money';

export const MINUTE = 60_000;
export const DAY = 86_400_000;
/** 2025-01-15 12:00 UTC */
export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

/** The spec 1.14 defaults */
export const defaults: UniverseSettings = {
  UNIVERSE_TOP_N: 5,
  UNIVERSE_SPREAD_MAX_BPS: dec('60'),
  UNIVERSE_MIN_DEPTH_TRY: dec('50000'),
  UNIVERSE_EXCLUDE_STABLES: true,
  UNIVERSE_EXCLUDE_SYMBOLS: ['USDTTRY', 'USDCTRY', 'EURTRY'],
  UNIVERSE_REFRESH_MINUTES: 60,
  UNIVERSE_HISTORY_BUCKET_MINUTES: 5,
  UNIVERSE_HISTORY_TOLERANCE_MINUTES: 30,
  UNIVERSE_ORDERBOOK_MAX_AGE_SECONDS: 20,
  UNIVERSE_SYMBOL_COOLDOWN_MINUTES: 60,
  UNIVERSE_PROBATION_MINUTES: 120,
  UNIVERSE_REJECT_WINDOW_MINUTES: 240,
  UNIVERSE_REJECT_PENALTY_WEIGHT: dec('0.05'),
  UNIVERSE_REJECT_1123_THRESHOLD: 3,
  UNIVERSE_CHURN_MAX_PER_DAY: 1,
  UNIVERSE_SCAN_BUDGET_SYMBOLS: 50,
  UNIVERSE_MAX_ORDERBOOK_REQUESTS_PER_CYCLE: 50,
  UNIVERSE_SCORE_WEIGHT_MOMENTUM: dec('1'),
  UNIVERSE_SCORE_WEIGHT_SPREAD: dec('0.01'),
  UNIVERSE_SCORE_WEIGHT_DEPTH: dec('0.1'),
};

/** A TRY pair trading on the venue: `BTCTRY` has base `BTC` */
export const tryPair = (symbol: string): UniversePair => ({
  symbol,
  base: symbol.slice(0, -3),
  quote: 'TRY',
  status: 'TRADING',
});

export const book = (
  symbol: string,
  bid: string,
  ask: string,
  opts: { qty?: string; ageMs?: number; nowMs?: number } = {},
): UniverseBook => {
  const qty = dec(opts.qty ?? '100');
  return {
    symbol,
    bestBid: { price: dec(bid), qty },
    bestAsk: { price: dec(ask), qty },
    observedAtMs: (opts.nowMs ?? NOW) - (opts.ageMs ?? 0),
  };
};

/** A stored mid exactly 24 h (plus `offsetMs`) before NOW */
export const dayAgo = (symbol: string, mid: string, offsetMs = 0, nowMs = NOW): UniverseMidPoint => ({
  symbol,
  atMs: nowMs - DAY + offsetMs,
  mid: dec(mid),
});

export const state = (symbol: string, fields: Partial<UniverseSymbolState> = {}): UniverseSymbolState => ({
  symbol,
  rejects1123: 0,
  ...fields,
});

/** An eligible symbol under the defaults: book 1000/1002 x 100 (depth 200 200 TRY), mid 24 h ago `midDayAgo` */
export const eligible = (symbol: string, midDayAgo = '1001') => ({
  pair: tryPair(symbol),
  book: book(symbol, '1000', '1002'),
  history: dayAgo(symbol, midDayAgo),
});

export const snapshotOf = (
  parts: readonly ReturnType<typeof eligible>[],
  extra: Partial<UniverseSnapshot> = {},
): UniverseSnapshot => ({
  nowMs: NOW,
  pairs: parts.map((p) => p.pair),
  books: parts.map((p) => p.book),
  midHistory: parts.map((p) => p.history),
  symbolStates: [],
  ...extra,
});

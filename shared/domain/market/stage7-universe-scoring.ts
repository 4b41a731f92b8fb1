// Spec 4.5 steps 4-6: each candidate's metrics (quote volume, spread, data age, volatility), its scores
// normalised over ALL candidates with a value, the weighted total, the rank (total desc, symbol asc) and the
// exclusions judged after scoring. Exact decimals throughout (the volatility's square root too), so the
// ranking of two close symbols never depends on float rounding or on the order of the inputs.
import { scoreWeightsFromKnob } from '../adaptation/stage7-params';
import { type Dec, dec, ONE, sumDec, ZERO } from '../money';
import type { Stage7Book, Stage7Ticker, Stage7UniverseInput, Stage7UniverseSettings } from './stage7-universe-input';
import { spreadBpsOf } from './universe-metrics';
import { compareSymbols } from './universe-scan';

export interface CandidateMetrics {
  readonly symbol: string;
  readonly quoteVolumeTry?: Dec | undefined;
  readonly spreadBps?: Dec | undefined;
  readonly volatility?: Dec | undefined;
  /** now - book time, >= 0; absent when there was no book or it carried no time */
  readonly ageMs?: number | undefined;
}

export const SCORE_EXCLUSION_CODES = [
  'excluded_by_missing_spread',
  'excluded_by_max_spread_bps',
  'excluded_by_missing_volume',
  'excluded_by_min_quote_volume_try',
] as const;
export type ScoreExclusionCode = (typeof SCORE_EXCLUSION_CODES)[number];

export interface Stage7ScoredCandidate {
  readonly metrics: CandidateMetrics;
  readonly liquidityScore: Dec;
  readonly spreadScore: Dec;
  readonly volatilityScore: Dec;
  readonly totalScore: Dec;
  /** Empty when the candidate is eligible */
  readonly exclusions: readonly ScoreExclusionCode[];
}

/** The score of a metric a candidate lacks */
export const MISSING_METRIC_SCORE = dec('-1');
const HUNDRED = dec('100');

/**
 * Quote volume in TRY: `quoteVolume` when the source gives it, else `volume` x `last`. A fix: the spec reads
 * ticker `volume` as quote volume, but BTCTurk's is in base units, which would compare 23 BTC with a TRY floor.
 */
export function quoteVolumeTry(t: Stage7Ticker | undefined): Dec | undefined {
  if (t?.quoteVolume !== undefined) return t.quoteVolume;
  if (t?.volume === undefined || t.last === undefined || !t.last.gt(ZERO)) return undefined;
  return t.volume.mul(t.last);
}

/** (ask - bid) / mid x 10000, stage 4's formula; none when bid or ask <= 0 or the book is crossed */
export function bookSpreadBps(b: Stage7Book | undefined): Dec | undefined {
  if (b === undefined || !b.bid.gt(ZERO) || !b.ask.gt(ZERO) || b.ask.lt(b.bid)) return undefined;
  return spreadBpsOf(b.bid, b.ask);
}

/** Population standard deviation of close-to-close returns over the last max(2, lookback) candles */
export function returnsStdDev(closes: readonly Dec[], lookback: number): Dec | undefined {
  const usable = closes.slice(-Math.max(2, lookback)).filter((c) => c.gt(ZERO));
  if (usable.length < 2) return undefined;
  const returns = usable.slice(1).map((c, i) => c.sub(usable[i] as Dec).div(usable[i] as Dec));
  const mean = sumDec(returns).div(returns.length);
  return sumDec(returns.map((r) => r.sub(mean).pow(2)))
    .div(returns.length)
    .sqrt();
}

/** Spec 4.5 step 4: the candles' return std-dev, else (high - low) / last, else |priceChangePercent| / 100 */
export function volatilityOf(closes: readonly Dec[], t: Stage7Ticker | undefined, lookback: number): Dec | undefined {
  const fromCandles = returnsStdDev(closes, lookback);
  if (fromCandles !== undefined) return fromCandles;
  const { last, high, low } = t ?? {};
  if (last?.gt(ZERO) && high !== undefined && low !== undefined && high.gte(low)) return high.sub(low).div(last);
  return t?.priceChangePercent?.abs().div(HUNDRED);
}

export function measureCandidates(
  candidates: readonly string[],
  input: Stage7UniverseInput,
  s: Pick<Stage7UniverseSettings, 'STAGE7_VOL_LOOKBACK'>,
): CandidateMetrics[] {
  const tickers = new Map(input.tickers.map((t) => [t.symbol, t]));
  const books = new Map(input.books.map((b) => [b.symbol, b]));
  const candles = new Map(input.candles.map((c) => [c.symbol, c.closes]));
  return candidates.map((symbol) => {
    const ticker = tickers.get(symbol);
    const book = books.get(symbol);
    const observed = book?.observedAtMs;
    return {
      symbol,
      quoteVolumeTry: quoteVolumeTry(ticker),
      spreadBps: bookSpreadBps(book),
      volatility: volatilityOf(candles.get(symbol) ?? [], ticker, s.STAGE7_VOL_LOOKBACK),
      ageMs: observed === undefined ? undefined : Math.max(0, input.nowMs - observed),
    };
  });
}

interface Bounds {
  readonly min: Dec;
  readonly max: Dec;
}

function boundsOf(values: readonly (Dec | undefined)[]): Bounds | undefined {
  let b: Bounds | undefined;
  for (const v of values) {
    if (v === undefined) continue;
    b = b === undefined ? { min: v, max: v } : { min: v.lt(b.min) ? v : b.min, max: v.gt(b.max) ? v : b.max };
  }
  return b;
}

/** (v - min) / (max - min); 1 when max <= min; -1 when the metric is missing */
export function linearScore(v: Dec | undefined, b: Bounds | undefined): Dec {
  if (v === undefined || b === undefined) return MISSING_METRIC_SCORE;
  return b.max.lte(b.min) ? ONE : v.sub(b.min).div(b.max.sub(b.min));
}

/** 1 - (v - min) / (max - min); 1 when max <= min; -1 when the metric is missing */
export function inverseScore(v: Dec | undefined, b: Bounds | undefined): Dec {
  if (v === undefined || b === undefined) return MISSING_METRIC_SCORE;
  return b.max.lte(b.min) ? ONE : ONE.sub(v.sub(b.min).div(b.max.sub(b.min)));
}

/** Spec 4.5 step 6, every reason that applies */
export function scoreExclusions(
  m: CandidateMetrics,
  s: Pick<Stage7UniverseSettings, 'STAGE7_MAX_SPREAD_BPS' | 'STAGE7_MIN_QUOTE_VOLUME_TRY'>,
): ScoreExclusionCode[] {
  const out: ScoreExclusionCode[] = [];
  if (m.spreadBps === undefined) out.push('excluded_by_missing_spread');
  else if (s.STAGE7_MAX_SPREAD_BPS.gt(ZERO) && m.spreadBps.gt(s.STAGE7_MAX_SPREAD_BPS)) {
    out.push('excluded_by_max_spread_bps');
  }
  if (m.quoteVolumeTry === undefined) out.push('excluded_by_missing_volume');
  else if (m.quoteVolumeTry.lt(s.STAGE7_MIN_QUOTE_VOLUME_TRY)) out.push('excluded_by_min_quote_volume_try');
  return out;
}

/** Every candidate scored, in rank order: total desc, then symbol asc */
export function scoreCandidates(
  metrics: readonly CandidateMetrics[],
  s: Pick<Stage7UniverseSettings, 'STAGE7_SCORE_WEIGHTS' | 'STAGE7_MAX_SPREAD_BPS' | 'STAGE7_MIN_QUOTE_VOLUME_TRY'>,
): Stage7ScoredCandidate[] {
  const w = scoreWeightsFromKnob(s.STAGE7_SCORE_WEIGHTS);
  const liquidity = boundsOf(metrics.map((m) => m.quoteVolumeTry));
  const spread = boundsOf(metrics.map((m) => m.spreadBps));
  const volatility = boundsOf(metrics.map((m) => m.volatility));
  const scored = metrics.map((m) => {
    const liquidityScore = linearScore(m.quoteVolumeTry, liquidity);
    const spreadScore = inverseScore(m.spreadBps, spread);
    const volatilityScore = inverseScore(m.volatility, volatility);
    const totalScore = liquidityScore
      .mul(w.liquidity)
      .add(spreadScore.mul(w.spread))
      .add(volatilityScore.mul(w.volatility));
    return { metrics: m, liquidityScore, spreadScore, volatilityScore, totalScore, exclusions: scoreExclusions(m, s) };
  });
  return scored.sort(
    (a, b) => b.totalScore.comparedTo(a.totalScore) || compareSymbols(a.metrics.symbol, b.metrics.symbol),
  );
}

// Seeded candle stream: GARCH(1,1) log returns with occasional jumps, trading gaps (missing candles),
// volume and spread that rise with volatility. Floats inside; every emitted price is a tick-rounded string.
import { ceilToStep, type Dec, dec, floorToStep, maxDec } from '../../shared/domain/money';
import type { Candle } from './candle';
import type { PairPreset } from './pairs';
import { createPrng } from './prng';

export interface GarchParams {
  /** Weight of the last squared return (ARCH term) */
  readonly alpha: number;
  /** Weight of the last variance (GARCH term); alpha + beta < 1 */
  readonly beta: number;
  /** Probability of a jump per candle, and its standard size as a fraction of price */
  readonly jumpProbability: number;
  readonly jumpSize: number;
  /** Probability that a trading gap starts after a candle, and its maximum length in candles */
  readonly gapProbability: number;
  readonly maxGapCandles: number;
  /** Spread at average volatility, in basis points */
  readonly baseSpreadBps: number;
}

export const DEFAULT_GARCH: GarchParams = {
  alpha: 0.1,
  beta: 0.85,
  jumpProbability: 0.002,
  jumpSize: 0.015,
  gapProbability: 0.001,
  maxGapCandles: 5,
  baseSpreadBps: 4,
};

export interface CandleStreamOptions {
  readonly pair: PairPreset;
  readonly seed: number | string;
  readonly startMs: number;
  readonly intervalMs?: number;
  readonly params?: Partial<GarchParams>;
}

const MS_PER_YEAR = 365 * 24 * 3600 * 1000;

/** An endless, deterministic candle stream for one pair */
export function createCandleStream(options: CandleStreamOptions): () => Candle {
  const p = { ...DEFAULT_GARCH, ...options.params };
  if (p.alpha + p.beta >= 1) throw new RangeError(`alpha + beta must be < 1, was ${p.alpha + p.beta}`);
  const intervalMs = options.intervalMs ?? 60_000;
  const rng = createPrng(options.seed, `candles/${options.pair.symbol}`);
  const tick = dec(options.pair.tickSize);
  const longRunVar = options.pair.annualVol ** 2 * (intervalMs / MS_PER_YEAR);
  const omega = longRunVar * (1 - p.alpha - p.beta);
  const volumeScale = options.pair.baseVolumePerMinute * (intervalMs / 60_000);
  let variance = longRunVar;
  let lastReturn = 0;
  let price = Number(options.pair.startPrice);
  let timeMs = Math.floor(options.startMs / intervalMs) * intervalMs;
  const toTick = (x: number, round: (v: Dec, s: Dec) => Dec): string =>
    maxDec(round(dec(x.toFixed(12)), tick), tick).toFixed(options.pair.denominatorScale);
  return () => {
    variance = omega + p.alpha * lastReturn ** 2 + p.beta * variance;
    const sigma = Math.sqrt(variance);
    const jump = rng.next() < p.jumpProbability ? rng.normal() * p.jumpSize : 0;
    lastReturn = sigma * rng.normal() + jump;
    const open = price;
    const close = open * Math.exp(lastReturn);
    const wick = () => Math.abs(rng.normal()) * sigma * 0.6;
    const high = Math.max(open, close) * Math.exp(wick());
    const low = Math.min(open, close) * Math.exp(-wick());
    const volRatio = sigma / Math.sqrt(longRunVar);
    const volume =
      volumeScale * (0.4 + 0.6 * volRatio + Math.abs(lastReturn) / sigma / 2) * Math.exp(0.3 * rng.normal());
    const candle: Candle = {
      timeMs,
      open: toTick(open, nearest),
      high: toTick(high, ceilToStep),
      low: toTick(low, floorToStep),
      close: toTick(close, nearest),
      volume: volume.toFixed(options.pair.numeratorScale),
      spreadBps: (p.baseSpreadBps * volRatio ** 1.5).toFixed(2),
    };
    price = Number(candle.close);
    const gap = rng.next() < p.gapProbability ? 1 + rng.int(p.maxGapCandles) : 0;
    timeMs += intervalMs * (1 + gap);
    return candle;
  };
}

const nearest = (x: Dec, step: Dec): Dec => x.toNearest(step);

/** The first `count` candles of a stream */
export function generateCandles(options: CandleStreamOptions, count: number): Candle[] {
  const next = createCandleStream(options);
  return Array.from({ length: count }, next);
}

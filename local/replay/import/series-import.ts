// One symbol's bars turned into dataset rows, with no look-ahead: a bar's information is visible only at its
// close, so each row is stamped at open time + the series' interval (the median step of its first bars, the
// validator's own rule). Book: bid = close - half the spread, ask = close + half, rounded outward to the pair's
// tick (a candle source has no book; a zero spread would flatter every strategy that crosses it). Ticker: last
// = close, high/low/volume over the bars closed in the last 24 h (RollingDay). Bars must be strictly increasing
// in open time; their values must make sense (the dataset's candle rule).
import { ceilToStep, type Dec, floorToStep, maxDec, minDec, ZERO } from '../../../shared/domain/money';
import type { DatasetBuilder } from '../dataset-builder';
import { candleProblem } from '../dataset-rows';
import { medianStep, SAMPLE_STEPS } from '../gap-detector';
import { isoOf } from '../timestamps';
import { RollingDay } from './rolling-day';
import { type SourceBar, type SourceUnit, sourceError } from './source-bars';

/** Where a bar came from: errors and gaps name it */
export interface SourcePlace {
  readonly file: string;
  readonly unit: SourceUnit;
  readonly n: number;
}

/** Bars held until the interval is known: as many as the gap rule samples */
const SAMPLE_BARS = SAMPLE_STEPS + 1;

export interface SeriesSummary {
  readonly symbol: string;
  readonly rows: number;
  readonly intervalMs: number;
  /** Stamps of the first and the last row */
  readonly firstMs: number;
  readonly lastMs: number;
  readonly lastClose: Dec;
  /** The lowest low and the highest high of the series */
  readonly low: Dec;
  readonly high: Dec;
}

export class SeriesImport {
  readonly #held: { bar: SourceBar; place: SourcePlace }[] = [];
  readonly #day = new RollingDay();
  readonly #halfSpread: Dec;
  #intervalMs: number | undefined;
  #prev: { openMs: number; place: SourcePlace } | undefined;
  #rows = 0;
  #firstMs = 0;
  #lastMs = 0;
  #lastClose: Dec = ZERO;
  #low: Dec | undefined;
  #high: Dec = ZERO;

  constructor(
    readonly symbol: string,
    readonly tick: Dec,
    spreadBps: Dec,
    readonly builder: DatasetBuilder<SourcePlace>,
  ) {
    this.#halfSpread = spreadBps.div(20_000);
  }

  /** @throws ReplayDatasetError non_monotonic_timestamp or invalid_value naming the source file and line */
  add(bar: SourceBar, place: SourcePlace): void {
    const prev = this.#prev;
    if (prev !== undefined && bar.openMs <= prev.openMs)
      throw sourceError(
        'non_monotonic_timestamp',
        `expected an open time after ${isoOf(prev.openMs)} (${prev.place.file} ${prev.place.unit} ${prev.place.n}), was ${isoOf(bar.openMs)}`,
        place.file,
        place.unit,
        place.n,
      );
    const problem = candleProblem(bar.open, bar.high, bar.low, bar.close, bar.volume);
    if (problem !== undefined) throw sourceError('invalid_value', problem, place.file, place.unit, place.n);
    this.#prev = { openMs: bar.openMs, place };
    if (this.#intervalMs !== undefined) {
      this.#write(bar, place, this.#intervalMs);
      return;
    }
    this.#held.push({ bar, place });
    if (this.#held.length >= SAMPLE_BARS) this.#decide();
  }

  /** @throws ReplayDatasetError insufficient_rows when fewer than 2 bars came (no interval can be told) */
  finish(): SeriesSummary {
    const intervalMs = this.#decide();
    return {
      symbol: this.symbol,
      rows: this.#rows,
      intervalMs,
      firstMs: this.#firstMs,
      lastMs: this.#lastMs,
      lastClose: this.#lastClose,
      low: this.#low ?? ZERO,
      high: this.#high,
    };
  }

  #decide(): number {
    if (this.#intervalMs !== undefined) return this.#intervalMs;
    const interval = medianStep(this.#held.map((h) => h.bar.openMs));
    const at = this.#held[0]?.place;
    if (interval === undefined)
      throw sourceError(
        'insufficient_rows',
        `${this.symbol}: expected at least 2 bars to tell the bar interval, was ${this.#held.length}`,
        at?.file ?? this.symbol,
        at?.unit ?? 'line',
      );
    this.#intervalMs = interval;
    for (const { bar, place } of this.#held) this.#write(bar, place, interval);
    this.#held.length = 0;
    return interval;
  }

  #write(bar: SourceBar, place: SourcePlace, intervalMs: number): void {
    const tsMs = bar.openMs + intervalMs;
    const { close } = bar;
    const half = close.mul(this.#halfSpread);
    this.builder.candle(
      this.symbol,
      { tsMs, open: bar.open, high: bar.high, low: bar.low, close, volume: bar.volume },
      place,
    );
    this.builder.book(this.symbol, {
      tsMs,
      bid: floorToStep(close.sub(half), this.tick),
      ask: ceilToStep(close.add(half), this.tick),
    });
    this.#day.add(tsMs, bar.high, bar.low, bar.volume);
    this.builder.ticker(this.symbol, {
      tsMs,
      last: close,
      high: this.#day.high ?? bar.high,
      low: this.#day.low ?? bar.low,
      volume: this.#day.volume,
    });
    if (this.#rows === 0) this.#firstMs = tsMs;
    this.#rows += 1;
    this.#lastMs = tsMs;
    this.#lastClose = close;
    this.#low = this.#low === undefined ? bar.low : minDec(this.#low, bar.low);
    this.#high = maxDec(this.#high, bar.high);
  }
}

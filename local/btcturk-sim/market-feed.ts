// One pair's market as time passes: candles become current when the simulated clock reaches their open
// time; the quote (bid/ask) sits around the current close with the candle's spread, at least one tick wide.
import { ceilToStep, type Dec, dec, floorToStep, maxDec } from '../../shared/domain/money';
import type { Candle } from '../market/candle';
import type { SimPair } from './pairs';

/** A series, or a pull that returns the next candle (undefined: the series ended, the last one stays current) */
export type CandleSource = readonly Candle[] | (() => Candle | undefined);

export interface Quote {
  readonly bid: Dec;
  readonly ask: Dec;
  readonly last: Dec;
}

const HISTORY_LIMIT = 1440;

export class MarketFeed {
  readonly #pull: () => Candle | undefined;
  #next: Candle | undefined;
  #current: Candle;
  #quote: Quote;
  readonly history: Candle[] = [];

  constructor(
    readonly pair: SimPair,
    source: CandleSource,
    private readonly defaultSpreadBps: string,
  ) {
    let i = 0;
    this.#pull = typeof source === 'function' ? source : () => source[i++];
    const first = this.#pull();
    if (!first) throw new RangeError(`market for ${pair.symbol} has no candles`);
    this.#current = first;
    this.history.push(first);
    this.#next = this.#pull();
    this.#quote = this.#quoteOf(first);
  }

  get current(): Candle {
    return this.#current;
  }

  get quote(): Quote {
    return this.#quote;
  }

  /** Moves to `nowMs`, returning the candles that opened since the last call, oldest first */
  advanceTo(nowMs: number): Candle[] {
    const opened: Candle[] = [];
    while (this.#next && this.#next.timeMs <= nowMs) {
      opened.push(this.#next);
      this.#current = this.#next;
      this.history.push(this.#next);
      this.#next = this.#pull();
    }
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    if (opened.length > 0) this.#quote = this.#quoteOf(this.#current);
    return opened;
  }

  #quoteOf(c: Candle): Quote {
    const tick = this.pair.tick;
    const last = dec(c.close);
    const half = last.mul(dec(c.spreadBps ?? this.defaultSpreadBps)).div(20_000);
    const bid = maxDec(floorToStep(last.sub(half), tick), tick);
    const ask = maxDec(ceilToStep(last.add(half), tick), bid.add(tick));
    return { bid, ask, last };
  }
}

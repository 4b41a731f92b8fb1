// The Exchange port of a backtest: stage 7's public reads answered from a replay dataset at the replay clock.
// tickers() hands the cycle exactly what the real gateway hands it when the simulator replays the same dataset
// (`btcbot local --dataset`): the simulator lists one ticker item per pair with both a book and a ticker row
// (bid/ask from the book row, last/high/low/volume from the ticker row, stamped with the newer row's time, no
// daily percent), the gateway parses it with tickersOf and places the stamp on our clock with the measured venue
// offset, which is 0 when the venue runs on the same clock. The rows are decimals already (the dataset was
// validated and parsed when it was opened), so the ticker is built from them directly rather than through the
// venue's JSON and back (a zod parse per symbol per cycle, the largest cost of a market read), and judged by
// the gateway's own sanity rule (tickerInsanity), so an insane row is left out here as it is there. That the two
// hand the cycle the same tickers is what tests/integration/local-backtest-parity.test.ts proves to the byte.
// Stage 7 makes no other request; anything else is refused with a typed error and recorded, so a backtest can
// prove it never asked for a balance, an order or a write (the cycle swallows a failed market read as degraded).
import { tickerInsanity } from '../../shared/adapters/btcturk/ticker';
import { PublicReadsOnlyError, ValidationError } from '../../shared/domain/errors';
import type { PairMetadata } from '../../shared/domain/exchange-rules';
import { canonicalSymbol } from '../../shared/domain/symbols';
import type { Clock } from '../../shared/ports/clock';
import type { Exchange, Ticker } from '../../shared/ports/exchange';
import type { ReplayMarket } from '../replay/replay-market';

export class ReplayExchange implements Exchange {
  readonly #market: ReplayMarket;
  readonly #clock: Clock;
  readonly #pairs: PairMetadata[];
  readonly #refused: string[] = [];

  /** @param pairs the exchange info; the same list is handed out every time, so rules are derived once */
  constructor(market: ReplayMarket, clock: Clock, pairs: PairMetadata[]) {
    this.#market = market;
    this.#clock = clock;
    this.#pairs = pairs;
  }

  /** The methods refused so far, in call order (a backtest fails when any was called) */
  get refused(): readonly string[] {
    return this.#refused;
  }

  /** The venue runs on the replay clock */
  async serverTime(): Promise<number> {
    return this.#clock.nowMs();
  }

  async exchangeInfo(): Promise<PairMetadata[]> {
    return this.#pairs;
  }

  /** @throws ValidationError rows were current but none was sane (as the gateway does for a ticker answer) */
  async tickers(): Promise<Ticker[]> {
    const tickers: Ticker[] = [];
    const invalid: ValidationError[] = [];
    const receivedAtMs = this.#clock.nowMs();
    for (const symbol of this.#market.symbols) {
      const view = this.#market.view(symbol);
      const book = view?.book;
      const row = view?.ticker;
      if (book === undefined || row === undefined) continue;
      const ticker: Ticker = {
        symbol: canonicalSymbol(symbol),
        bid: book.bid,
        ask: book.ask,
        receivedAtMs,
        stampedAtMs: Math.max(book.tsMs, row.tsMs),
        last: row.last,
        high: row.high,
        low: row.low,
        volume: row.volume,
        dailyPercent: undefined,
      };
      const issue = tickerInsanity(ticker);
      if (issue === undefined) tickers.push(ticker);
      else invalid.push(new ValidationError(`btcturk ticker pair ${JSON.stringify(symbol)}`, [issue]));
    }
    const [first] = invalid;
    if (tickers.length === 0 && first !== undefined) {
      const was = `${invalid.length} refused, the first: ${first.message}`;
      throw new ValidationError('replay ticker', [{ path: 'data', message: `expected a sane ticker row, was ${was}` }]);
    }
    return tickers;
  }

  /** No HTTP request is ever sent */
  requestsSent(): Readonly<Record<string, number>> {
    return {};
  }

  orderBookTop(): Promise<never> {
    return this.#refuse('orderBookTop');
  }
  balances(): Promise<never> {
    return this.#refuse('balances');
  }
  openOrders(): Promise<never> {
    return this.#refuse('openOrders');
  }
  allOrders(): Promise<never> {
    return this.#refuse('allOrders');
  }
  userTrades(): Promise<never> {
    return this.#refuse('userTrades');
  }
  placeLimitOrder(): Promise<never> {
    return this.#refuse('placeLimitOrder');
  }
  cancelOrder(): Promise<never> {
    return this.#refuse('cancelOrder');
  }
  findOrderByClientId(): Promise<never> {
    return this.#refuse('findOrderByClientId');
  }

  #refuse(method: string): Promise<never> {
    this.#refused.push(method);
    return Promise.reject(new PublicReadsOnlyError(method));
  }
}

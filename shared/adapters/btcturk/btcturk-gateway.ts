// The Exchange port over BTCTurk REST (BTCTURK_API 6, 7). LIMIT orders only: there is no market-order
// path. Symbols are sent joined and upper case; prices and quantities with toWire (fixed notation);
// the client id travels as `newOrderClientId`; cancel is DELETE /api/v1/order?id=<id>.
//
// Times: `sinceMs` of allOrders and userTrades and `submittedAtMs` of findOrderByClientId are LOCAL clock
// times (the journal's, the caller's). The venue filters on its own clock, so the gateway turns them into
// venue time with the measured clock offset (raw, not the +-15 s stamp clamp) and moves the start earlier
// by the measurement's uncertainty plus LOOKUP_WINDOW_MARGIN_MS. Without a measured offset the lookups
// throw ExchangeUnavailableError: an order's absence is never concluded from a window on a guessed clock.
// The same offset places the orderbook's and the ticker's own timestamps on our clock, so the freshness
// gate sees their age. exchangeinfo is kept for RULES_CACHE_TTL_SEC (failures are not kept): the same
// list is handed out while fresh, so rules derived from it can be kept with it. Every HTTP request is
// counted by endpoint (requestsSent).
import { ValidationError } from '../../domain/errors';
import type { PairMetadata } from '../../domain/exchange-rules';
import { canonicalSymbol } from '../../domain/symbols';
import type {
  Balance,
  ClientIdLookup,
  Exchange,
  NewLimitOrder,
  OrderAck,
  OrderBookTop,
  Ticker,
  VenueFill,
  VenueOrder,
} from '../../ports/exchange';
import { BookTopCache } from './book-top-cache';
import { balanceOf, orderBookTopOf, venueFillOf, venueOrderOf } from './btcturk-mappers';
import {
  AllOrdersDataSchema,
  BalancesDataSchema,
  CancelAckDataSchema,
  OpenOrdersDataSchema,
  OrderBookDataSchema,
  SubmitAckDataSchema,
  UserTradesDataSchema,
} from './btcturk-schemas';
import { ExchangeInfoDataSchema, pairsOf } from './exchange-info';
import { findOrderByClientId } from './find-by-client-id';
import { placeOrderRequest, submitAckOf } from './place-order-request';
import { TickerDataSchema, tickersOf } from './ticker';
import { TtlCache } from './ttl-cache';
import { type GatewayHealth, VenueClient, type VenueClientOptions } from './venue-client';

export interface BtcturkGatewayOptions extends VenueClientOptions {
  /** ORDERBOOK_TTL_MS: how long a symbol's book top is reused (default 0: every read asks the venue) */
  readonly orderBookTtlMs?: number;
  /** RULES_CACHE_TTL_SEC x 1000: how long exchangeinfo is reused (default 0: every read asks the venue) */
  readonly rulesCacheTtlMs?: number;
}

/** Extra width at the start of a lookup window, beyond the offset's measured uncertainty */
export const LOOKUP_WINDOW_MARGIN_MS = 1_000;

export class BtcturkExchangeGateway implements Exchange {
  readonly #venue: VenueClient;
  readonly #clock: VenueClientOptions['clock'];
  readonly #books: BookTopCache;
  readonly #pairs: TtlCache<PairMetadata[]>;

  constructor(options: BtcturkGatewayOptions) {
    this.#venue = new VenueClient(options);
    this.#clock = options.clock;
    this.#books = new BookTopCache(options.clock, options.orderBookTtlMs ?? 0);
    this.#pairs = new TtlCache(options.clock, options.rulesCacheTtlMs ?? 0);
  }

  serverTime(): Promise<number> {
    return this.#venue.serverTimeMs();
  }

  /**
   * Every well-formed pair; a malformed one is left out (it has no rules, so only it is blocked). The same
   * list (do not change it) is returned while younger than the rules cache TTL.
   * @throws ValidationError when pairs were listed but none was well-formed (the format is not understood)
   */
  exchangeInfo(): Promise<PairMetadata[]> {
    return this.#pairs.get(() => this.#readExchangeInfo());
  }

  async #readExchangeInfo(): Promise<PairMetadata[]> {
    const data = await this.#venue.call({
      method: 'GET',
      path: '/api/v2/server/exchangeinfo',
      operation: 'exchangeInfo',
      signed: false,
      data: ExchangeInfoDataSchema,
    });
    const { pairs, invalid } = pairsOf(data);
    const [first] = invalid;
    if (pairs.length === 0 && first !== undefined) {
      const was = `${invalid.length} malformed, the first: ${first.message}`;
      throw new ValidationError('btcturk exchangeinfo', [
        { path: 'symbols', message: `expected a valid pair, was ${was}` },
      ]);
    }
    return pairs;
  }

  async orderBookTop(symbol: string): Promise<OrderBookTop> {
    const pairSymbol = canonicalSymbol(symbol);
    return this.#books.get(pairSymbol, () => this.#readBookTop(pairSymbol));
  }

  /**
   * The venue's book timestamp is placed on our clock with the measured offset, measured first when it
   * never was: without it the book's age cannot be proven, so the read fails (ExchangeUnavailableError)
   * rather than pass off the receive time as the book's age.
   */
  async #readBookTop(pairSymbol: string): Promise<OrderBookTop> {
    const operation = `orderBookTop ${pairSymbol}`;
    const { offsetMs, uncertaintyMs } = await this.#venue.venueClock(operation);
    const book = await this.#venue.call({
      method: 'GET',
      path: '/api/v2/orderbook',
      query: { pairSymbol, limit: '1' },
      operation,
      signed: false,
      data: OrderBookDataSchema,
    });
    const receivedAtMs = this.#clock.nowMs();
    return orderBookTopOf(pairSymbol, book, { receivedAtMs, stampedAtMs: book.timestamp - offsetMs - uncertaintyMs });
  }

  /** One request for every pair; the ticker's timestamp is placed on our clock as the orderbook's is */
  async tickers(): Promise<Ticker[]> {
    const operation = 'tickers';
    const { offsetMs, uncertaintyMs } = await this.#venue.venueClock(operation);
    const items = await this.#venue.call({
      method: 'GET',
      path: '/api/v2/ticker',
      operation,
      signed: false,
      data: TickerDataSchema,
    });
    const receivedAtMs = this.#clock.nowMs();
    const { tickers, invalid } = tickersOf(items, { receivedAtMs, venueAheadMs: offsetMs + uncertaintyMs });
    const [first] = invalid;
    if (tickers.length === 0 && first !== undefined) {
      const was = `${invalid.length} refused, the first: ${first.message}`;
      throw new ValidationError('btcturk ticker', [
        { path: 'data', message: `expected a sane ticker row, was ${was}` },
      ]);
    }
    return tickers;
  }

  async balances(): Promise<Balance[]> {
    const data = await this.#venue.call({
      method: 'GET',
      path: '/api/v1/users/balances',
      operation: 'balances',
      signed: true,
      data: BalancesDataSchema,
    });
    return data.map(balanceOf);
  }

  async openOrders(symbol: string): Promise<VenueOrder[]> {
    const pairSymbol = canonicalSymbol(symbol);
    const data = await this.#venue.call({
      method: 'GET',
      path: '/api/v1/openOrders',
      query: { pairSymbol },
      operation: `openOrders ${pairSymbol}`,
      signed: true,
      data: OpenOrdersDataSchema,
    });
    // Older API versions returned every pair when asked for one: keep only the one asked for
    return [...data.asks, ...data.bids].map(venueOrderOf).filter((o) => o.symbol === pairSymbol);
  }

  /** Orders created since the LOCAL time `sinceMs` (see the header: the window is placed in venue time) */
  async allOrders(symbol: string, sinceMs: number): Promise<VenueOrder[]> {
    const pairSymbol = canonicalSymbol(symbol);
    const startTime = await this.#venueWindowStart(sinceMs, `allOrders ${pairSymbol}`);
    const data = await this.#venue.call({
      method: 'GET',
      path: '/api/v1/allOrders',
      // startTime, not the reference bot's startDate (BTCTURK_API 7.5); open-ended up to now
      query: { pairSymbol, startTime: String(startTime), limit: '1000' },
      operation: `allOrders ${pairSymbol}`,
      signed: true,
      data: AllOrdersDataSchema,
    });
    return data.map(venueOrderOf).filter((o) => o.symbol === pairSymbol);
  }

  /** Fills since the LOCAL time `sinceMs` (see the header: the window is placed in venue time) */
  async userTrades(symbol: string, sinceMs: number): Promise<VenueFill[]> {
    const pairSymbol = canonicalSymbol(symbol);
    const startDate = await this.#venueWindowStart(sinceMs, `userTrades ${pairSymbol}`);
    const data = await this.#venue.call({
      method: 'GET',
      path: '/api/v1/users/transactions/trade',
      query: { pairSymbol, startDate: String(startDate) },
      operation: `userTrades ${pairSymbol}`,
      signed: true,
      data: UserTradesDataSchema,
    });
    return data.map(venueFillOf).filter((f) => f.symbol === pairSymbol);
  }

  async placeLimitOrder(order: NewLimitOrder): Promise<OrderAck> {
    const request = placeOrderRequest(order);
    const data = await this.#venue.call({
      method: 'POST',
      path: '/api/v1/order',
      operation: `placeLimitOrder ${request.pairSymbol} ${order.clientOrderId}`,
      signed: true,
      body: request,
      data: SubmitAckDataSchema,
    });
    return submitAckOf(order, data);
  }

  async cancelOrder(symbol: string, orderId: string): Promise<void> {
    const pairSymbol = canonicalSymbol(symbol);
    if (!/^\d+$/.test(orderId)) {
      throw new ValidationError(`cancelOrder ${pairSymbol}`, [
        { path: 'orderId', message: `expected an integer order id, was ${JSON.stringify(orderId)}` },
      ]);
    }
    await this.#venue.call({
      method: 'DELETE',
      path: '/api/v1/order',
      query: { id: orderId },
      operation: `cancelOrder ${pairSymbol} ${orderId}`,
      signed: true,
      data: CancelAckDataSchema,
    });
  }

  /** `submittedAtMs` is the LOCAL time before the submit was sent; allOrders and userTrades place it in venue time */
  findOrderByClientId(symbol: string, clientOrderId: string, submittedAtMs: number): Promise<ClientIdLookup> {
    return findOrderByClientId(this, canonicalSymbol(symbol), clientOrderId, submittedAtMs);
  }

  /**
   * The venue-clock start of a lookup window opening at the LOCAL time `localMs`: shifted by the measured
   * offset, earlier by its uncertainty and LOOKUP_WINDOW_MARGIN_MS, floored at 0.
   * @throws ExchangeUnavailableError when the venue clock offset could not be measured
   */
  venueWindowStartMs(localMs: number): Promise<number> {
    return this.#venueWindowStart(localMs, 'venue window');
  }

  async #venueWindowStart(localMs: number, operation: string): Promise<number> {
    const { offsetMs, uncertaintyMs } = await this.#venue.venueClock(operation);
    return Math.max(0, Math.floor(localMs + offsetMs - uncertaintyMs - LOOKUP_WINDOW_MARGIN_MS));
  }

  requestsSent(): Readonly<Record<string, number>> {
    return this.#venue.requestsSent();
  }

  /** Breaker state per group, consecutive failures, last 429, clock offset: for logs, metrics and degrade */
  health(): GatewayHealth {
    return this.#venue.health();
  }
}

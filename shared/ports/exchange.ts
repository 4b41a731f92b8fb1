// The exchange port: everything the stages ask of BTCTurk. Amounts are decimals, ids are strings
// (trade ids exceed 2^53), symbols are canonical (BTCTRY). Only LIMIT orders exist (spec 9.1.10).
import type { PairMetadata, Side } from '../domain/exchange-rules';
import type { Dec } from '../domain/money';

/** Best bid and ask of one pair (positive, bid <= ask) and when they were observed */
export interface Quote {
  readonly symbol: string;
  readonly bid: Dec;
  readonly ask: Dec;
  /** When this process received the quote (local clock, ms) */
  readonly receivedAtMs: number;
  /**
   * When the venue stamped the quote, placed on the LOCAL clock with the measured venue clock offset at the
   * earliest end of its uncertainty: the freshness gate judges min(receivedAtMs, stampedAtMs).
   */
  readonly stampedAtMs: number;
}

/**
 * One pair's row of the venue's 24 h ticker: its best bid and ask plus the day's traded range and volume.
 * Only the ticker carries these (a book top cannot), so they live here and Quote stays the bid/ask view.
 */
export interface Ticker extends Quote {
  /** Price of the last trade, >= 0 (0: the pair has not traded) */
  readonly last: Dec;
  /** Highest and lowest trade price of the last 24 h: 0 <= low <= high */
  readonly high: Dec;
  readonly low: Dec;
  /** Traded over the last 24 h in BASE units (BTCTURK_API 6.3), >= 0; times a price it becomes quote volume */
  readonly volume: Dec;
  /** Change over the last 24 h in percent (-0.72 is -0.72 %), >= -100; absent when the venue left it out */
  readonly dailyPercent?: Dec | undefined;
}

export interface OrderBookTop extends Quote {
  readonly bidQty: Dec;
  readonly askQty: Dec;
  /** When this process received the book (local clock, ms) */
  readonly receivedAtMs: number;
  /**
   * When the venue stamped the book, placed on the LOCAL clock with the measured venue clock offset at the
   * earliest end of its uncertainty. A book may have been old when it arrived (or be served from a cache):
   * the freshness gate judges min(receivedAtMs, stampedAtMs).
   */
  readonly stampedAtMs: number;
}

export interface Balance {
  readonly asset: string;
  readonly free: Dec;
  readonly locked: Dec;
  readonly total: Dec;
}

/**
 * BTCTurk Untouched -> OPEN, Partial -> PARTIAL, Closed -> FILLED, Canceled -> CANCELED (spec 5.5). A status
 * the venue adds later is UNKNOWN: the order exists, but nothing is concluded from its state.
 */
export type VenueOrderStatus = 'OPEN' | 'PARTIAL' | 'FILLED' | 'CANCELED' | 'UNKNOWN';

export interface VenueOrder {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  readonly leftQty: Dec;
  readonly status: VenueOrderStatus;
  readonly updatedAtMs: number;
}

export interface VenueFill {
  /** Venue trade id, unique within a pair; kept as text */
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOrderId?: string | undefined;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  /** Base quantity, always positive (BTCTurk reports sells as negative) */
  readonly qty: Dec;
  /** Commission, positive, in `feeAsset` (the pair's quote currency on BTCTurk) */
  readonly fee: Dec;
  /** Tax on the commission, positive, in `feeAsset` */
  readonly tax: Dec;
  readonly feeAsset: string;
  readonly timestampMs: number;
}

export interface NewLimitOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  /** Already quantized to the symbol's rules */
  readonly price: Dec;
  readonly qty: Dec;
}

export interface OrderAck {
  readonly orderId: string;
  readonly clientOrderId: string;
}

export type ClientIdLookup =
  | { readonly found: true; readonly source: 'openOrders' | 'allOrders'; readonly order: VenueOrder }
  /** Only fills carried the client id (allOrders can miss orders): the order exists and traded */
  | {
      readonly found: true;
      readonly source: 'userTrades';
      readonly orderId: string;
      readonly fills: readonly VenueFill[];
    }
  | { readonly found: false };

/**
 * A read that failed because the venue answered 429, or because our limiter is still in the back-off a 429
 * started, throws ExchangeRateLimitedError (an ExchangeUnavailableError): the cycle goes observe-only (spec 2.3).
 */
export interface Exchange {
  /** Server time in ms (unenveloped endpoint) */
  serverTime(): Promise<number>;
  /** Pair metadata for every well-formed listed pair (a malformed one is left out); rules are derived by the caller */
  exchangeInfo(): Promise<PairMetadata[]>;
  /**
   * Best bid and ask; may be reused for a short time (ORDERBOOK_TTL_MS) with its original times.
   * @throws ValidationError          an empty side, a crossed book (bid > ask) or an insane level or time
   * @throws ExchangeUnavailableError not read, or the venue clock offset is unknown (the book's age cannot be judged)
   */
  orderBookTop(symbol: string): Promise<OrderBookTop>;
  /**
   * The 24 h ticker of every listed pair from ONE request (no depth): best bid and ask, last price, range and
   * volume. A pair whose row is not sane (a bid or ask <= 0, bid > ask, a negative last, range or volume,
   * low > high, a daily change below -100 %, a malformed item) is left out: it has no mark.
   * @throws ValidationError          pairs were listed but none was sane (the format is not understood)
   * @throws ExchangeUnavailableError not read, or the venue clock offset is unknown
   */
  tickers(): Promise<Ticker[]>;
  balances(): Promise<Balance[]>;
  openOrders(symbol: string): Promise<VenueOrder[]>;
  /**
   * Orders of any status created since `sinceMs`. Every `sinceMs`/`submittedAtMs` given to this port is a
   * LOCAL clock time: the adapter converts it to the venue's clock (measured offset, widened by its
   * uncertainty), because the venue filters on its own time.
   */
  allOrders(symbol: string, sinceMs: number): Promise<VenueOrder[]>;
  /** Fills since `sinceMs` (local clock time, see allOrders) */
  userTrades(symbol: string, sinceMs: number): Promise<VenueFill[]>;
  /**
   * Places a LIMIT order. Never retried blindly: a POST whose outcome is unclear is reported, not re-sent.
   * @throws ExchangeRejectedError    the venue definitively refused it (HTTP 400 with a known token or code)
   * @throws ExchangeUnavailableError it certainly was not processed (refused connection, 429 before processing, breaker open)
   * @throws OutcomeUnknownError      it may have been processed (timeout, reset, 5xx, unparsable body): reconcile
   */
  placeLimitOrder(order: NewLimitOrder): Promise<OrderAck>;
  /**
   * Requests a cancel by venue order id (asynchronous on BTCTurk: success means accepted, not done).
   * A cancel of an order that is already canceled succeeds.
   * @throws ExchangeRejectedError    refused, e.g. ORDER_COULD_NOT_BE_CANCELED for a filled order
   * @throws ExchangeUnavailableError certainly not processed
   * @throws OutcomeUnknownError      may have been processed
   */
  cancelOrder(symbol: string, orderId: string): Promise<void>;
  /**
   * Recovery of BTCTURK_API 8.2: openOrders, then allOrders from `submittedAtMs` - 10 s, then user trades,
   * matching the client order id. `found: false` is only evidence for this one look, and only when the
   * window was placed in the venue's time (`submittedAtMs` is local; see allOrders).
   * @throws ExchangeUnavailableError when any of the three lookups could not be made, or the venue clock
   *   offset is unknown (absence cannot be proven then)
   */
  findOrderByClientId(symbol: string, clientOrderId: string, submittedAtMs: number): Promise<ClientIdLookup>;
  /**
   * HTTP requests sent so far by this exchange connection, by endpoint (`GET /api/v2/ticker`), reads and
   * writes, retries and clock syncs included; a read answered from a cache sends none. Cumulative: a cycle
   * reports the difference over its run.
   */
  requestsSent(): Readonly<Record<string, number>>;
}

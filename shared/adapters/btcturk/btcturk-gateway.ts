// The Exchange port over BTCTurk REST (BTCTURK_API 6, 7). LIMIT orders only: there is no market-order
// path. Symbols are sent joined and upper case; prices and quantities with toWire (fixed notation);
// the client id travels as `newOrderClientId`; cancel is DELETE /api/v1/order?id=<id>.
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
  VenueFill,
  VenueOrder,
} from '../../ports/exchange';
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
import { ExchangeInfoDataSchema, pairMetadataOf } from './exchange-info';
import { findOrderByClientId } from './find-by-client-id';
import { placeOrderRequest, submitAckOf } from './place-order-request';
import { type GatewayHealth, VenueClient, type VenueClientOptions } from './venue-client';

export type BtcturkGatewayOptions = VenueClientOptions;

export class BtcturkExchangeGateway implements Exchange {
  readonly #venue: VenueClient;
  readonly #clock: VenueClientOptions['clock'];

  constructor(options: BtcturkGatewayOptions) {
    this.#venue = new VenueClient(options);
    this.#clock = options.clock;
  }

  serverTime(): Promise<number> {
    return this.#venue.serverTimeMs();
  }

  async exchangeInfo(): Promise<PairMetadata[]> {
    const data = await this.#venue.call({
      method: 'GET',
      path: '/api/v2/server/exchangeinfo',
      operation: 'exchangeInfo',
      signed: false,
      data: ExchangeInfoDataSchema,
    });
    return data.symbols.map(pairMetadataOf);
  }

  async orderBookTop(symbol: string): Promise<OrderBookTop> {
    const pairSymbol = canonicalSymbol(symbol);
    const book = await this.#venue.call({
      method: 'GET',
      path: '/api/v2/orderbook',
      query: { pairSymbol, limit: '1' },
      operation: `orderBookTop ${pairSymbol}`,
      signed: false,
      data: OrderBookDataSchema,
    });
    const top = orderBookTopOf(pairSymbol, book, this.#clock.nowMs());
    if (top === undefined || top.bid.lte(0) || top.ask.lte(0)) {
      const was = top === undefined ? 'an empty side' : `bid ${top.bid.toFixed()} ask ${top.ask.toFixed()}`;
      throw new ValidationError(`btcturk orderbook ${pairSymbol}`, [
        { path: 'data', message: `expected a positive best bid and ask, was ${was}` },
      ]);
    }
    return top;
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

  async allOrders(symbol: string, sinceMs: number): Promise<VenueOrder[]> {
    const pairSymbol = canonicalSymbol(symbol);
    const data = await this.#venue.call({
      method: 'GET',
      path: '/api/v1/allOrders',
      // startTime, not the reference bot's startDate (BTCTURK_API 7.5); open-ended up to now
      query: { pairSymbol, startTime: String(Math.floor(sinceMs)), limit: '1000' },
      operation: `allOrders ${pairSymbol}`,
      signed: true,
      data: AllOrdersDataSchema,
    });
    return data.map(venueOrderOf).filter((o) => o.symbol === pairSymbol);
  }

  async userTrades(symbol: string, sinceMs: number): Promise<VenueFill[]> {
    const pairSymbol = canonicalSymbol(symbol);
    const data = await this.#venue.call({
      method: 'GET',
      path: '/api/v1/users/transactions/trade',
      query: { pairSymbol, startDate: String(Math.floor(sinceMs)) },
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

  findOrderByClientId(symbol: string, clientOrderId: string, submittedAtMs: number): Promise<ClientIdLookup> {
    return findOrderByClientId(this, canonicalSymbol(symbol), clientOrderId, submittedAtMs);
  }

  /** Breaker state per group, consecutive failures, last 429, clock offset: for logs, metrics and degrade */
  health(): GatewayHealth {
    return this.#venue.health();
  }
}

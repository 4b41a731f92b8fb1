// Matching engine: limit orders lock funds on entry, take liquidity from the visible book when marketable,
// then rest and fill as later candles cross their price, limited per candle to `participation` x volume.
// Accepted cancels settle at their due time, in time order with the candles; every amount is a decimal.
import { type Dec, dec, minDec, ZERO } from '../../shared/domain/money';
import type { Candle } from '../market/candle';
import type { Accounts } from './accounts';
import { bookOf } from './book';
import { buyLockFactor, type FeeSchedule, feeOf } from './fees';
import type { MarketFeed } from './market-feed';
import { isOpen, type OrderSide, type SimFill, type SimOrder } from './orders';
import type { SimPair } from './pairs';

export interface NewOrder {
  /** The venue account placing it */
  readonly owner: string;
  readonly pair: SimPair;
  readonly side: OrderSide;
  readonly price: Dec;
  readonly quantity: Dec;
  readonly clientId: string;
}

export type CancelResult = 'accepted' | 'already-canceled' | 'closed' | 'unknown';

const FIRST_ORDER_ID = 27_000_000_001;
const FIRST_TRADE_ID = 1181163798924649598n;

export class MatchingEngine {
  readonly orders = new Map<number, SimOrder>();
  readonly fills: SimFill[] = [];
  #nextOrderId = FIRST_ORDER_ID;
  #nextTradeId = FIRST_TRADE_ID;

  constructor(
    private readonly feeds: ReadonlyMap<string, MarketFeed>,
    /** The balances of a venue account (every order names its owner) */
    private readonly accountsOf: (owner: string) => Accounts,
    private readonly fees: FeeSchedule,
    private readonly participation: Dec,
    private readonly seed: number | string,
  ) {}

  /** Funds a new order needs locked: quote incl. worst-case fee for a buy, base for a sell */
  requiredLock(o: Pick<NewOrder, 'pair' | 'side' | 'price' | 'quantity'>): { asset: string; amount: Dec } {
    return o.side === 'buy'
      ? { asset: o.pair.quote, amount: o.price.mul(o.quantity).mul(buyLockFactor(this.fees)) }
      : { asset: o.pair.base, amount: o.quantity };
  }

  /** Locks funds and books the order (taking marketable liquidity first); undefined when funds are short */
  place(input: NewOrder, nowMs: number): SimOrder | undefined {
    const lock = this.requiredLock(input);
    if (!this.accountsOf(input.owner).tryLock(lock.asset, lock.amount)) return undefined;
    const order: SimOrder = {
      ...input,
      id: this.#nextOrderId++,
      createdMs: nowMs,
      left: input.quantity,
      updateMs: nowMs,
      status: 'Untouched',
      lock: lock.amount,
      cancelDueMs: undefined,
    };
    this.orders.set(order.id, order);
    const feed = this.#feed(input.pair);
    const book = bookOf(feed, this.seed);
    const side = input.side === 'buy' ? 'asks' : 'bids';
    for (let i = 0, level = book.level(side, 0); level; level = book.level(side, ++i)) {
      const crosses = input.side === 'buy' ? level.price.lte(input.price) : level.price.gte(input.price);
      if (!crosses || order.left.isZero()) break;
      this.#fill(order, level.price, minDec(order.left, level.amount), false, nowMs);
    }
    return order;
  }

  cancel(id: number, nowMs: number, delayMs: number): CancelResult {
    const order = this.orders.get(id);
    if (!order) return 'unknown';
    if (order.status === 'Canceled') return 'already-canceled';
    if (order.status === 'Closed') return 'closed';
    order.cancelDueMs ??= nowMs + delayMs;
    return 'accepted';
  }

  /**
   * Drops an order from the books and the order history, as if the venue pruned it: an open order is
   * settled canceled first (its funds released). Its fills stay in the trade history.
   * @returns the removed order, or undefined when there is none with this id
   */
  vanish(id: number, nowMs: number): SimOrder | undefined {
    const order = this.orders.get(id);
    if (!order) return undefined;
    if (isOpen(order)) {
      this.accountsOf(order.owner).release(order.side === 'buy' ? order.pair.quote : order.pair.base, order.lock);
      order.lock = ZERO;
      order.status = 'Canceled';
      order.updateMs = nowMs;
    }
    this.orders.delete(id);
    return order;
  }

  /** Brings every pair to `nowMs`: settles due cancels and fills resting orders against new candles */
  sync(nowMs: number): void {
    for (const feed of this.feeds.values()) {
      for (const candle of feed.advanceTo(nowMs)) {
        this.#settleCancels(feed.pair, candle.timeMs);
        this.#matchCandle(feed.pair, candle);
      }
      this.#settleCancels(feed.pair, nowMs);
    }
  }

  #feed(pair: SimPair): MarketFeed {
    const feed = this.feeds.get(pair.symbol);
    if (!feed) throw new RangeError(`no market for ${pair.symbol}`);
    return feed;
  }

  #resting(pair: SimPair): SimOrder[] {
    return [...this.orders.values()].filter((o) => o.pair.symbol === pair.symbol && isOpen(o));
  }

  #settleCancels(pair: SimPair, upToMs: number): void {
    for (const o of this.#resting(pair)) {
      if (o.cancelDueMs === undefined || o.cancelDueMs > upToMs) continue;
      this.accountsOf(o.owner).release(o.side === 'buy' ? pair.quote : pair.base, o.lock);
      o.lock = ZERO;
      o.status = 'Canceled';
      o.updateMs = o.cancelDueMs;
    }
  }

  #matchCandle(pair: SimPair, candle: Candle): void {
    const low = dec(candle.low);
    const high = dec(candle.high);
    const pool = { buy: dec(candle.volume).mul(this.participation), sell: dec(candle.volume).mul(this.participation) };
    const eligible = this.#resting(pair)
      .filter((o) => o.createdMs < candle.timeMs && (o.side === 'buy' ? low.lte(o.price) : high.gte(o.price)))
      .sort((a, b) => (a.side === 'buy' ? b.price.cmp(a.price) : a.price.cmp(b.price)) || a.id - b.id);
    for (const o of eligible) {
      const qty = minDec(o.left, pool[o.side]).toDecimalPlaces(pair.numeratorScale, 1);
      if (qty.lte(0)) continue;
      pool[o.side] = pool[o.side].sub(qty);
      this.#fill(o, o.price, qty, true, candle.timeMs);
    }
  }

  #fill(order: SimOrder, price: Dec, qty: Dec, maker: boolean, timeMs: number): void {
    const { pair } = order;
    const notional = price.mul(qty);
    const { fee, tax } = feeOf(this.fees, notional, maker);
    const lockShare = this.requiredLock({ ...order, quantity: qty }).amount;
    order.left = order.left.sub(qty);
    const release = order.left.isZero() ? order.lock : minDec(lockShare, order.lock);
    order.lock = order.lock.sub(release);
    const accounts = this.accountsOf(order.owner);
    if (order.side === 'buy') {
      accounts.release(pair.quote, release);
      accounts.adjust(pair.quote, notional.add(fee).add(tax).neg());
      accounts.adjust(pair.base, qty);
    } else {
      accounts.release(pair.base, release);
      accounts.adjust(pair.base, qty.neg());
      accounts.adjust(pair.quote, notional.sub(fee).sub(tax));
    }
    order.status = order.left.isZero() ? 'Closed' : 'Partial';
    order.updateMs = timeMs;
    this.fills.push({ id: this.#nextTradeId++, order, price, amount: qty, fee, tax, timeMs, maker });
  }
}

// The control surface tests and operators drive: fault settings and one-shot faults, market time,
// balances, the balance number format, orders placed by someone else, orders the venue stops listing,
// and a JSON snapshot of the simulator's state.
import { dec, toPlain } from '../../shared/domain/money';
import type { Clock } from '../../shared/ports/clock';
import type { Accounts } from './accounts';
import type { QueuedFault } from './fault-plan';
import type { FaultSettings } from './fault-settings';
import type { SimulatorOptions } from './options';
import { isOpen, type OrderSide } from './orders';
import { faultSettingsOf, type Venue } from './venue';

export interface SimulatorState {
  readonly seed: number | string;
  readonly clockMs: number;
  readonly serverTimeMs: number;
  readonly faults: FaultSettings;
  readonly queuedFaults: readonly QueuedFault[];
  readonly pairs: readonly { symbol: string; bid: string; ask: string; last: string; candleTimeMs: number }[];
  /** The primary account's (the one the simulator's own API key opens) */
  readonly balances: readonly BalanceState[];
  /** Every account of the venue, the primary one first */
  readonly accounts: readonly { readonly name: string; readonly balances: readonly BalanceState[] }[];
  readonly orders: { readonly open: number; readonly total: number };
  readonly fills: number;
}

export interface BalanceState {
  readonly asset: string;
  readonly total: string;
  readonly locked: string;
  readonly free: string;
}

export interface SimulatorControl {
  /** Replaces the fault settings: a profile name, or a profile plus overrides; restarts the seeded stream */
  setFaults(spec: NonNullable<SimulatorOptions['faults']>): FaultSettings;
  /** Queues a fault for the next request matching `method`/`path` (prefix) */
  injectNext(fault: QueuedFault): void;
  /** Advances a clock that can be advanced (ManualClock) and brings the market to the new time */
  advanceMarket(ms: number): void;
  /** Sets a total of the named account (default the primary one); @throws RangeError for an unknown account */
  setBalance(asset: string, total: string, account?: string): void;
  setCommaDecimals(on: boolean): void;
  /**
   * Books an order on the account as another client of it would (a person on the web UI, another bot):
   * straight into the engine, with funds locked, no fault and no signature. @returns the venue order id
   * @throws RangeError for an unknown pair or when the funds are short
   */
  placeOrder(order: ForeignOrder): number;
  /** The venue stops listing the order anywhere (open and all orders), as if pruned; false when unknown */
  vanishOrder(orderId: number): boolean;
  state(): SimulatorState;
}

export interface ForeignOrder {
  readonly symbol: string;
  readonly side: OrderSide;
  /** Decimal strings */
  readonly price: string;
  readonly quantity: string;
  /** e.g. `advanced`, as BTCTurk's own front end sends; any id the bot never made */
  readonly clientId: string;
  /** The account it is booked on (default the primary one) */
  readonly account?: string;
}

const balanceStates = (holdings: Accounts): BalanceState[] =>
  holdings.list().map((b) => ({
    asset: b.asset,
    total: toPlain(b.total),
    locked: toPlain(b.locked),
    free: toPlain(b.free),
  }));

const canAdvance = (c: Clock): c is Clock & { advance(ms: number): void } =>
  typeof (c as { advance?: unknown }).advance === 'function';

export function createControl(v: Venue): SimulatorControl {
  return {
    setFaults(spec) {
      v.faults.set(faultSettingsOf(spec));
      return v.faults.settings;
    },
    injectNext: (fault) => v.faults.enqueue(fault),
    advanceMarket(ms) {
      if (!canAdvance(v.clock)) throw new TypeError('advanceMarket needs a clock with advance(), e.g. ManualClock');
      v.clock.advance(ms);
      v.sync();
    },
    setBalance: (asset, total, account = v.primaryAccount) => v.accountNamed(account).holdings.set(asset, total),
    setCommaDecimals(on) {
      v.commaDecimals = on;
    },
    placeOrder(o) {
      const pair = v.pairOf(o.symbol);
      if (!pair) throw new RangeError(`no pair ${o.symbol}`);
      v.sync();
      const owner = v.accountNamed(o.account ?? v.primaryAccount).name;
      const input = { owner, pair, side: o.side, price: dec(o.price), quantity: dec(o.quantity), clientId: o.clientId };
      const placed = v.engine.place(input, v.serverNowMs());
      if (!placed) throw new RangeError(`insufficient funds for ${o.side} ${o.quantity} ${pair.symbol}`);
      return placed.id;
    },
    vanishOrder(orderId) {
      v.sync();
      return v.engine.vanish(orderId, v.serverNowMs()) !== undefined;
    },
    state() {
      v.sync();
      const orders = [...v.engine.orders.values()];
      return {
        seed: v.seed,
        clockMs: v.clock.nowMs(),
        serverTimeMs: v.serverNowMs(),
        faults: v.faults.settings,
        queuedFaults: [...v.faults.queued],
        pairs: [...v.feeds.values()].map((f) => ({
          symbol: f.pair.symbol,
          bid: toPlain(f.quote.bid),
          ask: toPlain(f.quote.ask),
          last: toPlain(f.quote.last),
          candleTimeMs: f.current.timeMs,
        })),
        balances: balanceStates(v.accounts),
        accounts: [...v.accountsByName.values()].map((a) => ({ name: a.name, balances: balanceStates(a.holdings) })),
        orders: { open: orders.filter(isOpen).length, total: orders.length },
        fills: v.engine.fills.length,
      };
    },
  };
}

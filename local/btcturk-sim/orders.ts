// Order and fill records of the matching engine. Amounts are decimals; `left` only decreases, and a
// canceled order keeps the `left` it had when the cancel settled.
import type { Dec } from '../../shared/domain/money';
import type { SimPair } from './pairs';

export type OrderSide = 'buy' | 'sell';
export type OrderStatus = 'Untouched' | 'Partial' | 'Closed' | 'Canceled';

export interface SimOrder {
  readonly id: number;
  /** The venue account that placed it: its funds are locked, its fills credited */
  readonly owner: string;
  readonly pair: SimPair;
  readonly side: OrderSide;
  readonly price: Dec;
  readonly quantity: Dec;
  readonly clientId: string;
  readonly createdMs: number;
  left: Dec;
  updateMs: number;
  status: OrderStatus;
  /** Quote (buy) or base (sell) still locked for the unfilled part */
  lock: Dec;
  /** Simulator time at which an accepted cancel takes effect */
  cancelDueMs: number | undefined;
}

export interface SimFill {
  readonly id: bigint;
  readonly order: SimOrder;
  readonly price: Dec;
  readonly amount: Dec;
  /** Commission and the tax on it, positive here, in the quote currency */
  readonly fee: Dec;
  readonly tax: Dec;
  readonly timeMs: number;
  readonly maker: boolean;
}

export const isOpen = (o: SimOrder): boolean => o.status === 'Untouched' || o.status === 'Partial';

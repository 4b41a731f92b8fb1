// What stage 4's planning produces and its filters and gates pass, drop or shrink: SUBMIT a LIMIT order, or
// CANCEL a resting one (spec 3.14). A replace is a CANCEL plus a SUBMIT naming the order it replaces; the
// cycle sends the SUBMIT only once the CANCEL is confirmed (issue 14).
import type { Side } from '../exchange-rules';
import type { Dec } from '../money';

export interface SubmitAction {
  readonly kind: 'SUBMIT';
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  /**
   * What the planner meant before flooring qty to the step (price x unquantized qty); the min-notional
   * prefilter (spec 3.17) raises a SUBMIT floored below the minimum only when this reached it. Unset = price x qty
   */
  readonly intentNotional?: Dec;
  readonly clientOrderId: string;
  /** `new_intent`, `replace_submit`, ... (spec 3.14) */
  readonly reason: string;
  /** Set on the SUBMIT half of a replace: the order it replaces */
  readonly replaceForClientOrderId?: string;
  readonly strategyId?: string;
}

export interface CancelAction {
  readonly kind: 'CANCEL';
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  readonly clientOrderId: string;
  /** `stale` or `replace_cancel` (spec 3.14) */
  readonly reason: string;
}

export type Stage4Action = SubmitAction | CancelAction;

/** A resting order as planning sees it: the venue's left quantity, its last update */
export interface OpenOrderView {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  /** Quantity still open */
  readonly qty: Dec;
  readonly updatedAtMs: number;
}

export const notionalOfAction = (a: Pick<Stage4Action, 'price' | 'qty'>): Dec => a.price.mul(a.qty);

// One decision of a cycle's pipeline, carrying the spec's reason code (Appendix A), so the cycle audit can
// say why something was, or nothing was, traded. Every stage 4 layer returns its decisions beside its output.
import type { Side } from './exchange-rules';

export type DecisionAction = 'ACCEPT' | 'BLOCK' | 'SUPPRESS' | 'DROP' | 'SCALE' | 'REJECT' | 'DEFER' | 'DEGRADE';

export interface Decision {
  /** The pipeline layer that decided: universe, allocation, lifecycle, risk_filter, risk_budget, degrade, mode_gate, agent */
  readonly layer: string;
  /** The spec's reason code, e.g. `max_open_orders`, `capital_gate:cash_reserve_target` */
  readonly code: string;
  readonly action: DecisionAction;
  readonly scope: 'global' | 'symbol' | 'action';
  readonly symbol?: string;
  readonly side?: Side;
  /** The action's client order id when the scope is one action */
  readonly clientOrderId?: string;
}

/** A decision about one action (or planned order), naming its symbol, side and client order id */
export const actionDecision = (
  layer: string,
  subject: { readonly symbol: string; readonly side: Side; readonly clientOrderId: string },
  action: DecisionAction,
  code: string,
): Decision => ({
  layer,
  code,
  action,
  scope: 'action',
  symbol: subject.symbol,
  side: subject.side,
  clientOrderId: subject.clientOrderId,
});

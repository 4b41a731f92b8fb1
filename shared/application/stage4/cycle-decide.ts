// The decision half of a stage 4 cycle (spec 3.2 steps 19-25), pure over the cycle's snapshot: the decision
// pipeline, lifecycle planning over our resting orders, the risk filter, then the mode gate with the kill
// switch and the unknown-order freeze. Every layer's decisions are kept, in layer order, for the audit.
import type { Position } from '../../domain/average-cost';
import type { Decision } from '../../domain/decision';
import type { ExchangeRules } from '../../domain/exchange-rules';
import type { Dec } from '../../domain/money';
import { planLifecycle } from '../../domain/oms/lifecycle-plan';
import type { OpenOrderView, Stage4Action } from '../../domain/oms/stage4-action';
import { planDecisions } from '../../domain/portfolio/decision-pipeline';
import { filterActions } from '../../domain/risk/action-filter';
import type { Mode } from '../../domain/risk/mode';
import { applyModeGate, type DegradeLimits } from '../../domain/risk/mode-gate';
import type { Stage4Settings } from './stage4-settings';

export interface CycleSnapshot {
  readonly account: string;
  readonly cycleId: string;
  readonly nowMs: number;
  readonly symbols: readonly string[];
  readonly rules: ReadonlyMap<string, ExchangeRules>;
  /** Best bid per symbol: what a holding is worth now */
  readonly marks: ReadonlyMap<string, Dec>;
  /** Mid per symbol: what lifecycle measures an order's drift against */
  readonly mids: ReadonlyMap<string, Dec>;
  readonly positions: ReadonlyMap<string, Position>;
  readonly cashTry: Dec;
  /** Our resting orders (imported foreign ones excluded): what lifecycle may cancel or replace */
  readonly ownOpen: readonly OpenOrderView[];
  /** Every resting order, foreign ones included: what the open-order limits count */
  readonly allOpen: readonly OpenOrderView[];
  readonly realizedTodayTry: Dec;
  readonly drawdownPct: Dec;
  /** The risk budget's sizing multiplier (3.12) */
  readonly multiplier: Dec;
  /** The combined mode of risk budget and degrade */
  readonly mode: Mode;
  readonly degrade: DegradeLimits;
  /** Set when the effective kill switch is on, naming which switch */
  readonly killSwitch?: { readonly source: string };
  /** Set while the unknown-order freeze is active */
  readonly freeze?: { readonly reason: string };
}

export interface CycleDecision {
  readonly actions: readonly Stage4Action[];
  readonly decisions: readonly Decision[];
  /** Orders planned, before the filters */
  readonly planned: number;
}

export function decideCycle(snap: CycleSnapshot, s: Stage4Settings): CycleDecision {
  // an order lifecycle will pull (drifted or past its TTL) is not one the strategy should count as resting:
  // planning as if it were gone turns its cancel and the strategy's new order into one replace
  const pulled = new Set(
    planLifecycle({ intents: [], openOrders: snap.ownOpen, mids: snap.mids, nowMs: snap.nowMs }, s).actions.map(
      (a) => a.clientOrderId,
    ),
  );
  const plan = planDecisions(
    {
      account: snap.account,
      cycleId: snap.cycleId,
      configuredSymbols: snap.symbols,
      rules: snap.rules,
      marks: snap.marks,
      positions: new Map([...snap.positions].map(([symbol, p]) => [symbol, p.qty])),
      openOrders: snap.ownOpen.filter((o) => !pulled.has(o.clientOrderId)),
      cashTry: snap.cashTry,
      multiplier: snap.multiplier,
    },
    s,
  );
  const lifecycle = planLifecycle(
    { intents: plan.submits, openOrders: snap.ownOpen, mids: snap.mids, nowMs: snap.nowMs },
    s,
  );
  const filtered = filterActions(
    {
      actions: lifecycle.actions,
      openOrders: snap.allOpen,
      positions: snap.positions,
      marks: snap.marks,
      realizedTodayTry: snap.realizedTodayTry,
      drawdownPct: snap.drawdownPct,
    },
    s,
  );
  const gated = applyModeGate(
    {
      actions: filtered.accepted,
      mode: snap.mode,
      degrade: snap.degrade,
      rankedSymbols: plan.universe,
      rulesFor: (symbol) => snap.rules.get(symbol),
      ...(snap.killSwitch ? { killSwitch: snap.killSwitch } : {}),
      ...(snap.freeze ? { freeze: snap.freeze } : {}),
    },
    s,
  );
  return {
    actions: gated.actions,
    decisions: [...plan.decisions, ...lifecycle.decisions, ...filtered.decisions, ...gated.decisions],
    planned: plan.submits.length,
  };
}

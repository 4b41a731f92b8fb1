// The decision half of a stage 4 cycle (spec 3.2 steps 6 and 19-25), pure over the cycle's snapshot: the
// dynamic universe (3.3), the decision pipeline, the agent policy (3.22), lifecycle planning over our resting
// orders, the risk filter, then the mode gate with the kill switch and the unknown-order freeze. Every layer's
// decisions are kept, in layer order, for the audit. readCycleUniverse is the one read the universe needs
// before deciding (exchange info, and the order books of a refresh).
import type { Position } from '../../domain/average-cost';
import type { Decision, DecisionAction } from '../../domain/decision';
import type { ExchangeRules } from '../../domain/exchange-rules';
import { selectUniverse } from '../../domain/market/universe';
import type { UniversePair } from '../../domain/market/universe-input';
import type { UniverseBook } from '../../domain/market/universe-metrics';
import type { Dec } from '../../domain/money';
import { planLifecycle } from '../../domain/oms/lifecycle-plan';
import type { OpenOrderView, Stage4Action, SubmitAction } from '../../domain/oms/stage4-action';
import { planDecisions } from '../../domain/portfolio/decision-pipeline';
import { filterActions } from '../../domain/risk/action-filter';
import { type AgentAudit, applyAgentPolicy } from '../../domain/risk/agent-policy';
import type { Mode } from '../../domain/risk/mode';
import { applyModeGate, type DegradeLimits } from '../../domain/risk/mode-gate';
import type { Stage4Settings } from './stage4-settings';
import { applyUniverseOutcome, type UniverseState } from './state/universe-state';

export interface CycleSnapshot {
  readonly account: string;
  readonly cycleId: string;
  readonly nowMs: number;
  /** The configured symbols (SYMBOLS) */
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
  /** The dynamic universe's inputs (readCycleUniverse); absent when DYNAMIC_UNIVERSE_ENABLED is off */
  readonly universe?: CycleUniverseInput;
}

/** What an empty selection trades (spec 3.2 step 6) */
export type EmptySelectionFallback = 'dry_run' | 'live' | 'none';

export interface CycleUniverseInput {
  /** The universe state document as loaded */
  readonly state: UniverseState;
  /** When the scan was planned: the selection is judged at this time */
  readonly nowMs: number;
  /** The configured symbols' exchange info; undefined when it could not be read (nothing is selected or saved) */
  readonly pairs: readonly UniversePair[] | undefined;
  /** The books the scan asked for, as read (a failed read is absent: `orderbook_unavailable`) */
  readonly books: readonly UniverseBook[];
  /** Dry-run and live with DYNAMIC_UNIVERSE_LIVE_FALLBACK_ENABLED trade the configured symbols; live without, none */
  readonly emptyFallback: EmptySelectionFallback;
}

export interface CycleDecision {
  readonly actions: readonly Stage4Action[];
  readonly decisions: readonly Decision[];
  /** Orders planned, before the filters */
  readonly planned: number;
  /** The universe state after this cycle's selection, to save over the version loaded; absent: nothing changed */
  readonly universe?: UniverseState;
  /** The agent policy's audit record (spec 3.22), when the layer is enabled */
  readonly agentAudit?: AgentAudit;
}

export function decideCycle(snap: CycleSnapshot, s: Stage4Settings): CycleDecision {
  const universe = dynamicUniverse(snap, s);
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
      configuredSymbols: universe.configured,
      ...(universe.selected ? { preferredSymbols: universe.selected } : {}),
      ...(universe.scores ? { aggressiveScores: universe.scores } : {}),
      rules: snap.rules,
      marks: snap.marks,
      positions: new Map([...snap.positions].map(([symbol, p]) => [symbol, p.qty])),
      // a held symbol reverts around its average entry: the reference anchored it at its own mark, so after
      // the bootstrap BUY a held symbol never traded again; the risk filter's min-profit rule still holds
      // a SELL back until it clears the fees
      anchors: new Map(
        [...snap.positions].filter(([, p]) => p.qty.gt(0) && p.avgCost.gt(0)).map(([symbol, p]) => [symbol, p.avgCost]),
      ),
      openOrders: snap.ownOpen.filter((o) => !pulled.has(o.clientOrderId)),
      cashTry: snap.cashTry,
      multiplier: snap.multiplier,
    },
    s,
  );
  const agent = applyAgentPolicy(
    {
      cycleId: snap.cycleId,
      actions: plan.submits,
      spreadBps: spreadsBps(snap),
      rulesFor: (symbol) => snap.rules.get(symbol),
    },
    s,
  );
  const lifecycle = planLifecycle(
    {
      intents: agent.actions.filter((a): a is SubmitAction => a.kind === 'SUBMIT'),
      openOrders: snap.ownOpen,
      mids: snap.mids,
      nowMs: snap.nowMs,
    },
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
    decisions: [
      ...universe.decisions,
      ...plan.decisions,
      ...agent.decisions,
      ...lifecycle.decisions,
      ...filtered.decisions,
      ...gated.decisions,
    ],
    planned: plan.submits.length,
    ...(universe.next ? { universe: universe.next } : {}),
    ...(agent.audit ? { agentAudit: agent.audit } : {}),
  };
}

interface UniverseChoice {
  /** What the pipeline falls back to when nothing is selected */
  readonly configured: readonly string[];
  /** The selection in force, rank order; absent: the configured symbols */
  readonly selected?: readonly string[];
  /** Scores of the selected symbols from this cycle's refresh: the aggressive path */
  readonly scores?: ReadonlyMap<string, Dec>;
  readonly decisions: readonly Decision[];
  readonly next?: UniverseState;
}

const universeDecision = (code: string, action: DecisionAction): Decision => ({
  layer: 'universe',
  code,
  action,
  scope: 'global',
});

const EMPTY_SELECTION: Record<EmptySelectionFallback, Decision> = {
  dry_run: universeDecision('dry_run_empty_selection', 'DEGRADE'),
  live: universeDecision('live_empty_selection', 'DEGRADE'),
  none: universeDecision('live_empty_selection_no_fallback', 'BLOCK'),
};

/**
 * Spec 3.2 step 6. A refresh yields scores; a reused selection has none stored, so it plans on the baseline
 * path over the selected symbols.
 */
function dynamicUniverse(snap: CycleSnapshot, s: Stage4Settings): UniverseChoice {
  const input = snap.universe;
  if (input === undefined) return { configured: snap.symbols, decisions: [] };
  const fallback = input.emptyFallback === 'none' ? [] : snap.symbols;
  const empty = EMPTY_SELECTION[input.emptyFallback];
  if (input.pairs === undefined) {
    return { configured: fallback, decisions: [universeDecision('exchange_info_unavailable', 'DEFER'), empty] };
  }
  const { state, nowMs } = input;
  const outcome = selectUniverse(
    {
      nowMs,
      pairs: input.pairs,
      books: input.books,
      midHistory: state.midHistory,
      symbolStates: state.symbolStates,
      previous: state.previous,
    },
    s,
  );
  const next = applyUniverseOutcome(state, outcome, nowMs, s);
  if (outcome.symbols.length === 0) return { configured: fallback, decisions: [...outcome.decisions, empty], next };
  const selected = new Set(outcome.symbols);
  const scores = new Map(outcome.ranked.filter((r) => selected.has(r.symbol)).map((r) => [r.symbol, r.score]));
  return {
    configured: snap.symbols,
    selected: outcome.symbols,
    ...(scores.size > 0 ? { scores } : {}),
    decisions: outcome.decisions,
    next,
  };
}

/** (ask - bid) / mid in bps, from the mark (the bid) and the mid: ask - bid = 2 (mid - bid) */
function spreadsBps(snap: CycleSnapshot): Record<string, Dec> {
  const spreads: Record<string, Dec> = {};
  for (const [symbol, mid] of snap.mids) {
    const bid = snap.marks.get(symbol);
    if (bid !== undefined && mid.gt(0)) spreads[symbol] = mid.sub(bid).mul(2).div(mid).mul(10_000);
  }
  return spreads;
}

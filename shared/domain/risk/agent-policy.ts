// The optional agent policy layer (spec 3.22), rule-based only: an LLM-backed policy is refused when the
// configuration loads (no network model calls from a trading Lambda). The rules can only drop a SUBMIT or
// trim its quantity, never add or enlarge one, and each run leaves an audit record with a deterministic hash.

import { actionDecision, type Decision } from '../decision';
import type { ExchangeRules } from '../exchange-rules';
import { quantizeQty } from '../exchange-rules';
import { hashCanonical } from '../hashing';
import { type Dec, ZERO } from '../money';
import { notionalOfAction, type Stage4Action, type SubmitAction } from '../oms/stage4-action';

export interface AgentPolicySettings {
  readonly AGENT_POLICY_ENABLED: boolean;
  readonly AGENT_OBSERVE_ONLY: boolean;
  /** Unset: every symbol */
  readonly AGENT_SYMBOL_ALLOWLIST: readonly string[] | undefined;
  /** 0 disables the cap */
  readonly AGENT_MAX_ORDER_NOTIONAL_TRY: Dec;
  readonly AGENT_MAX_SPREAD_BPS: Dec;
}

export interface AgentPolicyInput {
  readonly cycleId: string;
  readonly actions: readonly Stage4Action[];
  /** The current spread of each symbol in bps; a symbol without one is not traded (fails closed) */
  readonly spreadBps: Readonly<Record<string, Dec>>;
  readonly rulesFor: (symbol: string) => ExchangeRules | undefined;
}

/** A type, not an interface: it is hashed as canonical JSON, which takes plain records */
export type AgentDiffEntry = {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: SubmitAction['side'];
  readonly change: 'dropped' | 'trimmed';
  readonly code: string;
  readonly qtyBefore: Dec;
  readonly qtyAfter: Dec;
};

/** The `agent_decision_audit` record of one cycle (spec 3.22) */
export interface AgentAudit {
  readonly cycleId: string;
  /** What the policy saw: its settings, the spreads, the plan it was given */
  readonly context: {
    readonly settings: AgentPolicySettings;
    readonly spreadBps: Readonly<Record<string, Dec>>;
    readonly plan: readonly Stage4Action[];
  };
  /** The policy's verdict on each action it changed */
  readonly decision: readonly Decision[];
  /** The plan that goes on: the input less what was dropped, with trimmed quantities */
  readonly safeDecision: readonly Stage4Action[];
  readonly diff: readonly AgentDiffEntry[];
  /** SHA-256 of the canonical diff: equal plans and changes give equal hashes across runs */
  readonly diffHash: string;
}

export interface AgentPolicyResult {
  readonly actions: readonly Stage4Action[];
  readonly decisions: readonly Decision[];
  /** Undefined when the layer is disabled (nothing was decided) */
  readonly audit?: AgentAudit;
}

type Verdict = { readonly keep: SubmitAction; readonly code?: string } | { readonly drop: string };

function judge(a: SubmitAction, input: AgentPolicyInput, s: AgentPolicySettings): Verdict {
  if (s.AGENT_OBSERVE_ONLY) return { drop: 'agent_observe_only' };
  if (s.AGENT_SYMBOL_ALLOWLIST !== undefined && !s.AGENT_SYMBOL_ALLOWLIST.includes(a.symbol)) {
    return { drop: 'agent_symbol_not_allowed' };
  }
  const spread = input.spreadBps[a.symbol];
  if (spread === undefined) return { drop: 'agent_spread_unknown' };
  if (spread.gt(s.AGENT_MAX_SPREAD_BPS)) return { drop: 'agent_max_spread_bps' };
  const cap = s.AGENT_MAX_ORDER_NOTIONAL_TRY;
  if (cap.isZero() || notionalOfAction(a).lte(cap)) return { keep: a };
  const rules = input.rulesFor(a.symbol);
  if (rules === undefined) return { drop: 'missing_exchange_rules' };
  const qty = quantizeQty(rules, cap.div(a.price));
  if (qty.lte(0)) return { drop: 'agent_max_order_notional_try' };
  // the trimmed size is the new intent: the min-notional prefilter must not raise it back over the cap
  return { keep: { ...a, qty, intentNotional: a.price.mul(qty) }, code: 'agent_max_order_notional_try' };
}

const decision = (a: SubmitAction, action: Decision['action'], code: string): Decision =>
  actionDecision('agent', a, action, code);

/** Spec 3.22: CANCELs pass untouched (they only lower risk); SUBMITs are kept, trimmed or dropped */
export function applyAgentPolicy(input: AgentPolicyInput, s: AgentPolicySettings): AgentPolicyResult {
  if (!s.AGENT_POLICY_ENABLED) return { actions: input.actions, decisions: [] };
  const actions: Stage4Action[] = [];
  const decisions: Decision[] = [];
  const diff: AgentDiffEntry[] = [];
  for (const a of input.actions) {
    if (a.kind === 'CANCEL') {
      actions.push(a);
      continue;
    }
    const v = judge(a, input, s);
    const entry = { clientOrderId: a.clientOrderId, symbol: a.symbol, side: a.side, qtyBefore: a.qty };
    if ('drop' in v) {
      decisions.push(decision(a, 'DROP', v.drop));
      diff.push({ ...entry, change: 'dropped', code: v.drop, qtyAfter: ZERO });
      continue;
    }
    actions.push(v.keep);
    if (v.code !== undefined) {
      decisions.push(decision(a, 'SCALE', v.code));
      diff.push({ ...entry, change: 'trimmed', code: v.code, qtyAfter: v.keep.qty });
    }
  }
  const audit: AgentAudit = {
    cycleId: input.cycleId,
    context: { settings: s, spreadBps: input.spreadBps, plan: input.actions },
    decision: decisions,
    safeDecision: actions,
    diff,
    diffHash: hashCanonical({ cycleId: input.cycleId, diff }),
  };
  return { actions, decisions, audit };
}

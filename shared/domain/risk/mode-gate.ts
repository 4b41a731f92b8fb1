// The last stage 4 gate before execution (spec 3.2 steps 24-25, 3.17): the degrade universe cap and BUY
// shrink, the mode gate, the min-notional prefilter, then kill-switch and freeze suppression. It only drops
// or resizes actions it was given, never adds one, and every change carries a decision saying why.

import { actionDecision, type Decision, type DecisionAction } from '../decision';
import { type ExchangeRules, quantizeQty } from '../exchange-rules';
import { ceilToStep, type Dec, maxDec } from '../money';
import { notionalOfAction, type Stage4Action, type SubmitAction } from '../oms/stage4-action';
import type { Mode } from './mode';

export interface ModeGateSettings {
  readonly MIN_ORDER_NOTIONAL_TRY: Dec;
  readonly KILL_SWITCH_FREEZE_ALL: boolean;
}

/** What the degrade decision (spec 3.16) imposes on this cycle */
export interface DegradeLimits {
  /** BUY quantities are multiplied by this, in [0, 1] (level 0: 1) */
  readonly buyQtyShrinkFactor: Dec;
  /** Only the first `universeCap` symbols of the ranked universe may get a SUBMIT; undefined = no cap */
  readonly universeCap?: number;
}

export interface ModeGateInput {
  /** Actions the risk filter accepted, in execution order */
  readonly actions: readonly Stage4Action[];
  /** The combined mode of risk budget and degrade (never relaxed) */
  readonly mode: Mode;
  readonly degrade: DegradeLimits;
  /** The cycle's symbols, best first: the universe cap keeps a prefix of it */
  readonly rankedSymbols: readonly string[];
  readonly rulesFor: (symbol: string) => ExchangeRules | undefined;
  /** Set when the effective kill switch is on; `source` says which switch (KILL_SWITCH, SAFE_MODE, parameter, op-state) */
  readonly killSwitch?: { readonly source: string };
  /** Set while the stage 4 unknown-order freeze (spec 3.7) is active */
  readonly freeze?: { readonly reason: string };
}

export interface ModeGateResult {
  readonly actions: readonly Stage4Action[];
  readonly decisions: readonly Decision[];
}

const decide = (a: Stage4Action, action: DecisionAction, code: string): Decision =>
  actionDecision('mode_gate', a, action, code);

/** The minimum a SUBMIT must reach: our own floor or the venue's, whichever is higher */
const requiredNotional = (s: ModeGateSettings, rules: ExchangeRules): Dec =>
  maxDec(s.MIN_ORDER_NOTIONAL_TRY, rules.minNotional);

const isBelowMinimum = (s: ModeGateSettings, rules: ExchangeRules, a: SubmitAction): boolean =>
  a.qty.lte(0) ||
  (rules.minQty !== undefined && a.qty.lt(rules.minQty)) ||
  notionalOfAction(a).lt(requiredNotional(s, rules));

/**
 * OBSERVE_ONLY lets only CANCELs through, REDUCE_RISK_ONLY only what cannot raise exposure. The spec's 3.17
 * first bullet says OBSERVE_ONLY passes nothing, but the kill switch and the freeze reach this gate as
 * OBSERVE_ONLY and must still let cancels pass (3.12, 3.17 suppression, 3.16 `allow_cancel = true`): a cancel
 * never raises exposure, so one rule serves all three. KILL_SWITCH_FREEZE_ALL stops cancels in the suppression.
 */
function modeAllows(mode: Mode, a: Stage4Action): boolean {
  if (mode === 'OBSERVE_ONLY') return a.kind === 'CANCEL';
  if (mode === 'REDUCE_RISK_ONLY') return a.kind === 'CANCEL' || a.side === 'SELL';
  return true;
}

/** One step of the gate: keep, resize or drop one action, with the decision when it changed */
type Step = (a: Stage4Action) => { readonly keep?: Stage4Action; readonly decision?: Decision };

const keep = (a: Stage4Action) => ({ keep: a });

function universeCapStep(input: ModeGateInput): Step {
  const cap = input.degrade.universeCap;
  const allowed = new Set(cap === undefined ? input.rankedSymbols : input.rankedSymbols.slice(0, cap));
  // a cancel never adds risk: the cap limits where new orders go, not which resting ones may be pulled
  return (a) =>
    a.kind === 'CANCEL' || cap === undefined || allowed.has(a.symbol)
      ? keep(a)
      : { decision: decide(a, 'DROP', 'degrade_universe_cap') };
}

function shrinkStep(input: ModeGateInput, s: ModeGateSettings): Step {
  const factor = input.degrade.buyQtyShrinkFactor;
  return (a) => {
    if (a.kind !== 'SUBMIT' || a.side !== 'BUY' || factor.gte(1)) return keep(a);
    const rules = input.rulesFor(a.symbol);
    if (rules === undefined) return { decision: decide(a, 'DROP', 'missing_exchange_rules') };
    const qty = quantizeQty(rules, a.qty.mul(factor));
    if (qty.eq(a.qty)) return keep(a);
    const shrunk: SubmitAction = { ...a, qty, intentNotional: a.price.mul(qty) };
    return isBelowMinimum(s, rules, shrunk)
      ? { decision: decide(a, 'DROP', 'degrade_buy_shrink_below_min') }
      : { keep: shrunk, decision: decide(a, 'SCALE', 'degrade_buy_shrink') };
  };
}

const modeStep =
  (mode: Mode): Step =>
  (a) =>
    modeAllows(mode, a) ? keep(a) : { decision: decide(a, 'BLOCK', `mode_${mode.toLowerCase()}`) };

/**
 * Spec 3.17 prefilter: a SUBMIT below max(MIN_ORDER_NOTIONAL_TRY, the venue minimum) is raised to the
 * smallest quantity on the step that reaches it when what the planner meant (its intent notional) reached
 * it, and dropped otherwise; flooring to the step alone must not turn a valid intent into a reject
 */
function minNotionalStep(input: ModeGateInput, s: ModeGateSettings): Step {
  return (a) => {
    if (a.kind !== 'SUBMIT') return keep(a);
    const rules = input.rulesFor(a.symbol);
    if (rules === undefined) return { decision: decide(a, 'DROP', 'missing_exchange_rules') };
    const required = requiredNotional(s, rules);
    if (notionalOfAction(a).gte(required)) return keep(a);
    const meant = a.intentNotional ?? notionalOfAction(a);
    if (meant.lt(required) || a.price.lte(0)) return { decision: decide(a, 'DROP', 'rejected_min_notional') };
    const qty = ceilToStep(required.div(a.price), rules.qtyStep);
    return { keep: { ...a, qty }, decision: decide(a, 'SCALE', 'min_notional_raised') };
  };
}

/** Kill switch and freeze suppress every SUBMIT; a CANCEL (which only lowers risk) passes unless FREEZE_ALL */
function suppressStep(code: string | undefined, s: ModeGateSettings): Step {
  return (a) =>
    code === undefined || (a.kind === 'CANCEL' && !s.KILL_SWITCH_FREEZE_ALL)
      ? keep(a)
      : { decision: decide(a, 'SUPPRESS', code) };
}

export function applyModeGate(input: ModeGateInput, s: ModeGateSettings): ModeGateResult {
  const steps: Step[] = [
    // the mode gate first: the cap and the shrink commute with it, and an action the mode blocks is then
    // explained by the mode alone
    modeStep(input.mode),
    universeCapStep(input),
    shrinkStep(input, s),
    minNotionalStep(input, s),
    suppressStep(input.killSwitch && `kill_switch_suppressed:${input.killSwitch.source}`, s),
    suppressStep(input.freeze && `freeze_suppressed:${input.freeze.reason}`, s),
  ];
  const decisions: Decision[] = [];
  const actions: Stage4Action[] = [];
  for (const action of input.actions) {
    let current: Stage4Action | undefined = action;
    for (const step of steps) {
      if (current === undefined) break;
      const out = step(current);
      if (out.decision) decisions.push(out.decision);
      current = out.keep;
    }
    if (current !== undefined) actions.push(current);
  }
  return { actions, decisions };
}

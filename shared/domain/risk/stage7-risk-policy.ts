// Stage 7 risk policy over lifecycle actions and order intents (spec 4.9), under the caps of the cycle's risk
// decision (risk budget v2, spec 4.4). Lifecycle actions are walked first, then the intents as SUBMITs, in one
// pass: at most maxOrdersPerCycle SUBMITs are accepted in the cycle, and the exposure check sees the SUBMITs
// already accepted on the same symbol. A rejected intent keeps its id and is marked skipped with the reason.
// Stage 4's filter (action-filter.ts) applies other rules (open orders, profit floor, replace budget): only the
// action vocabulary and its notional are shared.
import { actionDecision, type Decision } from '../decision';
import { ValidationError, type ValidationIssue } from '../errors';
import type { Dec } from '../money';
import { notionalOfAction, type Stage4Action, type SubmitAction } from '../oms/stage4-action';
import type { Stage7Intent } from '../oms/stage7-intent';
import type { Mode } from './mode';

/** What the policy reads of the cycle's risk output (spec 4.4 CycleRiskOutput) */
export interface Stage7CycleRisk {
  readonly mode: Mode;
  readonly allowSubmit: boolean;
  readonly allowCancel: boolean;
  readonly maxOrdersPerCycle: number;
  readonly maxOrderNotionalTry: Dec;
  readonly maxSymbolExposureTry: Dec;
}

export const STAGE7_RISK_REASONS = [
  'RISK_SUBMIT_DISABLED',
  'RISK_CANCEL_DISABLED',
  'RISK_REDUCE_ONLY_BLOCKED',
  'RISK_CAP_MAX_ORDERS',
  'RISK_CAP_MAX_NOTIONAL',
  'RISK_CAP_MAX_EXPOSURE',
] as const;
export type Stage7RiskReason = (typeof STAGE7_RISK_REASONS)[number];

export interface Stage7SkippedAction {
  readonly action: Stage4Action;
  readonly reason: Stage7RiskReason;
}

export interface Stage7ActionFilterResult {
  /** In input order */
  readonly accepted: readonly Stage4Action[];
  readonly skipped: readonly Stage7SkippedAction[];
  /** One per action: `accepted` or the risk reason */
  readonly decisions: readonly Decision[];
}

const LAYER = 'stage7_risk_policy';

/**
 * RiskPolicyService.filter_actions: `positions` is the signed quantity per canonical symbol.
 * @throws ValidationError a non-finite price, quantity, position or cap, or a bad order count
 */
export function filterStage7Actions(
  actions: readonly Stage4Action[],
  positions: ReadonlyMap<string, Dec>,
  risk: Stage7CycleRisk,
): Stage7ActionFilterResult {
  return summarize(actions, rejections(actions, positions, risk));
}

/** One entry per action, in order: undefined when accepted */
function rejections(
  actions: readonly Stage4Action[],
  positions: ReadonlyMap<string, Dec>,
  risk: Stage7CycleRisk,
): (Stage7RiskReason | undefined)[] {
  check(actions, positions, risk);
  const projected = new Map(positions);
  let submits = 0;
  return actions.map((action) => {
    if (action.kind === 'CANCEL') return risk.allowCancel ? undefined : 'RISK_CANCEL_DISABLED';
    const reason = submitRejection(action, projected.get(action.symbol), submits, risk);
    if (reason === undefined) {
      submits += 1;
      projected.set(action.symbol, after(action, projected.get(action.symbol)));
    }
    return reason;
  });
}

function summarize(actions: readonly Stage4Action[], reasons: readonly (Stage7RiskReason | undefined)[]) {
  const accepted: Stage4Action[] = [];
  const skipped: Stage7SkippedAction[] = [];
  const decisions: Decision[] = [];
  actions.forEach((action, i) => {
    const reason = reasons[i];
    if (reason === undefined) accepted.push(action);
    else skipped.push({ action, reason });
    decisions.push(actionDecision(LAYER, action, reason === undefined ? 'ACCEPT' : 'REJECT', reason ?? 'accepted'));
  });
  return { accepted, skipped, decisions };
}

const after = (a: SubmitAction, position: Dec | undefined): Dec =>
  a.side === 'BUY' ? (position?.add(a.qty) ?? a.qty) : (position?.sub(a.qty) ?? a.qty.neg());

/** The first rule of spec 4.9 the SUBMIT breaks, in the spec's order */
function submitRejection(
  a: SubmitAction,
  position: Dec | undefined,
  acceptedSubmits: number,
  risk: Stage7CycleRisk,
): Stage7RiskReason | undefined {
  // OBSERVE_ONLY implies allow_submit = false (spec 4.4 step 9); a caller passing both is held to the stricter
  if (!risk.allowSubmit || risk.mode === 'OBSERVE_ONLY') return 'RISK_SUBMIT_DISABLED';
  const reducing = a.side === 'SELL' ? position?.gt(0) : position?.lt(0);
  if (risk.mode === 'REDUCE_RISK_ONLY' && reducing !== true) return 'RISK_REDUCE_ONLY_BLOCKED';
  if (acceptedSubmits + 1 > risk.maxOrdersPerCycle) return 'RISK_CAP_MAX_ORDERS';
  if (notionalOfAction(a).gt(risk.maxOrderNotionalTry)) return 'RISK_CAP_MAX_NOTIONAL';
  if (after(a, position).abs().mul(a.price).gt(risk.maxSymbolExposureTry)) return 'RISK_CAP_MAX_EXPOSURE';
  return undefined;
}

/** An intent after the policy: a rejected one is skipped with the risk reason */
export type Stage7RiskedIntent<T extends Stage7Intent> = Omit<T, 'skipReason'> & {
  readonly skipReason?: T['skipReason'] | Stage7RiskReason;
};

export interface Stage7RiskPolicyInput<T extends Stage7Intent> {
  /** Lifecycle actions (spec 4.2 step 14), walked before the intents */
  readonly actions: readonly Stage4Action[];
  /** The order builder's intents; skipped ones pass through untouched */
  readonly intents: readonly T[];
  readonly positions: ReadonlyMap<string, Dec>;
  readonly risk: Stage7CycleRisk;
}

export interface Stage7RiskPolicyResult<T extends Stage7Intent> extends Stage7ActionFilterResult {
  /** Every intent, in input order; the ones the policy rejected are now skipped */
  readonly intents: readonly Stage7RiskedIntent<T>[];
}

/** An intent as the SUBMIT action the policy (and the spec's skipped-action list) sees */
export const stage7SubmitAction = (i: Stage7Intent): SubmitAction => ({
  kind: 'SUBMIT',
  symbol: i.symbol,
  side: i.side,
  price: i.price,
  qty: i.qty,
  clientOrderId: i.clientOrderId,
  reason: i.reason,
});

export function applyStage7RiskPolicy<T extends Stage7Intent>(
  input: Stage7RiskPolicyInput<T>,
): Stage7RiskPolicyResult<T> {
  const live = input.intents.flatMap((intent, at) => (intent.skipped ? [] : [{ intent, at }]));
  const all = [...input.actions, ...live.map((l) => stage7SubmitAction(l.intent))];
  const reasons = rejections(all, input.positions, input.risk);
  const byIntent = new Map(live.map((l, k) => [l.at, reasons[input.actions.length + k]]));
  const intents = input.intents.map((i, at): Stage7RiskedIntent<T> => {
    const reason = byIntent.get(at);
    return reason === undefined ? i : { ...i, skipped: true, skipReason: reason };
  });
  return { ...summarize(all, reasons), intents };
}

function check(actions: readonly Stage4Action[], positions: ReadonlyMap<string, Dec>, risk: Stage7CycleRisk): void {
  const issues: ValidationIssue[] = [];
  const finite = (x: Dec, path: string) => x.isFinite() || issues.push({ path, message: 'expected a finite number' });
  if (!Number.isSafeInteger(risk.maxOrdersPerCycle) || risk.maxOrdersPerCycle < 0)
    issues.push({ path: 'risk.maxOrdersPerCycle', message: `expected an integer >= 0, was ${risk.maxOrdersPerCycle}` });
  for (const [path, cap] of [
    ['risk.maxOrderNotionalTry', risk.maxOrderNotionalTry],
    ['risk.maxSymbolExposureTry', risk.maxSymbolExposureTry],
  ] as const)
    if (!cap.isFinite() || cap.lt(0))
      issues.push({ path, message: `expected a finite cap >= 0, was ${cap.toString()}` });
  for (const a of actions) {
    finite(a.price, `actions.${a.clientOrderId}.price`);
    finite(a.qty, `actions.${a.clientOrderId}.qty`);
  }
  for (const [symbol, qty] of positions) finite(qty, `positions.${symbol}`);
  if (issues.length > 0) throw new ValidationError('stage 7 risk policy input', issues);
}

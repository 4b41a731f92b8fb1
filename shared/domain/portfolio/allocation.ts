// AllocationService of stage 4 (spec 3.13.1): sizes strategy intents in TRY against the cash reserve, the
// cycle's deploy budget and the per-intent caps, in intent order. The risk multiplier (spec 3.12) scales
// what a cycle may buy: the deploy budget and the BUY caps; a "0 = off" knob stays off, but a cap scaled to
// 0 is a cap of 0 (the reference read a scaled 0 as "off", so a halted budget could still buy).
import { ValidationError } from '../errors';
import type { Side } from '../exchange-rules';
import { type Dec, dec, minDec, ONE, toPlain, ZERO } from '../money';

export type InvestableUsageMode = 'use_all' | 'fraction' | 'cap';

/** The knobs the cycle budget reads (spec 1.8, 1.10) */
export interface CycleBudgetSettings {
  readonly TRY_CASH_TARGET: Dec;
  /** 0 = off; else investable this cycle <= TRY_CASH_MAX - TRY_CASH_TARGET */
  readonly TRY_CASH_MAX: Dec;
  readonly INVESTABLE_USAGE_MODE: InvestableUsageMode;
  readonly INVESTABLE_USAGE_FRACTION: Dec;
  readonly MAX_TRY_PER_CYCLE: Dec;
  readonly ALLOCATION_FEE_BUFFER_BPS: Dec;
  /** Overrides ALLOCATION_FEE_BUFFER_BPS when > 0 */
  readonly FEE_BUFFER_RATIO: Dec;
}

/** The knobs allocation reads (spec 3.13.1) */
export interface AllocationSettings extends CycleBudgetSettings {
  readonly MIN_ORDER_NOTIONAL_TRY: Dec;
  /** 0 = off; BUYs see it scaled by the multiplier */
  readonly STAGE5_MAX_INTENT_NOTIONAL_TRY: Dec;
  /** 0 = off */
  readonly MAX_POSITION_TRY_PER_SYMBOL: Dec;
  /** 0 = off; shared by both sides, BUYs see it scaled by the multiplier */
  readonly NOTIONAL_CAP_TRY_PER_CYCLE: Dec;
}

/** What one cycle may spend on BUYs */
export interface CycleBudget {
  readonly cashTry: Dec;
  readonly targetTry: Dec;
  readonly investableTotalTry: Dec;
  /** After the usage mode, TRY_CASH_MAX and the risk multiplier */
  readonly investableThisCycleTry: Dec;
  readonly feeBufferRatio: Dec;
  /** investableThisCycle / (1 + fee ratio): the most the cycle's BUY orders may add up to */
  readonly deployBudgetTry: Dec;
  readonly multiplier: Dec;
  /** e.g. `use_all`, `fraction:0.5`, `cap:100,try_cash_max:600`, `use_all,multiplier:0.5` */
  readonly usageReason: string;
}

const BPS_DIVISOR = dec('10000');

/**
 * The cycle's BUY budget. The multiplier scales what the usage mode leaves (the reference scaled only the
 * aggressive path's budget and left the allocation's at full size whatever the risk budget said).
 * @throws ValidationError a negative cash balance or a multiplier outside [0, 1]
 */
/** The fee buffer both planners reserve: FEE_BUFFER_RATIO when > 0, else ALLOCATION_FEE_BUFFER_BPS / 10000 */
export const feeBufferRatioOf = (s: Pick<AllocationSettings, 'FEE_BUFFER_RATIO' | 'ALLOCATION_FEE_BUFFER_BPS'>): Dec =>
  s.FEE_BUFFER_RATIO.gt(0) ? s.FEE_BUFFER_RATIO : s.ALLOCATION_FEE_BUFFER_BPS.div(BPS_DIVISOR);

export function cycleBudget(cashTry: Dec, multiplier: Dec, s: CycleBudgetSettings): CycleBudget {
  const issues = [];
  if (cashTry.lt(0)) issues.push({ path: 'cashTry', message: `expected >= 0, was ${toPlain(cashTry)}` });
  if (multiplier.lt(0) || multiplier.gt(1)) {
    issues.push({ path: 'multiplier', message: `expected 0..1, was ${toPlain(multiplier)}` });
  }
  if (issues.length > 0) throw new ValidationError('allocation input', issues);
  const investableTotalTry = cashTry.sub(s.TRY_CASH_TARGET).clampedTo(0, Number.POSITIVE_INFINITY);
  const parts: string[] = [];
  let thisCycle = investableTotalTry;
  if (s.INVESTABLE_USAGE_MODE === 'fraction') {
    const fraction = s.INVESTABLE_USAGE_FRACTION.clampedTo(0, 1);
    thisCycle = thisCycle.mul(fraction);
    parts.push(`fraction:${toPlain(fraction)}`);
  } else if (s.INVESTABLE_USAGE_MODE === 'cap') {
    thisCycle = minDec(thisCycle, s.MAX_TRY_PER_CYCLE);
    parts.push(`cap:${toPlain(s.MAX_TRY_PER_CYCLE)}`);
  } else {
    parts.push('use_all');
  }
  if (s.TRY_CASH_MAX.gt(0)) {
    const capped = minDec(thisCycle, s.TRY_CASH_MAX.sub(s.TRY_CASH_TARGET).clampedTo(0, Number.POSITIVE_INFINITY));
    if (!capped.eq(thisCycle)) parts.push(`try_cash_max:${toPlain(s.TRY_CASH_MAX)}`);
    thisCycle = capped;
  }
  if (multiplier.lt(1)) parts.push(`multiplier:${toPlain(multiplier)}`);
  const investableThisCycleTry = thisCycle.mul(multiplier);
  const feeBufferRatio = feeBufferRatioOf(s);
  return {
    cashTry,
    targetTry: s.TRY_CASH_TARGET,
    investableTotalTry,
    investableThisCycleTry,
    feeBufferRatio,
    deployBudgetTry: investableThisCycleTry.div(ONE.add(feeBufferRatio)),
    multiplier,
    usageReason: parts.join(','),
  };
}

export type IntentType = 'place' | 'cancel' | 'replace';

/** A strategy's request, in TRY notional (spec 3.13 strategy registry) */
export interface AllocationIntent {
  readonly symbol: string;
  readonly side: Side;
  readonly intentType: IntentType;
  readonly requestedNotionalTry: Dec | undefined;
  readonly strategyId: string;
  readonly rationale: string;
}

export interface AllocationInput {
  readonly intents: readonly AllocationIntent[];
  readonly cashTry: Dec;
  /** Held quantity per canonical symbol */
  readonly positions: ReadonlyMap<string, Dec>;
  /** Mark price per canonical symbol; a missing or non-positive mark is no mark */
  readonly marks: ReadonlyMap<string, Dec>;
  /** The final risk multiplier of spec 3.12, in [0, 1] */
  readonly multiplier: Dec;
}

export type AllocationStatus = 'accepted' | 'scaled' | 'rejected';
export type LimitReason =
  | 'cash_target'
  | 'max_position_exposure_cap'
  | 'cycle_notional_cap'
  | 'max_intent_cap'
  | 'position_value_cap';
export type AllocationReason =
  | 'ok'
  | LimitReason
  | 'min_notional'
  | 'no_position'
  | 'no_mark_price'
  | 'not_implemented_in_pr3';

export interface AllocationDecision {
  readonly intentIndex: number;
  readonly symbol: string;
  readonly side: Side;
  readonly strategyId: string;
  readonly status: AllocationStatus;
  readonly reason: AllocationReason;
  readonly requestedNotionalTry: Dec | undefined;
  readonly allocatedNotionalTry: Dec | undefined;
}

/** An accepted or scaled intent: its TRY notional and the quantity at the mark (not yet on the venue's grid) */
export interface SizedAction {
  readonly intentIndex: number;
  readonly symbol: string;
  readonly side: Side;
  readonly strategyId: string;
  readonly notionalTry: Dec;
  readonly qty: Dec;
  /** `allocation:{reason}` */
  readonly rationale: string;
}

export interface AllocationResult {
  readonly actions: readonly SizedAction[];
  readonly decisions: readonly AllocationDecision[];
  /** Keyed `{status}` and `{status}_{reason}` */
  readonly counters: Readonly<Record<string, number>>;
  readonly budget: CycleBudget;
  /** Sum of the BUY actions' notional */
  readonly plannedTotalTry: Dec;
  readonly unusedBudgetTry: Dec;
}

export function allocate(input: AllocationInput, s: AllocationSettings): AllocationResult {
  const budget = cycleBudget(input.cashTry, input.multiplier, s);
  const decisions: AllocationDecision[] = [];
  const actions: SizedAction[] = [];
  const counters: Record<string, number> = {};
  const used = { remainingDeployTry: budget.deployBudgetTry, cycleUsedTry: ZERO };

  for (const [intentIndex, intent] of input.intents.entries()) {
    const sized = sizeIntent(intent, input, s, used);
    const { status, reason } = sized;
    decisions.push({
      intentIndex,
      symbol: intent.symbol,
      side: intent.side,
      strategyId: intent.strategyId,
      status,
      reason,
      requestedNotionalTry: intent.requestedNotionalTry,
      allocatedNotionalTry: sized.allocated,
    });
    counters[status] = (counters[status] ?? 0) + 1;
    counters[`${status}_${reason}`] = (counters[`${status}_${reason}`] ?? 0) + 1;
    if (sized.allocated === undefined) continue;
    actions.push({
      intentIndex,
      symbol: intent.symbol,
      side: intent.side,
      strategyId: intent.strategyId,
      notionalTry: sized.allocated,
      qty: sized.qty,
      rationale: `allocation:${reason}`,
    });
    if (intent.side === 'BUY') used.remainingDeployTry = used.remainingDeployTry.sub(sized.allocated);
    if (s.NOTIONAL_CAP_TRY_PER_CYCLE.gt(0)) used.cycleUsedTry = used.cycleUsedTry.add(sized.allocated);
  }

  const plannedTotalTry = actions.filter((a) => a.side === 'BUY').reduce((acc, a) => acc.add(a.notionalTry), ZERO);
  return {
    actions: Object.freeze(actions),
    decisions: Object.freeze(decisions),
    counters: Object.freeze(counters),
    budget,
    plannedTotalTry,
    unusedBudgetTry: nonNegative(budget.deployBudgetTry.sub(plannedTotalTry)),
  };
}

interface Used {
  readonly remainingDeployTry: Dec;
  readonly cycleUsedTry: Dec;
}

type Sized =
  | { readonly status: 'rejected'; readonly reason: AllocationReason; readonly allocated?: undefined }
  | {
      readonly status: 'accepted' | 'scaled';
      readonly reason: AllocationReason;
      readonly allocated: Dec;
      readonly qty: Dec;
    };

const rejected = (reason: AllocationReason): Sized => ({ status: 'rejected', reason });

function sizeIntent(intent: AllocationIntent, input: AllocationInput, s: AllocationSettings, used: Used): Sized {
  const requested = intent.requestedNotionalTry;
  if (intent.intentType !== 'place') return rejected('not_implemented_in_pr3');
  if (requested === undefined || requested.lte(0)) return rejected('min_notional');
  const held = input.positions.get(intent.symbol) ?? ZERO;
  if (intent.side === 'SELL' && held.lte(0)) return rejected('no_position');
  const mark = input.marks.get(intent.symbol);
  if (mark === undefined || mark.lte(0)) return rejected('no_mark_price');

  const buy = intent.side === 'BUY';
  const scale = (cap: Dec) => (buy ? cap.mul(input.multiplier) : cap);
  const limits: Array<readonly [LimitReason, Dec]> = buy
    ? [['cash_target', used.remainingDeployTry]]
    : [['position_value_cap', held.mul(mark)]];
  if (buy && s.MAX_POSITION_TRY_PER_SYMBOL.gt(0)) {
    limits.push(['max_position_exposure_cap', nonNegative(s.MAX_POSITION_TRY_PER_SYMBOL.sub(held.mul(mark)))]);
  }
  // a disabled cycle cap limits nothing: the reference stands the request in for it (spec 3.13.1)
  const cycleCap = s.NOTIONAL_CAP_TRY_PER_CYCLE;
  limits.push(['cycle_notional_cap', cycleCap.gt(0) ? nonNegative(scale(cycleCap).sub(used.cycleUsedTry)) : requested]);
  if (s.STAGE5_MAX_INTENT_NOTIONAL_TRY.gt(0)) limits.push(['max_intent_cap', scale(s.STAGE5_MAX_INTENT_NOTIONAL_TRY)]);

  let allocated = requested;
  let binding: AllocationReason = 'ok';
  for (const [reason, limit] of limits) {
    // strictly lower only: among equal limits the first in precedence order names the binding one
    if (limit.lt(allocated)) [allocated, binding] = [limit, reason];
  }
  if (allocated.lt(s.MIN_ORDER_NOTIONAL_TRY)) {
    // raising to the minimum is safe only when every limit but the intent cap already allows it
    const blocking = limits.find(([r, limit]) => r !== 'max_intent_cap' && limit.lt(s.MIN_ORDER_NOTIONAL_TRY));
    if (blocking) return rejected(blocking[0] === 'cash_target' ? 'cash_target' : 'min_notional');
    allocated = s.MIN_ORDER_NOTIONAL_TRY;
  }
  const reason = allocated.eq(requested) ? 'ok' : binding;
  return {
    status: reason === 'ok' ? 'accepted' : 'scaled',
    reason,
    allocated,
    qty: buy ? allocated.div(mark) : minDec(allocated.div(mark), held),
  };
}

const nonNegative = (x: Dec): Dec => (x.lt(0) ? ZERO : x);

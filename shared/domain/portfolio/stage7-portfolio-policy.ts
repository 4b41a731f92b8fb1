// Stage 7 portfolio policy (spec 4.7): target allocation over the universe and the rebalance actions that
// move the holdings toward it. Invariants: applied notionals add up to at most the turnover cap, each reaches
// MIN_ORDER_NOTIONAL_TRY, at most MAX_ORDERS_PER_CYCLE are kept, a SELL never exceeds the free base held, and
// actions come out SELLs by symbol then BUYs by symbol. Pure: the cycle supplies marks, balances and the mode.
// Past 200 lines on purpose: the nine steps of 4.7 and the plan's types read best in one place.
import { ValidationError, type ValidationIssue } from '../errors';
import type { Side } from '../exchange-rules';
import { type Dec, dec, floorToStep, maxDec, minDec, ONE, sumDec, toPlain, ZERO } from '../money';
import type { Mode } from '../risk/mode';
import { canonicalSymbol, isCanonicalPair, splitSymbol } from '../symbols';

const EIGHT_PLACES = dec('0.00000001');
/** Floor to 8 decimal places (the spec's floor8) */
export const floor8 = (x: Dec): Dec => floorToStep(x, EIGHT_PLACES);

/** Same shape as the parsed PORTFOLIO_TARGETS knob: canonical symbol and weight >= 0 */
export interface TargetWeight {
  readonly key: string;
  readonly weight: Dec;
}

export interface Stage7PortfolioSettings {
  readonly TRY_CASH_TARGET: Dec;
  readonly TRY_CASH_MAX: Dec;
  readonly STAGE7_UNIVERSE_QUOTE_CCY: string;
  /** Unset: equal weights. Set: the listed weights (unlisted symbols 0), scaled down only when they add up past 1 */
  readonly PORTFOLIO_TARGETS: readonly TargetWeight[] | undefined;
  /** Per-symbol target cap; 0 caps every target at 0 (no "off" reading in stage 7) */
  readonly MAX_POSITION_NOTIONAL_TRY: Dec;
  readonly MIN_ORDER_NOTIONAL_TRY: Dec;
  /** The cycle's turnover cap (both sides) */
  readonly NOTIONAL_CAP_TRY_PER_CYCLE: Dec;
  readonly MAX_ORDERS_PER_CYCLE: number;
}

export interface Stage7Balance {
  readonly asset: string;
  readonly free: Dec;
  readonly locked: Dec;
}

export interface Stage7PortfolioInput {
  readonly universe: readonly string[];
  /** Keyed by canonical symbol; a missing or non-positive mark drops the symbol */
  readonly marks: ReadonlyMap<string, Dec>;
  readonly balances: readonly Stage7Balance[];
  /** The cycle's final mode (shared/domain/risk/mode.ts combineModes) */
  readonly mode: Mode;
}

export interface Stage7Allocation {
  readonly symbol: string;
  readonly mark: Dec;
  readonly weight: Dec;
  /** target / investable */
  readonly effectiveWeight: Dec;
  readonly targetNotionalTry: Dec;
  readonly currentQty: Dec;
  readonly currentNotionalTry: Dec;
  /** The per-symbol cap lowered the target */
  readonly capped: boolean;
}

export interface Stage7RebalanceAction {
  readonly symbol: string;
  readonly side: Side;
  readonly mark: Dec;
  readonly currentNotionalTry: Dec;
  readonly targetNotionalTry: Dec;
  /** |target - current| */
  readonly requestedNotionalTry: Dec;
  /** What the turnover cap left of the request: the TRY amount the order builder sizes */
  readonly notionalTry: Dec;
  /** floor8(notional / mark) */
  readonly estQty: Dec;
  /** `overweight: current=… target=…` or `underweight: current=… target=…` */
  readonly reason: string;
}

/** The notes of spec 4.7 as data; `portfolioNoteText` gives the spec's wording */
export type Stage7PortfolioNote =
  | { readonly kind: 'no_investable_equity_or_empty_universe' }
  | { readonly kind: 'leftover_weight_to_cash'; readonly weight: Dec }
  | { readonly kind: 'per_symbol_cap_hits'; readonly count: number }
  | { readonly kind: 'min_notional' | 'turnover_cap' | 'max_orders'; readonly count: number }
  | { readonly kind: 'observe_only' | 'mode_reduce_risk_only'; readonly count: number };

export const portfolioNoteText = (n: Stage7PortfolioNote): string => {
  if (n.kind === 'no_investable_equity_or_empty_universe') return 'no investable equity or empty universe';
  if (n.kind === 'leftover_weight_to_cash') return `leftover_weight_to_cash=${toPlain(n.weight)}`;
  return `${n.kind}=${n.count}`;
};

export interface Stage7PortfolioPlan {
  /** Canonical, sorted, unique, quote = STAGE7_UNIVERSE_QUOTE_CCY, mark > 0 */
  readonly universe: readonly string[];
  readonly cashTargetTry: Dec;
  /** Free TRY: the cash the order builder spends from */
  readonly cashTry: Dec;
  readonly equityTry: Dec;
  readonly investableTry: Dec;
  readonly allocations: readonly Stage7Allocation[];
  readonly actions: readonly Stage7RebalanceAction[];
  readonly notes: readonly Stage7PortfolioNote[];
  /** TRY and the universe's base assets, by asset: the free balances the order builder sells from */
  readonly balances: readonly Stage7Balance[];
}

const TRY = 'TRY';

/** @throws ValidationError a malformed symbol, a non-finite mark, a negative or repeated balance, a bad setting */
export function planStage7Portfolio(input: Stage7PortfolioInput, s: Stage7PortfolioSettings): Stage7PortfolioPlan {
  const { balances, bases } = checkInput(input, s);
  const quote = s.STAGE7_UNIVERSE_QUOTE_CCY.toUpperCase();
  const universe = [...new Set(input.universe.map((u) => canonicalSymbol(u)))]
    .filter((u) => (input.marks.get(u) ?? ZERO).gt(0) && bases.get(u)?.quote === quote)
    .sort();
  const free = (asset: string) => balances.get(asset)?.free ?? ZERO;
  const cashTargetTry = minDec(s.TRY_CASH_TARGET, s.TRY_CASH_MAX);
  const cashTry = free(TRY);
  const held = universe.map((symbol) => {
    const mark = input.marks.get(symbol) ?? ZERO;
    const qty = free(bases.get(symbol)?.base ?? '');
    return { symbol, mark, qty, notional: qty.mul(mark) };
  });
  const equityTry = cashTry.add(sumDec(held.map((h) => h.notional)));
  const investableTry = maxDec(ZERO, equityTry.sub(cashTargetTry));
  const snapshot = [TRY, ...universe.map((u) => bases.get(u)?.base ?? '')];
  const plan = {
    universe,
    cashTargetTry,
    cashTry,
    equityTry,
    investableTry,
    balances: [...new Set(snapshot)].sort().map((asset) => balances.get(asset) ?? { asset, free: ZERO, locked: ZERO }),
  };
  if (investableTry.lte(0) || universe.length === 0) {
    return { ...plan, allocations: [], actions: [], notes: [{ kind: 'no_investable_equity_or_empty_universe' }] };
  }
  const weights = targetWeights(universe, s.PORTFOLIO_TARGETS);
  const allocations = held.map((h, i): Stage7Allocation => {
    const weight = weights[i] ?? ZERO;
    const uncapped = investableTry.mul(weight);
    const target = minDec(uncapped, s.MAX_POSITION_NOTIONAL_TRY);
    return {
      symbol: h.symbol,
      mark: h.mark,
      weight,
      effectiveWeight: target.div(investableTry),
      targetNotionalTry: target,
      currentQty: h.qty,
      currentNotionalTry: h.notional,
      capped: target.lt(uncapped),
    };
  });
  const notes: Stage7PortfolioNote[] = [
    { kind: 'leftover_weight_to_cash', weight: ONE.sub(sumDec(allocations.map((a) => a.effectiveWeight))) },
    { kind: 'per_symbol_cap_hits', count: allocations.filter((a) => a.capped).length },
  ];
  const actions = constrain(allocations.flatMap(rawAction), s, notes);
  return { ...plan, allocations, actions: modeFilter(actions, input.mode, notes), notes };
}

function targetWeights(universe: readonly string[], targets: readonly TargetWeight[] | undefined): Dec[] {
  if (targets === undefined) return universe.map(() => ONE.div(universe.length));
  const byKey = new Map(targets.map((t) => [t.key, t.weight]));
  const listed = universe.map((u) => byKey.get(u) ?? ZERO);
  const total = sumDec(listed);
  return total.gt(1) ? listed.map((w) => w.div(total)) : listed;
}

function rawAction(a: Stage7Allocation): Stage7RebalanceAction[] {
  const delta = a.targetNotionalTry.sub(a.currentNotionalTry);
  if (delta.isZero()) return [];
  const side: Side = delta.lt(0) ? 'SELL' : 'BUY';
  const words = `current=${toPlain(a.currentNotionalTry)} target=${toPlain(a.targetNotionalTry)}`;
  return [
    {
      symbol: a.symbol,
      side,
      mark: a.mark,
      currentNotionalTry: a.currentNotionalTry,
      targetNotionalTry: a.targetNotionalTry,
      requestedNotionalTry: delta.abs(),
      notionalTry: delta.abs(),
      estQty: ZERO,
      reason: `${side === 'SELL' ? 'overweight' : 'underweight'}: ${words}`,
    },
  ];
}

const sideRank = (side: Side) => (side === 'SELL' ? 0 : 1);
const bySideThenSymbol = (a: Stage7RebalanceAction, b: Stage7RebalanceAction) =>
  sideRank(a.side) - sideRank(b.side) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);

function constrain(
  raw: readonly Stage7RebalanceAction[],
  s: Stage7PortfolioSettings,
  notes: Stage7PortfolioNote[],
): Stage7RebalanceAction[] {
  const min = s.MIN_ORDER_NOTIONAL_TRY;
  const eligible = raw.filter((a) => a.requestedNotionalTry.gte(min));
  // walk order: SELLs first (they free cash), then the larger request, then the symbol
  eligible.sort(
    (a, b) =>
      sideRank(a.side) - sideRank(b.side) ||
      b.requestedNotionalTry.comparedTo(a.requestedNotionalTry) ||
      bySideThenSymbol(a, b),
  );
  let remaining = s.NOTIONAL_CAP_TRY_PER_CYCLE;
  let turnoverSkips = 0;
  let maxOrderDrops = 0;
  const kept: Stage7RebalanceAction[] = [];
  for (const a of eligible) {
    const applied = minDec(a.requestedNotionalTry, remaining);
    if (remaining.lte(0) || applied.lt(min)) {
      turnoverSkips += 1;
      continue;
    }
    if (kept.length >= s.MAX_ORDERS_PER_CYCLE) {
      maxOrderDrops += 1;
      continue;
    }
    remaining = remaining.sub(applied);
    kept.push({ ...a, notionalTry: applied, estQty: floor8(applied.div(a.mark)) });
  }
  const counted = [
    { kind: 'min_notional', count: raw.length - eligible.length },
    { kind: 'turnover_cap', count: turnoverSkips },
    { kind: 'max_orders', count: maxOrderDrops },
  ] as const;
  notes.push(...counted.filter((n) => n.count > 0));
  return kept.sort(bySideThenSymbol);
}

function modeFilter(
  actions: readonly Stage7RebalanceAction[],
  mode: Mode,
  notes: Stage7PortfolioNote[],
): readonly Stage7RebalanceAction[] {
  if (mode === 'NORMAL') return actions;
  const kept = mode === 'OBSERVE_ONLY' ? [] : actions.filter((a) => a.side === 'SELL');
  const dropped = actions.length - kept.length;
  if (dropped > 0)
    notes.push({ kind: mode === 'OBSERVE_ONLY' ? 'observe_only' : 'mode_reduce_risk_only', count: dropped });
  return kept;
}

interface CheckedInput {
  readonly balances: ReadonlyMap<string, Stage7Balance>;
  /** Base and quote of every universe symbol that splits */
  readonly bases: ReadonlyMap<string, { readonly base: string; readonly quote: string }>;
}

function checkInput(input: Stage7PortfolioInput, s: Stage7PortfolioSettings): CheckedInput {
  const issues: ValidationIssue[] = [];
  const amount = (x: Dec, path: string) =>
    (x.isFinite() && x.gte(0)) || issues.push({ path, message: `expected a finite amount >= 0, was ${x.toString()}` });
  const balances = new Map<string, Stage7Balance>();
  for (const b of input.balances) {
    const asset = b.asset.trim().toUpperCase();
    if (balances.has(asset)) issues.push({ path: `balances.${asset}`, message: 'expected one balance per asset' });
    amount(b.free, `balances.${asset}.free`);
    amount(b.locked, `balances.${asset}.locked`);
    balances.set(asset, { asset, free: b.free, locked: b.locked });
  }
  for (const [symbol, mark] of input.marks)
    if (!mark.isFinite()) issues.push({ path: `marks.${symbol}`, message: 'expected a finite mark' });
  const bases = new Map<string, { base: string; quote: string }>();
  for (const u of input.universe) {
    try {
      bases.set(canonicalSymbol(u), splitSymbol(u));
    } catch {
      issues.push({ path: `universe.${u}`, message: 'expected a symbol that splits into base and quote' });
    }
  }
  for (const key of [
    'TRY_CASH_TARGET',
    'TRY_CASH_MAX',
    'MAX_POSITION_NOTIONAL_TRY',
    'NOTIONAL_CAP_TRY_PER_CYCLE',
  ] as const)
    amount(s[key], key);
  if (!s.MIN_ORDER_NOTIONAL_TRY.isFinite() || s.MIN_ORDER_NOTIONAL_TRY.lte(0))
    issues.push({ path: 'MIN_ORDER_NOTIONAL_TRY', message: 'expected > 0' });
  if (!Number.isSafeInteger(s.MAX_ORDERS_PER_CYCLE) || s.MAX_ORDERS_PER_CYCLE < 0)
    issues.push({ path: 'MAX_ORDERS_PER_CYCLE', message: `expected an integer >= 0, was ${s.MAX_ORDERS_PER_CYCLE}` });
  for (const t of s.PORTFOLIO_TARGETS ?? []) {
    amount(t.weight, `PORTFOLIO_TARGETS.${t.key}`);
    if (!isCanonicalPair(t.key))
      issues.push({ path: `PORTFOLIO_TARGETS.${t.key}`, message: 'expected a canonical pair' });
  }
  if (issues.length > 0) throw new ValidationError('stage 7 portfolio input', issues);
  return { balances, bases };
}

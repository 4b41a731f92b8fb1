// Order lifecycle planning (spec 3.14): desired orders and resting orders in, CANCEL/SUBMIT actions out.
// Invariants: an order is stale-checked against its OWN symbol's mid (9.2.15: the reference used the first
// mark of the map for every symbol); a (symbol, side) has at most one replace_submit, naming an order that
// gets a replace_cancel; the plan depends on the snapshot only, never on the order its lists arrive in.

import { actionDecision, type Decision } from '../decision';
import { ValidationError, type ValidationIssue } from '../errors';
import { bpsOf, type Dec, dec } from '../money';
import type { CancelAction, OpenOrderView, Stage4Action, SubmitAction } from './stage4-action';

/** An order this far from its symbol's mid is stale */
export const DRIFT_BPS = dec('25');
/** An intent this close to a resting order of its symbol and side (price, and qty as a ratio) is a duplicate */
export const DUPLICATE_PRICE_TOLERANCE_BPS = dec('5');
export const DUPLICATE_QTY_TOLERANCE = dec('0.01');

export interface LifecycleSettings {
  /** An open order not updated for this many seconds is stale */
  readonly TTL_SECONDS: number;
}

export interface LifecycleSnapshot {
  /** Desired orders (their `reason` is replaced by `new_intent` or `replace_submit`) */
  readonly intents: readonly SubmitAction[];
  readonly openOrders: readonly OpenOrderView[];
  /** Mid (or mark) per symbol; a symbol without one is stale-checked by age only */
  readonly mids: ReadonlyMap<string, Dec>;
  readonly nowMs: number;
}

export interface LifecyclePlan {
  /** Sorted by (symbol, side, CANCEL before SUBMIT, client order id) */
  readonly actions: readonly Stage4Action[];
  /** `invalid_intent` and `deduped`, one per intent that yields no action */
  readonly decisions: readonly Decision[];
}

/**
 * @throws ValidationError when the snapshot is insane: a non-positive open order price or quantity, a client
 * order id held by two open orders or two intents, a non-positive mid, a TTL or clock that is no whole number
 */
export function planLifecycle(snapshot: LifecycleSnapshot, settings: LifecycleSettings): LifecyclePlan {
  assertSane(snapshot, settings);
  const openIds = new Set(snapshot.openOrders.map((o) => o.clientOrderId));
  const staleByKey = new Map<string, OpenOrderView[]>();
  const fresh: OpenOrderView[] = [];
  for (const order of [...snapshot.openOrders].sort(byKeyThenId)) {
    if (!isStale(order, snapshot, settings)) fresh.push(order);
    else staleByKey.set(keyOf(order), [...(staleByKey.get(keyOf(order)) ?? []), order]);
  }
  const actions: Stage4Action[] = [];
  const decisions: Decision[] = [];
  const planned: SubmitAction[] = [];
  for (const intent of [...snapshot.intents].sort(byKeyThenId)) {
    if (!isPositive(intent.price) || !isPositive(intent.qty)) {
      decisions.push(decisionFor(intent, 'invalid_intent', 'REJECT'));
      continue;
    }
    // An id already resting names that order: a second order under it could not be told apart from it
    if (openIds.has(intent.clientOrderId) || [...fresh, ...planned].some((o) => isDuplicate(intent, o))) {
      decisions.push(decisionFor(intent, 'deduped', 'DROP'));
      continue;
    }
    const stale = staleByKey.get(keyOf(intent)) ?? [];
    staleByKey.delete(keyOf(intent));
    actions.push(...stale.map((o) => cancelOf(o, 'replace_cancel')));
    const submit = submitOf(intent, stale[0]?.clientOrderId);
    planned.push(submit);
    actions.push(submit);
  }
  for (const stale of staleByKey.values()) actions.push(...stale.map((o) => cancelOf(o, 'stale')));
  return { actions: actions.sort(byPlanOrder), decisions };
}

/** What makes a list of open orders unusable; shared with the risk filter, which looks orders up by id */
export function openOrderIssues(openOrders: readonly OpenOrderView[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const o of openOrders) {
    const path = `openOrders.${o.clientOrderId}`;
    if (seen.has(o.clientOrderId)) issues.push({ path, message: 'expected one open order per client order id' });
    seen.add(o.clientOrderId);
    if (!isPositive(o.price)) issues.push({ path: `${path}.price`, message: `expected > 0, was ${o.price.toFixed()}` });
    if (!isPositive(o.qty)) issues.push({ path: `${path}.qty`, message: `expected > 0, was ${o.qty.toFixed()}` });
  }
  return issues;
}

function assertSane(snapshot: LifecycleSnapshot, settings: LifecycleSettings): void {
  const issues = openOrderIssues(snapshot.openOrders);
  if (!Number.isSafeInteger(settings.TTL_SECONDS) || settings.TTL_SECONDS <= 0)
    issues.push({ path: 'TTL_SECONDS', message: `expected a positive integer, was ${settings.TTL_SECONDS}` });
  if (!Number.isSafeInteger(snapshot.nowMs))
    issues.push({ path: 'nowMs', message: `expected an integer, was ${snapshot.nowMs}` });
  for (const o of snapshot.openOrders) {
    if (!Number.isSafeInteger(o.updatedAtMs))
      issues.push({
        path: `openOrders.${o.clientOrderId}.updatedAtMs`,
        message: `expected an integer, was ${o.updatedAtMs}`,
      });
  }
  for (const [symbol, mid] of snapshot.mids) {
    if (!isPositive(mid)) issues.push({ path: `mids.${symbol}`, message: `expected > 0, was ${mid.toFixed()}` });
  }
  const intentIds = snapshot.intents.map((i) => i.clientOrderId);
  for (const id of new Set(intentIds.filter((id, at) => intentIds.indexOf(id) !== at)))
    issues.push({ path: `intents.${id}`, message: 'expected one intent per client order id' });
  if (issues.length > 0) throw new ValidationError('lifecycle snapshot', issues);
}

const isPositive = (x: Dec): boolean => x.isFinite() && x.gt(0);

function isStale(order: OpenOrderView, snapshot: LifecycleSnapshot, settings: LifecycleSettings): boolean {
  if (snapshot.nowMs - order.updatedAtMs >= settings.TTL_SECONDS * 1000) return true;
  const mid = snapshot.mids.get(order.symbol);
  return mid !== undefined && order.price.sub(mid).abs().gte(bpsOf(mid, DRIFT_BPS));
}

/** Same symbol and side, price within 5 bps and quantity within 1 % of the intent's */
function isDuplicate(intent: SubmitAction, other: Pick<OpenOrderView, 'symbol' | 'side' | 'price' | 'qty'>): boolean {
  return (
    keyOf(other) === keyOf(intent) &&
    other.price.sub(intent.price).abs().lte(bpsOf(intent.price, DUPLICATE_PRICE_TOLERANCE_BPS)) &&
    other.qty.sub(intent.qty).abs().lte(intent.qty.mul(DUPLICATE_QTY_TOLERANCE))
  );
}

const keyOf = (o: Pick<OpenOrderView, 'symbol' | 'side'>): string => `${o.symbol}|${o.side}`;

const cancelOf = (o: OpenOrderView, reason: 'stale' | 'replace_cancel'): CancelAction => ({
  kind: 'CANCEL',
  symbol: o.symbol,
  side: o.side,
  price: o.price,
  qty: o.qty,
  clientOrderId: o.clientOrderId,
  reason,
});

/** The intent as planned: every field it carries, its reason and replace target set by this plan only */
function submitOf(intent: SubmitAction, replaces: string | undefined): SubmitAction {
  const { replaceForClientOrderId: _fromIntent, ...planned } = intent;
  return replaces === undefined
    ? { ...planned, reason: 'new_intent' }
    : { ...planned, reason: 'replace_submit', replaceForClientOrderId: replaces };
}

const decisionFor = (intent: SubmitAction, code: string, action: Decision['action']): Decision =>
  actionDecision('lifecycle', intent, action, code);

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byKeyThenId = (a: OpenOrderView | SubmitAction, b: OpenOrderView | SubmitAction): number =>
  compare(a.symbol, b.symbol) || compare(a.side, b.side) || compare(a.clientOrderId, b.clientOrderId);

// The spec's order is CANCEL < REPLACE < SUBMIT; a replace here is its CANCEL and SUBMIT halves. Client ids
// are unique within a plan (an intent reusing an open order's id is deduped), so the order is total.
const KIND_RANK: Record<Stage4Action['kind'], number> = { CANCEL: 0, SUBMIT: 2 };

const byPlanOrder = (a: Stage4Action, b: Stage4Action): number =>
  compare(a.symbol, b.symbol) ||
  compare(a.side, b.side) ||
  KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
  compare(a.clientOrderId, b.clientOrderId);

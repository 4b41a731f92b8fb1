// The simulated stage 7 OMS (spec 4.10). processIntents runs steps 1-11 over intents sorted by client id;
// reconcileOpenOrders re-presents every non-terminal order (reason `reconcile`). Both are pure and return the
// writes of step 12 for ONE transaction. An illegal transition is ignored, never thrown; an idempotency
// conflict rejects its own order only. A re-run of a call, with its collaborators as they were when it first
// ran, on any part of its writes returns exactly what is missing (stage7-oms-pass.ts).
import { NonRetryableSubmitError, ValidationError, type ValidationIssue } from '../errors';
import { type Dec, sumDec, ZERO } from '../money';
import { omsMachine } from '../order-state';
import type { ConsumeResult } from '../token-bucket';
import {
  isRetryableFailure,
  type SimulatedFillSlice,
  type SimulatedSubmitOutcome,
  type Stage7Intent,
  type Stage7Market,
} from './stage7-intent';
import { byCode, OmsPass, type Stage7OmsResult } from './stage7-oms-pass';
import { type Stage7OmsState, type Stage7Order, stage7IdempotencyKey, stage7IntentHash } from './stage7-oms-state';

export type { Stage7OmsResult } from './stage7-oms-pass';

export interface Stage7OmsSettings {
  /** Submit attempts per pass, the first included (an integer >= 1) */
  readonly STAGE7_RETRY_MAX_ATTEMPTS: number;
}

/** The token bucket's default group (spec 4.12) as the OMS uses it: one token per order it tries to submit */
export interface Stage7RateLimiter {
  tryConsume(nowMs: number): ConsumeResult;
}

export interface Stage7OmsDeps {
  readonly market: Stage7Market;
  readonly limiter: Stage7RateLimiter;
  /** Delay recorded after `attempt` failed, before the next one: whole ms >= 0 (the seeded backoff of 4.12) */
  readonly retryDelayMs: (attempt: number, clientOrderId: string) => number;
}

export interface Stage7OmsCall {
  readonly state: Stage7OmsState;
  readonly nowMs: number;
  /** Client ids whose cancel was requested (step 4) */
  readonly cancelRequested?: ReadonlySet<string>;
}

/**
 * Spec 4.10 `process_intents`. Skipped intents are left out (step 1).
 * @throws NonRetryableSubmitError the market answered NON_RETRYABLE (step 8: it propagates; nothing is written)
 * @throws ValidationError a bad call, settings, intent or collaborator answer
 * @throws CorruptStateError a re-run whose inputs differ from the run that stored part of its writes
 */
export function processIntents(
  call: Stage7OmsCall & { readonly intents: readonly Stage7Intent[] },
  deps: Stage7OmsDeps,
  settings: Stage7OmsSettings,
): Stage7OmsResult {
  checkCall(call, settings);
  const issues = call.intents.flatMap((intent, i) =>
    typeof intent.clientOrderId === 'string' && intent.clientOrderId.length > 0
      ? []
      : [{ path: `intents[${i}].clientOrderId`, message: 'expected a non-empty client order id' }],
  );
  if (issues.length > 0) throw new ValidationError('stage 7 OMS intents', issues);
  const pass = new OmsPass(`intents:${call.nowMs}`, call.state, call.nowMs);
  const sorted = [...call.intents].sort((a, b) => byCode(a.clientOrderId, b.clientOrderId));
  for (const intent of sorted) if (!intent.skipped) processOne(pass, intent, call, deps, settings);
  return pass.result();
}

/** Spec 4.10 `reconcile_open_orders`: the orders not terminal before this pass, as intents with reason `reconcile` */
export function reconcileOpenOrders(
  call: Stage7OmsCall,
  deps: Stage7OmsDeps,
  settings: Stage7OmsSettings,
): Stage7OmsResult {
  checkCall(call, settings);
  const pass = new OmsPass(`reconcile:${call.nowMs}`, call.state, call.nowMs);
  const open = [...call.state.orders.values()]
    .filter((o) => !omsMachine.isTerminal(pass.statusBefore(o.clientOrderId)))
    .sort((a, b) => byCode(a.clientOrderId, b.clientOrderId));
  for (const order of open) processOne(pass, reconcileIntent(order), call, deps, settings);
  return pass.result();
}

export const reconcileIntent = (o: Stage7Order): Stage7Intent => ({
  cycleId: o.cycleId,
  symbol: o.symbol,
  side: o.side,
  orderType: 'LIMIT',
  price: o.price,
  qty: o.qty,
  notionalTry: o.notionalTry,
  clientOrderId: o.clientOrderId,
  reason: 'reconcile',
  skipped: false,
});

const positive = (x: Dec): boolean => x.isFinite() && x.gt(0);

/** Steps 2-11 for one intent; each step that applies ends the order's turn */
function processOne(
  pass: OmsPass,
  intent: Stage7Intent,
  call: Stage7OmsCall,
  deps: Stage7OmsDeps,
  settings: Stage7OmsSettings,
): void {
  const id = intent.clientOrderId;
  const hash = stage7IntentHash(intent);
  const base = pass.base(intent, hash);
  if (!positive(intent.qty) || !positive(intent.price) || !positive(intent.notionalTry)) {
    pass.transition(id, { type: 'REJECTED', reason: 'invalid_price_or_qty' });
    return;
  }
  if (call.cancelRequested?.has(id)) {
    pass.transition(id, { type: 'CANCELED', reason: 'cancel_requested' });
    return;
  }
  if (omsMachine.isTerminal(pass.status(id))) {
    pass.emit(id, { type: 'DUPLICATE_IGNORED', reason: 'terminal_order' });
    return;
  }
  const token = deps.limiter.tryConsume(call.nowMs);
  if (!token.ok) {
    pass.emit(id, { type: 'THROTTLED', nextEligibleMs: checkedNextEligible(token, call.nowMs) });
    return;
  }
  if (!claimKey(pass, id, hash, base.intentHash)) return;
  const outcome = submitWithRetries(pass, intent, deps, settings.STAGE7_RETRY_MAX_ATTEMPTS);
  if (outcome === undefined) return;
  pass.transition(id, { type: 'SUBMIT_REQUESTED' });
  pass.transition(id, { type: 'ACKED' });
  if (outcome.kind === 'rejected') {
    pass.transition(id, { type: 'REJECTED', reason: 'sim_reject', detail: outcome.reason });
    return;
  }
  const slices = checkedSlices(id, outcome.slices, intent.qty);
  const qty = sumDec(slices.map((s) => s.qty));
  const avgPrice = sumDec(slices.map((s) => s.qty.mul(s.price))).div(qty);
  const [first] = slices;
  if (slices.length > 1 && first !== undefined) {
    pass.transition(id, { type: 'PARTIAL_FILL', qty: first.qty, price: first.price });
  }
  pass.transition(id, { type: 'FILLED', qty, avgPrice });
}

/** Step 7: true when the key is new (now registered); a duplicate or a conflict is recorded and false */
function claimKey(pass: OmsPass, id: string, hash: string, orderHash: string): boolean {
  const key = stage7IdempotencyKey(id);
  const entry = pass.registration(key);
  // An order on record under another payload conflicts even before its key was registered (e.g. throttled)
  const knownHash = entry?.payloadHash ?? orderHash;
  if (knownHash !== hash) {
    pass.emit(id, { type: 'IDEMPOTENCY_CONFLICT', key, registeredHash: knownHash, intentHash: hash });
    pass.transition(id, { type: 'REJECTED', reason: 'idempotency_conflict' });
    return false;
  }
  if (entry !== undefined) {
    pass.emit(id, { type: 'DUPLICATE_IGNORED', reason: 'idempotency_duplicate' });
    return false;
  }
  pass.register(key, hash);
  return true;
}

/** Step 8: the outcome, or undefined after RETRY_GIVEUP; nothing sleeps, the delays are recorded */
function submitWithRetries(
  pass: OmsPass,
  intent: Stage7Intent,
  deps: Stage7OmsDeps,
  maxAttempts: number,
): SimulatedSubmitOutcome | undefined {
  const id = intent.clientOrderId;
  for (let attempt = 1; ; attempt++) {
    const answer = deps.market.submit(intent, attempt);
    if ('outcome' in answer) return answer.outcome;
    const errorType = answer.failure;
    if (!isRetryableFailure(errorType)) throw new NonRetryableSubmitError(id, attempt, errorType);
    if (attempt >= maxAttempts) {
      pass.emit(id, { type: 'RETRY_GIVEUP', reason: 'transient_failure_exhausted', attempts: attempt, errorType });
      return undefined;
    }
    const delayMs = deps.retryDelayMs(attempt, id);
    if (!Number.isSafeInteger(delayMs) || delayMs < 0) {
      throw new ValidationError('stage 7 retry delay', [
        { path: `retryDelayMs(${attempt})`, message: `expected whole ms >= 0, was ${delayMs}` },
      ]);
    }
    pass.emit(id, { type: 'RETRY_SCHEDULED', attempt, delayMs, errorType });
  }
}

function checkCall(call: Stage7OmsCall, settings: Stage7OmsSettings): void {
  const issues: ValidationIssue[] = [];
  if (!Number.isSafeInteger(call.nowMs) || call.nowMs < 0) {
    issues.push({ path: 'nowMs', message: `expected epoch ms (an integer >= 0), was ${call.nowMs}` });
  }
  const max = settings.STAGE7_RETRY_MAX_ATTEMPTS;
  if (!Number.isSafeInteger(max) || max < 1) {
    issues.push({ path: 'STAGE7_RETRY_MAX_ATTEMPTS', message: `expected an integer >= 1, was ${max}` });
  }
  if (issues.length > 0) throw new ValidationError('stage 7 OMS call', issues);
}

function checkedNextEligible(token: { readonly nextEligibleMs: number }, nowMs: number): number {
  const next = token.nextEligibleMs;
  if (Number.isSafeInteger(next) && next >= nowMs) return next;
  throw new ValidationError('stage 7 rate limiter answer', [
    { path: 'nextEligibleMs', message: `expected epoch ms >= ${nowMs}, was ${next}` },
  ]);
}

/** A filled answer: at least one slice, each qty and price > 0, no more than the order's qty in total */
function checkedSlices(
  clientOrderId: string,
  slices: readonly SimulatedFillSlice[],
  orderQty: Dec,
): readonly SimulatedFillSlice[] {
  const issues: ValidationIssue[] = [];
  if (slices.length === 0) issues.push({ path: 'slices', message: 'expected at least one fill slice' });
  slices.forEach((s, i) => {
    if (!positive(s.qty)) issues.push({ path: `slices[${i}].qty`, message: `expected > 0, was ${s.qty.toFixed()}` });
    if (!positive(s.price)) {
      issues.push({ path: `slices[${i}].price`, message: `expected > 0, was ${s.price.toFixed()}` });
    }
  });
  const total = issues.length > 0 ? ZERO : sumDec(slices.map((s) => s.qty));
  if (total.gt(orderQty)) {
    issues.push({ path: 'slices', message: `expected a total <= ${orderQty.toFixed()}, was ${total.toFixed()}` });
  }
  if (issues.length > 0) throw new ValidationError(`stage 7 market answer for ${clientOrderId}`, issues);
  return slices;
}

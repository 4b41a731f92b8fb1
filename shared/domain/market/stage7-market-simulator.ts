// The stage 7 market simulator (spec 4.11): answers a LIMIT intent at once in simulated time with seeded
// rejects, slippage against the mark and partial fills, or with a failure injected for tests and backtests.
// Fills move a SimulatedAccount that must cover them (a section 9 style fix: the reference never debits cash).
// Deterministic: the client id is the only seed; the same settings, marks, failures, account and submits in
// the same order give the same outcomes and the same account.
import { ValidationError, type ValidationIssue } from '../errors';
import type { Side } from '../exchange-rules';
import { bpsOf, Dec, dec, minusBps, plusBps } from '../money';
import type {
  SimulatedFailure,
  SimulatedFillSlice,
  SimulatedSubmitOutcome,
  Stage7Intent,
  Stage7Market,
} from '../oms/stage7-intent';
import type { SimulatedAccount } from '../portfolio/simulated-account';

export interface Stage7MarketSettings {
  /** Integer 0..10000: a client id whose last 4 hex digits mod 10000 fall below it is rejected */
  readonly STAGE7_SIM_REJECT_PROB_BPS: number;
  /** Fill price = mark x (1 + bps/10000) for a BUY, x (1 - bps/10000) for a SELL; below 10000 */
  readonly STAGE7_SLIPPAGE_BPS: Dec;
  /** The account is charged fill notional x bps/10000 TRY, the ledger's fee for the same fill (spec 4.13) */
  readonly STAGE7_FEES_BPS: Dec;
}

/** The mark of a symbol; undefined (or not > 0) falls back to the intent's limit price */
export type MarkPriceLookup = (symbol: string) => Dec | undefined;

export interface Stage7MarketDeps {
  readonly markPrice: MarkPriceLookup;
  readonly account: SimulatedAccount;
  /** Per client id, consumed one per submit call in order; ids not listed never fail */
  readonly failures?: ReadonlyMap<string, readonly SimulatedFailure[]>;
}

export const SIM_REJECT_INVALID = 'invalid_price_or_qty';
export const SIM_REJECT_SEEDED = 'sim_reject';
/** Not in the reference (it fills without cash): the account cannot cover the fill and its fee */
export const SIM_REJECT_INSUFFICIENT_BALANCE = 'insufficient_balance';

const BPS_SCALE = 10_000;
const PARTIAL_MIN_QTY = dec('0.0001');
const FIRST_SLICE_SHARE = dec('0.6');
const SLICE_PLACES = 8;
const HEX_TAIL = /[0-9a-fA-F]{4}$/;

/** Spec 4.11: int(last 4 hex chars of the client id, 16) mod 10000 < reject bps (never when bps is 0) */
export const isSeededReject = (clientOrderId: string, rejectBps: number): boolean =>
  rejectBps > 0 && Number.parseInt(clientOrderId.slice(-4), 16) % BPS_SCALE < rejectBps;

/** Spec 4.11: (mark or limit price) moved against the order by the slippage; exact, not put on the tick */
export const simulatedFillPrice = (reference: Dec, side: Side, slippageBps: Dec): Dec =>
  side === 'BUY' ? plusBps(reference, slippageBps) : minusBps(reference, slippageBps);

/**
 * Spec 4.11: two slices when the client id's last hex digit is even and qty > 0.0001 (qty x 0.6 rounded half
 * even to 8 places, then the remainder), else one; every slice at the same price
 */
export function simulatedSlices(clientOrderId: string, qty: Dec, price: Dec): SimulatedFillSlice[] {
  const lastDigit = Number.parseInt(clientOrderId.slice(-1), 16);
  if (lastDigit % 2 !== 0 || qty.lte(PARTIAL_MIN_QTY)) return [{ qty, price }];
  const first = qty.mul(FIRST_SLICE_SHARE).toDecimalPlaces(SLICE_PLACES, Dec.ROUND_HALF_EVEN);
  return [
    { qty: first, price },
    { qty: qty.sub(first), price },
  ];
}

export class Stage7MarketSimulator implements Stage7Market {
  readonly #settings: Stage7MarketSettings;
  readonly #markPrice: MarkPriceLookup;
  readonly #failures: ReadonlyMap<string, readonly SimulatedFailure[]>;
  readonly #consumed = new Map<string, number>();
  #account: SimulatedAccount;

  constructor(settings: Stage7MarketSettings, deps: Stage7MarketDeps) {
    assertSettings(settings);
    this.#settings = settings;
    this.#markPrice = deps.markPrice;
    this.#failures = new Map([...(deps.failures ?? new Map())].map(([id, list]) => [id, [...list]]));
    this.#account = deps.account;
  }

  /** The account after every fill so far */
  get account(): SimulatedAccount {
    return this.#account;
  }

  /** Injected failures this client id has not met yet */
  remainingFailures(clientOrderId: string): readonly SimulatedFailure[] {
    return (this.#failures.get(clientOrderId) ?? []).slice(this.#consumed.get(clientOrderId) ?? 0);
  }

  /**
   * Order of checks: an injected failure (the request never reached the venue), then the spec's rejects
   * (invalid qty or price, seeded reject), then the account, then the fill. `attempt` is not consulted:
   * failures are consumed per call, so a reconcile pass continues the list where the last pass stopped.
   * @throws ValidationError for a skipped intent or a client id not ending in 4 hex digits (caller bugs)
   */
  submit(intent: Stage7Intent, _attempt: number): { failure: SimulatedFailure } | { outcome: SimulatedSubmitOutcome } {
    assertSubmittable(intent);
    const failure = this.#nextFailure(intent.clientOrderId);
    if (failure !== undefined) return { failure };
    if (intent.qty.lte(0) || intent.price.lte(0)) return rejected(SIM_REJECT_INVALID);
    if (isSeededReject(intent.clientOrderId, this.#settings.STAGE7_SIM_REJECT_PROB_BPS)) {
      return rejected(SIM_REJECT_SEEDED);
    }
    const mark = this.#markPrice(intent.symbol);
    const reference = mark?.isFinite() && mark.gt(0) ? mark : intent.price;
    const price = simulatedFillPrice(reference, intent.side, this.#settings.STAGE7_SLIPPAGE_BPS);
    const fill = {
      symbol: intent.symbol,
      side: intent.side,
      qty: intent.qty,
      price,
      feeTry: bpsOf(intent.qty.mul(price), this.#settings.STAGE7_FEES_BPS),
    };
    if (this.#account.shortfall(fill) !== undefined) return rejected(SIM_REJECT_INSUFFICIENT_BALANCE);
    this.#account = this.#account.applyFill(fill);
    return { outcome: { kind: 'filled', slices: simulatedSlices(intent.clientOrderId, intent.qty, price) } };
  }

  #nextFailure(clientOrderId: string): SimulatedFailure | undefined {
    const consumed = this.#consumed.get(clientOrderId) ?? 0;
    const failure = this.#failures.get(clientOrderId)?.[consumed];
    if (failure !== undefined) this.#consumed.set(clientOrderId, consumed + 1);
    return failure;
  }
}

const rejected = (reason: string): { outcome: SimulatedSubmitOutcome } => ({ outcome: { kind: 'rejected', reason } });

function assertSubmittable(intent: Stage7Intent): void {
  const issues: ValidationIssue[] = [];
  if (intent.skipped) issues.push({ path: 'skipped', message: 'expected an intent that is not skipped' });
  if (!HEX_TAIL.test(intent.clientOrderId)) {
    issues.push({
      path: 'clientOrderId',
      message: `expected an id ending in 4 hex digits, was ${JSON.stringify(intent.clientOrderId)}`,
    });
  }
  if (issues.length > 0) throw new ValidationError('stage 7 submit', issues);
}

function assertSettings(s: Stage7MarketSettings): void {
  const issues: ValidationIssue[] = [];
  const reject = s.STAGE7_SIM_REJECT_PROB_BPS;
  if (!Number.isInteger(reject) || reject < 0 || reject > BPS_SCALE) {
    issues.push({ path: 'STAGE7_SIM_REJECT_PROB_BPS', message: `expected an integer in 0..10000, was ${reject}` });
  }
  // 10000 bps or more would print a SELL at a price <= 0
  const slip = s.STAGE7_SLIPPAGE_BPS;
  if (!slip.isFinite() || slip.lt(0) || slip.gte(BPS_SCALE)) {
    issues.push({ path: 'STAGE7_SLIPPAGE_BPS', message: `expected >= 0 and < 10000, was ${slip.toFixed()}` });
  }
  const fees = s.STAGE7_FEES_BPS;
  if (!fees.isFinite() || fees.lt(0)) {
    issues.push({ path: 'STAGE7_FEES_BPS', message: `expected >= 0, was ${fees.toFixed()}` });
  }
  if (issues.length > 0) throw new ValidationError('stage 7 market settings', issues);
}

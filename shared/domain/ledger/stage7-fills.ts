// Stage 7 fills into the ledger (spec 4.13). Each FILLED simulated OMS order becomes one fill: a deterministic
// fill id, its TRY fee, its slippage contribution, and the ledger events the live ledger stores for a venue
// fill (shared/application/ingest-fills.ts): a FILL carrying the fee in the pair's quote, and a FEE when the
// fee is > 0, with the event ids of ../ids.ts (`fill#{SYMBOL}#{fill id}`, `fee#{SYMBOL}#{fill id}`). Positions,
// PnL and the report are the ledger's own projections of these events (ledger-state.ts, ledger-report.ts).
//
// Idempotent: a fill's id, amounts and time come from its order and the order's FILLED event only (not from
// the row's latest update, which a later DUPLICATE_IGNORED moves), so materializing an order again gives the
// same events byte for byte, which the ledger's insert-or-ignore by event id keeps once. Work is per order
// given: pass the orders a cycle's OMS passes wrote, not the whole history.
//
// Replay order: the ledger orders events by (time, event id). Fills of one OMS pass share its time, so the
// ledger replays them by fill id, while the simulated account saw them in client id order. Quantities agree
// either way; lots, realized PnL and the cash they explain differ only when a SELL needs a BUY filled in the
// same pass (the ledger then records an oversell), which stage7BookDifferences reports.
import { CorruptStateError, ValidationError, type ValidationIssue } from '../errors';
import type { Side } from '../exchange-rules';
import { sha256Hex } from '../hashing';
import { bpsOf, type Dec, sumDec, ZERO } from '../money';
import { byCode } from '../oms/stage7-oms-pass';
import { isStateChanging, type Stage7Order, type Stage7OrderEvent } from '../oms/stage7-oms-state';
import { type OmsStatus, omsMachine } from '../order-state';
import { CASH_ASSET, type SimulatedAccount } from '../portfolio/simulated-account';
import { canonicalSymbol, splitSymbol } from '../symbols';
import { fillEvents } from './fill-events';
import type { LedgerEvent } from './ledger-event';
import { heldQty, type LedgerState } from './ledger-state';

/** Spec 4.13's meta source of stage 7's ledger events (LedgerEvent has no meta field: it is the fill's) */
export const STAGE7_FILL_SOURCE = 'stage7_oms';

/** One FILLED OMS order as the ledger books it */
export interface Stage7Fill {
  /** `s7f:` + sha256("{cycle}|{coid}|{SYMBOL}|{SIDE}")[:16]; the trade id of its FILL event */
  readonly fillId: string;
  readonly source: typeof STAGE7_FILL_SOURCE;
  /** The cycle that created the order, whichever pass filled it */
  readonly cycleId: string;
  readonly clientOrderId: string;
  readonly orderId: string;
  /** Canonical (BTCTRY) */
  readonly symbol: string;
  readonly side: Side;
  /** The order's filled quantity */
  readonly qty: Dec;
  /** The order's average fill price */
  readonly price: Dec;
  /** The order's LIMIT price */
  readonly limitPrice: Dec;
  /** price x qty x feesBps / 10000, in TRY */
  readonly feeTry: Dec;
  /** |price - limit price| x qty, in TRY */
  readonly slippageTry: Dec;
  /** Time of the order's FILLED event */
  readonly timestampMs: number;
  /** FILL, then FEE when the fee is > 0 */
  readonly events: readonly LedgerEvent[];
}

export interface Stage7FillBatch {
  /** By client order id */
  readonly fills: readonly Stage7Fill[];
  /** Every fill's events, in fill order: what the ledger appends */
  readonly events: readonly LedgerEvent[];
  readonly feesTry: Dec;
  /** Spec 4.13's ledger snapshot slippage: the sum of the contributions */
  readonly slippageTry: Dec;
}

export interface Stage7FillsInput {
  /** The ledger account stage 7 books into (e.g. `stage7`, apart from the live account) */
  readonly account: string;
  /** Orders to materialize (e.g. the rows an OMS pass wrote); those not FILLED are left out */
  readonly orders: Iterable<Stage7Order>;
  /** The OMS events by client order id, as stored after the pass (Stage7OmsState.events) */
  readonly events: ReadonlyMap<string, readonly Stage7OrderEvent[]>;
}

/** Spec 4.13: `s7f:` + sha256("{cycle}|{coid}|{SYMBOL}|{SIDE}")[:16] */
export const stage7FillId = (cycleId: string, clientOrderId: string, symbol: string, side: Side): string =>
  `s7f:${sha256Hex(`${cycleId}|${clientOrderId}|${canonicalSymbol(symbol)}|${side}`).slice(0, 16)}`;

/** Spec 4.13: avg price x filled qty x fees bps / 10000 (the market simulator charges the account the same) */
export const stage7FeeTry = (avgPrice: Dec, filledQty: Dec, feesBps: Dec): Dec =>
  bpsOf(avgPrice.mul(filledQty), feesBps);

/** Spec 4.13: |avg price - limit price| x filled qty */
export const stage7SlippageTry = (avgPrice: Dec, limitPrice: Dec, filledQty: Dec): Dec =>
  avgPrice.sub(limitPrice).abs().mul(filledQty);

/**
 * The fills of the FILLED orders among `orders`, sorted by client id. An order is FILLED when its events say
 * so (the row is only their projection); one whose filled qty or average price is not > 0 is left out.
 * `feesBps` is stage 7's fee rate (the cycle reads its knob).
 * @throws ValidationError   an empty account, a fee rate not finite and >= 0, or a filled order on a non-TRY pair
 * @throws CorruptStateError a row saying FILLED whose events never reached FILLED (its events are missing)
 */
export function stage7Fills(input: Stage7FillsInput, feesBps: Dec): Stage7FillBatch {
  const issues: ValidationIssue[] = [];
  if (input.account.length === 0) issues.push({ path: 'account', message: 'expected a non-empty ledger account' });
  if (!feesBps.isFinite() || feesBps.lt(0)) {
    issues.push({ path: 'feesBps', message: `expected a finite rate >= 0, was ${feesBps.toFixed()}` });
  }
  if (issues.length > 0) throw new ValidationError('stage 7 fills', issues);
  // one fill per client id, whatever the input repeats
  const byId = new Map([...input.orders].map((o) => [o.clientOrderId, o]));
  const orders = [...byId.values()].sort((a, b) => byCode(a.clientOrderId, b.clientOrderId));
  const fills: Stage7Fill[] = [];
  for (const order of orders) {
    const filled = filledEvent(input.events.get(order.clientOrderId) ?? []);
    if (filled === undefined) {
      if (order.status === 'FILLED') throw missingFill(order);
      continue;
    }
    if (!filled.qty.gt(0) || !filled.avgPrice.gt(0)) continue;
    fills.push(fillOf(input.account, order, filled, feesBps));
  }
  return {
    fills,
    events: fills.flatMap((f) => f.events),
    feesTry: sumDec(fills.map((f) => f.feeTry)),
    slippageTry: sumDec(fills.map((f) => f.slippageTry)),
  };
}

type FilledEvent = Stage7OrderEvent & { readonly type: 'FILLED' };

/** The event that moved the order to FILLED (illegal transitions skipped, as projectEvents does), if any */
function filledEvent(events: readonly Stage7OrderEvent[]): FilledEvent | undefined {
  let status: OmsStatus = 'PLANNED';
  for (const e of events) {
    if (!isStateChanging(e.type) || !omsMachine.can(status, e.type)) continue;
    status = omsMachine.next(status, e.type);
    if (e.type === 'FILLED') return e;
  }
  return undefined;
}

function fillOf(account: string, order: Stage7Order, filled: FilledEvent, feesBps: Dec): Stage7Fill {
  const symbol = canonicalSymbol(order.symbol);
  const { base, quote } = splitSymbol(symbol);
  if (quote !== CASH_ASSET || base === CASH_ASSET) {
    throw new ValidationError(`stage 7 fill of ${order.clientOrderId}`, [
      { path: 'symbol', message: `expected a <base>${CASH_ASSET} pair (fees are charged in TRY), was ${symbol}` },
    ]);
  }
  const fillId = stage7FillId(order.cycleId, order.clientOrderId, symbol, order.side);
  const [qty, price] = [filled.qty, filled.avgPrice];
  const feeTry = stage7FeeTry(price, qty, feesBps);
  const events = fillEvents({
    account,
    symbol,
    timestampMs: filled.tsMs,
    tradeId: fillId,
    clientOrderId: order.clientOrderId,
    side: order.side,
    qty,
    price,
    fee: feeTry,
    feeAsset: CASH_ASSET,
    fillFee: { fee: feeTry, feeAsset: CASH_ASSET },
    feeTradeId: `fee:${fillId}`,
  });
  return {
    fillId,
    source: STAGE7_FILL_SOURCE,
    cycleId: order.cycleId,
    clientOrderId: order.clientOrderId,
    orderId: order.orderId,
    symbol,
    side: order.side,
    qty,
    price,
    limitPrice: order.price,
    feeTry,
    slippageTry: stage7SlippageTry(price, order.price, qty),
    timestampMs: filled.tsMs,
    events,
  };
}

const missingFill = (order: Stage7Order): CorruptStateError =>
  new CorruptStateError(`stage 7 order ${order.clientOrderId}`, [
    { path: 'status', message: 'expected a FILLED row to have a FILLED event: its events are missing' },
  ]);

/** One asset the two books hold differently: totals (free + locked) in the account, and as the ledger explains them */
export interface Stage7BookDifference {
  readonly asset: string;
  readonly account: Dec;
  readonly ledger: Dec;
}

/**
 * Conservation across stage 7's two books: what the simulated account holds of each asset against what the
 * ledger explains from the opening balances. Base asset: opening + bought - sold (oversold included). TRY:
 * opening + FIFO realized - cost of the lots held - fees, since every BUY's notional is either in a lot or was
 * consumed by a SELL whose proceeds are that cost plus its realized PnL. An oversell (a SELL the ledger held
 * no lots for: opening base holdings, or a same-pass replay order) has no cost basis, so its proceeds show as
 * a TRY difference. Empty when the books agree; sorted by asset.
 * @throws ValidationError the ledger holds a pair that is not a <base>TRY pair (stage 7 trades TRY only)
 */
export function stage7BookDifferences(
  account: SimulatedAccount,
  ledger: LedgerState,
  opening: Readonly<Record<string, Dec>>,
): readonly Stage7BookDifference[] {
  const explained = new Map<string, Dec>(Object.entries(opening));
  const add = (asset: string, amount: Dec) => explained.set(asset, (explained.get(asset) ?? ZERO).add(amount));
  const issues: ValidationIssue[] = [];
  for (const book of ledger.symbols.values()) {
    const { base, quote } = splitSymbol(book.symbol);
    if (quote !== CASH_ASSET) {
      issues.push({ path: `symbols.${book.symbol}`, message: `expected a <base>${CASH_ASSET} pair` });
      continue;
    }
    const lotsCost = book.lots.reduce((sum, lot) => sum.add(lot.qty.mul(lot.unitCost)), ZERO);
    add(base, heldQty(book).sub(book.oversold));
    add(CASH_ASSET, book.realized.sub(lotsCost));
  }
  if (issues.length > 0) throw new ValidationError('stage 7 ledger', issues);
  for (const [asset, fees] of ledger.feesByAsset) add(asset, fees.neg());
  const held = account.balances();
  const assets = [...new Set([...explained.keys(), ...Object.keys(held)])].sort(byCode);
  const differences: Stage7BookDifference[] = [];
  for (const asset of assets) {
    const b = account.balance(asset);
    const inAccount = b.free.add(b.locked);
    const inLedger = explained.get(asset) ?? ZERO;
    if (!inAccount.eq(inLedger)) differences.push({ asset, account: inAccount, ledger: inLedger });
  }
  return differences;
}

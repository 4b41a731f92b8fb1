// The ledger reducer (spec 3.10, 9.3.20): one pure fold over FILL and FEE events that keeps, per symbol, the
// FIFO lots and the stage 3 average-cost position (spec 2.12) side by side, so every stage's positions and
// PnL are projections of the same events. Amounts stay in each pair's quote asset; the report converts.
//
// Incremental use: the state remembers its event count and the key of the last event applied. An event
// whose key sorts after it is applied; one with an equal key is that same event again and changes nothing
// (keys are unique per event, so no set of applied ids has to grow with history); one that sorts before
// it cannot be applied in place (LedgerOutOfOrderError): the caller rebuilds with replayLedger.
//
// A SELL beyond the lots held (an oversell) cannot be refused: the venue reports what happened, for
// example a sale of coins bought before the ledger began. Throwing would wedge every later cycle on the
// same event, the failure mode spec 9.3.21 removes from the capital policy. The reducer therefore books
// the held part, records the excess as an anomaly on the symbol (quantity and count), realizes nothing
// for it (it has no cost basis), and the report surfaces it for the risk rules to act on.
import { applyFill, flatPosition, type Position, quoteFee } from '../average-cost';
import { LedgerOutOfOrderError, ValidationError, type ValidationIssue } from '../errors';
import { type Dec, minDec, toPlain, ZERO } from '../money';
import { splitSymbol } from '../symbols';
import { compareLedgerEvents, type LedgerEvent, ledgerEventKey } from './ledger-event';

export const DAY_MS = 86_400_000;

/** A FIFO lot: what one BUY added, at its price (spec 3.10 keeps fees out of the lot cost) */
export interface Lot {
  readonly qty: Dec;
  readonly unitCost: Dec;
}

export interface SymbolBook {
  readonly symbol: string;
  /** Oldest first; a SELL consumes from the front */
  readonly lots: readonly Lot[];
  /** Quantity bought, and quantity sold out of lots: the lots hold exactly bought - sold */
  readonly bought: Dec;
  readonly sold: Dec;
  /** SELL quantity beyond the lots held, booked against no lot, and how many SELLs did it */
  readonly oversold: Dec;
  readonly oversells: number;
  /** FIFO realized PnL in the quote asset, before fees */
  readonly realized: Dec;
  /** Sum of price * qty over the symbol's FILL events, in the quote asset */
  readonly turnover: Dec;
  /** The stage 3 average-cost view of the same fills */
  readonly average: Position;
  /** Fees on FILL events paid in another asset than the quote: not in the average cost, by asset */
  readonly unconvertedFees: ReadonlyMap<string, Dec>;
}

/** The UTC day of the last event applied, and the totals as they stood at its 00:00 */
export interface LedgerDay {
  readonly startMs: number;
  /** Realized PnL by quote asset before the day's first event */
  readonly realizedAtStart: ReadonlyMap<string, Dec>;
  /** FEE totals by asset before the day's first event */
  readonly feesAtStart: ReadonlyMap<string, Dec>;
}

export interface LedgerState {
  readonly eventCount: number;
  /** `ledgerEventKey` of the last event applied; undefined before the first */
  readonly lastEventKey: string | undefined;
  readonly symbols: ReadonlyMap<string, SymbolBook>;
  /** FEE events summed by the asset they were paid in */
  readonly feesByAsset: ReadonlyMap<string, Dec>;
  /** ADJUSTMENT events applied: no rule books them yet (nothing writes them), so they are counted, never lost */
  readonly adjustments: number;
  readonly day: LedgerDay | undefined;
}

export function emptyLedgerState(): LedgerState {
  return {
    eventCount: 0,
    lastEventKey: undefined,
    symbols: new Map(),
    feesByAsset: new Map(),
    adjustments: 0,
    day: undefined,
  };
}

export const emptySymbolBook = (symbol: string): SymbolBook => ({
  symbol,
  lots: [],
  bought: ZERO,
  sold: ZERO,
  oversold: ZERO,
  oversells: 0,
  realized: ZERO,
  turnover: ZERO,
  average: flatPosition(symbol),
  unconvertedFees: new Map(),
});

/**
 * Applies one event after the last one applied; the same event again returns `state` unchanged.
 * @throws LedgerOutOfOrderError the event sorts before the last one applied: rebuild with replayLedger
 * @throws ValidationError       a FILL without a side or with a non-positive quantity or price, or a negative fee
 */
export function applyLedgerEvent(state: LedgerState, event: LedgerEvent): LedgerState {
  const key = ledgerEventKey(event);
  if (state.lastEventKey !== undefined) {
    if (key === state.lastEventKey) return state;
    if (key < state.lastEventKey) throw new LedgerOutOfOrderError(key, state.lastEventKey);
  }
  checkEvent(event);
  const next = { ...state, eventCount: state.eventCount + 1, lastEventKey: key, day: dayOf(state, event.timestampMs) };
  switch (event.type) {
    case 'FILL': {
      const book = applyFillEvent(state.symbols.get(event.symbol) ?? emptySymbolBook(event.symbol), event);
      return { ...next, symbols: new Map(state.symbols).set(event.symbol, book) };
    }
    case 'FEE':
      return { ...next, feesByAsset: addTo(state.feesByAsset, event.feeAsset, event.fee) };
    case 'ADJUSTMENT':
      return { ...next, adjustments: state.adjustments + 1 };
  }
}

/** Replays events in (timestampMs, eventId) order, whatever order they come in; repeated events count once */
export function replayLedger(events: readonly LedgerEvent[]): LedgerState {
  return [...events].sort(compareLedgerEvents).reduce(applyLedgerEvent, emptyLedgerState());
}

/** The stage 3 average-cost positions (spec 2.12), one per symbol that has a FILL */
export function averageCostPositions(state: LedgerState): ReadonlyMap<string, Position> {
  return new Map([...state.symbols].map(([symbol, book]) => [symbol, book.average]));
}

/** Quantity held in a symbol's lots */
export const heldQty = (book: SymbolBook): Dec => book.lots.reduce((sum, lot) => sum.add(lot.qty), ZERO);

/** FIFO realized PnL summed per quote asset (a total across quotes would add TRY to USDT) */
export function realizedByQuote(state: LedgerState): ReadonlyMap<string, Dec> {
  let totals: ReadonlyMap<string, Dec> = new Map();
  for (const book of state.symbols.values()) totals = addTo(totals, splitSymbol(book.symbol).quote, book.realized);
  return totals;
}

export const utcDayStart = (ms: number): number => ms - (ms % DAY_MS);

/** A new UTC day starts with the totals as they are before its first event (spec 3.9 "realized today") */
function dayOf(state: LedgerState, timestampMs: number): LedgerDay {
  const startMs = utcDayStart(timestampMs);
  if (state.day !== undefined && state.day.startMs >= startMs) return state.day;
  return { startMs, realizedAtStart: realizedByQuote(state), feesAtStart: state.feesByAsset };
}

function applyFillEvent(book: SymbolBook, event: LedgerEvent): SymbolBook {
  // checkEvent proved a FILL has its side
  const side = event.side === 'SELL' ? 'SELL' : 'BUY';
  const feeInQuote = quoteFee(event);
  const withFees: SymbolBook = {
    ...book,
    turnover: book.turnover.add(event.price.mul(event.qty)),
    average: applyFill(book.average, { ...event, side }, feeInQuote ?? ZERO),
    unconvertedFees:
      feeInQuote === undefined ? addTo(book.unconvertedFees, event.feeAsset, event.fee) : book.unconvertedFees,
  };
  return side === 'BUY' ? buy(withFees, event.qty, event.price) : sell(withFees, event.qty, event.price);
}

function buy(book: SymbolBook, qty: Dec, price: Dec): SymbolBook {
  const last = book.lots.at(-1);
  // a lot at the same cost as the newest one merges into it: FIFO consumption is the same either way
  const lots =
    last?.unitCost.eq(price) === true
      ? [...book.lots.slice(0, -1), { qty: last.qty.add(qty), unitCost: price }]
      : [...book.lots, { qty, unitCost: price }];
  return { ...book, lots, bought: book.bought.add(qty) };
}

function sell(book: SymbolBook, qty: Dec, price: Dec): SymbolBook {
  const lots: Lot[] = [];
  let left = qty;
  let realized = book.realized;
  for (const lot of book.lots) {
    const take = minDec(lot.qty, left);
    realized = realized.add(price.sub(lot.unitCost).mul(take));
    left = left.sub(take);
    if (take.lt(lot.qty)) lots.push(take.isZero() ? lot : { qty: lot.qty.sub(take), unitCost: lot.unitCost });
  }
  return {
    ...book,
    lots,
    sold: book.sold.add(qty.sub(left)),
    realized,
    oversold: book.oversold.add(left),
    oversells: left.gt(0) ? book.oversells + 1 : book.oversells,
  };
}

function checkEvent(event: LedgerEvent): void {
  const issues: ValidationIssue[] = [];
  if (event.fee.lt(0)) issues.push({ path: 'fee', message: `expected a fee >= 0, was ${toPlain(event.fee)}` });
  if (event.type === 'FILL') {
    if (event.side === undefined) issues.push({ path: 'side', message: 'expected BUY or SELL on a FILL, was missing' });
    if (!event.qty.gt(0)) issues.push({ path: 'qty', message: `expected a FILL qty > 0, was ${toPlain(event.qty)}` });
    if (!event.price.gt(0)) {
      issues.push({ path: 'price', message: `expected a FILL price > 0, was ${toPlain(event.price)}` });
    }
  }
  if (issues.length > 0) throw new ValidationError(`ledger event ${event.eventId}`, issues);
}

function addTo(totals: ReadonlyMap<string, Dec>, key: string, amount: Dec): ReadonlyMap<string, Dec> {
  return new Map(totals).set(key, (totals.get(key) ?? ZERO).add(amount));
}

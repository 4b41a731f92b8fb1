// The ledger state as plain JSON (decimals as canonical strings, keys sorted): what a projection document
// stores. The same state always gives the same text; parseLedgerState (shared/application/ledger/) reads
// it back, checking every field and the state's invariants.
import { type Dec, toPlain } from '../money';
import type { LedgerDay, LedgerState, SymbolBook } from './ledger-state';

export const LEDGER_STATE_JSON_VERSION = 1;

export type DecimalMapJson = Record<string, string>;

export interface SymbolBookJson {
  /** Oldest first */
  readonly lots: readonly (readonly [qty: string, unitCost: string])[];
  readonly bought: string;
  readonly sold: string;
  readonly oversold: string;
  readonly oversells: number;
  readonly realized: string;
  readonly turnover: string;
  readonly average: {
    readonly qty: string;
    readonly avgCost: string;
    readonly realizedPnl: string;
    readonly feesPaid: string;
  };
  readonly unconvertedFees: DecimalMapJson;
}

export interface LedgerDayJson {
  readonly startMs: number;
  readonly realizedAtStart: DecimalMapJson;
  readonly feesAtStart: DecimalMapJson;
}

export interface LedgerStateJson {
  readonly version: typeof LEDGER_STATE_JSON_VERSION;
  readonly eventCount: number;
  readonly lastEventKey: string | null;
  readonly adjustments: number;
  readonly feesByAsset: DecimalMapJson;
  readonly day: LedgerDayJson | null;
  readonly symbols: Record<string, SymbolBookJson>;
}

export function ledgerStateToJson(state: LedgerState): LedgerStateJson {
  return {
    version: LEDGER_STATE_JSON_VERSION,
    eventCount: state.eventCount,
    lastEventKey: state.lastEventKey ?? null,
    adjustments: state.adjustments,
    feesByAsset: decimalMap(state.feesByAsset),
    day: state.day === undefined ? null : dayJson(state.day),
    symbols: Object.fromEntries(sortedEntries(state.symbols).map(([symbol, book]) => [symbol, bookJson(book)])),
  };
}

const dayJson = (day: LedgerDay): LedgerDayJson => ({
  startMs: day.startMs,
  realizedAtStart: decimalMap(day.realizedAtStart),
  feesAtStart: decimalMap(day.feesAtStart),
});

const bookJson = (book: SymbolBook): SymbolBookJson => ({
  lots: book.lots.map((lot) => [toPlain(lot.qty), toPlain(lot.unitCost)] as const),
  bought: toPlain(book.bought),
  sold: toPlain(book.sold),
  oversold: toPlain(book.oversold),
  oversells: book.oversells,
  realized: toPlain(book.realized),
  turnover: toPlain(book.turnover),
  average: {
    qty: toPlain(book.average.qty),
    avgCost: toPlain(book.average.avgCost),
    realizedPnl: toPlain(book.average.realizedPnl),
    feesPaid: toPlain(book.average.feesPaid),
  },
  unconvertedFees: decimalMap(book.unconvertedFees),
});

const decimalMap = (totals: ReadonlyMap<string, Dec>): DecimalMapJson =>
  Object.fromEntries(sortedEntries(totals).map(([key, amount]) => [key, toPlain(amount)]));

const sortedEntries = <T>(map: ReadonlyMap<string, T>): [string, T][] =>
  [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

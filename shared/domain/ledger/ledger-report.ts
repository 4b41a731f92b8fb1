// The ledger report (spec 3.10) valued in TRY at the given marks (canonical symbol -> price; conversion
// rates such as USDTTRY come from the same map). What cannot be valued is listed, never counted as 0
// (spec 9.3.20): fee assets without a TRY rate, quote assets without one (their pairs' amounts are left out
// of every TRY figure), and held symbols without a positive mark (their lots count at cost, no unrealized
// PnL, as spec 3.9 values them). Slippage is not in the ledger yet, so net = gross - fees.
import { type Dec, ZERO } from '../money';
import { splitSymbol } from '../symbols';
import { convert } from './conversion';
import { type LedgerState, realizedByQuote, utcDayStart } from './ledger-state';

export const REPORT_CURRENCY = 'TRY';

export interface LedgerToday {
  /** FIFO realized PnL since 00:00 UTC of `nowMs`: 0 when no event has been applied today */
  readonly realizedTry: Dec;
  readonly feesTry: Dec;
  readonly netTry: Dec;
}

export interface LedgerReport {
  readonly realizedTry: Dec;
  /** Sum over lots of (mark - unit cost) * qty */
  readonly unrealizedTry: Dec;
  /** realized + unrealized */
  readonly grossTry: Dec;
  /** FEE events converted at the marks; assets without a rate are in feeConversionMissing, not here */
  readonly feesTry: Dec;
  /** gross - fees */
  readonly netTry: Dec;
  /** cash + sum over lots of qty * mark */
  readonly equityTry: Dec;
  /** Sum of price * qty over FILL events */
  readonly turnoverTry: Dec;
  readonly today: LedgerToday;
  readonly feesByAsset: ReadonlyMap<string, Dec>;
  /** Fee assets with no TRY rate among the marks, sorted */
  readonly feeConversionMissing: readonly string[];
  /** Quote assets with no TRY rate among the marks, sorted: their pairs are not in the TRY figures */
  readonly quoteConversionMissing: readonly string[];
  /** Symbols holding lots without a positive mark, sorted: valued at their lot cost */
  readonly marksMissing: readonly string[];
  /** SELL quantity beyond the lots held, by symbol (bought before the ledger began, or a lost fill) */
  readonly oversold: ReadonlyMap<string, Dec>;
  /** ADJUSTMENT events, which no rule books yet */
  readonly adjustments: number;
}

export function ledgerReport(
  state: LedgerState,
  marks: ReadonlyMap<string, Dec>,
  cashTry: Dec,
  nowMs: number,
): LedgerReport {
  const quoteMissing = new Set<string>();
  const marksMissing: string[] = [];
  const toTry = (amount: Dec, quote: string): Dec => {
    const converted = convert(amount, quote, REPORT_CURRENCY, marks);
    if (converted === undefined) quoteMissing.add(quote);
    return converted ?? ZERO;
  };
  let unrealized = ZERO;
  let holdings = ZERO;
  let turnover = ZERO;
  const oversold = new Map<string, Dec>();
  for (const book of state.symbols.values()) {
    const quote = splitSymbol(book.symbol).quote;
    const quoted = marks.get(book.symbol);
    const mark = quoted?.gt(0) ? quoted : undefined;
    if (mark === undefined && book.lots.length > 0) marksMissing.push(book.symbol);
    for (const lot of book.lots) {
      const price = mark ?? lot.unitCost;
      unrealized = unrealized.add(toTry(price.sub(lot.unitCost).mul(lot.qty), quote));
      holdings = holdings.add(toTry(price.mul(lot.qty), quote));
    }
    turnover = turnover.add(toTry(book.turnover, quote));
    if (book.oversold.gt(0)) oversold.set(book.symbol, book.oversold);
  }
  const realizedNow = realizedByQuote(state);
  const realized = sumConverted(realizedNow, toTry);
  const feeMissing = new Set<string>();
  const feesToTry = (amount: Dec, asset: string): Dec => {
    const converted = convert(amount, asset, REPORT_CURRENCY, marks);
    if (converted === undefined) feeMissing.add(asset);
    return converted ?? ZERO;
  };
  const fees = sumConverted(state.feesByAsset, feesToTry);
  const gross = realized.add(unrealized);
  const today = state.day !== undefined && state.day.startMs >= utcDayStart(nowMs) ? state.day : undefined;
  const realizedToday = today ? sumConverted(since(realizedNow, today.realizedAtStart), toTry) : ZERO;
  const feesToday = today ? sumConverted(since(state.feesByAsset, today.feesAtStart), feesToTry) : ZERO;
  return {
    realizedTry: realized,
    unrealizedTry: unrealized,
    grossTry: gross,
    feesTry: fees,
    netTry: gross.sub(fees),
    equityTry: cashTry.add(holdings),
    turnoverTry: turnover,
    today: { realizedTry: realizedToday, feesTry: feesToday, netTry: realizedToday.sub(feesToday) },
    feesByAsset: state.feesByAsset,
    feeConversionMissing: [...feeMissing].sort(),
    quoteConversionMissing: [...quoteMissing].sort(),
    marksMissing: marksMissing.sort(),
    oversold,
    adjustments: state.adjustments,
  };
}

/** Peak equity so far and the largest (peak - equity) / peak seen: an equity series folded point by point */
export interface DrawdownTrack {
  readonly peak: Dec;
  readonly maxDrawdown: Dec;
}

export function trackDrawdown(track: DrawdownTrack | undefined, equity: Dec): DrawdownTrack {
  const peak = track === undefined || equity.gt(track.peak) ? equity : track.peak;
  const drawdown = peak.gt(0) ? peak.sub(equity).div(peak) : ZERO;
  const maxDrawdown = track === undefined || drawdown.gt(track.maxDrawdown) ? drawdown : track.maxDrawdown;
  return { peak, maxDrawdown };
}

/** Max drawdown ratio of an equity series (spec 3.10): 1000, 1100, 990 -> 0.1; 0 for an empty series */
export const maxDrawdown = (equities: readonly Dec[]): Dec =>
  equities.reduce<DrawdownTrack | undefined>(trackDrawdown, undefined)?.maxDrawdown ?? ZERO;

function sumConverted(amounts: ReadonlyMap<string, Dec>, toTry: (amount: Dec, asset: string) => Dec): Dec {
  let total = ZERO;
  for (const [asset, amount] of amounts) if (!amount.isZero()) total = total.add(toTry(amount, asset));
  return total;
}

function since(now: ReadonlyMap<string, Dec>, start: ReadonlyMap<string, Dec>): ReadonlyMap<string, Dec> {
  return new Map([...now].map(([key, amount]) => [key, amount.sub(start.get(key) ?? ZERO)]));
}

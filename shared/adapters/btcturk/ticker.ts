// GET /api/v2/ticker (BTCTURK_API 6.3): one request answers the 24 h ticker of every pair: best bid and ask,
// last price, high, low, base volume and the daily percent change. Its values are JSON numbers the venue
// serializes as doubles (a small one may come as 6E-05): parseVenueJson keeps them as source text and they
// become decimals exactly, never through a float. Each pair is checked on its own, as exchangeinfo's are: a
// malformed item or an insane row (a bid or ask <= 0, a crossed quote, a negative last, range or volume,
// low > high, a fall of more than 100 %) leaves that pair without a mark and the others usable. Zero is a
// sane last, range and volume: a pair that has not traded says so. The ticker's own timestamp is placed on
// our clock by the caller, so the freshness gate judges how old the venue says the quote is.
import * as z from 'zod';
import { ValidationError, type ValidationIssue } from '../../domain/errors';
import { Dec, dec, toPlain } from '../../domain/money';
import { canonicalSymbol } from '../../domain/symbols';
import type { Ticker } from '../../ports/exchange';
import { MsText, SymbolText, signedDecText } from './btcturk-schemas';

/** A JSON number as its source text, plain or in exponent notation, made a plain decimal */
const NumberText = z
  .string()
  .regex(/^-?\d+(\.\d+)?([eE][+-]?\d{1,3})?$/, 'expected a decimal number')
  .transform((s) => toPlain(new Dec(s)));
const NonNegativeNumberText = NumberText.pipe(signedDecText('non-negative'));

export const TickerItemSchema = z.looseObject({
  pair: SymbolText.regex(/[A-Za-z0-9]/, 'expected a pair symbol'),
  timestamp: MsText,
  bid: NumberText,
  ask: NumberText,
  last: NonNegativeNumberText,
  high: NonNegativeNumberText,
  low: NonNegativeNumberText,
  volume: NonNegativeNumberText,
  /** Not needed for a mark, so a row without it (or with null) is still usable */
  dailyPercent: NumberText.nullish(),
});

/** The list is checked item by item in tickersOf */
export const TickerDataSchema = z.array(z.unknown());

/** When the answer was received (local clock) and the venue clock offset to place its stamps on ours */
export interface TickerTimes {
  readonly receivedAtMs: number;
  /** Venue time minus local time, at the earliest end of its uncertainty */
  readonly venueAheadMs: number;
}

export interface TickerRows {
  readonly tickers: Ticker[];
  /** One error per pair left out, naming the pair (or its index), the field and what was wrong */
  readonly invalid: ValidationError[];
}

const MINUS_HUNDRED = dec('-100');

/** What parses but cannot be true of one row, by field (the backtest's replay exchange judges its rows by it too) */
export function tickerInsanity(t: Ticker): ValidationIssue | undefined {
  const [bid, ask] = [t.bid.toFixed(), t.ask.toFixed()];
  if (!t.bid.gt(0) || !t.ask.gt(0))
    return { path: 'bid', message: `expected a positive bid and ask, was bid ${bid} ask ${ask}` };
  if (t.bid.gt(t.ask))
    return { path: 'bid', message: `expected bid <= ask, was a crossed quote: bid ${bid} ask ${ask}` };
  if (t.low.gt(t.high))
    return { path: 'low', message: `expected low <= high, was low ${t.low.toFixed()} high ${t.high.toFixed()}` };
  if (t.dailyPercent?.lt(MINUS_HUNDRED))
    return {
      path: 'dailyPercent',
      message: `expected >= -100 (a price cannot fall below 0), was ${t.dailyPercent.toFixed()}`,
    };
  return undefined;
}

export function tickersOf(items: readonly unknown[], times: TickerTimes): TickerRows {
  const tickers: Ticker[] = [];
  const invalid: ValidationError[] = [];
  items.forEach((raw, index) => {
    const named = typeof raw === 'object' && raw !== null && 'pair' in raw;
    const name = named ? JSON.stringify(raw.pair)?.slice(0, 40) : `#${index}`;
    const refuse = (issues: ValidationIssue[]) =>
      invalid.push(new ValidationError(`btcturk ticker pair ${name}`, issues));
    const parsed = TickerItemSchema.safeParse(raw);
    if (!parsed.success) {
      refuse(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      return;
    }
    const p = parsed.data;
    const ticker: Ticker = {
      symbol: canonicalSymbol(p.pair),
      bid: new Dec(p.bid),
      ask: new Dec(p.ask),
      receivedAtMs: times.receivedAtMs,
      stampedAtMs: p.timestamp - times.venueAheadMs,
      last: new Dec(p.last),
      high: new Dec(p.high),
      low: new Dec(p.low),
      volume: new Dec(p.volume),
      dailyPercent: p.dailyPercent == null ? undefined : new Dec(p.dailyPercent),
    };
    const issue = tickerInsanity(ticker);
    if (issue) refuse([issue]);
    else tickers.push(ticker);
  });
  return { tickers, invalid };
}

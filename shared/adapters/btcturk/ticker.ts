// GET /api/v2/ticker (BTCTURK_API 6.3): one request answers the best bid and ask of every pair. Its values
// are JSON numbers the venue serializes as doubles (a small one may come as 6E-05): parseVenueJson keeps
// them as source text and they become decimals exactly, never through a float. Each pair is checked on its
// own, as exchangeinfo's are: a malformed item, a bid or ask <= 0, or a crossed quote (bid > ask) leaves
// that pair without a mark and the others usable. The ticker's own timestamp is placed on our clock by the
// caller, so the freshness gate judges how old the venue says the quote is.
import * as z from 'zod';
import { ValidationError } from '../../domain/errors';
import { Dec, toPlain } from '../../domain/money';
import { canonicalSymbol } from '../../domain/symbols';
import type { Quote } from '../../ports/exchange';
import { MsText, SymbolText } from './btcturk-schemas';

/** A JSON number as its source text, plain or in exponent notation, made a plain decimal */
const NumberText = z
  .string()
  .regex(/^-?\d+(\.\d+)?([eE][+-]?\d{1,3})?$/, 'expected a decimal number')
  .transform((s) => toPlain(new Dec(s)));

export const TickerItemSchema = z.looseObject({
  pair: SymbolText.regex(/[A-Za-z0-9]/, 'expected a pair symbol'),
  timestamp: MsText,
  bid: NumberText,
  ask: NumberText,
});

/** The list is checked item by item in quotesOf */
export const TickerDataSchema = z.array(z.unknown());

/** When the answer was received (local clock) and the venue clock offset to place its stamps on ours */
export interface TickerTimes {
  readonly receivedAtMs: number;
  /** Venue time minus local time, at the earliest end of its uncertainty */
  readonly venueAheadMs: number;
}

export interface TickerQuotes {
  readonly quotes: Quote[];
  /** One error per pair left out, naming the pair (or its index) and what was wrong */
  readonly invalid: ValidationError[];
}

export function quotesOf(items: readonly unknown[], times: TickerTimes): TickerQuotes {
  const quotes: Quote[] = [];
  const invalid: ValidationError[] = [];
  items.forEach((raw, index) => {
    const named = typeof raw === 'object' && raw !== null && 'pair' in raw;
    const name = named ? JSON.stringify(raw.pair)?.slice(0, 40) : `#${index}`;
    const refuse = (issues: { path: string; message: string }[]) =>
      invalid.push(new ValidationError(`btcturk ticker pair ${name}`, issues));
    const parsed = TickerItemSchema.safeParse(raw);
    if (!parsed.success) {
      refuse(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      return;
    }
    const { pair, timestamp, bid, ask } = parsed.data;
    const quote: Quote = {
      symbol: canonicalSymbol(pair),
      bid: new Dec(bid),
      ask: new Dec(ask),
      receivedAtMs: times.receivedAtMs,
      stampedAtMs: timestamp - times.venueAheadMs,
    };
    if (!quote.bid.gt(0) || !quote.ask.gt(0)) {
      refuse([{ path: 'bid', message: `expected a positive bid and ask, was bid ${bid} ask ${ask}` }]);
    } else if (quote.bid.gt(quote.ask)) {
      refuse([{ path: 'bid', message: `expected bid <= ask, was a crossed quote: bid ${bid} ask ${ask}` }]);
    } else {
      quotes.push(quote);
    }
  });
  return { quotes, invalid };
}

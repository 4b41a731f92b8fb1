// zod schemas of the BTCTurk REST bodies the gateway reads (BTCTURK_API 4, 6, 7). Bodies are parsed with
// parseVenueJson, so every JSON number arrives here as its source text: ids > 2^53 and prices stay exact.
// Well-formed but insane values are refused here, so the port's domain types cannot hold them: prices and
// quantities have the sign the API documents, an order never has more left than it had, and every venue
// time is epoch milliseconds inside one plausible range (a value in seconds, or 1e20, is refused).
import * as z from 'zod';
import type { Side } from '../../domain/exchange-rules';
import { dec, isDecimalString } from '../../domain/money';
import type { VenueOrderStatus } from '../../ports/exchange';

const DECIMAL = /^-?\d+(\.\d+)?$/;
export const DecText = z.string().regex(DECIMAL, 'expected a plain decimal');

type Sign = 'positive' | 'non-negative' | 'non-positive' | 'non-zero';
const signOf = (text: string): -1 | 0 | 1 => (!/[1-9]/.test(text) ? 0 : text.startsWith('-') ? -1 : 1);
const SIGN_OK: Record<Sign, (s: -1 | 0 | 1) => boolean> = {
  positive: (s) => s > 0,
  'non-negative': (s) => s >= 0,
  'non-positive': (s) => s <= 0,
  'non-zero': (s) => s !== 0,
};
const hasSign = (sign: Sign) => (text: string, ctx: z.RefinementCtx) => {
  if (!SIGN_OK[sign](signOf(text))) ctx.addIssue({ code: 'custom', message: `expected ${sign}, was ${text}` });
};
/** A plain decimal with the sign the API documents for the field */
export const signedDecText = (sign: Sign) => DecText.superRefine(hasSign(sign));

/** Balances use a comma decimal separator in the current docs and a dot in 2021 captures */
export const CommaOrDotDecText = z
  .string()
  .regex(/^-?\d+([.,]\d+)?$/, 'expected a decimal with a dot or a comma')
  .transform((s) => s.replace(',', '.'));
/** Venue ids are unsigned 64-bit integers: digits only, at most 20 of them */
export const IdText = z.string().regex(/^\d{1,20}$/, 'expected an integer id of at most 20 digits');
/** Pair symbols (BTCTRY, BTC_TRY; at most 20 characters per BTCTURK_API 7.2) and asset codes */
export const SymbolText = z.string().regex(/^[A-Za-z0-9_]{1,20}$/, 'expected a pair symbol');
export const AssetText = z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'expected an asset code');

/** The plausible range of every venue time, in epoch milliseconds: 2015-01-01 (before BTCTurk's API) to 2100 */
export const VENUE_TIME_MIN_MS = Date.UTC(2015, 0, 1);
export const VENUE_TIME_MAX_MS = Date.UTC(2100, 0, 1);
/** Milliseconds; the orderbook sometimes sends a float such as 1647493701782.0 */
export const MsText = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected epoch milliseconds')
  .transform((s) => Number(s.split('.')[0]))
  .superRefine((ms, ctx) => {
    if (ms < VENUE_TIME_MIN_MS || ms > VENUE_TIME_MAX_MS) {
      const range = `${new Date(VENUE_TIME_MIN_MS).toISOString()}..${new Date(VENUE_TIME_MAX_MS).toISOString()}`;
      ctx.addIssue({ code: 'custom', message: `expected epoch milliseconds in ${range}, was ${ms}` });
    }
  });

/** Spec 5.5, case-insensitive; anything else is UNKNOWN (a status added later must not abort a cycle) */
const STATUS: Record<string, VenueOrderStatus> = {
  untouched: 'OPEN',
  open: 'OPEN',
  partial: 'PARTIAL',
  partiallyfilled: 'PARTIAL',
  closed: 'FILLED',
  filled: 'FILLED',
  completed: 'FILLED',
  canceled: 'CANCELED',
  cancelled: 'CANCELED',
};
export const OrderStatusText = z.string().transform((s): VenueOrderStatus => STATUS[s.toLowerCase()] ?? 'UNKNOWN');
/** Live data writes buy/sell, the 2019 docs Buy/Sell */
export const SideText = z.string().transform((s, ctx): Side => {
  const lower = s.toLowerCase();
  if (lower === 'buy' || lower === 'sell') return lower === 'buy' ? 'BUY' : 'SELL';
  ctx.addIssue({ code: 'custom', message: `expected buy|sell, was ${JSON.stringify(s)}` });
  return z.NEVER;
});

/** The envelope of every api.btcturk.com body except server time; `code` may be an int or a string */
export const EnvelopeSchema = z.looseObject({
  success: z.boolean().optional(),
  message: z.string().nullish(),
  code: z.string().nullish(),
  data: z.unknown().optional(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const ServerTimeSchema = z.looseObject({ serverTime: MsText });

/** [price, quantity]: a level with a zero or negative price or quantity is not a level */
const Level = z.tuple([signedDecText('positive'), signedDecText('positive')]).rest(z.unknown());
export const OrderBookDataSchema = z.looseObject({
  timestamp: MsText,
  bids: z.array(Level),
  asks: z.array(Level),
});
export type OrderBookData = z.infer<typeof OrderBookDataSchema>;

/**
 * `free` and `balance` may be negative: spec 2.5 keeps "free < 0 -> observe-only" as a cycle invariant, so
 * the cycle must see such a balance rather than lose the whole list. `locked` is what orders and withdrawal
 * requests hold (BTCTURK_API 7.1): it cannot be negative, and a negative one says the numbers are corrupt.
 */
export const BalanceItemSchema = z.looseObject({
  asset: AssetText,
  balance: CommaOrDotDecText,
  locked: CommaOrDotDecText.superRefine(hasSign('non-negative')),
  free: CommaOrDotDecText,
});
export const BalancesDataSchema = z.array(BalanceItemSchema);

/**
 * One order as openOrders, allOrders and GET /api/v1/order/{id} return it (BTCTURK_API 7.4). Every
 * captured order (limit and stop-market alike) carries a positive price; an order priced 0 is refused.
 */
export const OrderItemSchema = z
  .looseObject({
    id: IdText,
    price: signedDecText('positive'),
    amount: signedDecText('positive'),
    pairSymbol: SymbolText,
    type: SideText,
    orderClientId: z.string().nullish(),
    updateTime: MsText,
    status: OrderStatusText,
    leftAmount: signedDecText('non-negative'),
  })
  .superRefine((o, ctx) => {
    // a failed format check does not stop zod from running this refinement: compare only valid decimals
    if (isDecimalString(o.leftAmount) && isDecimalString(o.amount) && dec(o.leftAmount).gt(dec(o.amount))) {
      ctx.addIssue({
        code: 'custom',
        path: ['leftAmount'],
        message: `expected at most amount ${o.amount}, was ${o.leftAmount}`,
      });
    }
  });
export type OrderItem = z.infer<typeof OrderItemSchema>;
export const OpenOrdersDataSchema = z.looseObject({ asks: z.array(OrderItemSchema), bids: z.array(OrderItemSchema) });
export const AllOrdersDataSchema = z.array(OrderItemSchema);

/**
 * One fill of GET /api/v1/users/transactions/trade (BTCTURK_API 7.7): `amount` is positive for a buy and
 * negative for a sell, `fee` and `tax` are negative (or zero), in the quote currency
 */
export const UserTradeItemSchema = z
  .looseObject({
    id: IdText,
    orderId: IdText,
    orderClientId: z.string().nullish(),
    timestamp: MsText,
    price: signedDecText('positive'),
    numeratorSymbol: AssetText,
    denominatorSymbol: AssetText,
    orderType: SideText,
    amount: signedDecText('non-zero'),
    fee: signedDecText('non-positive'),
    tax: signedDecText('non-positive'),
  })
  .superRefine((t, ctx) => {
    const expected = t.orderType === 'BUY' ? 1 : -1;
    if (DECIMAL.test(t.amount) && signOf(t.amount) !== expected) {
      const sign = expected > 0 ? 'positive' : 'negative';
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `expected ${sign} for a ${t.orderType}, was ${t.amount}`,
      });
    }
  });
export type UserTradeItem = z.infer<typeof UserTradeItemSchema>;
export const UserTradesDataSchema = z.array(UserTradeItemSchema);

export const SubmitAckDataSchema = z.looseObject({ id: IdText, newOrderClientId: z.string().nullish() });
/** Cancel answers {success, message:"SUCCESS", code:0} with data absent or null */
export const CancelAckDataSchema = z.unknown();

// zod schemas of the BTCTurk REST bodies the gateway reads (BTCTURK_API 4, 6, 7). Bodies are parsed with
// parseVenueJson, so every JSON number arrives here as its source text: ids > 2^53 and prices stay exact.
import { z } from 'zod';
import type { Side } from '../../domain/exchange-rules';
import type { VenueOrderStatus } from '../../ports/exchange';

const DECIMAL = /^-?\d+(\.\d+)?$/;
export const DecText = z.string().regex(DECIMAL, 'expected a plain decimal');
/** Balances use a comma decimal separator in the current docs and a dot in 2021 captures */
export const CommaOrDotDecText = z
  .string()
  .regex(/^-?\d+([.,]\d+)?$/, 'expected a decimal with a dot or a comma')
  .transform((s) => s.replace(',', '.'));
export const IdText = z.string().regex(/^\d+$/, 'expected an integer id');
/** Milliseconds; the orderbook sometimes sends a float such as 1647493701782.0 */
export const MsText = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected epoch milliseconds')
  .transform((s) => Number(s.split('.')[0]));

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

const Level = z.tuple([DecText, DecText]).rest(z.unknown());
export const OrderBookDataSchema = z.looseObject({
  timestamp: MsText,
  bids: z.array(Level),
  asks: z.array(Level),
});

export const BalanceItemSchema = z.looseObject({
  asset: z.string().min(1),
  balance: CommaOrDotDecText,
  locked: CommaOrDotDecText,
  free: CommaOrDotDecText,
});
export const BalancesDataSchema = z.array(BalanceItemSchema);

/** One order as openOrders, allOrders and GET /api/v1/order/{id} return it (BTCTURK_API 7.4) */
export const OrderItemSchema = z.looseObject({
  id: IdText,
  price: DecText,
  amount: DecText,
  pairSymbol: z.string().min(1),
  type: SideText,
  orderClientId: z.string().nullish(),
  updateTime: MsText,
  status: OrderStatusText,
  leftAmount: DecText,
});
export type OrderItem = z.infer<typeof OrderItemSchema>;
export const OpenOrdersDataSchema = z.looseObject({ asks: z.array(OrderItemSchema), bids: z.array(OrderItemSchema) });
export const AllOrdersDataSchema = z.array(OrderItemSchema);

/** One fill of GET /api/v1/users/transactions/trade: amount negative for sells, fee and tax negative */
export const UserTradeItemSchema = z.looseObject({
  id: IdText,
  orderId: IdText,
  orderClientId: z.string().nullish(),
  timestamp: MsText,
  price: DecText,
  numeratorSymbol: z.string().min(1),
  denominatorSymbol: z.string().min(1),
  orderType: SideText,
  amount: DecText,
  fee: DecText,
  tax: DecText,
});
export type UserTradeItem = z.infer<typeof UserTradeItemSchema>;
export const UserTradesDataSchema = z.array(UserTradeItemSchema);

export const SubmitAckDataSchema = z.looseObject({ id: IdText, newOrderClientId: z.string().nullish() });
/** Cancel answers {success, message:"SUCCESS", code:0} with data absent or null */
export const CancelAckDataSchema = z.unknown();

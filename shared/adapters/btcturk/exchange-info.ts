// zod schema of GET /api/v2/server/exchangeinfo (BTCTURK_API 6.2) and its mapping to domain pair metadata.
// Venue schemas tolerate extra fields; numbers arrive as source text (see venue-json.ts).
import { z } from 'zod';
import type { PairMetadata } from '../../domain/exchange-rules';

const NumText = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a number');
const IntText = NumText.transform(Number).pipe(z.number().int());

export const PriceFilterSchema = z.looseObject({
  filterType: z.string(),
  minPrice: NumText.nullish(),
  maxPrice: NumText.nullish(),
  tickSize: NumText.nullish(),
  minExchangeValue: NumText.nullish(),
  minAmount: NumText.nullish(),
  maxAmount: NumText.nullish(),
});

export const ExchangeSymbolSchema = z.looseObject({
  id: IntText,
  name: z.string().min(1),
  nameNormalized: z.string().min(1),
  status: z.string(),
  numerator: z.string().min(1),
  denominator: z.string().min(1),
  numeratorScale: IntText,
  denominatorScale: IntText,
  hasFraction: z.boolean(),
  filters: z.array(PriceFilterSchema),
  orderMethods: z.array(z.string()),
  maximumLimitOrderPrice: NumText.nullish(),
  minimumLimitOrderPrice: NumText.nullish(),
});
export type ExchangeSymbol = z.infer<typeof ExchangeSymbolSchema>;

export const ExchangeInfoDataSchema = z.looseObject({
  timeZone: z.string().optional(),
  serverTime: IntText.optional(),
  symbols: z.array(ExchangeSymbolSchema),
});
export type ExchangeInfoData = z.infer<typeof ExchangeInfoDataSchema>;

const orUndefined = (v: string | null | undefined) => v ?? undefined;

/** BTCTurk publishes one PRICE_FILTER; its tickSize, price bounds and minExchangeValue become our rules input */
export function pairMetadataOf(symbol: ExchangeSymbol): PairMetadata {
  const priceFilter = symbol.filters.find((f) => f.filterType === 'PRICE_FILTER');
  return {
    symbol: symbol.name,
    base: symbol.numerator,
    quote: symbol.denominator,
    status: symbol.status,
    numeratorScale: symbol.numeratorScale,
    denominatorScale: symbol.denominatorScale,
    hasFraction: symbol.hasFraction,
    orderMethods: symbol.orderMethods,
    tickSize: orUndefined(priceFilter?.tickSize),
    minPrice: orUndefined(priceFilter?.minPrice),
    maxPrice: orUndefined(priceFilter?.maxPrice),
    minQty: orUndefined(priceFilter?.minAmount),
    maxQty: orUndefined(priceFilter?.maxAmount),
    minNotionalCandidates: symbol.filters.flatMap((f) => (f.minExchangeValue ? [f.minExchangeValue] : [])),
    minLimitPrice: orUndefined(symbol.minimumLimitOrderPrice),
    maxLimitPrice: orUndefined(symbol.maximumLimitOrderPrice),
  };
}

// zod schema of GET /api/v2/server/exchangeinfo (BTCTURK_API 6.2) and its mapping to domain pair metadata.
// Venue schemas tolerate extra fields; numbers arrive as source text (see venue-json.ts). Each pair is
// checked on its own: scales are small non-negative integers and every numeric filter a plain decimal. A
// pair that fails is left out of the list, so the caller has no rules for it and blocks that pair only
// (as when deriveRules refuses a pair's values); the others stay usable. Only a body whose `symbols` is
// not a list fails as a whole.
import * as z from 'zod';
import { ValidationError } from '../../domain/errors';
import type { PairMetadata } from '../../domain/exchange-rules';
import { Dec, toPlain } from '../../domain/money';
import { AssetText, SymbolText } from './btcturk-schemas';

/**
 * A non-negative decimal, made plain. The price band fields are JSON numbers the venue serializes as
 * doubles, so a small one may come in exponent notation (6E-05 for a pair priced below 0.001): it is
 * converted exactly from its source text, never through a float.
 */
const DecimalText = z
  .string()
  .regex(/^\d+(\.\d+)?([eE][+-]?\d{1,2})?$/, 'expected a non-negative decimal')
  .transform((s) => toPlain(new Dec(s)));
/** Decimal places of a pair's price or quantity */
const ScaleText = z
  .string()
  .regex(/^\d{1,2}$/, 'expected a scale of 0..99 decimal places')
  .transform(Number);

export const PriceFilterSchema = z.looseObject({
  filterType: z.string(),
  minPrice: DecimalText.nullish(),
  maxPrice: DecimalText.nullish(),
  tickSize: DecimalText.nullish(),
  minExchangeValue: DecimalText.nullish(),
  minAmount: DecimalText.nullish(),
  maxAmount: DecimalText.nullish(),
});

export const ExchangeSymbolSchema = z.looseObject({
  name: SymbolText,
  status: z.string(),
  numerator: AssetText,
  denominator: AssetText,
  numeratorScale: ScaleText,
  denominatorScale: ScaleText,
  hasFraction: z.boolean(),
  filters: z.array(PriceFilterSchema),
  orderMethods: z.array(z.string()),
  maximumLimitOrderPrice: DecimalText.nullish(),
  minimumLimitOrderPrice: DecimalText.nullish(),
});
export type ExchangeSymbol = z.infer<typeof ExchangeSymbolSchema>;

/** `symbols` is checked pair by pair in pairsOf */
export const ExchangeInfoDataSchema = z.looseObject({ symbols: z.array(z.unknown()) });
export type ExchangeInfoData = z.infer<typeof ExchangeInfoDataSchema>;

export interface ExchangePairs {
  readonly pairs: PairMetadata[];
  /** One error per pair left out, naming the pair (or its index) and what was wrong */
  readonly invalid: ValidationError[];
}

export function pairsOf(data: ExchangeInfoData): ExchangePairs {
  const pairs: PairMetadata[] = [];
  const invalid: ValidationError[] = [];
  data.symbols.forEach((raw, index) => {
    const parsed = ExchangeSymbolSchema.safeParse(raw);
    if (parsed.success) {
      pairs.push(pairMetadataOf(parsed.data));
      return;
    }
    const named = typeof raw === 'object' && raw !== null && 'name' in raw;
    const name = named ? JSON.stringify(raw.name)?.slice(0, 40) : `#${index}`;
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    invalid.push(new ValidationError(`btcturk exchangeinfo pair ${name}`, issues));
  });
  return { pairs, invalid };
}

const orUndefined = (v: string | null | undefined) => v ?? undefined;

/** BTCTurk publishes one PRICE_FILTER; its tickSize, price bounds and minExchangeValue become our rules input */
function pairMetadataOf(symbol: ExchangeSymbol): PairMetadata {
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

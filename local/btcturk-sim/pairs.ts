// The simulator's pairs: presets from local/market with their rules as decimals, and the exchangeinfo
// symbol object in the shape of captured_rest_exchangeinfo_*.json (the dynamic band is 10x / 0.1x of last).
import { type Dec, dec } from '../../shared/domain/money';
import { type PairPreset, pairPreset } from '../market/pairs';
import { type JsonValue, RawNumber } from './json-text';

export interface SimPair extends PairPreset {
  readonly tick: Dec;
  readonly minNotional: Dec;
  readonly normalized: string;
}

export function simPair(symbol: string): SimPair {
  const p = pairPreset(symbol);
  return { ...p, tick: dec(p.tickSize), minNotional: dec(p.minExchangeValue), normalized: `${p.base}_${p.quote}` };
}

/** Dynamic limit-price band around the last price (BTCTURK_API.md 6.2: about 10x and 0.1x) */
export function priceBand(pair: SimPair, last: Dec): { min: Dec; max: Dec } {
  return { min: last.div(10).toNearest(pair.tick), max: last.mul(10).toNearest(pair.tick) };
}

const bandNumber = (x: Dec) => new RawNumber(x.isInteger() ? x.toFixed(1) : x.toFixed());

export function exchangeInfoSymbol(pair: SimPair, last: Dec): JsonValue {
  const band = priceBand(pair, last);
  return {
    id: pair.id,
    name: pair.symbol,
    nameNormalized: pair.normalized,
    status: 'TRADING',
    numerator: pair.base,
    denominator: pair.quote,
    numeratorScale: pair.numeratorScale,
    denominatorScale: pair.denominatorScale,
    hasFraction: pair.hasFraction,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: '0.0000000000001',
        maxPrice: '10000000',
        tickSize: pair.tickSize,
        minExchangeValue: pair.minExchangeValue,
        minAmount: null,
        maxAmount: null,
      },
    ],
    orderMethods: ['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT'],
    displayFormat: pair.hasFraction ? '#,###.##' : '#,###',
    commissionFromNumerator: false,
    order: 1000 + pair.id,
    priceRounding: false,
    isNew: false,
    marketPriceWarningThresholdPercentage: 0.25,
    maximumOrderAmount: null,
    maximumLimitOrderPrice: bandNumber(band.max),
    minimumLimitOrderPrice: bandNumber(band.min),
  };
}

/** The body of GET /api/v2/server/exchangeinfo over these symbol objects (the envelope as captured) */
export const exchangeInfoBody = (symbols: readonly JsonValue[], serverTimeMs: number): JsonValue => ({
  data: { timeZone: 'UTC', serverTime: serverTimeMs, symbols, currencies: [], currencyOperationBlocks: [] },
  success: true,
  message: '',
  code: 0,
});

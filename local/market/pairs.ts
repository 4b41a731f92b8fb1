// TRY pairs the generator and the simulator know: plausible 2026 price levels, tick sizes and scales
// (shapes as in BTCTURK_API.md 6.2 exchangeinfo), plus the volatility and volume the generator starts from.

export interface PairPreset {
  readonly id: number;
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly numeratorScale: number;
  readonly denominatorScale: number;
  readonly hasFraction: boolean;
  readonly tickSize: string;
  readonly minExchangeValue: string;
  readonly startPrice: string;
  /** Annualized volatility the GARCH process reverts to, e.g. 0.6 = 60 % */
  readonly annualVol: number;
  /** Typical base volume per one-minute candle */
  readonly baseVolumePerMinute: number;
}

const tryPair = (p: Omit<PairPreset, 'quote' | 'minExchangeValue'>): PairPreset => ({
  ...p,
  quote: 'TRY',
  minExchangeValue: '99.91',
});

/**
 * More pairs for runs and benchmarks with many symbols (levels plausible for 2026, not quotes):
 * [base, numeratorScale, denominatorScale, tickSize, startPrice, annualVol, baseVolumePerMinute]
 */
const MORE_TRY_PAIRS: readonly (readonly [string, number, number, string, string, number, number])[] = [
  ['ADA', 1, 3, '0.001', '25', 0.9, 8000],
  ['DOGE', 0, 4, '0.0001', '7', 1.0, 40000],
  ['LINK', 2, 2, '0.01', '650', 0.9, 60],
  ['DOT', 2, 2, '0.01', '220', 0.9, 150],
  ['LTC', 4, 1, '0.1', '3600', 0.7, 10],
  ['TRX', 0, 4, '0.0001', '11', 0.6, 30000],
  ['ATOM', 2, 2, '0.01', '260', 0.9, 100],
  ['NEAR', 2, 2, '0.01', '170', 1.0, 150],
  ['UNI', 2, 2, '0.01', '380', 0.95, 70],
  ['FIL', 2, 2, '0.01', '150', 1.0, 150],
  ['APT', 2, 2, '0.01', '300', 1.0, 90],
  ['ARB', 1, 3, '0.001', '20', 1.05, 9000],
  ['OP', 1, 3, '0.001', '55', 1.05, 3000],
  ['CHZ', 0, 4, '0.0001', '2.8', 1.0, 60000],
  ['USDT', 2, 2, '0.01', '42', 0.08, 50000],
];

export const PAIR_PRESETS: readonly PairPreset[] = [
  tryPair({
    id: 1,
    symbol: 'BTCTRY',
    base: 'BTC',
    numeratorScale: 8,
    denominatorScale: 0,
    hasFraction: false,
    tickSize: '1',
    startPrice: '3000000',
    annualVol: 0.55,
    baseVolumePerMinute: 0.4,
  }),
  tryPair({
    id: 2,
    symbol: 'ETHTRY',
    base: 'ETH',
    numeratorScale: 8,
    denominatorScale: 0,
    hasFraction: false,
    tickSize: '1',
    startPrice: '100000',
    annualVol: 0.7,
    baseVolumePerMinute: 6,
  }),
  tryPair({
    id: 3,
    symbol: 'SOLTRY',
    base: 'SOL',
    numeratorScale: 4,
    denominatorScale: 1,
    hasFraction: true,
    tickSize: '0.1',
    startPrice: '5000',
    annualVol: 0.9,
    baseVolumePerMinute: 40,
  }),
  tryPair({
    id: 4,
    symbol: 'AVAXTRY',
    base: 'AVAX',
    numeratorScale: 4,
    denominatorScale: 2,
    hasFraction: true,
    tickSize: '0.01',
    startPrice: '1000',
    annualVol: 0.95,
    baseVolumePerMinute: 90,
  }),
  tryPair({
    id: 5,
    symbol: 'XRPTRY',
    base: 'XRP',
    numeratorScale: 2,
    denominatorScale: 3,
    hasFraction: true,
    tickSize: '0.001',
    startPrice: '90',
    annualVol: 0.85,
    baseVolumePerMinute: 5000,
  }),
  ...MORE_TRY_PAIRS.map(
    ([base, numeratorScale, denominatorScale, tickSize, startPrice, annualVol, baseVolumePerMinute], i) =>
      tryPair({
        id: 6 + i,
        symbol: `${base}TRY`,
        base,
        numeratorScale,
        denominatorScale,
        hasFraction: denominatorScale > 0,
        tickSize,
        startPrice,
        annualVol,
        baseVolumePerMinute,
      }),
  ),
];

export function pairPreset(symbol: string): PairPreset {
  const found = PAIR_PRESETS.find((p) => p.symbol === symbol.toUpperCase().replace('_', ''));
  if (!found) throw new RangeError(`unknown pair ${symbol}, expected one of ${PAIR_PRESETS.map((p) => p.symbol)}`);
  return found;
}

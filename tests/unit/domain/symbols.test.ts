import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SymbolFormatError } from '../../../shared/domain/errors';
import { canonicalSymbol, exchangeSymbol, parseSymbolList, splitSymbol } from '../../../shared/domain/symbols';

describe('canonicalSymbol', () => {
  it.each([
    ['btc_try', 'BTCTRY'],
    [' BTC_TRY ', 'BTCTRY'],
    ['ethtry', 'ETHTRY'],
  ])('%j -> %s', (input, out) => expect(canonicalSymbol(input)).toBe(out));

  it.each(['', '   ', '_', 'BTC-TRY', 'BTC/TRY', 'btc try'])('refuses %j', (input) => {
    expect(() => canonicalSymbol(input)).toThrow(SymbolFormatError);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9]{1,6}_?[a-zA-Z0-9]{1,6}$/), (s) => {
        const once = canonicalSymbol(s);
        expect(canonicalSymbol(once)).toBe(once);
      }),
    );
  });
});

describe('splitSymbol', () => {
  it.each([
    ['BTC_TRY', 'BTC', 'TRY'],
    ['BTCTRY', 'BTC', 'TRY'],
    ['usdttry', 'USDT', 'TRY'],
    ['BTCUSDT', 'BTC', 'USDT'],
    ['ETHBTC', 'ETH', 'BTC'],
    ['AVAX_USDC', 'AVAX', 'USDC'],
    ['XEUR', 'X', 'EUR'],
  ])('%s -> %s / %s', (input, base, quote) => expect(splitSymbol(input)).toEqual({ base, quote }));

  it('tries TRY before USDT (order of spec 0.2)', () => {
    // "USDTTRY" ends with TRY: base USDT, not "USDTT" + "RY"
    expect(splitSymbol('USDTTRY')).toEqual({ base: 'USDT', quote: 'TRY' });
  });

  it.each(['TRY', 'ABC', '_TRY', 'BTC_'])('refuses %j (no non-empty base and known quote)', (input) => {
    expect(() => splitSymbol(input)).toThrow(SymbolFormatError);
  });

  it('round-trips through the exchange form', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{2,6}$/), fc.constantFrom('TRY', 'USDT', 'USDC'), (base, quote) => {
        fc.pre(!['TRY', 'USDT', 'USDC', 'BTC', 'ETH', 'EUR', 'USD'].some((q) => base.endsWith(q)));
        expect(exchangeSymbol(`${base}${quote}`)).toBe(`${base}_${quote}`);
        expect(canonicalSymbol(exchangeSymbol(`${base}${quote}`))).toBe(`${base}${quote}`);
      }),
    );
  });
});

describe('parseSymbolList (spec 1.2)', () => {
  it('parses a JSON array and a comma list to the same canonical list', () => {
    expect(parseSymbolList('["btc_try", "Eth_Try", "SOL_TRY"]')).toEqual(['BTCTRY', 'ETHTRY', 'SOLTRY']);
    expect(parseSymbolList(' btc_try , Eth_Try,  sol_try ')).toEqual(['BTCTRY', 'ETHTRY', 'SOLTRY']);
  });

  it('removes duplicates keeping the first occurrence', () => {
    expect(parseSymbolList("['ETH_TRY','BTCTRY','eth_try']")).toEqual(['ETHTRY', 'BTCTRY']);
  });

  it('refuses an item that is not a symbol', () => {
    expect(() => parseSymbolList('BTCTRY, BTC/TRY')).toThrow(SymbolFormatError);
  });
});

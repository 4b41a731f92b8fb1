import { describe, expect, it } from 'vitest';
import { ExchangeInfoDataSchema, pairsOf } from '../../../../shared/adapters/btcturk/exchange-info';
import { deriveRules, quantizeLimitOrder } from '../../../../shared/domain/exchange-rules';
import { dec, toPlain } from '../../../../shared/domain/money';
import { fixtureJson } from '../../../support/fixtures';

const defaults = { safeMinNotional: dec('100'), internalMinNotional: dec('10') };
const pairsIn = (file: string) => pairsOf(ExchangeInfoDataSchema.parse((fixtureJson(file) as { data: unknown }).data));

describe('exchangeinfo -> exchange rules (real captures)', () => {
  it('derives BTCTRY and AAVETRY rules from the March 2022 capture', () => {
    const [btc, aave] = pairsIn('captured_rest_exchangeinfo_btctry_aavetry_2022-03.json').pairs.map((p) =>
      deriveRules(p, defaults),
    );
    expect(btc?.symbol).toBe('BTCTRY');
    expect(toPlain(btc?.priceTick ?? dec('0'))).toBe('10');
    expect(toPlain(btc?.qtyStep ?? dec('0'))).toBe('0.00000001');
    expect(toPlain(btc?.minNotional ?? dec('0'))).toBe('99.91');
    expect(toPlain(btc?.minPrice ?? dec('0'))).toBe('58387.9');
    expect(toPlain(btc?.maxPrice ?? dec('0'))).toBe('5838790');
    expect(toPlain(aave?.priceTick ?? dec('0'))).toBe('0.01');
    expect(toPlain(aave?.qtyStep ?? dec('0'))).toBe('0.0001');
  });

  it('quantizes a BTCTRY order onto the 10 TRY tick and 8-decimal quantity', () => {
    const [btc] = pairsIn('captured_rest_exchangeinfo_btctry_2022-03-23.json').pairs;
    if (!btc) throw new Error('fixture has no symbol');
    const rules = deriveRules(btc, defaults);
    const o = quantizeLimitOrder(rules, 'BUY', dec('600123.45'), dec('0.001234567891'));
    expect(o.price.toFixed()).toBe('600120');
    expect(o.qty.toFixed()).toBe('0.00123456');
    const sell = quantizeLimitOrder(rules, 'SELL', dec('600123.45'), dec('0.001234567891'));
    expect(sell.price.toFixed()).toBe('600130');
  });

  it('keeps the excerpt capture parseable (normalized number literals)', () => {
    const { pairs, invalid } = pairsIn('captured_rest_exchangeinfo_btctry_2022-02-17_excerpt.json');
    expect([pairs.length, invalid]).toEqual([1, []]);
    for (const p of pairs) expect(() => deriveRules(p, defaults)).not.toThrow();
  });

  it("refuses the reference repo's hand-made shape (pairSymbol, no status, no hasFraction)", () => {
    const { pairs, invalid } = pairsIn('refrepo_synthetic_exchangeinfo_btcusdt_without_min_notional.json');
    expect(pairs).toEqual([]);
    const paths = invalid[0]?.issues.map((i) => i.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['name', 'status', 'hasFraction']));
  });
});

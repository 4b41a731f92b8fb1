import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BelowMinNotionalError, InvalidExchangeRulesError, InvalidOrderSizeError } from '../../../shared/domain/errors';
import {
  deriveRules,
  type ExchangeRules,
  fallbackRules,
  lcmStep,
  type PairMetadata,
  quantizeLimitOrder,
  quantizePrice,
  quantizeQty,
  rulesLookup,
  ruleViolations,
} from '../../../shared/domain/exchange-rules';
import { dec, isMultipleOf, toPlain } from '../../../shared/domain/money';
import { positiveDecimalString, stepString } from '../../support/arbitraries';

const defaults = { safeMinNotional: dec('100'), internalMinNotional: dec('10') };

const aavetry: PairMetadata = {
  symbol: 'AAVETRY',
  base: 'AAVE',
  quote: 'TRY',
  status: 'TRADING',
  numeratorScale: 4,
  denominatorScale: 2,
  hasFraction: true,
  orderMethods: ['MARKET', 'LIMIT'],
  tickSize: '0.01',
  minPrice: '0.0000000000001',
  maxPrice: '10000000',
  minNotionalCandidates: ['99.91'],
};

const rulesWith = (tick: string, step: string, minNotional = '0.00000001'): ExchangeRules =>
  fallbackRules({
    symbol: 'XTRY',
    base: 'X',
    quote: 'TRY',
    tickSize: dec(tick),
    qtyStep: dec(step),
    minNotional: dec(minNotional),
  });

describe('deriveRules', () => {
  it('takes tick, step 10^-numeratorScale and minExchangeValue from the metadata', () => {
    const r = deriveRules(aavetry, defaults);
    expect(toPlain(r.priceTick)).toBe('0.01');
    expect(toPlain(r.qtyStep)).toBe('0.0001');
    expect(toPlain(r.minNotional)).toBe('99.91');
    expect(r.tradable).toBe(true);
    expect(r.limitOrdersAllowed).toBe(true);
  });

  it('puts prices on whole numbers when hasFraction is false, even with decimals allowed by scale', () => {
    const r = deriveRules({ ...aavetry, hasFraction: false, tickSize: '0.01' }, defaults);
    expect(toPlain(r.priceTick)).toBe('1');
  });

  it('uses the coarser of tickSize and 10^-denominatorScale', () => {
    expect(toPlain(deriveRules({ ...aavetry, tickSize: '0.001', denominatorScale: 2 }, defaults).priceTick)).toBe(
      '0.01',
    );
    expect(toPlain(deriveRules({ ...aavetry, tickSize: '10', denominatorScale: 0 }, defaults).priceTick)).toBe('10');
  });

  it('never goes below our own minimum notional', () => {
    const r = deriveRules(
      { ...aavetry, minNotionalCandidates: ['5'] },
      { ...defaults, internalMinNotional: dec('10') },
    );
    expect(toPlain(r.minNotional)).toBe('10');
  });

  it('takes the largest of several published minimums', () => {
    expect(
      toPlain(deriveRules({ ...aavetry, minNotionalCandidates: ['50', '99.91', '20'] }, defaults).minNotional),
    ).toBe('99.91');
  });

  it('uses the safe default (at least 100) for a TRY pair that publishes no minimum', () => {
    const r = deriveRules({ ...aavetry, minNotionalCandidates: [] }, { ...defaults, safeMinNotional: dec('50') });
    expect(toPlain(r.minNotional)).toBe('100');
  });

  it('refuses a non-TRY pair without a minimum notional', () => {
    expect(() => deriveRules({ ...aavetry, quote: 'USDT', minNotionalCandidates: [] }, defaults)).toThrow(
      InvalidExchangeRulesError,
    );
  });

  it('lists every invalid field at once as invalid_metadata', () => {
    const bad = { ...aavetry, tickSize: '0', numeratorScale: -1, minPrice: 'abc' };
    try {
      deriveRules(bad, defaults);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidExchangeRulesError);
      const err = e as InvalidExchangeRulesError;
      expect(err.status).toBe('invalid_metadata');
      expect(err.message).toContain('numeratorScale');
      expect(err.message).toContain('tickSize');
      expect(err.message).toContain('minPrice');
    }
  });

  it('refuses metadata without a tick size', () => {
    expect(() => deriveRules({ ...aavetry, tickSize: undefined }, defaults)).toThrow(/tickSize missing/);
  });

  it('marks a pair not TRADING as untradable and reports it as a violation', () => {
    const r = deriveRules({ ...aavetry, status: 'HALTED' }, defaults);
    expect(r.tradable).toBe(false);
    expect(ruleViolations(r, dec('200'), dec('1'))).toContain('not_tradable');
  });
});

describe('lcmStep', () => {
  it('is a multiple of every input step', () => {
    fc.assert(
      fc.property(stepString, stepString, (a, b) => {
        const l = lcmStep([dec(a), dec(b)]);
        expect(isMultipleOf(l, dec(a))).toBe(true);
        expect(isMultipleOf(l, dec(b))).toBe(true);
      }),
    );
  });
});

describe('quantization laws', () => {
  it('quantity: a multiple of the step, never above the input, idempotent', () => {
    fc.assert(
      fc.property(positiveDecimalString, stepString, (q, step) => {
        const rules = rulesWith('0.01', step);
        const out = quantizeQty(rules, dec(q));
        expect(isMultipleOf(out, rules.qtyStep)).toBe(true);
        expect(out.lte(dec(q))).toBe(true);
        expect(quantizeQty(rules, out).eq(out)).toBe(true);
      }),
    );
  });

  it('BUY price: on the tick, never above the input (never pay more), idempotent', () => {
    fc.assert(
      fc.property(positiveDecimalString, stepString, (p, tick) => {
        const rules = rulesWith(tick, '0.0001');
        const out = quantizePrice(rules, 'BUY', dec(p));
        expect(isMultipleOf(out, rules.priceTick)).toBe(true);
        expect(out.lte(dec(p))).toBe(true);
        expect(quantizePrice(rules, 'BUY', out).eq(out)).toBe(true);
      }),
    );
  });

  it('SELL price: on the tick, never below the input (never sell cheaper), idempotent', () => {
    fc.assert(
      fc.property(positiveDecimalString, stepString, (p, tick) => {
        const rules = rulesWith(tick, '0.0001');
        const out = quantizePrice(rules, 'SELL', dec(p));
        expect(isMultipleOf(out, rules.priceTick)).toBe(true);
        expect(out.gte(dec(p))).toBe(true);
        expect(quantizePrice(rules, 'SELL', out).eq(out)).toBe(true);
      }),
    );
  });

  it('a quantized order either meets the minimum notional or is refused, never rounded up', () => {
    fc.assert(
      fc.property(positiveDecimalString, positiveDecimalString, fc.constantFrom('BUY', 'SELL'), (p, q, side) => {
        const rules = rulesWith('0.01', '0.0001', '100');
        try {
          const o = quantizeLimitOrder(rules, side as 'BUY' | 'SELL', dec(p), dec(q));
          expect(o.notional.gte(rules.minNotional)).toBe(true);
          expect(o.qty.lte(dec(q))).toBe(true);
          expect(ruleViolations(rules, o.price, o.qty)).toEqual([]);
        } catch (e) {
          expect(e instanceof BelowMinNotionalError || e instanceof InvalidOrderSizeError).toBe(true);
        }
      }),
    );
  });
});

describe('quantizeLimitOrder', () => {
  const rules = deriveRules(aavetry, defaults);

  it('matches the spec sizing example (tick 0.1: 100.07 -> 100.0)', () => {
    const r = rulesWith('0.1', '0.01', '10');
    const o = quantizeLimitOrder(r, 'BUY', dec('100.07'), dec('1.5'));
    expect(toPlain(o.price)).toBe('100');
    expect(toPlain(o.notional)).toBe('150');
  });

  it('refuses below the minimum notional with a typed error naming both values', () => {
    expect(() => quantizeLimitOrder(rules, 'BUY', dec('100'), dec('0.99'))).toThrow(
      new BelowMinNotionalError('AAVETRY', '99', '99.91'),
    );
  });

  it('refuses a quantity that rounds to zero', () => {
    expect(() => quantizeLimitOrder(rules, 'BUY', dec('100'), dec('0.00001'))).toThrow(/qty_rounds_to_zero/);
  });

  it.each([
    ['0', '1', /invalid_price/],
    ['-1', '1', /invalid_price/],
    ['100', '0', /invalid_quantity/],
  ])('refuses price %s qty %s', (p, q, msg) => {
    expect(() => quantizeLimitOrder(rules, 'SELL', dec(p), dec(q))).toThrow(msg);
  });

  it('refuses a price outside the dynamic band as violates_rules', () => {
    const banded = deriveRules({ ...aavetry, minLimitPrice: '180.198', maxLimitPrice: '18019.8' }, defaults);
    expect(() => quantizeLimitOrder(banded, 'BUY', dec('150'), dec('1'))).toThrow(/violates_rules: min_price/);
    expect(() => quantizeLimitOrder(banded, 'SELL', dec('20000'), dec('1'))).toThrow(/max_price/);
  });
});

describe('rulesLookup (spec 3.19 aliases)', () => {
  const btc = rulesWith('1', '0.00000001');
  const lookup = rulesLookup([{ ...btc, symbol: 'BTCTRY' }]);

  it.each(['BTCTRY', 'BTC_TRY', 'btc_try', 'btc-try', ' BtcTry '])('finds the pair spelled %j', (spelling) => {
    expect(lookup(spelling)?.symbol).toBe('BTCTRY');
  });

  it('has no rules for another pair, nor for a spelling without letters or digits', () => {
    expect(lookup('ETHTRY')).toBeUndefined();
    expect(lookup('--')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { type ExchangeRules, fallbackRules } from '../../../shared/domain/exchange-rules';
import type { ApprovedIntent, Intent } from '../../../shared/domain/intents';
import { type Dec, dec, toPlain } from '../../../shared/domain/money';
import {
  type BalancePrecheckSettings,
  balancePrecheck,
  evaluateStage3Risk,
  type Stage3RiskContext,
} from '../../../shared/domain/stage3-risk';

const rules = fallbackRules({
  symbol: 'BTCTRY',
  base: 'BTC',
  quote: 'TRY',
  tickSize: dec('0.1'),
  qtyStep: dec('0.01'),
  minNotional: dec('10'),
});

const intent = (over: Partial<Intent> = {}): Intent => ({
  symbol: 'BTCTRY',
  side: 'BUY',
  qty: dec('0.5'),
  limitPrice: dec('100.17'),
  reason: 'conservative_entry',
  confidence: 0.55,
  ttlSeconds: 120,
  ...over,
});

const ctx = (over: Partial<Stage3RiskContext> = {}): Stage3RiskContext => ({
  maxOrdersPerCycle: 2,
  maxOpenOrdersPerSymbol: 1,
  cooldownSeconds: 60,
  maxNotionalPerOrder: dec('0'),
  notionalCapPerCycle: dec('1000'),
  investableTry: dec('700'),
  nowMs: 1_000_000,
  openOrders: new Map(),
  lastApprovedAtMs: new Map(),
  rules: () => rules,
  ...over,
});

const codes = (r: ReturnType<typeof evaluateStage3Risk>) => r.decisions.map((d) => d.code);

describe('stage 3 risk policy (spec 2.7)', () => {
  it('approves with price and quantity quantized (tick 0.1, step 0.01: 100.17 -> 100.1, 0.123 -> 0.12)', () => {
    const r = evaluateStage3Risk([intent({ qty: dec('0.123') })], ctx());
    expect(r.approved.map((i) => [toPlain(i.limitPrice), toPlain(i.qty)])).toEqual([['100.1', '0.12']]);
  });

  it('rounds a SELL price up to the tick (never sell cheaper than asked)', () => {
    const r = evaluateStage3Risk([intent({ side: 'SELL' })], ctx());
    expect(toPlain(r.approved[0]?.limitPrice ?? dec('0'))).toBe('100.2');
  });

  it('drops intents beyond MAX_ORDERS_PER_CYCLE, keeping input order', () => {
    const r = evaluateStage3Risk(
      [intent(), intent({ symbol: 'ETHTRY' }), intent({ symbol: 'SOLTRY' })],
      ctx({ maxOpenOrdersPerSymbol: 5 }),
    );
    expect(codes(r)).toEqual(['risk_drop:max_orders_per_cycle']);
    expect(r.decisions[0]?.symbol).toBe('SOLTRY');
  });

  it.each([
    [
      'max open orders per symbol',
      ctx({ openOrders: new Map([['BTCTRY', 1]]) }),
      'risk_block:max_open_orders_per_symbol',
    ],
    ['cooldown', ctx({ lastApprovedAtMs: new Map([['BTCTRY:BUY', 1_000_000 - 59_000]]) }), 'risk_block:cooldown'],
    ['rules unavailable', ctx({ rules: () => undefined }), 'exchange_rules_unavailable_blocked'],
    ['min notional after quantize', ctx(), 'risk_block:min_notional'],
  ])('blocks on %s', (_name, context, code) => {
    const qty = code === 'risk_block:min_notional' ? dec('0.09') : dec('0.5');
    expect(codes(evaluateStage3Risk([intent({ qty })], context))).toEqual([code]);
  });

  it('does not block on cooldown once COOLDOWN_SECONDS have passed, nor when it is 0', () => {
    expect(
      evaluateStage3Risk([intent()], ctx({ lastApprovedAtMs: new Map([['BTCTRY:BUY', 1_000_000 - 60_000]]) })).approved,
    ).toHaveLength(1);
    expect(
      evaluateStage3Risk(
        [intent()],
        ctx({ cooldownSeconds: 0, lastApprovedAtMs: new Map([['BTCTRY:BUY', 1_000_000]]) }),
      ).approved,
    ).toHaveLength(1);
  });

  it('blocks every BUY when investable cash is zero (fix of 9.1.7), but never a SELL', () => {
    expect(codes(evaluateStage3Risk([intent()], ctx({ investableTry: dec('0') })))).toEqual([
      'risk_block:cash_reserve_target',
    ]);
    expect(evaluateStage3Risk([intent({ side: 'SELL' })], ctx({ investableTry: dec('0') })).approved).toHaveLength(1);
  });

  it('blocks a BUY that would exceed investable cash together with earlier approvals', () => {
    const r = evaluateStage3Risk(
      [intent({ qty: dec('4') }), intent({ symbol: 'ETHTRY', qty: dec('4') })],
      ctx({ investableTry: dec('700') }),
    );
    expect(r.approved.map((i) => i.symbol)).toEqual(['BTCTRY']);
    expect(codes(r)).toEqual(['risk_block:cash_reserve_target']);
  });

  it('caps the order notional by shrinking the quantity to the step', () => {
    const r = evaluateStage3Risk([intent({ qty: dec('3') })], ctx({ maxNotionalPerOrder: dec('150') }));
    expect(toPlain(r.approved[0]?.qty ?? dec('0'))).toBe('1.49');
    expect(codes(r)).toEqual(['risk_cap:max_notional_per_order_try']);
  });

  it('blocks when the cycle notional cap would be exceeded', () => {
    const r = evaluateStage3Risk(
      [intent({ qty: dec('3'), side: 'SELL' }), intent({ symbol: 'ETHTRY', side: 'SELL', qty: dec('8') })],
      ctx({ notionalCapPerCycle: dec('1000') }),
    );
    expect(r.approved.map((i) => i.symbol)).toEqual(['BTCTRY']);
    expect(codes(r)).toEqual(['risk_block:notional_cap']);
  });
});

describe('sizing from the notional at the quantized price (spec 2.8 step 2)', () => {
  it('spec example: price 100.07 on tick 0.1 is 100.0, and a notional of 150 buys 1.5', () => {
    const r = evaluateStage3Risk([intent({ qty: dec('150').div(dec('100.07')), limitPrice: dec('100.07') })], ctx());
    expect(r.approved.map((i) => [toPlain(i.limitPrice), toPlain(i.qty)])).toEqual([['100', '1.5']]);
  });

  it('approved intents carry the assets the order moves', () => {
    const [approved] = evaluateStage3Risk([intent()], ctx()).approved;
    expect([approved?.base, approved?.quote]).toEqual(['BTC', 'TRY']);
  });
});

describe('every venue rule is checked before an intent is approved (spec 5.4, 3.19)', () => {
  const limited = (over: Partial<ExchangeRules>): Stage3RiskContext => ctx({ rules: () => ({ ...rules, ...over }) });

  it.each([
    ['a pair that is not trading', { tradable: false }, 'risk_block:violates_rules:not_tradable'],
    ['a pair without LIMIT orders', { limitOrdersAllowed: false }, 'risk_block:violates_rules:limit_not_allowed'],
    ['a price above the band', { maxPrice: dec('100') }, 'risk_block:violates_rules:max_price'],
    ['a price below the band', { minPrice: dec('101') }, 'risk_block:violates_rules:min_price'],
    ['a quantity below the minimum', { minQty: dec('1') }, 'risk_block:violates_rules:min_qty'],
    ['a quantity above the maximum', { maxQty: dec('0.1') }, 'risk_block:violates_rules:max_qty'],
  ] as const)('blocks %s', (_name, over, code) => {
    const r = evaluateStage3Risk([intent()], limited(over));
    expect(r.approved).toEqual([]);
    expect(codes(r)).toEqual([code]);
  });

  it('checks the capped quantity again: a cap below the minimum quantity blocks', () => {
    const r = evaluateStage3Risk([intent({ qty: dec('3') })], {
      ...limited({ minQty: dec('2') }),
      maxNotionalPerOrder: dec('150'),
    });
    expect(codes(r)).toEqual(['risk_block:violates_rules:min_qty']);
  });
});

describe('live balance precheck (spec 2.8 step 3)', () => {
  const settings: BalancePrecheckSettings = {
    estimatedFeeBps: dec('10'),
    safetyBufferRatio: dec('0.01'),
    sellFeeInBaseBps: dec('100'),
    sellRequiresInventory: true,
  };
  const order = (side: 'BUY' | 'SELL', qty: string, price: string): ApprovedIntent => ({
    ...intent({ side, qty: dec(qty), limitPrice: dec(price) }),
    base: 'BTC',
    quote: 'TRY',
  });
  const free = (entries: Record<string, string>): Map<string, Dec> =>
    new Map(Object.entries(entries).map(([asset, amount]) => [asset, dec(amount)]));

  it('a BUY needs notional x (1 + fee) + notional x buffer of free quote: 100 TRY needs 101.1', () => {
    expect(balancePrecheck(free({ TRY: '101.1' }), settings)(order('BUY', '1', '100'))).toBe('ok');
    expect(balancePrecheck(free({ TRY: '101.09' }), settings)(order('BUY', '1', '100'))).toBe(
      'insufficient_balance_precheck',
    );
  });

  it('a SELL needs qty x (1 + fee in base) + qty x buffer of free base: 1 BTC needs 1.02', () => {
    expect(balancePrecheck(free({ BTC: '1.02' }), settings)(order('SELL', '1', '100'))).toBe('ok');
    expect(balancePrecheck(free({ BTC: '1.019', TRY: '1000000' }), settings)(order('SELL', '1', '100'))).toBe(
      'insufficient_balance_precheck',
    );
  });

  it('keeps running totals: what an earlier intent reserved is gone for the next; a refused one reserves nothing', () => {
    const check = balancePrecheck(free({ TRY: '250' }), settings);
    expect([
      check(order('BUY', '1', '100')), // 101.1 reserved
      check(order('BUY', '1', '100')), // 202.2
      check(order('BUY', '0.5', '100')), // would be 252.75
      check(order('BUY', '0.4', '100')), // 242.64
    ]).toEqual(['ok', 'ok', 'insufficient_balance_precheck', 'ok']);
  });

  it('an asset the balances do not list has nothing free', () => {
    expect(balancePrecheck(free({ TRY: '1000' }), settings)(order('SELL', '0.001', '100'))).toBe(
      'insufficient_balance_precheck',
    );
  });

  it('without balances every order fails closed, except a SELL when inventory is not required', () => {
    expect(balancePrecheck(undefined, settings)(order('SELL', '1', '100'))).toBe('balances_missing_fail_closed');
    expect(balancePrecheck(undefined, settings)(order('BUY', '1', '100'))).toBe('balances_missing_fail_closed');
    expect(balancePrecheck(undefined, { ...settings, sellRequiresInventory: false })(order('SELL', '1', '100'))).toBe(
      'ok',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { fallbackRules } from '../../../shared/domain/exchange-rules';
import type { Intent } from '../../../shared/domain/intents';
import { dec, toPlain } from '../../../shared/domain/money';
import { evaluateStage3Risk, type Stage3RiskContext } from '../../../shared/domain/stage3-risk';

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

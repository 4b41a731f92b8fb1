import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ExchangeRules, fallbackRules } from '../../../../shared/domain/exchange-rules';
import { clientOrderId, isBotClientOrderId } from '../../../../shared/domain/ids';
import { type Dec, dec, sumDec, toPlain } from '../../../../shared/domain/money';
import {
  type DecisionPipelineInput,
  type DecisionPipelineSettings,
  planDecisions,
} from '../../../../shared/domain/portfolio/decision-pipeline';

const settings = (overrides: Partial<DecisionPipelineSettings> = {}): DecisionPipelineSettings => ({
  TRY_CASH_TARGET: dec('0'),
  TRY_CASH_MAX: dec('0'),
  INVESTABLE_USAGE_MODE: 'use_all',
  INVESTABLE_USAGE_FRACTION: dec('1'),
  MAX_TRY_PER_CYCLE: dec('0'),
  ALLOCATION_FEE_BUFFER_BPS: dec('0'),
  FEE_BUFFER_RATIO: dec('0'),
  MIN_ORDER_NOTIONAL_TRY: dec('10'),
  STAGE5_MAX_INTENT_NOTIONAL_TRY: dec('100'),
  MAX_POSITION_TRY_PER_SYMBOL: dec('0'),
  NOTIONAL_CAP_TRY_PER_CYCLE: dec('0'),
  STAGE4_BOOTSTRAP_INTENTS: true,
  STAGE5_BOOTSTRAP_NOTIONAL_TRY: dec('50'),
  MAX_ORDERS_PER_CYCLE: 5,
  ...overrides,
});

const rules = (symbol: string, minNotional = '10', tick = '0.01', step = '0.0001'): ExchangeRules =>
  fallbackRules({
    symbol,
    base: symbol.replace(/TRY$/, ''),
    quote: 'TRY',
    tickSize: dec(tick),
    qtyStep: dec(step),
    minNotional: dec(minNotional),
  });

const input = (overrides: Partial<DecisionPipelineInput> = {}): DecisionPipelineInput => ({
  account: 'acct',
  cycleId: 'cycle-1',
  configuredSymbols: ['BTCTRY'],
  rules: new Map([['BTCTRY', rules('BTCTRY')]]),
  marks: new Map([['BTCTRY', dec('100')]]),
  positions: new Map(),
  openOrders: [],
  cashTry: dec('1000'),
  multiplier: dec('1'),
  ...overrides,
});

const orders = (plan: ReturnType<typeof planDecisions>) =>
  plan.submits.map((o) => [o.symbol, o.side, toPlain(o.price), toPlain(o.qty)]);
const codes = (plan: ReturnType<typeof planDecisions>) => plan.decisions.map((d) => [d.code, d.action, d.symbol]);

describe('decision pipeline, baseline path (spec 3.13)', () => {
  it('sizes the bootstrap BUY through allocation into a LIMIT order on the grid with a journal-sized client id', () => {
    const plan = planDecisions(input({ marks: new Map([['BTCTRY', dec('100.037')]]) }), settings());
    expect(plan.path).toBe('baseline');
    expect(orders(plan)).toEqual([['BTCTRY', 'BUY', '100.03', '0.4998']]);
    const [order] = plan.submits;
    // the spec's `s:{strategy}|i:{index}|sym:..|side:..` is up to 64 characters and not ours to reconcile:
    // the id is the journal's own derivation for attempt 0, so placeOrder journals the same id
    expect(order?.clientOrderId).toBe(
      clientOrderId({
        account: 'acct',
        stage: 'stage4',
        symbol: 'BTCTRY',
        side: 'BUY',
        price: dec('100.03'),
        qty: dec('0.4998'),
        bucket: 'cycle-1',
        attempt: 0,
      }),
    );
    expect(isBotClientOrderId(order?.clientOrderId ?? '')).toBe(true);
    expect(order).toMatchObject({ kind: 'SUBMIT', reason: 'new_intent', strategyId: 'baseline_mean_reversion_v1' });
    expect(plan.allocation?.decisions.map((d) => d.status)).toEqual(['accepted']);
  });

  it('9.1.7: drops a BUY whose min-notional rescue would exceed the deploy budget (19.96 TRY never becomes 50)', () => {
    // TRY 20 with a 20 bps fee buffer: deploy 19.96..., the 50 TRY bootstrap is scaled to it by cash_target
    const plan = planDecisions(
      input({ cashTry: dec('20'), rules: new Map([['BTCTRY', rules('BTCTRY', '50')]]) }),
      settings({ ALLOCATION_FEE_BUFFER_BPS: dec('20') }),
    );
    expect(plan.allocation?.decisions.map((d) => [d.status, d.reason])).toEqual([['scaled', 'cash_target']]);
    expect(plan.submits).toEqual([]);
    expect(codes(plan)).toEqual([
      ['cash_target', 'SCALE', 'BTCTRY'],
      ['dropped_min_notional_exceeds_budget', 'DROP', 'BTCTRY'],
    ]);
  });

  it('still raises a BUY to the venue minimum when the budget has room for it', () => {
    // the intent cap holds the bootstrap at 20; the venue wants 50 and the deploy budget is 1000
    const plan = planDecisions(
      input({ rules: new Map([['BTCTRY', rules('BTCTRY', '50')]]) }),
      settings({ STAGE5_MAX_INTENT_NOTIONAL_TRY: dec('20') }),
    );
    expect(orders(plan)).toEqual([['BTCTRY', 'BUY', '100', '0.5']]);
  });

  it('drops sized actions without pair info or mark, that quantize to zero, or a SELL below the minimum', () => {
    const plan = planDecisions(
      input({
        configuredSymbols: ['BTCTRY', 'ETHTRY', 'XRPTRY'],
        rules: new Map([
          ['BTCTRY', rules('BTCTRY', '10', '0.01', '1')],
          ['XRPTRY', rules('XRPTRY', '60')],
        ]),
        marks: new Map([
          ['BTCTRY', dec('100')],
          ['ETHTRY', dec('100')],
          ['XRPTRY', dec('10')],
        ]),
        positions: new Map([['XRPTRY', dec('5')]]),
        anchors: new Map([['XRPTRY', dec('9')]]),
      }),
      settings(),
    );
    expect(plan.submits).toEqual([]);
    expect(codes(plan)).toEqual([
      ['dropped_qty_became_zero', 'DROP', 'BTCTRY'],
      ['dropped_missing_pair_info', 'DROP', 'ETHTRY'],
      ['dropped_min_notional_after_quantize', 'DROP', 'XRPTRY'],
    ]);
  });

  it('keeps MAX_ORDERS_PER_CYCLE orders by notional desc, then symbol, and defers the rest', () => {
    const symbols = ['ETHTRY', 'BTCTRY', 'ADATRY'];
    const plan = planDecisions(
      input({
        configuredSymbols: symbols,
        rules: new Map(symbols.map((s) => [s, rules(s)])),
        marks: new Map(symbols.map((s) => [s, dec('100')])),
        cashTry: dec('130'),
      }),
      settings({ MAX_ORDERS_PER_CYCLE: 2 }),
    );
    // ETH 50, BTC 50, ADA gets the 30 left
    expect(orders(plan).map((o) => o[0])).toEqual(['BTCTRY', 'ETHTRY']);
    expect(plan.deferred.map((o) => [o.symbol, toPlain(o.qty)])).toEqual([['ADATRY', '0.3']]);
    expect(codes(plan)).toEqual([
      ['cash_target', 'SCALE', 'ADATRY'],
      ['max_orders_per_cycle', 'DEFER', 'ADATRY'],
    ]);
  });

  it('emits the capital gates: nothing investable blocks, nothing investable this cycle suppresses', () => {
    const reserve = planDecisions(input({ cashTry: dec('300') }), settings({ TRY_CASH_TARGET: dec('300') }));
    expect(codes(reserve)[0]).toEqual(['capital_gate:cash_reserve_target', 'BLOCK', undefined]);
    const capped = planDecisions(input(), settings({ INVESTABLE_USAGE_MODE: 'cap' }));
    expect(codes(capped)[0]).toEqual(['capital_gate:insufficient_investable_cash', 'SUPPRESS', undefined]);
    expect(capped.submits).toEqual([]);
  });
});

describe('decision pipeline, aggressive path (spec 3.13)', () => {
  const symbols = ['ADATRY', 'BTCTRY', 'ETHTRY'];
  const aggressive = (overrides: Partial<DecisionPipelineInput> = {}) =>
    input({
      configuredSymbols: ['XRPTRY'],
      preferredSymbols: symbols,
      aggressiveScores: new Map([
        ['ADATRY', dec('-1')],
        ['BTCTRY', dec('3')],
        ['ETHTRY', dec('1')],
      ]),
      rules: new Map(symbols.map((s) => [s, rules(s, '30')])),
      marks: new Map(symbols.map((s) => [s, dec('10')])),
      cashTry: dec('100'),
      ...overrides,
    });

  it('weights the deploy budget by score and re-weights after dropping the symbols below the minimum', () => {
    const plan = planDecisions(aggressive(), settings());
    expect([plan.path, plan.universe]).toEqual(['aggressive', symbols]);
    // ADA's share is 0, ETH's 25 < 30: both drop, BTC then takes the whole 100
    expect(orders(plan)).toEqual([['BTCTRY', 'BUY', '10', '10']]);
    expect(plan.submits[0]?.strategyId).toBe('aggressive_24h_momentum');
    expect(codes(plan)).toEqual([
      ['dropped_zero_qty', 'DROP', 'ADATRY'],
      ['dropped_min_notional', 'DROP', 'ETHTRY'],
    ]);
  });

  it('shares equally when no score is positive, and scales the budget by the multiplier', () => {
    const flat = new Map(symbols.map((s) => [s, dec('0')]));
    const plan = planDecisions(aggressive({ aggressiveScores: flat, cashTry: dec('200') }), settings());
    expect(orders(plan).map((o) => o[3])).toEqual(['6.6666', '6.6666', '6.6666']);
    const half = planDecisions(
      aggressive({ aggressiveScores: flat, cashTry: dec('200'), multiplier: dec('0.5') }),
      settings(),
    );
    expect(orders(half).map((o) => o[3])).toEqual(['3.3333', '3.3333', '3.3333']);
  });
});

describe('decision pipeline invariants', () => {
  const SYMBOLS = ['ADATRY', 'BTCTRY', 'ETHTRY'];
  const amount = (max: number, places = 2) =>
    fc.integer({ min: 0, max: max * 10 ** places }).map((n) => dec(n.toString()).div(10 ** places));
  const scenario = fc.record({
    cash: amount(2000),
    multiplier: fc.integer({ min: 0, max: 100 }).map((n) => dec(n.toString()).div(100)),
    marks: fc.array(
      amount(500, 3).filter((m) => m.gt(0)),
      { minLength: 3, maxLength: 3 },
    ),
    minNotionals: fc.array(amount(120), { minLength: 3, maxLength: 3 }),
    held: fc.array(amount(3, 4), { minLength: 3, maxLength: 3 }),
    anchors: fc.array(
      amount(600, 3).filter((m) => m.gt(0)),
      { minLength: 3, maxLength: 3 },
    ),
    scores: fc.option(fc.array(amount(5), { minLength: 3, maxLength: 3 }), { nil: undefined }),
    target: amount(500),
    bootstrap: amount(200),
    intentCap: amount(200),
    cycleCap: amount(300),
    feeBps: fc.integer({ min: 0, max: 100 }),
    maxOrders: fc.integer({ min: 0, max: 4 }),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const byIndex = (xs: readonly Dec[]) => new Map(SYMBOLS.map((s, i) => [s, xs[i] as Dec]));
  const build = (x: Scenario): [DecisionPipelineInput, DecisionPipelineSettings] => [
    input({
      configuredSymbols: SYMBOLS,
      aggressiveScores: x.scores && byIndex(x.scores),
      rules: new Map(SYMBOLS.map((s, i) => [s, rules(s, toPlain(x.minNotionals[i] as Dec))])),
      marks: byIndex(x.marks),
      positions: byIndex(x.held),
      anchors: byIndex(x.anchors),
      cashTry: x.cash,
      multiplier: x.multiplier,
    }),
    settings({
      TRY_CASH_TARGET: x.target,
      STAGE5_BOOTSTRAP_NOTIONAL_TRY: x.bootstrap,
      STAGE5_MAX_INTENT_NOTIONAL_TRY: x.intentCap,
      NOTIONAL_CAP_TRY_PER_CYCLE: x.cycleCap,
      ALLOCATION_FEE_BUFFER_BPS: dec(x.feeBps.toString()),
      MAX_ORDERS_PER_CYCLE: x.maxOrders,
    }),
  ];
  const planned = (plan: ReturnType<typeof planDecisions>) => [...plan.submits, ...plan.deferred];

  it('never plans BUYs beyond the deploy budget after the multiplier; a multiplier of 0 plans no BUY', () => {
    fc.assert(
      fc.property(scenario, (x) => {
        const [i, s] = build(x);
        const plan = planDecisions(i, s);
        const buys = planned(plan).filter((o) => o.side === 'BUY');
        expect(sumDec(buys.map((o) => o.price.mul(o.qty))).lte(plan.budget.deployBudgetTry)).toBe(true);
        expect(plan.budget.deployBudgetTry.lte(x.cash.mul(x.multiplier))).toBe(true);
        if (x.multiplier.isZero()) expect(buys).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never sells more than the position; plans the same thing twice for the same snapshot', () => {
    fc.assert(
      fc.property(scenario, (x) => {
        const [i, s] = build(x);
        const plan = planDecisions(i, s);
        for (const o of planned(plan).filter((o) => o.side === 'SELL')) {
          expect(o.qty.lte(i.positions.get(o.symbol) ?? dec('0'))).toBe(true);
        }
        expect(planDecisions(i, s)).toEqual(plan);
        expect(plan.submits.length).toBeLessThanOrEqual(x.maxOrders);
      }),
      { numRuns: 200 },
    );
  });
});

// Stage 7 order builder (spec 4.8, 9.1.10): the worked example, every skip reason, the client id, the
// budgets that shrink as intents are built, refusals, and the invariants over random plans
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { type ExchangeRules, fallbackRules, ruleViolations, type Side } from '../../../../shared/domain/exchange-rules';
import { canonicalJson, sha256Hex } from '../../../../shared/domain/hashing';
import { type Dec, dec, isMultipleOf, maxDec, sumDec, toPlain, ZERO } from '../../../../shared/domain/money';
import type { Stage7Intent } from '../../../../shared/domain/oms/stage7-intent';
import {
  buildStage7Intents,
  type Stage7BuiltIntent,
  type Stage7OrderBuilderInput,
  type Stage7OrderBuilderSettings,
  stage7ClientOrderId,
  stage7FeeRatio,
} from '../../../../shared/domain/oms/stage7-order-builder';
import type { Stage7RebalanceAction } from '../../../../shared/domain/portfolio/stage7-portfolio-policy';
import type { Mode } from '../../../../shared/domain/risk/mode';

/** The spec example's buffers: no offset, no fee buffer, rounding buffer 1e-8, no caps */
const EXAMPLE: Stage7OrderBuilderSettings = {
  STAGE7_ORDER_OFFSET_BPS: dec('0'),
  SPOT_SELL_REQUIRES_INVENTORY: true,
  FEE_BUFFER_RATIO: dec('0'),
  ALLOCATION_FEE_BUFFER_BPS: dec('0'),
  ROUNDING_BUFFER_TRY: dec('0.00000001'),
  MAX_NOTIONAL_PER_ORDER_TRY: dec('0'),
  MIN_ORDER_NOTIONAL_TRY: dec('10'),
  NOTIONAL_CAP_TRY_PER_CYCLE: dec('0'),
};

const rules = (symbol: string, tick = '0.1', step = '0.01', min = '10', extra: Partial<ExchangeRules> = {}) => ({
  ...fallbackRules({
    symbol,
    base: symbol.replace('TRY', ''),
    quote: 'TRY',
    tickSize: dec(tick),
    qtyStep: dec(step),
    minNotional: dec(min),
  }),
  ...extra,
});

const action = (symbol: string, side: Side, notional: string, estQty = '0'): Stage7RebalanceAction => ({
  symbol,
  side,
  mark: dec('1'),
  currentNotionalTry: dec('0'),
  targetNotionalTry: dec(notional),
  requestedNotionalTry: dec(notional),
  notionalTry: dec(notional),
  estQty: dec(estQty),
  reason: `${side === 'BUY' ? 'underweight' : 'overweight'}: ${symbol}`,
});

interface Case {
  actions: Stage7RebalanceAction[];
  marks?: Record<string, string>;
  rules?: ExchangeRules[];
  cash?: string;
  free?: Record<string, string>;
  mode?: Mode;
  unavailable?: Record<string, string>;
}
const input = (c: Case): Stage7OrderBuilderInput => {
  const byKey = new Map((c.rules ?? [rules('BTCTRY')]).map((r) => [r.symbol, r]));
  return {
    cycleId: 'c1',
    nowMs: 1_700_000_000_000,
    mode: c.mode ?? 'NORMAL',
    plan: {
      actions: c.actions,
      cashTry: dec(c.cash ?? '100000'),
      balances: Object.entries(c.free ?? {}).map(([asset, free]) => ({ asset, free: dec(free), locked: ZERO })),
    },
    marks: new Map(Object.entries(c.marks ?? { BTCTRY: '101.23' }).map(([k, v]) => [k, dec(v)])),
    rulesFor: (s) => byKey.get(s),
    rulesUnavailable: new Map(Object.entries(c.unavailable ?? {})),
  };
};
const build = (c: Case, s: Partial<Stage7OrderBuilderSettings> = {}) =>
  buildStage7Intents(input(c), { ...EXAMPLE, ...s });
const one = (c: Case, s: Partial<Stage7OrderBuilderSettings> = {}): Stage7BuiltIntent => {
  const [first] = build(c, s);
  if (first === undefined) throw new Error('expected an intent');
  return first;
};
const shown = (i: Stage7Intent) =>
  i.skipped
    ? `${i.side} ${i.symbol} skipped ${i.skipReason}`
    : `${i.side} ${i.symbol} ${toPlain(i.price)} x ${toPlain(i.qty)}`;

describe('the spec 4.8 worked example', () => {
  it('"mark 101.23, offset 0, fee buffer 0, rounding buffer 1e-8, tick 0.1, step 0.01, target 1000 -> price 101.2, qty 9.88"', () => {
    const i = one({ actions: [action('BTCTRY', 'BUY', '1000')] });
    expect(i.skipped).toBe(false);
    expect(toPlain(i.price)).toBe('101.2');
    expect(toPlain(i.qty)).toBe('9.88');
    expect(toPlain(i.notionalTry)).toBe('999.856');
    expect(i.orderType).toBe('LIMIT');
    expect(i.constraintsApplied).toEqual({ orderOffsetBps: dec('0'), quantized: true, createdAtMs: 1_700_000_000_000 });
  });
});

describe('pricing', () => {
  it('a BUY sits the offset below the mark, rounded down to the tick', () => {
    const i = one(
      { actions: [action('BTCTRY', 'BUY', '1000')], marks: { BTCTRY: '100' } },
      { STAGE7_ORDER_OFFSET_BPS: dec('5') },
    );
    expect(toPlain(i.price)).toBe('99.9'); // 99.95 -> 99.9
  });

  it('a SELL sits the offset above the mark, rounded UP to the tick (never cheaper than planned)', () => {
    const c = { actions: [action('BTCTRY', 'SELL', '500', '4')], free: { BTC: '4' } };
    expect(shown(one(c))).toBe('SELL BTCTRY 101.3 x 4');
    expect(shown(one({ ...c, marks: { BTCTRY: '100' } }, { STAGE7_ORDER_OFFSET_BPS: dec('5') }))).toBe(
      'SELL BTCTRY 100.1 x 4',
    );
  });
});

describe('BUY spend', () => {
  const buy = (notional: string, c: Partial<Case> = {}, s: Partial<Stage7OrderBuilderSettings> = {}) =>
    one({ actions: [action('BTCTRY', 'BUY', notional)], marks: { BTCTRY: '100' }, ...c }, s);

  it('is bounded by plan cash, the cycle BUY cap and the per-order cap', () => {
    expect(toPlain(buy('1000', { cash: '500' }).qty)).toBe('4.99');
    expect(toPlain(buy('1000', {}, { NOTIONAL_CAP_TRY_PER_CYCLE: dec('300') }).qty)).toBe('2.99');
    expect(toPlain(buy('1000', {}, { MAX_NOTIONAL_PER_ORDER_TRY: dec('200') }).qty)).toBe('1.99');
  });

  it('takes the fee buffer off: FEE_BUFFER_RATIO when > 0, else ALLOCATION_FEE_BUFFER_BPS / 10000, at most 1', () => {
    expect(toPlain(buy('1000', {}, { ALLOCATION_FEE_BUFFER_BPS: dec('100') }).qty)).toBe('9.89'); // 990 - 1e-8
    const both = { ALLOCATION_FEE_BUFFER_BPS: dec('100'), FEE_BUFFER_RATIO: dec('0.5') };
    expect(toPlain(buy('1000', {}, both).qty)).toBe('4.99');
    expect(toPlain(stage7FeeRatio({ ...EXAMPLE, FEE_BUFFER_RATIO: dec('3') }))).toBe('1');
    expect(buy('1000', {}, { FEE_BUFFER_RATIO: dec('3') }).skipReason).toBe('insufficient_notional_after_buffers');
  });

  it('derives the rounding buffer from the rules when ROUNDING_BUFFER_TRY is 0: max(price x step, tick x step)', () => {
    // derived: max(100 x 1, 0.1 x 1) = 100, spend 900.5 -> qty 9; the example's 1e-8 leaves 1000.49999999 -> qty 10
    const r = [rules('BTCTRY', '0.1', '1')];
    expect(toPlain(buy('1000.5', { rules: r }, { ROUNDING_BUFFER_TRY: dec('0') }).qty)).toBe('9');
    expect(toPlain(buy('1000.5', { rules: r }).qty)).toBe('10');
  });

  it('skips when the spend falls below max(rule minimum, MIN_ORDER_NOTIONAL_TRY)', () => {
    expect(buy('10', {}).skipReason).toBe('insufficient_notional_after_buffers'); // 10 - 1e-8 < 10
    expect(buy('40', { rules: [rules('BTCTRY', '0.1', '0.01', '50')] }).skipReason).toBe(
      'insufficient_notional_after_buffers',
    );
    expect(buy('40', {}, { MIN_ORDER_NOTIONAL_TRY: dec('50') }).skipReason).toBe('insufficient_notional_after_buffers');
  });

  it('draws each BUY from what the earlier ones left of the cash (fee buffer included) and of the cycle cap', () => {
    const two = [action('BTCTRY', 'BUY', '600'), action('ETHTRY', 'BUY', '600')];
    const c = { actions: two, marks: { BTCTRY: '100', ETHTRY: '100' }, rules: [rules('BTCTRY'), rules('ETHTRY')] };
    expect(build({ ...c, cash: '1000' }).map(shown)).toEqual(['BUY BTCTRY 100 x 5.99', 'BUY ETHTRY 100 x 4']);
    const fee = { ALLOCATION_FEE_BUFFER_BPS: dec('100') };
    const [a, b] = build({ ...c, cash: '1000' }, fee);
    const spent = sumDec([a, b].map((i) => (i as Stage7Intent).notionalTry.mul(dec('1.01'))));
    expect(spent.lte(1000)).toBe(true);
    expect(build(c, { NOTIONAL_CAP_TRY_PER_CYCLE: dec('700') }).map(shown)).toEqual([
      'BUY BTCTRY 100 x 5.99',
      'BUY ETHTRY 100 x 1',
    ]);
  });

  it('a later BUY is skipped when the cycle cap left is below the minimum', () => {
    const two = [action('BTCTRY', 'BUY', '700'), action('ETHTRY', 'BUY', '600')];
    const c = { actions: two, marks: { BTCTRY: '100', ETHTRY: '100' } };
    const r = build(
      { ...c, rules: [rules('BTCTRY', '0.1', '1'), rules('ETHTRY', '0.1', '1')] },
      {
        NOTIONAL_CAP_TRY_PER_CYCLE: dec('610'),
      },
    );
    // 610 - 1e-8 buys 6 (600); 10 left, less the rounding buffer, is below the minimum of 10
    expect(r.map(shown)).toEqual(['BUY BTCTRY 100 x 6', 'BUY ETHTRY skipped insufficient_notional_after_buffers']);
  });
});

describe('SELL qty', () => {
  const sell = (estQty: string, free: Record<string, string>, c: Partial<Case> = {}, s = {}) =>
    one({ actions: [action('BTCTRY', 'SELL', '500', estQty)], free, marks: { BTCTRY: '100' }, ...c }, s);

  it('is the est qty bounded by the free base, quantized down, with the spec sell metrics', () => {
    const i = sell('4.567', { BTC: '3.333' });
    expect(shown(i)).toBe('SELL BTCTRY 100 x 3.33');
    expect(i.constraintsApplied.sell).toEqual({
      sellAttempted: true,
      availableQty: dec('3.333'),
      desiredQty: dec('4.567'),
      qtyAfterQuantize: dec('3.33'),
      notionalTryAfterQuantize: dec('333'),
    });
  });

  it('falls back to target / price when there is no est qty (SPOT_SELL_REQUIRES_INVENTORY=false)', () => {
    expect(shown(sell('0', { BTC: '9' }, {}, { SPOT_SELL_REQUIRES_INVENTORY: false }))).toBe('SELL BTCTRY 100 x 5');
  });

  it('two SELLs of one asset share its free balance', () => {
    const acts = [action('BTCTRY', 'SELL', '500', '3'), action('BTC_TRY', 'SELL', '500', '3')];
    const r = build({
      actions: acts,
      free: { BTC: '4' },
      marks: { BTCTRY: '100', BTC_TRY: '100' },
      rules: [rules('BTCTRY'), { ...rules('BTCTRY'), symbol: 'BTC_TRY' }],
    });
    expect(r.map(shown)).toEqual(['SELL BTCTRY 100 x 3', 'SELL BTC_TRY 100 x 1']);
  });
});

describe('every skip reason of spec 4.8', () => {
  const buy = action('BTCTRY', 'BUY', '1000');
  const sell = action('BTCTRY', 'SELL', '500', '4');
  const cases: [string, Case, Partial<Stage7OrderBuilderSettings>?][] = [
    ['spot_sell_requires_inventory', { actions: [action('BTCTRY', 'SELL', '500', '0')], free: { BTC: '9' } }],
    ['rules_unavailable:invalid_metadata', { actions: [buy], unavailable: { BTCTRY: 'invalid_metadata' } }],
    ['missing_mark_price', { actions: [buy], marks: {} }],
    ['missing_mark_price', { actions: [buy], marks: { BTCTRY: '0' } }],
    ['rules_unavailable:missing', { actions: [buy], rules: [] }],
    ['price_rounds_to_zero', { actions: [buy], marks: { BTCTRY: '0.05' } }],
    ['insufficient_notional_after_buffers', { actions: [action('BTCTRY', 'BUY', '5')] }],
    [
      'invalid_symbol_for_inventory_resolution',
      { actions: [action('FOOBAR', 'SELL', '500', '4')], marks: { FOOBAR: '100' }, rules: [rules('FOOBAR')] },
    ],
    ['insufficient_inventory_free_qty', { actions: [sell], free: { BTC: '0' } }],
    ['insufficient_inventory_free_qty', { actions: [sell] }],
    [
      'insufficient_sell_qty_input',
      { actions: [action('BTCTRY', 'SELL', '0', '0')], free: { BTC: '4' } },
      { SPOT_SELL_REQUIRES_INVENTORY: false },
    ],
    ['qty_rounds_to_zero', { actions: [sell], free: { BTC: '0.009' } }],
    [
      'qty_rounds_to_zero',
      { actions: [action('BTCTRY', 'BUY', '50')], marks: { BTCTRY: '100' }, rules: [rules('BTCTRY', '0.1', '1')] },
    ],
    [
      'qty_below_min_qty_after_quantize',
      { actions: [sell], free: { BTC: '4' }, rules: [rules('BTCTRY', '0.1', '0.01', '10', { minQty: dec('5') })] },
    ],
    ['notional_below_min_total_after_quantize', { actions: [sell], free: { BTC: '0.05' } }],
    [
      'notional_below_internal_min_after_quantize',
      { actions: [sell], free: { BTC: '0.05' }, rules: [rules('BTCTRY', '0.1', '0.01', '1')] },
    ],
    [
      'notional_below_internal_min_after_quantize',
      { actions: [action('BTCTRY', 'BUY', '15')], marks: { BTCTRY: '10' }, rules: [rules('BTCTRY', '0.1', '1', '1')] },
      { MIN_ORDER_NOTIONAL_TRY: dec('12') },
    ],
    [
      'max_qty',
      { actions: [sell], free: { BTC: '4' }, rules: [rules('BTCTRY', '0.1', '0.01', '10', { maxQty: dec('1') })] },
    ],
    ['not_tradable', { actions: [buy], rules: [rules('BTCTRY', '0.1', '0.01', '10', { tradable: false })] }],
    ['max_price', { actions: [buy], rules: [rules('BTCTRY', '0.1', '0.01', '10', { maxPrice: dec('50') })] }],
  ];
  it.each(cases)('%s', (reason, c, s) => {
    const i = one(c, s);
    expect(i.skipped).toBe(true);
    expect(i.skipReason).toBe(reason);
    // skipped intents carry price 0 and qty 0, and their id is derived from those
    expect([toPlain(i.price), toPlain(i.qty), toPlain(i.notionalTry)]).toEqual(['0', '0', '0']);
    expect(i.clientOrderId).toBe(stage7ClientOrderId('c1', i.symbol, i.side, ZERO, ZERO, i.reason));
  });
});

describe('modes', () => {
  const acts = [action('BTCTRY', 'BUY', '1000'), action('ETHTRY', 'SELL', '500', '4')];
  const c: Case = {
    actions: acts,
    marks: { BTCTRY: '100', ETHTRY: '100' },
    rules: [rules('BTCTRY'), rules('ETHTRY')],
    free: { ETH: '4' },
  };
  it('OBSERVE_ONLY builds no intent at all', () => {
    expect(build({ ...c, mode: 'OBSERVE_ONLY' })).toEqual([]);
  });
  it('REDUCE_RISK_ONLY omits the BUYs (not even a skipped intent)', () => {
    expect(build({ ...c, mode: 'REDUCE_RISK_ONLY' }).map(shown)).toEqual(['SELL ETHTRY 100 x 4']);
  });
  it('NORMAL: SELLs first, then BUYs, by symbol, whatever the plan order', () => {
    expect(build(c).map(shown)).toEqual(['SELL ETHTRY 100 x 4', 'BUY BTCTRY 100 x 9.99']);
  });
});

describe('client order id', () => {
  it('is `s7:{cycle}:{SYMBOL}:{SIDE}:` + the first 12 hex of sha256 of the order and its reason', () => {
    const i = one({ actions: [action('BTCTRY', 'BUY', '1000')] });
    const digest = sha256Hex('c1|BTCTRY|BUY|101.2|9.88|underweight: BTCTRY').slice(0, 12);
    expect(i.clientOrderId).toBe(`s7:c1:BTCTRY:BUY:${digest}`);
    expect(i.clientOrderId).toMatch(/^s7:c1:BTCTRY:BUY:[0-9a-f]{12}$/);
  });

  it('changes with the cycle, the price, the qty and the reason', () => {
    const id = (cycle: string, price: string, qty: string, reason: string) =>
      stage7ClientOrderId(cycle, 'BTCTRY', 'BUY', dec(price), dec(qty), reason);
    const base = id('c1', '1', '1', 'r');
    expect(
      new Set([
        base,
        id('c2', '1', '1', 'r'),
        id('c1', '2', '1', 'r'),
        id('c1', '1', '2', 'r'),
        id('c1', '1', '1', 's'),
      ]).size,
    ).toBe(5);
    expect(id('c1', '1.0', '1.00', 'r')).toBe(base); // plain decimals: trailing zeros do not matter
  });
});

describe('LIMIT only (spec 9.1.10)', () => {
  it('the intent type admits no other order type', () => {
    const i = one({ actions: [action('BTCTRY', 'BUY', '1000')] });
    // @ts-expect-error orderType is the literal 'LIMIT': a MARKET intent does not type-check
    const market: Stage7Intent = { ...i, orderType: 'MARKET' };
    expect(market.orderType).toBe('MARKET');
    expect(i.orderType).toBe('LIMIT');
  });
});

describe('refusals', () => {
  const refuses = (c: Partial<Stage7OrderBuilderInput>, s: Partial<Stage7OrderBuilderSettings>, path: string) => {
    try {
      buildStage7Intents({ ...input({ actions: [] }), ...c }, { ...EXAMPLE, ...s });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((x) => x.path)).toContain(path);
      return;
    }
    throw new Error('expected a ValidationError');
  };
  it('an empty cycle id, a bad clock, negative cash or balance, a non-finite mark or action', () => {
    refuses({ cycleId: '' }, {}, 'cycleId');
    refuses({ nowMs: 1.5 }, {}, 'nowMs');
    refuses({ plan: { actions: [], cashTry: dec('-1'), balances: [] } }, {}, 'plan.cashTry');
    refuses(
      { plan: { actions: [], cashTry: ZERO, balances: [{ asset: 'BTC', free: dec('-1'), locked: ZERO }] } },
      {},
      'plan.balances.BTC.free',
    );
    refuses({ marks: new Map([['BTCTRY', dec('1').div(0)]]) }, {}, 'marks.BTCTRY');
    refuses(
      { plan: { actions: [action('BTCTRY', 'BUY', '-5')], cashTry: ZERO, balances: [] } },
      {},
      'plan.actions.BTCTRY.notionalTry',
    );
  });
  it('negative knobs, an offset of 100 % or more', () => {
    refuses({}, { FEE_BUFFER_RATIO: dec('-0.1') }, 'FEE_BUFFER_RATIO');
    refuses({}, { MIN_ORDER_NOTIONAL_TRY: dec('-1') }, 'MIN_ORDER_NOTIONAL_TRY');
    refuses({}, { STAGE7_ORDER_OFFSET_BPS: dec('10000') }, 'STAGE7_ORDER_OFFSET_BPS');
  });
});

// ---- properties ----
type Val<A> = A extends fc.Arbitrary<infer T> ? T : never;
const SYMBOLS = ['ADATRY', 'BTCTRY', 'ETHTRY'];
const cents = (min: number, max: number) => fc.integer({ min, max }).map((n) => dec(String(n)).div(100));
const grid = fc.constantFrom('1', '0.1', '0.01', '0.001');
const arbRules = fc.record({ tick: grid, step: grid, min: fc.constantFrom('1', '10', '100') });
const arbAction = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  side: fc.constantFrom<Side>('BUY', 'SELL'),
  notional: cents(0, 500_000),
  estQty: cents(0, 10_000),
});
const arbCase = fc.record({
  actions: fc.uniqueArray(arbAction, { maxLength: 6, selector: (a) => `${a.symbol}${a.side}` }),
  rules: fc.tuple(...SYMBOLS.map(() => arbRules)),
  marks: fc.tuple(...SYMBOLS.map(() => cents(0, 2_000_000))),
  free: fc.tuple(...SYMBOLS.map(() => cents(0, 5_000))),
  cash: cents(0, 1_000_000),
  mode: fc.constantFrom<Mode>('NORMAL', 'NORMAL', 'REDUCE_RISK_ONLY', 'OBSERVE_ONLY'),
});
const arbSettings = fc.record({
  STAGE7_ORDER_OFFSET_BPS: fc.integer({ min: 0, max: 200 }).map((n) => dec(String(n))),
  ALLOCATION_FEE_BUFFER_BPS: fc.integer({ min: 0, max: 100 }).map((n) => dec(String(n))),
  ROUNDING_BUFFER_TRY: fc.constantFrom(dec('0'), dec('0.00000001'), dec('1')),
  MAX_NOTIONAL_PER_ORDER_TRY: fc.constantFrom(dec('0'), dec('250')),
  NOTIONAL_CAP_TRY_PER_CYCLE: fc.constantFrom(dec('0'), dec('1000'), dec('5000')),
  MIN_ORDER_NOTIONAL_TRY: fc.constantFrom(dec('10'), dec('50')),
  SPOT_SELL_REQUIRES_INVENTORY: fc.boolean(),
});
type ArbCase = Val<typeof arbCase>;
const rulesOf = (c: ArbCase) =>
  SYMBOLS.map((sym, k) => {
    const r = c.rules[k] as Val<typeof arbRules>;
    return rules(sym, r.tick, r.step, r.min);
  });
const run = (c: ArbCase, s: Partial<Stage7OrderBuilderSettings>) =>
  build(
    {
      actions: c.actions.map((a) => action(a.symbol, a.side, toPlain(a.notional), toPlain(a.estQty))),
      rules: rulesOf(c),
      marks: Object.fromEntries(SYMBOLS.map((sym, k) => [sym, toPlain(c.marks[k] as Dec)])),
      free: Object.fromEntries(SYMBOLS.map((sym, k) => [sym.replace('TRY', ''), toPlain(c.free[k] as Dec)])),
      cash: toPlain(c.cash),
      mode: c.mode,
    },
    s,
  );

describe('invariants (fast-check)', () => {
  it('the generators reach sent BUYs and SELLs and most skip reasons (so the properties below bite)', () => {
    const samples = fc.sample(fc.tuple(arbCase, arbSettings), { numRuns: 300, seed: 7 });
    const seen = new Set(samples.flatMap(([c, s]) => run(c, s).map((i) => (i.skipped ? i.skipReason : i.side))));
    expect(seen).toContain('BUY');
    expect(seen).toContain('SELL');
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('a sent intent is on the tick and step, breaks no rule and reaches max(rule minimum, MIN_ORDER_NOTIONAL_TRY)', () => {
    fc.assert(
      fc.property(arbCase, arbSettings, (c, s) => {
        const byKey = new Map(rulesOf(c).map((r) => [r.symbol, r]));
        for (const i of run(c, s).filter((x) => !x.skipped)) {
          const r = byKey.get(i.symbol) as ExchangeRules;
          expect(isMultipleOf(i.price, r.priceTick) && isMultipleOf(i.qty, r.qtyStep)).toBe(true);
          expect(ruleViolations(r, i.price, i.qty)).toEqual([]);
          expect(i.notionalTry.gte(maxDec(r.minNotional, s.MIN_ORDER_NOTIONAL_TRY))).toBe(true);
          expect(i.notionalTry.eq(i.price.mul(i.qty))).toBe(true);
          expect(i.orderType).toBe('LIMIT');
        }
      }),
    );
  });

  it('BUYs spend at most the plan cash (with their fee buffer) and the cycle cap; SELLs at most the free base', () => {
    fc.assert(
      fc.property(arbCase, arbSettings, (c, s) => {
        const settings = { ...EXAMPLE, ...s };
        const sent = run(c, s).filter((x) => !x.skipped);
        const buys = sent.filter((i) => i.side === 'BUY').map((i) => i.notionalTry);
        expect(sumDec(buys).mul(stage7FeeRatio(settings).add(1)).lte(c.cash)).toBe(true);
        if (s.NOTIONAL_CAP_TRY_PER_CYCLE.gt(0)) expect(sumDec(buys).lte(s.NOTIONAL_CAP_TRY_PER_CYCLE)).toBe(true);
        if (s.MAX_NOTIONAL_PER_ORDER_TRY.gt(0))
          expect(buys.every((n) => n.lte(s.MAX_NOTIONAL_PER_ORDER_TRY))).toBe(true);
        SYMBOLS.forEach((sym, k) => {
          const sold = sumDec(sent.filter((i) => i.side === 'SELL' && i.symbol === sym).map((i) => i.qty));
          expect(sold.lte(c.free[k] as Dec)).toBe(true);
        });
        if (c.mode === 'OBSERVE_ONLY') expect(sent).toEqual([]);
        if (c.mode === 'REDUCE_RISK_ONLY') expect(run(c, s).every((i) => i.side === 'SELL')).toBe(true);
      }),
    );
  });

  it('ids are deterministic, unique within a build, and the output is sorted SELLs then BUYs by symbol', () => {
    fc.assert(
      fc.property(arbCase, arbSettings, (c, s) => {
        const a = run(c, s);
        expect(canonicalJson(JSON.parse(JSON.stringify(run(c, s))))).toBe(canonicalJson(JSON.parse(JSON.stringify(a))));
        expect(new Set(a.map((i) => i.clientOrderId)).size).toBe(a.length);
        const keys = a.map((i) => `${i.side === 'SELL' ? 0 : 1}${i.symbol}`);
        expect(keys).toEqual([...keys].sort());
      }),
    );
  });

  it('distinct orders get distinct client ids', () => {
    const order = fc.record({
      cycle: fc.constantFrom('c1', 'c2'),
      symbol: fc.constantFrom(...SYMBOLS),
      side: fc.constantFrom<Side>('BUY', 'SELL'),
      price: cents(0, 100_000),
      qty: cents(0, 100_000),
      reason: fc.constantFrom('a', 'b'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(order, { maxLength: 40, selector: (o) => canonicalJson(o) }), (orders) => {
        const ids = orders.map((o) => stage7ClientOrderId(o.cycle, o.symbol, o.side, o.price, o.qty, o.reason));
        expect(new Set(ids).size).toBe(orders.length);
      }),
    );
  });
});

// Stage 7 portfolio policy (spec 4.7): the spec's examples, each step and note, refusals, and invariants
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { canonicalJson } from '../../../../shared/domain/hashing';
import { type Dec, dec, sumDec, toPlain } from '../../../../shared/domain/money';
import {
  floor8,
  planStage7Portfolio,
  portfolioNoteText,
  type Stage7Balance,
  type Stage7PortfolioInput,
  type Stage7PortfolioPlan,
  type Stage7PortfolioSettings,
} from '../../../../shared/domain/portfolio/stage7-portfolio-policy';
import type { Mode } from '../../../../shared/domain/risk/mode';

/** The knob defaults (shared/config/knobs.ts) */
const DEFAULTS: Stage7PortfolioSettings = {
  TRY_CASH_TARGET: dec('300'),
  TRY_CASH_MAX: dec('600'),
  STAGE7_UNIVERSE_QUOTE_CCY: 'TRY',
  PORTFOLIO_TARGETS: undefined,
  MAX_POSITION_NOTIONAL_TRY: dec('5000'),
  MIN_ORDER_NOTIONAL_TRY: dec('10'),
  NOTIONAL_CAP_TRY_PER_CYCLE: dec('1000'),
  MAX_ORDERS_PER_CYCLE: 2,
};

const bal = (asset: string, free: string, locked = '0'): Stage7Balance => ({
  asset,
  free: dec(free),
  locked: dec(locked),
});
const marks = (m: Record<string, string>) => new Map(Object.entries(m).map(([k, v]) => [k, dec(v)]));

const plan = (
  input: Partial<Stage7PortfolioInput> = {},
  settings: Partial<Stage7PortfolioSettings> = {},
): Stage7PortfolioPlan =>
  planStage7Portfolio(
    {
      universe: ['BTCTRY', 'ETHTRY'],
      marks: marks({ BTCTRY: '100', ETHTRY: '50' }),
      balances: [bal('TRY', '1000')],
      mode: 'NORMAL',
      ...input,
    },
    { ...DEFAULTS, ...settings },
  );

const texts = (p: Stage7PortfolioPlan) => p.notes.map(portfolioNoteText);
const brief = (p: Stage7PortfolioPlan) =>
  p.actions.map((a) => `${a.side} ${a.symbol} ${toPlain(a.notionalTry)} qty=${toPlain(a.estQty)}`);

describe('the spec 4.7 examples', () => {
  it('"TRY 200 with target 300 -> cash target 300, no allocations, no actions"', () => {
    const p = plan({ balances: [bal('TRY', '200')] });
    expect(toPlain(p.cashTargetTry)).toBe('300');
    expect(p.allocations).toEqual([]);
    expect(p.actions).toEqual([]);
    expect(p.notes).toEqual([{ kind: 'no_investable_equity_or_empty_universe' }]);
    expect(texts(p)).toEqual(['no investable equity or empty universe']);
  });

  it('"Position cap 100 with TRY 1000 over 2 symbols -> each target <= 100, per_symbol_cap_hits=2"', () => {
    const p = plan({}, { MAX_POSITION_NOTIONAL_TRY: dec('100'), TRY_CASH_TARGET: dec('0') });
    expect(p.allocations.map((a) => toPlain(a.targetNotionalTry))).toEqual(['100', '100']);
    expect(p.allocations.every((a) => a.capped)).toBe(true);
    expect(p.notes).toContainEqual({ kind: 'per_symbol_cap_hits', count: 2 });
    expect(texts(p)).toEqual(['leftover_weight_to_cash=0.8', 'per_symbol_cap_hits=2']);
    expect(brief(p)).toEqual(['BUY BTCTRY 100 qty=1', 'BUY ETHTRY 100 qty=2']);
  });
});

describe('steps 1-5: universe, cash target, snapshot, investable, targets', () => {
  it('canonicalises, de-duplicates and sorts the universe, dropping symbols without a positive mark', () => {
    const p = plan({
      universe: ['eth_try', 'BTCTRY', 'BTC_TRY', 'ADATRY', 'XRPTRY'],
      marks: marks({ BTCTRY: '100', ETHTRY: '50', ADATRY: '0' }),
    });
    expect(p.universe).toEqual(['BTCTRY', 'ETHTRY']);
  });

  it('keeps only pairs quoted in STAGE7_UNIVERSE_QUOTE_CCY (a USDT pair cannot be valued or bought in TRY)', () => {
    const p = plan({ universe: ['BTCTRY', 'BTC_USDT'], marks: marks({ BTCTRY: '100', BTCUSDT: '3' }) });
    expect(p.universe).toEqual(['BTCTRY']);
  });

  it('cash target = min(TRY_CASH_TARGET, TRY_CASH_MAX)', () => {
    expect(toPlain(plan({}, { TRY_CASH_TARGET: dec('700') }).cashTargetTry)).toBe('600');
  });

  it('values free base at the mark: equity = free TRY + sum(free qty x mark); locked does not count', () => {
    const p = plan({ balances: [bal('TRY', '500', '40'), bal('BTC', '2', '9'), bal('ETH', '4'), bal('XRP', '100')] });
    expect(toPlain(p.cashTry)).toBe('500');
    expect(toPlain(p.equityTry)).toBe('900');
    expect(toPlain(p.investableTry)).toBe('600');
    expect(p.allocations.map((a) => [a.symbol, toPlain(a.currentQty), toPlain(a.currentNotionalTry)])).toEqual([
      ['BTCTRY', '2', '200'],
      ['ETHTRY', '4', '200'],
    ]);
  });

  it('an empty universe plans nothing', () => {
    const p = plan({ universe: [] });
    expect(p.actions).toEqual([]);
    expect(texts(p)).toEqual(['no investable equity or empty universe']);
  });

  it('equal weights when PORTFOLIO_TARGETS is unset; target = investable x weight', () => {
    const p = plan({}, { TRY_CASH_TARGET: dec('0') });
    expect(p.allocations.map((a) => [toPlain(a.weight), toPlain(a.targetNotionalTry)])).toEqual([
      ['0.5', '500'],
      ['0.5', '500'],
    ]);
    expect(texts(p)).toEqual(['leftover_weight_to_cash=0', 'per_symbol_cap_hits=0']);
  });

  it('PORTFOLIO_TARGETS weights: unlisted symbols get 0, the rest of the weight stays in cash', () => {
    const targets = [{ key: 'BTCTRY', weight: dec('0.25') }];
    const p = plan({}, { TRY_CASH_TARGET: dec('0'), PORTFOLIO_TARGETS: targets });
    expect(p.allocations.map((a) => toPlain(a.targetNotionalTry))).toEqual(['250', '0']);
    expect(texts(p)[0]).toBe('leftover_weight_to_cash=0.75');
  });

  it('PORTFOLIO_TARGETS adding up past 1 are scaled to 1 (never more than investable)', () => {
    const targets = [
      { key: 'BTCTRY', weight: dec('3') },
      { key: 'ETHTRY', weight: dec('1') },
    ];
    const p = plan({}, { TRY_CASH_TARGET: dec('0'), PORTFOLIO_TARGETS: targets, NOTIONAL_CAP_TRY_PER_CYCLE: dec('0') });
    expect(p.allocations.map((a) => toPlain(a.targetNotionalTry))).toEqual(['750', '250']);
  });
});

describe('steps 6-7: rebalance actions and constraints', () => {
  const held = [bal('TRY', '100'), bal('BTC', '6'), bal('ETH', '1')];
  // equity 100 + 600 + 50 = 750, cash target 0: each target 375

  it('SELLs the overweight and BUYs the underweight, with the spec reason text', () => {
    const p = plan({ balances: held }, { TRY_CASH_TARGET: dec('0') });
    expect(p.actions.map((a) => [a.side, a.symbol, a.reason])).toEqual([
      ['SELL', 'BTCTRY', 'overweight: current=600 target=375'],
      ['BUY', 'ETHTRY', 'underweight: current=50 target=375'],
    ]);
    expect(brief(p)).toEqual(['SELL BTCTRY 225 qty=2.25', 'BUY ETHTRY 325 qty=6.5']);
  });

  it('drops requests below MIN_ORDER_NOTIONAL_TRY (note min_notional=N)', () => {
    const p = plan({ balances: held }, { TRY_CASH_TARGET: dec('0'), MIN_ORDER_NOTIONAL_TRY: dec('300') });
    expect(brief(p)).toEqual(['BUY ETHTRY 325 qty=6.5']);
    expect(texts(p)).toContain('min_notional=1');
  });

  it('walks SELLs first under the turnover cap: the BUY gets what the SELL left (note turnover_cap=N)', () => {
    const p = plan({ balances: held }, { TRY_CASH_TARGET: dec('0'), NOTIONAL_CAP_TRY_PER_CYCLE: dec('300') });
    expect(brief(p)).toEqual(['SELL BTCTRY 225 qty=2.25', 'BUY ETHTRY 75 qty=1.5']);
    const tight = plan({ balances: held }, { TRY_CASH_TARGET: dec('0'), NOTIONAL_CAP_TRY_PER_CYCLE: dec('230') });
    expect(brief(tight)).toEqual(['SELL BTCTRY 225 qty=2.25']);
    expect(texts(tight)).toContain('turnover_cap=1');
    expect(texts(plan({ balances: held }, { NOTIONAL_CAP_TRY_PER_CYCLE: dec('0') }))).toContain('turnover_cap=2');
  });

  it('keeps at most MAX_ORDERS_PER_CYCLE in walk order: SELL first, then the larger BUY (note max_orders=N)', () => {
    const three = plan(
      {
        universe: ['ADATRY', 'BTCTRY', 'ETHTRY'],
        marks: marks({ ADATRY: '1', BTCTRY: '100', ETHTRY: '50' }),
        balances: [bal('TRY', '300'), bal('BTC', '6')],
      },
      { TRY_CASH_TARGET: dec('0'), PORTFOLIO_TARGETS: [{ key: 'ADATRY', weight: dec('0.5') }] },
    );
    // equity 900: ADA target 450 (BUY 450), BTC target 0 (SELL 600), ETH target 0
    expect(brief(three)).toEqual(['SELL BTCTRY 600 qty=6', 'BUY ADATRY 400 qty=400']);
    const one = plan({ balances: held }, { TRY_CASH_TARGET: dec('0'), MAX_ORDERS_PER_CYCLE: 1 });
    expect(brief(one)).toEqual(['SELL BTCTRY 225 qty=2.25']);
    expect(texts(one)).toContain('max_orders=1');
  });

  it('floors the estimated qty to 8 places', () => {
    const p = plan({ marks: marks({ BTCTRY: '3', ETHTRY: '7' }) }, { TRY_CASH_TARGET: dec('0') });
    expect(p.actions.map((a) => toPlain(a.estQty))).toEqual(['166.66666666', '71.42857142']);
    expect(toPlain(floor8(dec('0.123456789')))).toBe('0.12345678');
  });

  it('returns SELLs by symbol then BUYs by symbol whatever the walk order', () => {
    const p = plan(
      {
        universe: ['ADATRY', 'BTCTRY', 'ETHTRY', 'XRPTRY'],
        marks: marks({ ADATRY: '1', BTCTRY: '100', ETHTRY: '50', XRPTRY: '2' }),
        balances: [bal('TRY', '100'), bal('XRP', '500'), bal('ETH', '20')],
      },
      { TRY_CASH_TARGET: dec('0'), MAX_ORDERS_PER_CYCLE: 9, NOTIONAL_CAP_TRY_PER_CYCLE: dec('5000') },
    );
    expect(p.actions.map((a) => `${a.side} ${a.symbol}`)).toEqual([
      'SELL ETHTRY',
      'SELL XRPTRY',
      'BUY ADATRY',
      'BUY BTCTRY',
    ]);
  });
});

describe('step 8: the mode filter', () => {
  const held = [bal('TRY', '100'), bal('BTC', '6'), bal('ETH', '1')];
  it('OBSERVE_ONLY keeps no action (note observe_only=N), the allocations stay for the record', () => {
    const p = plan({ balances: held, mode: 'OBSERVE_ONLY' }, { TRY_CASH_TARGET: dec('0') });
    expect(p.actions).toEqual([]);
    expect(p.allocations).toHaveLength(2);
    expect(texts(p)).toContain('observe_only=2');
  });

  it('REDUCE_RISK_ONLY keeps the SELLs only (note mode_reduce_risk_only=N)', () => {
    const p = plan({ balances: held, mode: 'REDUCE_RISK_ONLY' }, { TRY_CASH_TARGET: dec('0') });
    expect(brief(p)).toEqual(['SELL BTCTRY 225 qty=2.25']);
    expect(texts(p)).toContain('mode_reduce_risk_only=1');
  });
});

describe('step 9: the balance snapshot', () => {
  it('carries free and locked TRY and the universe base assets, by asset, zero when absent', () => {
    const p = plan({ balances: [bal('TRY', '500', '40'), bal('BTC', '2', '9'), bal('XRP', '100')] });
    expect(p.balances.map((b) => [b.asset, toPlain(b.free), toPlain(b.locked)])).toEqual([
      ['BTC', '2', '9'],
      ['ETH', '0', '0'],
      ['TRY', '500', '40'],
    ]);
  });
});

describe('refusals', () => {
  const refuses = (input: Partial<Stage7PortfolioInput>, settings: Partial<Stage7PortfolioSettings>, path: string) => {
    try {
      plan(input, settings);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toContain(path);
      return;
    }
    throw new Error('expected a ValidationError');
  };
  it('a negative or repeated balance', () => {
    refuses({ balances: [bal('TRY', '-1')] }, {}, 'balances.TRY.free');
    refuses({ balances: [bal('BTC', '1', '-1')] }, {}, 'balances.BTC.locked');
    refuses({ balances: [bal('TRY', '1'), bal('try', '2')] }, {}, 'balances.TRY');
  });
  it('a symbol that does not split, a non-finite mark', () => {
    refuses({ universe: ['FOOBAR'] }, {}, 'universe.FOOBAR');
    refuses({ marks: new Map([['BTCTRY', dec('1').div(0)]]) }, {}, 'marks.BTCTRY');
  });
  it('bad settings', () => {
    refuses({}, { MAX_ORDERS_PER_CYCLE: -1 }, 'MAX_ORDERS_PER_CYCLE');
    refuses({}, { MAX_ORDERS_PER_CYCLE: 1.5 }, 'MAX_ORDERS_PER_CYCLE');
    refuses({}, { MIN_ORDER_NOTIONAL_TRY: dec('0') }, 'MIN_ORDER_NOTIONAL_TRY');
    refuses({}, { TRY_CASH_TARGET: dec('-1') }, 'TRY_CASH_TARGET');
    refuses({}, { PORTFOLIO_TARGETS: [{ key: 'btc_try', weight: dec('1') }] }, 'PORTFOLIO_TARGETS.btc_try');
    refuses({}, { PORTFOLIO_TARGETS: [{ key: 'BTCTRY', weight: dec('-1') }] }, 'PORTFOLIO_TARGETS.BTCTRY');
  });
});

// ---- properties ----
type Val<A> = A extends fc.Arbitrary<infer T> ? T : never;
const SYMBOLS = ['ADATRY', 'BTCTRY', 'ETHTRY', 'XRPTRY'];
const amount = (max: number) => fc.integer({ min: 0, max }).map((n) => dec(String(n)).div(100));
const arbInput = fc.record({
  universe: fc.subarray(SYMBOLS),
  markCents: fc.tuple(...SYMBOLS.map(() => fc.integer({ min: 0, max: 1_000_000 }))),
  cash: amount(500_000),
  heldQty: fc.tuple(...SYMBOLS.map(() => amount(2_000))),
  mode: fc.constantFrom<Mode>('NORMAL', 'REDUCE_RISK_ONLY', 'OBSERVE_ONLY'),
});
const arbSettings = fc.record({
  TRY_CASH_TARGET: amount(100_000),
  MAX_POSITION_NOTIONAL_TRY: amount(300_000),
  MIN_ORDER_NOTIONAL_TRY: fc.integer({ min: 1, max: 5_000 }).map((n) => dec(String(n)).div(100)),
  NOTIONAL_CAP_TRY_PER_CYCLE: amount(500_000),
  MAX_ORDERS_PER_CYCLE: fc.integer({ min: 0, max: 5 }),
});
const build = (i: Val<typeof arbInput>, s: Partial<Stage7PortfolioSettings>) =>
  planStage7Portfolio(
    {
      universe: i.universe,
      marks: new Map(SYMBOLS.map((sym, k) => [sym, dec(String(i.markCents[k] ?? 0)).div(100)])),
      balances: [
        bal('TRY', toPlain(i.cash)),
        ...SYMBOLS.map((sym, k) => bal(sym.replace('TRY', ''), toPlain(i.heldQty[k] ?? dec('0')))),
      ],
      mode: i.mode,
    },
    { ...DEFAULTS, TRY_CASH_MAX: dec('1000000'), ...s },
  );
const TINY = dec('0.000000000000000000000000000001');

describe('invariants (fast-check)', () => {
  it('the generators reach SELLs, BUYs and every constraint note (so the properties below bite)', () => {
    const samples = fc.sample(fc.tuple(arbInput, arbSettings), { numRuns: 400, seed: 7 });
    const plans = samples.map(([i, s]) => build(i, s));
    const seen = new Set(plans.flatMap((p) => [...p.actions.map((a) => a.side), ...p.notes.map((n) => n.kind)]));
    for (const k of [
      'SELL',
      'BUY',
      'min_notional',
      'turnover_cap',
      'max_orders',
      'observe_only',
      'mode_reduce_risk_only',
    ])
      expect(seen).toContain(k);
  });

  it('caps hold: turnover, min notional, order count, per-symbol target, total target', () => {
    fc.assert(
      fc.property(arbInput, arbSettings, (i, s) => {
        const p = build(i, s);
        const applied = sumDec(p.actions.map((a) => a.notionalTry));
        expect(applied.lte(s.NOTIONAL_CAP_TRY_PER_CYCLE)).toBe(true);
        expect(p.actions.every((a) => a.notionalTry.gte(s.MIN_ORDER_NOTIONAL_TRY))).toBe(true);
        expect(p.actions.every((a) => a.notionalTry.lte(a.requestedNotionalTry))).toBe(true);
        expect(p.actions.length).toBeLessThanOrEqual(s.MAX_ORDERS_PER_CYCLE);
        expect(p.allocations.every((a) => a.targetNotionalTry.lte(s.MAX_POSITION_NOTIONAL_TRY))).toBe(true);
        const targets = sumDec(p.allocations.map((a) => a.targetNotionalTry));
        expect(targets.lte(p.investableTry.add(TINY))).toBe(true);
        expect(new Set(p.actions.map((a) => a.symbol)).size).toBe(p.actions.length);
      }),
    );
  });

  it('a SELL never sells more than the free base held, and its est qty is on 8 places', () => {
    fc.assert(
      fc.property(arbInput, arbSettings, (i, s) => {
        const p = build(i, s);
        for (const a of p.actions) {
          expect(floor8(a.estQty).eq(a.estQty)).toBe(true);
          if (a.side !== 'SELL') continue;
          const held = p.allocations.find((x) => x.symbol === a.symbol)?.currentQty as Dec;
          expect(a.estQty.lte(held)).toBe(true);
          expect(a.notionalTry.lte(a.currentNotionalTry)).toBe(true);
        }
      }),
    );
  });

  it('sorted SELLs by symbol then BUYs by symbol; the mode filter holds', () => {
    fc.assert(
      fc.property(arbInput, arbSettings, (i, s) => {
        const p = build(i, s);
        const keys = p.actions.map((a) => `${a.side === 'SELL' ? 0 : 1}${a.symbol}`);
        expect(keys).toEqual([...keys].sort());
        if (i.mode === 'OBSERVE_ONLY') expect(p.actions).toEqual([]);
        if (i.mode === 'REDUCE_RISK_ONLY') expect(p.actions.every((a) => a.side === 'SELL')).toBe(true);
      }),
    );
  });

  it('is deterministic: the same input gives the same plan, byte for byte', () => {
    fc.assert(
      fc.property(arbInput, arbSettings, (i, s) => {
        const a = canonicalJson(JSON.parse(JSON.stringify(build(i, s))));
        expect(canonicalJson(JSON.parse(JSON.stringify(build(i, s))))).toBe(a);
      }),
      { numRuns: 50 },
    );
  });
});

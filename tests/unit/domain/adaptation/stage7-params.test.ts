// Stage 7 active params (spec 4.3) and bounds (spec 4.16 step 3): the spec's example, version 1 from the
// settings, the weight normalisation, the refusals, and the invariants (within bounds, idempotent)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../shared/config/load-config';
import {
  boundParams,
  DEFAULT_SCORE_WEIGHTS,
  diffParams,
  initialParams,
  normalizeScoreWeights,
  PARAM_BOUNDS,
  paramsRecord,
  type Stage7Params,
} from '../../../../shared/domain/adaptation/stage7-params';
import { ValidationError } from '../../../../shared/domain/errors';
import { canonicalJson } from '../../../../shared/domain/hashing';
import { dec, sumDec } from '../../../../shared/domain/money';

const bounds = { NOTIONAL_CAP_TRY_PER_CYCLE: dec('1000'), TRY_CASH_MAX: dec('600') };

const params = (over: Partial<Stage7Params> = {}): Stage7Params => ({
  universeSize: 20,
  scoreWeights: DEFAULT_SCORE_WEIGHTS,
  orderOffsetBps: dec('5'),
  turnoverCapTry: dec('900'),
  maxOrdersPerCycle: 2,
  maxSpreadBps: dec('100'),
  cashTargetTry: dec('300'),
  minQuoteVolumeTry: dec('0'),
  version: 1,
  updatedAtMs: 1_704_067_200_000,
  ...over,
});

const plainWeights = (p: Stage7Params) => paramsRecord(p).score_weights;

describe('boundParams (spec 4.16 step 3)', () => {
  it('clamps the spec example: universe 100, weights (2, -1, 1), offset 99, orders 99, spread 999 -> 50, (0.5, 0, 0.5), 50, 20, 500', () => {
    const bounded = boundParams(
      params({
        universeSize: 100,
        scoreWeights: { liquidity: dec('2'), spread: dec('-1'), volatility: dec('1') },
        orderOffsetBps: dec('99'),
        maxOrdersPerCycle: 99,
        maxSpreadBps: dec('999'),
      }),
      bounds,
    );
    expect(bounded.universeSize).toBe(50);
    expect(plainWeights(bounded)).toEqual({ liquidity: '0.5', spread: '0', volatility: '0.5' });
    expect(bounded.orderOffsetBps.eq(50)).toBe(true);
    expect(bounded.maxOrdersPerCycle).toBe(20);
    expect(bounded.maxSpreadBps.eq(500)).toBe(true);
  });

  it('raises values below the floors: universe 5, orders 1, spread 10, offset/turnover/cash/volume 0', () => {
    const bounded = boundParams(
      params({
        universeSize: -3,
        orderOffsetBps: dec('-1'),
        turnoverCapTry: dec('-5'),
        maxOrdersPerCycle: 0,
        maxSpreadBps: dec('2'),
        cashTargetTry: dec('-1'),
        minQuoteVolumeTry: dec('-7'),
      }),
      bounds,
    );
    const r = paramsRecord(bounded);
    expect([r.universe_size, r.max_orders_per_cycle, r.max_spread_bps]).toEqual([5, 1, '10']);
    expect([r.order_offset_bps, r.turnover_cap_try, r.cash_target_try, r.min_quote_volume_try]).toEqual([
      '0',
      '0',
      '0',
      '0',
    ]);
  });

  it('caps the turnover at NOTIONAL_CAP_TRY_PER_CYCLE and the cash target at TRY_CASH_MAX', () => {
    const bounded = boundParams(params({ turnoverCapTry: dec('1000.01'), cashTargetTry: dec('601') }), bounds);
    expect(paramsRecord(bounded).turnover_cap_try).toBe('1000');
    expect(paramsRecord(bounded).cash_target_try).toBe('600');
  });

  it('keeps fractional bps as they are (no truncation to integers)', () => {
    expect(paramsRecord(boundParams(params({ orderOffsetBps: dec('2.5') }), bounds)).order_offset_bps).toBe('2.5');
  });

  it('keeps the version and time', () => {
    const bounded = boundParams(params({ version: 7, updatedAtMs: 42 }), bounds);
    expect([bounded.version, bounded.updatedAtMs]).toEqual([7, 42]);
  });

  it('refuses fractional counts and non-finite amounts, naming each field', () => {
    const bad = params({ universeSize: 2.5, maxOrdersPerCycle: Number.NaN, turnoverCapTry: dec('1').div(0) });
    expect(() => boundParams(bad, bounds)).toThrow(ValidationError);
    try {
      boundParams(bad, bounds);
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        'universeSize',
        'maxOrdersPerCycle',
        'turnoverCapTry',
      ]);
    }
  });

  it('refuses a version below 1 and a negative time', () => {
    expect(() => boundParams(params({ version: 0 }), bounds)).toThrow(/version: expected an integer >= 1/);
    expect(() => boundParams(params({ updatedAtMs: -1 }), bounds)).toThrow(/updatedAtMs/);
  });
});

describe('normalizeScoreWeights', () => {
  it('falls back to the defaults 0.5/0.3/0.2 when no weight is positive', () => {
    const w = normalizeScoreWeights({ liquidity: dec('0'), spread: dec('-2'), volatility: dec('0') });
    expect(w).toBe(DEFAULT_SCORE_WEIGHTS);
  });

  it('sums to exactly 1 with 8 decimals, the rounding remainder on the largest weight', () => {
    const w = normalizeScoreWeights({ liquidity: dec('1'), spread: dec('1'), volatility: dec('1') });
    expect(paramsRecord(params({ scoreWeights: w })).score_weights).toEqual({
      liquidity: '0.33333334',
      spread: '0.33333333',
      volatility: '0.33333333',
    });
    expect(sumDec([w.liquidity, w.spread, w.volatility]).eq(1)).toBe(true);
  });
});

describe('initialParams (spec 4.3): version 1 from the settings', () => {
  it('takes the STAGE7_* knobs, NOTIONAL_CAP_TRY_PER_CYCLE, MAX_ORDERS_PER_CYCLE and TRY_CASH_TARGET, bounded', () => {
    const p = initialParams(loadConfig({}), 1_000);
    expect(paramsRecord(p)).toEqual({
      universe_size: 20,
      score_weights: { liquidity: '0.5', spread: '0.3', volatility: '0.2' },
      order_offset_bps: '5',
      turnover_cap_try: '1000',
      max_orders_per_cycle: 2,
      // STAGE7_MAX_SPREAD_BPS defaults to 1000000: the active row is bounded from the start
      max_spread_bps: '500',
      cash_target_try: '300',
      min_quote_volume_try: '0',
      version: 1,
      updated_at_ms: 1_000,
    });
  });

  it('reads configured values and weighs a score key the knob leaves out as 0', () => {
    // set over the loaded defaults: the loader refuses stage 7 knobs until a stage 7 function reads them
    const p = initialParams(
      {
        ...loadConfig({}),
        STAGE7_UNIVERSE_SIZE: 7,
        STAGE7_SCORE_WEIGHTS: [
          { key: 'liquidity', weight: dec('3') },
          { key: 'spread', weight: dec('1') },
        ],
        STAGE7_ORDER_OFFSET_BPS: dec('12'),
        NOTIONAL_CAP_TRY_PER_CYCLE: dec('800'),
        MAX_ORDERS_PER_CYCLE: 4,
        STAGE7_MAX_SPREAD_BPS: dec('80'),
        TRY_CASH_TARGET: dec('150'),
        STAGE7_MIN_QUOTE_VOLUME_TRY: dec('2500'),
      },
      5,
    );
    const r = paramsRecord(p);
    expect(r.score_weights).toEqual({ liquidity: '0.75', spread: '0.25', volatility: '0' });
    expect([r.universe_size, r.order_offset_bps, r.turnover_cap_try, r.max_orders_per_cycle]).toEqual([
      7,
      '12',
      '800',
      4,
    ]);
    expect([r.max_spread_bps, r.cash_target_try, r.min_quote_volume_try]).toEqual(['80', '150', '2500']);
  });
});

describe('diffParams (spec 4.16 step 5)', () => {
  it('lists only the tunable fields that differ, as {old, new} in the persisted form', () => {
    const before = params();
    const after = params({ universeSize: 21, turnoverCapTry: dec('945.00'), version: 2, updatedAtMs: 9 });
    expect(diffParams(before, after)).toEqual({
      universe_size: { old: 20, new: 21 },
      turnover_cap_try: { old: '900', new: '945' },
    });
  });

  it('compares decimals by value: 945 and 945.00 are no change', () => {
    expect(diffParams(params({ turnoverCapTry: dec('945') }), params({ turnoverCapTry: dec('945.00') }))).toEqual({});
  });
});

// integers across and beyond every bound; decimals with up to 4 places, negative to far above
const anyInt = fc.integer({ min: -1_000, max: 1_000 });
const anyDec = fc
  .tuple(fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.integer({ min: 0, max: 4 }))
  .map(([n, places]) => dec(n.toString()).div(10 ** places));
const anyParams = fc.record({
  universeSize: anyInt,
  scoreWeights: fc.record({ liquidity: anyDec, spread: anyDec, volatility: anyDec }),
  orderOffsetBps: anyDec,
  turnoverCapTry: anyDec,
  maxOrdersPerCycle: anyInt,
  maxSpreadBps: anyDec,
  cashTargetTry: anyDec,
  minQuoteVolumeTry: anyDec,
  version: fc.integer({ min: 1, max: 1_000 }),
  updatedAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});
const anyBounds = fc.record({
  NOTIONAL_CAP_TRY_PER_CYCLE: fc.integer({ min: 0, max: 100_000 }).map((n) => dec(String(n))),
  TRY_CASH_MAX: fc.integer({ min: 0, max: 100_000 }).map((n) => dec(String(n))),
});

describe('bounds invariants', () => {
  it('bounded params are always within the bounds, weights in [0, 1] summing to exactly 1', () => {
    fc.assert(
      fc.property(anyParams, anyBounds, (p, s) => {
        const b = boundParams(p, s);
        const w = [b.scoreWeights.liquidity, b.scoreWeights.spread, b.scoreWeights.volatility];
        const B = PARAM_BOUNDS;
        return (
          b.universeSize >= B.universeSize.min &&
          b.universeSize <= B.universeSize.max &&
          b.maxOrdersPerCycle >= B.maxOrdersPerCycle.min &&
          b.maxOrdersPerCycle <= B.maxOrdersPerCycle.max &&
          b.orderOffsetBps.gte(B.orderOffsetBps.min) &&
          b.orderOffsetBps.lte(B.orderOffsetBps.max) &&
          b.maxSpreadBps.gte(B.maxSpreadBps.min) &&
          b.maxSpreadBps.lte(B.maxSpreadBps.max) &&
          b.turnoverCapTry.gte(0) &&
          b.turnoverCapTry.lte(s.NOTIONAL_CAP_TRY_PER_CYCLE) &&
          b.cashTargetTry.gte(0) &&
          b.cashTargetTry.lte(s.TRY_CASH_MAX) &&
          b.minQuoteVolumeTry.gte(0) &&
          w.every((x) => x.gte(0) && x.lte(1) && x.decimalPlaces() <= 8) &&
          sumDec(w).eq(1)
        );
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent: bound(bound(p)) = bound(p), byte for byte', () => {
    fc.assert(
      fc.property(anyParams, anyBounds, (p, s) => {
        const once = boundParams(p, s);
        return canonicalJson(paramsRecord(boundParams(once, s))) === canonicalJson(paramsRecord(once));
      }),
      { numRuns: 500 },
    );
  });
});

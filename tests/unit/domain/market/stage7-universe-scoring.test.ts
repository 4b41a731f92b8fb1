// Spec 4.5 steps 4-6: metrics per candidate, normalised scores over all candidates, weights, rank and the
// exclusions judged after scoring
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORE_WEIGHTS, scoreWeightsFromKnob } from '../../../../shared/domain/adaptation/stage7-params';
import { withActiveParams } from '../../../../shared/domain/market/stage7-universe-input';
import {
  bookSpreadBps,
  type CandidateMetrics,
  inverseScore,
  linearScore,
  measureCandidates,
  quoteVolumeTry,
  returnsStdDev,
  scoreCandidates,
  scoreExclusions,
  volatilityOf,
} from '../../../../shared/domain/market/stage7-universe-scoring';
import { type Dec, dec, toPlain } from '../../../../shared/domain/money';

const d = dec;
const plain = (x: Dec | undefined) => (x === undefined ? undefined : toPlain(x));
const weights = (l: string, s: string, v: string) => [
  { key: 'liquidity', weight: d(l) },
  { key: 'spread', weight: d(s) },
  { key: 'volatility', weight: d(v) },
];
const SCORING = {
  STAGE7_SCORE_WEIGHTS: weights('0.5', '0.3', '0.2'),
  STAGE7_MAX_SPREAD_BPS: d('1000000'),
  STAGE7_MIN_QUOTE_VOLUME_TRY: d('0'),
};
const m = (symbol: string, volume?: string, spread?: string, vol?: string): CandidateMetrics => ({
  symbol,
  quoteVolumeTry: volume === undefined ? undefined : d(volume),
  spreadBps: spread === undefined ? undefined : d(spread),
  volatility: vol === undefined ? undefined : d(vol),
  ageMs: 0,
});

describe('quote volume', () => {
  it('takes quoteVolume when given, else volume (base units) x last: a fix, BTCTurk volume is in base units', () => {
    expect(plain(quoteVolumeTry({ symbol: 'BTCTRY', quoteVolume: d('500'), volume: d('2'), last: d('10') }))).toBe(
      '500',
    );
    expect(plain(quoteVolumeTry({ symbol: 'BTCTRY', volume: d('23.5'), last: d('3000000') }))).toBe('70500000');
    expect(plain(quoteVolumeTry({ symbol: 'BTCTRY', quoteVolume: d('0') }))).toBe('0');
  });

  it('is missing without a ticker, or with a base volume and no positive last price', () => {
    expect(quoteVolumeTry(undefined)).toBeUndefined();
    expect(quoteVolumeTry({ symbol: 'BTCTRY', volume: d('2') })).toBeUndefined();
    expect(quoteVolumeTry({ symbol: 'BTCTRY', volume: d('2'), last: d('0') })).toBeUndefined();
  });
});

describe('spread from the book', () => {
  it('is (ask - bid) / mid x 10000', () => {
    expect(plain(bookSpreadBps({ symbol: 'ETHTRY', bid: d('999.75'), ask: d('1000.25') }))).toBe('5');
    expect(plain(bookSpreadBps({ symbol: 'BTCTRY', bid: d('99'), ask: d('101') }))).toBe('200');
    expect(plain(bookSpreadBps({ symbol: 'BTCTRY', bid: d('100'), ask: d('100') }))).toBe('0');
  });

  it('is missing when bid or ask <= 0 or the book is crossed', () => {
    for (const [bid, ask] of [
      ['0', '10'],
      ['10', '0'],
      ['-1', '10'],
      ['10.01', '10'],
    ] as const) {
      expect(bookSpreadBps({ symbol: 'X', bid: d(bid), ask: d(ask) }), `${bid}/${ask}`).toBeUndefined();
    }
    expect(bookSpreadBps(undefined)).toBeUndefined();
  });
});

describe('volatility', () => {
  it('is the population std-dev of close-to-close returns', () => {
    // returns +0.1 and -0.1: mean 0, variance 0.01
    expect(plain(returnsStdDev([d('100'), d('110'), d('99')], 20))).toBe('0.1');
    // returns 0.1, 0.1, 0: mean 1/15, variance 1/450; sqrt(1/450) to 40 significant digits
    expect(plain(returnsStdDev([d('100'), d('110'), d('121'), d('121')], 20))).toBe(
      '0.04714045207910316829338962414032326928565',
    );
  });

  it('reads only the last max(2, STAGE7_VOL_LOOKBACK) candles, without closes <= 0', () => {
    const closes = [d('50'), d('100'), d('110'), d('99')];
    expect(plain(returnsStdDev(closes, 1))).toBe('0'); // 110 -> 99: one return
    expect(plain(returnsStdDev(closes, 3))).toBe('0.1');
    expect(plain(returnsStdDev([d('100'), d('0'), d('110')], 20))).toBe('0');
    expect(returnsStdDev([d('0'), d('110')], 20)).toBeUndefined();
    expect(returnsStdDev([d('110')], 20)).toBeUndefined();
  });

  it('falls back to (high - low) / last, then |priceChangePercent| / 100', () => {
    const t = { symbol: 'X', last: d('100'), high: d('110'), low: d('90'), priceChangePercent: d('-3.5') };
    expect(plain(volatilityOf([d('100')], t, 20))).toBe('0.2');
    expect(plain(volatilityOf([], { ...t, high: d('80') }, 20))).toBe('0.035');
    expect(plain(volatilityOf([], { ...t, last: d('0') }, 20))).toBe('0.035');
    expect(plain(volatilityOf([], { ...t, low: undefined }, 20))).toBe('0.035');
    expect(volatilityOf([], { symbol: 'X' }, 20)).toBeUndefined();
    expect(volatilityOf([], undefined, 20)).toBeUndefined();
  });

  it('squares back to the variance (exact decimals, no float square root)', () => {
    const price = fc.integer({ min: 1, max: 1_000_000 }).map((n) => d(String(n)).div(100));
    fc.assert(
      fc.property(fc.array(price, { minLength: 2, maxLength: 12 }), (closes) => {
        const returns = closes.slice(1).map((c, i) => c.sub(closes[i] as Dec).div(closes[i] as Dec));
        const mean = returns.reduce((a, r) => a.add(r), d('0')).div(returns.length);
        const variance = returns.reduce((a, r) => a.add(r.sub(mean).pow(2)), d('0')).div(returns.length);
        const std = returnsStdDev(closes, 20) as Dec;
        expect(std.gte(0)).toBe(true);
        // 40 significant digits: the square is the variance to a relative 1e-37
        const tolerance = variance.mul(d('0.0000000000000000000000000000000000001'));
        expect(std.pow(2).sub(variance).abs().lte(tolerance)).toBe(true);
      }),
    );
  });
});

describe('metrics per candidate', () => {
  it('reads each candidate from its ticker, book and candles; age is now - book time, never negative', () => {
    const metrics = measureCandidates(
      ['ETHTRY', 'XRPTRY'],
      {
        nowMs: 100_000,
        pairs: [],
        tickers: [{ symbol: 'ETHTRY', quoteVolume: d('500') }],
        books: [
          { symbol: 'ETHTRY', bid: d('999.75'), ask: d('1000.25'), observedAtMs: 40_000 },
          { symbol: 'XRPTRY', bid: d('10'), ask: d('10.1'), observedAtMs: 100_500 },
        ],
        candles: [{ symbol: 'ETHTRY', closes: [d('100'), d('110'), d('99')] }],
        exchangeDegraded: false,
        observeOnly: false,
      },
      { STAGE7_VOL_LOOKBACK: 20 },
    );
    expect(
      metrics.map((x) => [x.symbol, plain(x.quoteVolumeTry), plain(x.spreadBps), plain(x.volatility), x.ageMs]),
    ).toEqual([
      ['ETHTRY', '500', '5', '0.1', 60_000],
      ['XRPTRY', undefined, plain(d('0.1').div(d('10.05')).mul(10_000)), undefined, 0],
    ]);
  });
});

describe('weights (spec 4.5 step 5)', () => {
  it('are normalised to sum 1, keeping their proportions', () => {
    const w = scoreWeightsFromKnob([
      { key: 'liquidity', weight: d('3') },
      { key: 'spread', weight: d('1') },
    ]);
    expect([w.liquidity, w.spread, w.volatility].map(toPlain)).toEqual(['0.75', '0.25', '0']);
    const thirds = scoreWeightsFromKnob(weights('1', '1', '1'));
    expect(toPlain(thirds.liquidity.add(thirds.spread).add(thirds.volatility))).toBe('1');
  });

  it('fall back to 0.5/0.3/0.2 when all are zero or negative; unknown keys are ignored, the last entry wins', () => {
    expect(scoreWeightsFromKnob(weights('0', '0', '0'))).toBe(DEFAULT_SCORE_WEIGHTS);
    expect(scoreWeightsFromKnob([{ key: 'liquidity', weight: d('-1') }])).toBe(DEFAULT_SCORE_WEIGHTS);
    const w = scoreWeightsFromKnob([
      { key: 'depth', weight: d('5') },
      { key: 'spread', weight: d('9') },
      { key: 'spread', weight: d('1') },
    ]);
    expect([w.liquidity, w.spread, w.volatility].map(toPlain)).toEqual(['0', '1', '0']);
  });

  it('come from the active params when the cycle uses them (spec 4.2 step 1)', () => {
    const s = withActiveParams(
      {
        ...SCORING,
        STAGE7_UNIVERSE_SIZE: 20,
        STAGE7_UNIVERSE_QUOTE_CCY: 'TRY',
        STAGE7_VOL_LOOKBACK: 20,
        STAGE7_MAX_DATA_AGE_SEC: 60,
        STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: 1,
        STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC: 21600,
        STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY: 4,
      },
      {
        universeSize: 7,
        scoreWeights: { liquidity: d('0.2'), spread: d('0.2'), volatility: d('0.6') },
        maxSpreadBps: d('40'),
        minQuoteVolumeTry: d('250'),
      },
    );
    const w = scoreWeightsFromKnob(s.STAGE7_SCORE_WEIGHTS);
    expect([w.liquidity, w.spread, w.volatility].map(toPlain)).toEqual(['0.2', '0.2', '0.6']);
    expect([s.STAGE7_UNIVERSE_SIZE, toPlain(s.STAGE7_MAX_SPREAD_BPS), toPlain(s.STAGE7_MIN_QUOTE_VOLUME_TRY)]).toEqual([
      7,
      '40',
      '250',
    ]);
  });
});

describe('scores (spec 4.5 step 5)', () => {
  const bounds = { min: d('10'), max: d('30') };

  it('normalise liquidity linearly and spread and volatility inversely, 1 when max <= min, -1 when missing', () => {
    expect(toPlain(linearScore(d('20'), bounds))).toBe('0.5');
    expect(toPlain(linearScore(d('10'), bounds))).toBe('0');
    expect(toPlain(inverseScore(d('10'), bounds))).toBe('1');
    expect(toPlain(inverseScore(d('25'), bounds))).toBe('0.25');
    expect(toPlain(linearScore(d('7'), { min: d('7'), max: d('7') }))).toBe('1');
    expect(toPlain(inverseScore(d('7'), { min: d('7'), max: d('7') }))).toBe('1');
    expect(toPlain(linearScore(undefined, bounds))).toBe('-1');
    expect(toPlain(inverseScore(undefined, undefined))).toBe('-1');
  });

  it('take bounds over ALL candidates with a value, excluded ones too, and rank total desc then symbol asc', () => {
    const ranked = scoreCandidates(
      [m('CCCTRY', '300', '30', '0.3'), m('AAATRY', '100', '10', '0.1'), m('BBBTRY', '200', '20', '0.2')],
      { ...SCORING, STAGE7_MIN_QUOTE_VOLUME_TRY: d('250') },
    );
    expect(
      ranked.map((c) => [
        c.metrics.symbol,
        toPlain(c.liquidityScore),
        toPlain(c.spreadScore),
        toPlain(c.volatilityScore),
        toPlain(c.totalScore),
        c.exclusions,
      ]),
    ).toEqual([
      // 0 x 0.5 + 1 x 0.3 + 1 x 0.2; BBB and CCC tie at 0.5 and rank by symbol
      ['AAATRY', '0', '1', '1', '0.5', ['excluded_by_min_quote_volume_try']],
      ['BBBTRY', '0.5', '0.5', '0.5', '0.5', ['excluded_by_min_quote_volume_try']],
      ['CCCTRY', '1', '0', '0', '0.5', []],
    ]);
  });

  it('give a missing metric -1 and leave the others scored over the candidates that have them', () => {
    const [a, b] = scoreCandidates(
      [m('AAATRY', '100', undefined, '0.1'), m('BBBTRY', undefined, '20', '0.3')],
      SCORING,
    );
    expect([a?.metrics.symbol, toPlain(a?.totalScore as Dec)]).toEqual(['AAATRY', '0.4']); // 0.5 - 0.3 + 0.2
    expect([b?.metrics.symbol, toPlain(b?.totalScore as Dec)]).toEqual(['BBBTRY', '-0.2']); // -0.5 + 0.3 + 0
  });
});

describe('exclusions after scoring (spec 4.5 step 6)', () => {
  const s = { STAGE7_MAX_SPREAD_BPS: d('50'), STAGE7_MIN_QUOTE_VOLUME_TRY: d('100') };

  it('lists every reason that applies, the limits themselves included', () => {
    expect(scoreExclusions(m('X', undefined, undefined), s)).toEqual([
      'excluded_by_missing_spread',
      'excluded_by_missing_volume',
    ]);
    expect(scoreExclusions(m('X', '99.99', '50.01'), s)).toEqual([
      'excluded_by_max_spread_bps',
      'excluded_by_min_quote_volume_try',
    ]);
    expect(scoreExclusions(m('X', '100', '50'), s)).toEqual([]);
  });

  it('has no spread limit when STAGE7_MAX_SPREAD_BPS is 0', () => {
    expect(scoreExclusions(m('X', '100', '9999'), { ...s, STAGE7_MAX_SPREAD_BPS: d('0') })).toEqual([]);
  });
});

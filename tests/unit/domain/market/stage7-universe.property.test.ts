// Invariants of stage 7 universe selection over random markets and chains of cycles: never more than the
// universe size, deterministic and independent of input order, a frozen cycle keeps the universe in force,
// and the churn of a day never passes its limit once a universe exists
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PairMetadata } from '../../../../shared/domain/exchange-rules';
import { selectStage7Universe } from '../../../../shared/domain/market/stage7-universe';
import type {
  Stage7UniverseInput,
  Stage7UniverseSettings,
} from '../../../../shared/domain/market/stage7-universe-input';
import { universeStateRecord } from '../../../../shared/domain/market/stage7-universe-state';
import { dec } from '../../../../shared/domain/money';

const NOW = Date.UTC(2026, 0, 15, 12);
const BASES = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG'] as const;

const amount = (max: number, scale: string) => fc.integer({ min: 0, max }).map((n) => dec(String(n)).mul(dec(scale)));

const rowArb = fc.record({
  listed: fc.boolean(),
  quote: fc.constantFrom('TRY', 'TRY', 'TRY', 'USDT'),
  volume: fc.option(amount(2_000, '1'), { nil: undefined }),
  book: fc.option(fc.record({ bid: amount(2_000, '0.5'), spreadTicks: fc.integer({ min: -2, max: 40 }) }), {
    nil: undefined,
  }),
  ageMs: fc.option(fc.integer({ min: -1_000, max: 90_000 }), { nil: undefined }),
  closes: fc.array(amount(500, '0.25'), { maxLength: 5 }),
});

const marketArb = fc.record({
  rows: fc.array(rowArb, { minLength: BASES.length, maxLength: BASES.length }),
  exchangeDegraded: fc.constantFrom(false, false, false, true),
  observeOnly: fc.constantFrom(false, false, false, true),
});
type Market = typeof marketArb extends fc.Arbitrary<infer T> ? T : never;

const settingsArb: fc.Arbitrary<Stage7UniverseSettings> = fc.record({
  STAGE7_UNIVERSE_SIZE: fc.integer({ min: 1, max: 4 }),
  STAGE7_UNIVERSE_QUOTE_CCY: fc.constant('TRY'),
  STAGE7_UNIVERSE_WHITELIST: fc.constant(undefined),
  STAGE7_UNIVERSE_BLACKLIST: fc.constantFrom(undefined, ['BBBTRY']),
  STAGE7_MIN_QUOTE_VOLUME_TRY: amount(600, '1'),
  STAGE7_MAX_SPREAD_BPS: amount(400, '1'),
  STAGE7_VOL_LOOKBACK: fc.integer({ min: 1, max: 4 }),
  STAGE7_SCORE_WEIGHTS: fc.array(
    fc.record({ key: fc.constantFrom('liquidity', 'spread', 'volatility'), weight: amount(4, '0.5') }),
    { maxLength: 4 },
  ),
  STAGE7_MAX_DATA_AGE_SEC: fc.constantFrom(60, 120),
  STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: fc.integer({ min: 0, max: 2 }),
  STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC: fc.constantFrom(0, 3_600, 21_600),
  STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY: fc.integer({ min: 0, max: 4 }),
});

const pairOf = (base: string, quote: string): PairMetadata => ({
  symbol: `${base}_${quote}`,
  base,
  quote,
  status: 'TRADING',
  numeratorScale: 8,
  denominatorScale: 2,
  hasFraction: true,
  orderMethods: ['LIMIT'],
  minQty: '0.001',
  minNotionalCandidates: ['10'],
});

function inputOf(m: Market, nowMs: number): Stage7UniverseInput {
  const rows = m.rows.map((r, i) => ({ ...r, base: BASES[i] as string, symbol: `${BASES[i]}${r.quote}` }));
  return {
    nowMs,
    pairs: rows.filter((r) => r.listed).map((r) => pairOf(r.base, r.quote)),
    tickers: rows.flatMap((r) => (r.volume === undefined ? [] : [{ symbol: r.symbol, quoteVolume: r.volume }])),
    books: rows.flatMap((r) =>
      r.book === undefined
        ? []
        : [
            {
              symbol: r.symbol,
              bid: r.book.bid,
              ask: r.book.bid.add(dec('0.5').mul(r.book.spreadTicks)),
              observedAtMs: r.ageMs === undefined ? undefined : nowMs - r.ageMs,
            },
          ],
    ),
    candles: rows.map((r) => ({ symbol: r.symbol, closes: r.closes })),
    exchangeDegraded: m.exchangeDegraded,
    observeOnly: m.observeOnly,
  };
}

const reversed = (input: Stage7UniverseInput): Stage7UniverseInput => ({
  ...input,
  pairs: [...input.pairs].reverse(),
  tickers: [...input.tickers].reverse(),
  books: [...input.books].reverse(),
  candles: [...input.candles].reverse(),
});

const recordJson = (input: Stage7UniverseInput, s: Stage7UniverseSettings) =>
  JSON.stringify(universeStateRecord(selectStage7Universe(input, s).state));

/** A chain of cycles, each reading the state the one before left */
const chainArb = fc.record({
  settings: settingsArb,
  cycles: fc.array(fc.record({ market: marketArb, stepMs: fc.integer({ min: 0, max: 8 * 3_600_000 }) }), {
    minLength: 1,
    maxLength: 8,
  }),
});

describe('stage 7 universe invariants', () => {
  it('never selects more than the universe size, nor a symbol twice, and only eligible symbols or ones in force', () => {
    fc.assert(
      fc.property(chainArb, ({ settings, cycles }) => {
        let previous: Stage7UniverseInput['previous'];
        let nowMs = NOW;
        for (const c of cycles) {
          nowMs += c.stepMs;
          const out = selectStage7Universe({ ...inputOf(c.market, nowMs), previous }, settings);
          expect(out.selected.length).toBeLessThanOrEqual(settings.STAGE7_UNIVERSE_SIZE);
          expect(new Set(out.selected).size).toBe(out.selected.length);
          const eligible = new Set(out.ranked.filter((r) => r.exclusions.length === 0).map((r) => r.metrics.symbol));
          const inForce = new Set(previous?.selected ?? []);
          for (const symbol of out.selected) expect(eligible.has(symbol) || inForce.has(symbol)).toBe(true);
          previous = out.state;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives byte-identical state for the same input, in any order', () => {
    fc.assert(
      fc.property(settingsArb, marketArb, marketArb, (settings, m1, m2) => {
        const first = selectStage7Universe(inputOf(m1, NOW), settings).state;
        const input = { ...inputOf(m2, NOW + 3_600_000), previous: first };
        const json = recordJson(input, settings);
        expect(recordJson(input, settings)).toBe(json);
        expect(recordJson(reversed(input), settings)).toBe(json);
      }),
      { numRuns: 150 },
    );
  });

  it('ranks by total desc then symbol asc, every score within [-1, 1]', () => {
    fc.assert(
      fc.property(settingsArb, marketArb, (settings, m) => {
        const { ranked } = selectStage7Universe(inputOf(m, NOW), settings);
        for (const c of ranked) {
          for (const x of [c.liquidityScore, c.spreadScore, c.volatilityScore, c.totalScore]) {
            expect(x.gte(-1) && x.lte(1)).toBe(true);
          }
        }
        for (let i = 1; i < ranked.length; i++) {
          const [a, b] = [ranked[i - 1], ranked[i]] as const;
          const order = a?.totalScore.comparedTo(b?.totalScore ?? 0) ?? 0;
          expect(order > 0 || (order === 0 && (a?.metrics.symbol ?? '') < (b?.metrics.symbol ?? ''))).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a frozen cycle with a universe in force keeps it (truncated to size) and leaves governance state alone', () => {
    fc.assert(
      fc.property(settingsArb, marketArb, marketArb, (settings, m1, m2) => {
        const first = selectStage7Universe(inputOf(m1, NOW), settings).state;
        fc.pre(first.selected.length > 0);
        const nowMs = NOW + 3_600_000;
        const out = selectStage7Universe({ ...inputOf(m2, nowMs), exchangeDegraded: true, previous: first }, settings);
        const kept = first.selected.filter((s) => !(settings.STAGE7_UNIVERSE_BLACKLIST ?? []).includes(s));
        expect([out.frozen, out.selected]).toEqual([true, kept.slice(0, settings.STAGE7_UNIVERSE_SIZE)]);
        const live = first.symbolStates.filter((st) => st.probationPasses > 0 || (st.cooldownUntilMs ?? 0) > nowMs);
        expect(out.state.symbolStates).toEqual(live);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the churn of the last 24 h within MAX_CHURN_PER_DAY once a universe exists', () => {
    fc.assert(
      fc.property(chainArb, ({ settings, cycles }) => {
        // a fixed blacklist and size: a frozen cycle then changes nothing, so only governed changes churn
        const s = { ...settings, STAGE7_UNIVERSE_BLACKLIST: undefined };
        let previous: Stage7UniverseInput['previous'];
        let nowMs = NOW;
        for (const c of cycles) {
          nowMs += c.stepMs;
          const out = selectStage7Universe({ ...inputOf(c.market, nowMs), previous }, s);
          const dayChurn = out.state.churnLog.reduce((sum, e) => sum + e.churn, 0);
          expect(dayChurn).toBeLessThanOrEqual(s.STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY);
          previous = out.state;
        }
      }),
      { numRuns: 150 },
    );
  });
});

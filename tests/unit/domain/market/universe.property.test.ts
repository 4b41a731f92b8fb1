import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectUniverse } from '../../../../shared/domain/market/universe';
import type {
  PreviousUniverse,
  UniverseSettings,
  UniverseSnapshot,
} from '../../../../shared/domain/market/universe-input';
import type { UniverseBook } from '../../../../shared/domain/market/universe-metrics';
import { dec } from '../../../../shared/domain/money';
import { DAY, dayAgo, defaults, MINUTE, NOW, state, tryPair } from './universe-fixtures';

const POOL = ['AAVETRY', 'ADATRY', 'AVAXTRY', 'BTCTRY', 'DOGETRY', 'ETHTRY', 'SOLTRY', 'XRPTRY', 'USDTTRY', 'DAITRY'];

const settingsArb: fc.Arbitrary<UniverseSettings> = fc
  .record({
    topN: fc.integer({ min: 1, max: 5 }),
    scan: fc.integer({ min: 1, max: 8 }),
    requests: fc.integer({ min: 0, max: 10 }),
    churn: fc.integer({ min: 0, max: 2 }),
  })
  .map((r) => ({
    ...defaults,
    UNIVERSE_TOP_N: r.topN,
    UNIVERSE_SCAN_BUDGET_SYMBOLS: r.scan,
    UNIVERSE_MAX_ORDERBOOK_REQUESTS_PER_CYCLE: r.requests,
    UNIVERSE_CHURN_MAX_PER_DAY: r.churn,
  }));

/** A book near 1000 TRY: spread 0..80 bps, depth around the 50 000 TRY minimum, sometimes stale */
const bookArb = (symbol: string, nowMs: number): fc.Arbitrary<UniverseBook> =>
  fc
    .record({ cents: fc.integer({ min: 90_000, max: 110_000 }), spread: fc.integer({ min: 0, max: 800 }) })
    .chain(({ cents, spread }) =>
      fc
        .record({
          qty: fc.constantFrom('20', '30', '100'),
          ageMs: fc.constantFrom(0, 5_000, 25_000),
        })
        .map(({ qty, ageMs }) => ({
          symbol,
          bestBid: { price: dec((cents / 100).toFixed(2)), qty: dec(qty) },
          bestAsk: { price: dec(((cents + spread) / 100).toFixed(2)), qty: dec(qty) },
          observedAtMs: nowMs - ageMs,
        })),
    );

const symbolArb = (symbol: string, nowMs: number) =>
  fc.record({
    book: fc.option(bookArb(symbol, nowMs), { nil: undefined }),
    history: fc.option(
      fc.integer({ min: 800, max: 1200 }).map((m) => dayAgo(symbol, String(m), 0, nowMs)),
      {
        nil: undefined,
      },
    ),
    cooldown: fc.constantFrom(undefined, nowMs - MINUTE, nowMs + MINUTE),
    probation: fc.constantFrom(undefined, nowMs - MINUTE, nowMs + MINUTE),
    rejects: fc.integer({ min: 0, max: 4 }),
  });

const previousArb = (nowMs: number): fc.Arbitrary<PreviousUniverse | undefined> =>
  fc.option(
    fc.record({
      symbols: fc.subarray(POOL),
      refreshedAtMs: fc.constantFrom(nowMs - 10 * MINUTE, nowMs - 90 * MINUTE),
      changesDayStartMs: fc.constantFrom(nowMs - (nowMs % DAY), nowMs - (nowMs % DAY) - DAY),
      changesToday: fc.integer({ min: 0, max: 3 }),
    }),
    { nil: undefined },
  );

const snapshotArb = (nowMs: number): fc.Arbitrary<UniverseSnapshot> =>
  fc
    .record({
      symbols: fc.tuple(...POOL.map((s) => symbolArb(s, nowMs))),
      previous: previousArb(nowMs),
    })
    .map(({ symbols, previous }) => ({
      nowMs,
      pairs: POOL.map(tryPair),
      books: symbols.flatMap((s) => (s.book ? [s.book] : [])),
      midHistory: symbols.flatMap((s) => (s.history ? [s.history] : [])),
      symbolStates: symbols.map((s, i) =>
        state(POOL[i] ?? '', {
          cooldownUntilMs: s.cooldown,
          probationUntilMs: s.probation,
          rejectWindowStartMs: nowMs - MINUTE,
          rejects1123: s.rejects,
        }),
      ),
      previous,
    }));

/** The same snapshot with every list in another order */
const permutation = <T>(xs: readonly T[]) =>
  fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });
const reorderedArb = (snapshot: UniverseSnapshot): fc.Arbitrary<UniverseSnapshot> =>
  fc
    .tuple(
      permutation(snapshot.pairs),
      permutation(snapshot.books),
      permutation(snapshot.midHistory),
      permutation(snapshot.symbolStates),
    )
    .map(([pairs, books, midHistory, symbolStates]) => ({ ...snapshot, pairs, books, midHistory, symbolStates }));

describe('dynamic universe invariants (spec 3.3, 9.2.14)', () => {
  it('never selects more than UNIVERSE_TOP_N symbols', () => {
    fc.assert(
      fc.property(snapshotArb(NOW), settingsArb, (snapshot, settings) => {
        expect(selectUniverse(snapshot, settings).symbols.length).toBeLessThanOrEqual(settings.UNIVERSE_TOP_N);
      }),
      { numRuns: 300 },
    );
  });

  it('never holds back a currently selected symbol by probation', () => {
    fc.assert(
      fc.property(snapshotArb(NOW), settingsArb, (snapshot, settings) => {
        const current = new Set(snapshot.previous?.symbols ?? []);
        const held = selectUniverse(snapshot, settings).decisions.filter((d) => d.code === 'probation');
        expect(held.filter((d) => current.has(d.symbol ?? ''))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result for the same snapshot in any order', () => {
    fc.assert(
      fc.property(
        snapshotArb(NOW).chain((snapshot) => fc.tuple(fc.constant(snapshot), reorderedArb(snapshot))),
        settingsArb,
        ([snapshot, reordered], settings) => {
          const a = JSON.stringify(selectUniverse(snapshot, settings));
          expect(JSON.stringify(selectUniverse(reordered, settings))).toBe(a);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never lets a UTC day hold more selection changes than UNIVERSE_CHURN_MAX_PER_DAY', () => {
    const dayStart = NOW - (NOW % DAY);
    // up to 12 refreshes an hour apart, all inside one UTC day, each with new books
    const cycles = fc.array(fc.nat(), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(settingsArb, cycles, fc.integer({ min: 1, max: 1_000_000 }), (settings, ticks, seed) => {
        let previous: PreviousUniverse | undefined;
        let changes = 0;
        ticks.forEach((_, i) => {
          const nowMs = dayStart + (i + 1) * 61 * MINUTE;
          const [snapshot] = fc.sample(snapshotArb(nowMs), { seed: seed + i, numRuns: 1 });
          if (snapshot === undefined) throw new Error('no sample');
          const out = selectUniverse({ ...snapshot, previous }, settings);
          if (previous && [...out.symbols].sort().join() !== [...previous.symbols].sort().join()) changes += 1;
          expect(out.changesToday).toBe(changes);
          previous = {
            symbols: out.symbols,
            refreshedAtMs: nowMs,
            changesDayStartMs: out.changesDayStartMs,
            changesToday: out.changesToday,
          };
        });
        expect(changes).toBeLessThanOrEqual(settings.UNIVERSE_CHURN_MAX_PER_DAY);
      }),
      { numRuns: 150 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { selectUniverse } from '../../../../shared/domain/market/universe';
import type { UniverseSettings, UniverseSnapshot } from '../../../../shared/domain/market/universe-input';
import { planOrderbookRequests } from '../../../../shared/domain/market/universe-scan';
import { dec } from '../../../../shared/domain/money';
import { book, DAY, dayAgo, defaults, eligible, MINUTE, NOW, snapshotOf, state, tryPair } from './universe-fixtures';

const verdicts = (snapshot: UniverseSnapshot, settings: UniverseSettings = defaults) =>
  Object.fromEntries(
    selectUniverse(snapshot, settings)
      .decisions.filter((d) => d.scope === 'symbol')
      .map((d) => [d.symbol, d.code]),
  );

describe('dynamic universe filters (spec 3.3)', () => {
  it('counts each symbol under the first filter it fails, in the spec order', () => {
    const parts = ['AVAXTRY', 'BTCTRY', 'ETHTRY'].map((s) => eligible(s));
    const snapshot = snapshotOf(parts, {
      pairs: [
        ...parts.map((p) => p.pair),
        ...['COOLTRY', 'PROBTRY', 'USDTTRY', 'DAITRY', 'NOBOOKTRY', 'OLDTRY', 'ONESIDETRY'].map(tryPair),
        ...['WIDETRY', 'THINTRY', 'NEWTRY', 'REJTRY'].map(tryPair),
        { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', status: 'TRADING' },
        { symbol: 'HALTTRY', base: 'HALT', quote: 'TRY', status: 'HALTED' },
      ],
      books: [
        ...parts.map((p) => p.book),
        book('COOLTRY', '1000', '1002'),
        book('OLDTRY', '1000', '1002', { ageMs: 20_001 }),
        { symbol: 'ONESIDETRY', bestBid: { price: dec('1000'), qty: dec('100') }, observedAtMs: NOW },
        book('WIDETRY', '1000', '1006.1'), // 60.8 bps
        book('THINTRY', '1000', '1002', { qty: '24.9' }), // 49 849.8 TRY
        book('NEWTRY', '1000', '1002'),
        book('REJTRY', '1000', '1002'),
        book('BTCUSDT', '1000', '1002'),
      ],
      midHistory: [
        ...parts.map((p) => p.history),
        ...['COOLTRY', 'WIDETRY', 'THINTRY', 'REJTRY'].map((s) => dayAgo(s, '1000')),
        dayAgo('NEWTRY', '1000', 31 * MINUTE),
      ],
      symbolStates: [
        // cooling down and excluded: counted once, under cooldown
        state('COOLTRY', { cooldownUntilMs: NOW + 1 }),
        state('PROBTRY', { probationUntilMs: NOW + 1 }),
        state('USDTTRY', { cooldownUntilMs: NOW }),
        state('REJTRY', { rejectWindowStartMs: NOW - 239 * MINUTE, rejects1123: 3 }),
      ],
    });
    const out = selectUniverse(snapshot, { ...defaults, UNIVERSE_EXCLUDE_SYMBOLS: ['USDTTRY', 'COOLTRY'] });
    expect(out.ineligibleCounts).toEqual({
      cooldown: 1,
      probation: 1,
      excluded_symbol: 1,
      stable_symbol: 1,
      scan_budget_exhausted: 0,
      orderbook_unavailable: 1,
      stale_orderbook: 1,
      depth_unavailable: 1,
      spread_too_wide: 1,
      insufficient_depth: 1,
      insufficient_history: 1,
      reject_1123: 1,
    });
    expect(verdicts(snapshot, { ...defaults, UNIVERSE_EXCLUDE_SYMBOLS: ['USDTTRY', 'COOLTRY'] })).toEqual({
      AVAXTRY: 'selected',
      BTCTRY: 'selected',
      COOLTRY: 'cooldown',
      DAITRY: 'stable_symbol',
      ETHTRY: 'selected',
      NEWTRY: 'insufficient_history',
      NOBOOKTRY: 'orderbook_unavailable',
      OLDTRY: 'stale_orderbook',
      ONESIDETRY: 'depth_unavailable',
      PROBTRY: 'probation',
      REJTRY: 'reject_1123',
      THINTRY: 'insufficient_depth',
      USDTTRY: 'excluded_symbol',
      WIDETRY: 'spread_too_wide',
    });
    expect(out.symbols).toEqual(['AVAXTRY', 'BTCTRY', 'ETHTRY']);
    expect(out.decisions.filter((d) => d.layer !== 'universe')).toEqual([]);
    // the 1123 filter starts the symbol's cooldown
    expect(out.stateUpdates.find((u) => u.symbol === 'REJTRY')?.cooldownUntilMs).toBe(NOW + 60 * MINUTE);
    // only fresh books feed the price cache, keyed by their 5-minute bucket
    expect(out.midObservations.map((o) => [o.symbol, o.atMs, o.mid.toFixed()])).toEqual([
      ['AVAXTRY', NOW, '1001'],
      ['BTCTRY', NOW, '1001'],
      ['ETHTRY', NOW, '1001'],
      ['NEWTRY', NOW, '1001'],
      ['REJTRY', NOW, '1001'],
      ['THINTRY', NOW, '1001'],
      ['WIDETRY', NOW, '1003.05'],
    ]);
  });

  it('holds the bounds exactly: 60 bps, 50 000 TRY, a book 20 s old and a reject window edge all pass', () => {
    // spread (1003 - 997) / 1000 * 10000 = 60 bps; depth 25 * 997 + 25 * 1003 = 50 000 TRY
    const edge = { ...eligible('EDGETRY'), book: book('EDGETRY', '997', '1003', { qty: '25', ageMs: 20_000 }) };
    const rejects = state('EDGETRY', { rejectWindowStartMs: NOW - 240 * MINUTE, rejects1123: 5 });
    expect(selectUniverse(snapshotOf([edge], { symbolStates: [rejects] }), defaults).symbols).toEqual(['EDGETRY']);
    const over = (b: ReturnType<typeof book>) => verdicts(snapshotOf([{ ...edge, book: b }])).EDGETRY;
    expect(over(book('EDGETRY', '996.99', '1003', { qty: '26' }))).toBe('spread_too_wide');
    expect(over(book('EDGETRY', '997', '1003', { qty: '24.99' }))).toBe('insufficient_depth');
    expect(over(book('EDGETRY', '997', '1003', { qty: '25', ageMs: 20_001 }))).toBe('stale_orderbook');
    const inWindow = state('EDGETRY', { rejectWindowStartMs: NOW - 240 * MINUTE + 1, rejects1123: 3 });
    expect(verdicts(snapshotOf([edge], { symbolStates: [inWindow] })).EDGETRY).toBe('reject_1123');
  });
});

describe('dynamic universe budgets (spec 3.3)', () => {
  const five = ['AAVETRY', 'ADATRY', 'BTCTRY', 'ETHTRY', 'SOLTRY'].map((s) => eligible(s));
  const tight = { ...defaults, UNIVERSE_TOP_N: 2, UNIVERSE_SCAN_BUDGET_SYMBOLS: 3 };

  it('scans max(TOP_N, budget) symbols and reads at most the request budget of books', () => {
    const snapshot = snapshotOf(five);
    expect(planOrderbookRequests(snapshot, tight)).toEqual(['AAVETRY', 'ADATRY', 'BTCTRY']);
    const settings = { ...tight, UNIVERSE_MAX_ORDERBOOK_REQUESTS_PER_CYCLE: 2 };
    expect(planOrderbookRequests(snapshot, settings)).toEqual(['AAVETRY', 'ADATRY']);
    const out = selectUniverse(snapshot, settings);
    expect(out.ineligibleCounts.scan_budget_exhausted).toBe(2);
    expect(out.ineligibleCounts.orderbook_unavailable).toBe(1);
    // books read beyond the plan are not used
    expect(out.measured.map((m) => m.symbol)).toEqual(['AAVETRY', 'ADATRY']);
    expect(planOrderbookRequests(snapshot, { ...tight, UNIVERSE_TOP_N: 4 })).toHaveLength(4);
  });

  it('scans the currently selected symbols first, so no budget drops them', () => {
    const snapshot = snapshotOf(five, {
      previous: { symbols: ['SOLTRY'], refreshedAtMs: NOW - DAY, changesDayStartMs: NOW - DAY, changesToday: 0 },
    });
    expect(planOrderbookRequests(snapshot, tight)).toEqual(['SOLTRY', 'AAVETRY', 'ADATRY']);
  });
});

describe('dynamic universe ranking (spec 3.3)', () => {
  it('ranks by score desc then symbol asc and takes the top N', () => {
    const parts = [
      eligible('ETHTRY', '1001'), // momentum 0
      eligible('BTCTRY', '1001'), // the same score as ETHTRY: symbol order decides
      eligible('SOLTRY', '910'), // momentum 0.1
      eligible('ADATRY', '1100'), // momentum -0.09
    ];
    const out = selectUniverse(snapshotOf(parts), { ...defaults, UNIVERSE_TOP_N: 3 });
    expect(out.ranked.map((r) => r.symbol)).toEqual(['SOLTRY', 'BTCTRY', 'ETHTRY', 'ADATRY']);
    expect(out.symbols).toEqual(['SOLTRY', 'BTCTRY', 'ETHTRY']);
    expect(verdicts(snapshotOf(parts), { ...defaults, UNIVERSE_TOP_N: 3 }).ADATRY).toBe('not_in_top_n');
    // 0.1 - 0.01 * 19.98001998... + 0.1 * ln(200 201): momentum 0.1, depth 100 * 1000 + 100 * 1002 TRY
    expect(out.ranked[0]?.score.toFixed(10)).toBe('1.1209075143');
  });

  it('lowers the score of a symbol by its 1123 rejects inside the window', () => {
    const parts = [eligible('BTCTRY'), eligible('ETHTRY')];
    const out = selectUniverse(
      snapshotOf(parts, { symbolStates: [state('BTCTRY', { rejectWindowStartMs: NOW - MINUTE, rejects1123: 2 })] }),
      defaults,
    );
    expect(out.ranked.map((r) => r.symbol)).toEqual(['ETHTRY', 'BTCTRY']);
    const [eth, btc] = out.ranked;
    expect(eth?.score.sub(btc?.score ?? 0).toFixed()).toBe('0.1');
  });
});

describe('dynamic universe refresh and churn guard (spec 3.3)', () => {
  const parts = ['ADATRY', 'BTCTRY', 'ETHTRY'].map((s) => eligible(s));
  const previous = (symbols: string[], ageMin: number, changesToday = 0, changesDayStartMs = NOW - (NOW % DAY)) => ({
    symbols,
    refreshedAtMs: NOW - ageMin * MINUTE,
    changesDayStartMs,
    changesToday,
  });
  const two = { ...defaults, UNIVERSE_TOP_N: 2 };

  it('reuses a selection younger than UNIVERSE_REFRESH_MINUTES and reads no book for it', () => {
    const young = snapshotOf(parts, { previous: previous(['ETHTRY'], 59) });
    const out = selectUniverse(young, two);
    expect([out.symbols, out.refreshed, out.stateUpdates, out.midObservations]).toEqual([['ETHTRY'], false, [], []]);
    expect(out.decisions[0]).toMatchObject({ code: 'selection_reused', action: 'DEFER', scope: 'global' });
    expect(planOrderbookRequests(young, two)).toEqual([]);
    const due = snapshotOf(parts, { previous: previous(['ETHTRY'], 60) });
    expect(selectUniverse(due, two)).toMatchObject({ symbols: ['ADATRY', 'BTCTRY'], refreshed: true, changesToday: 1 });
  });

  it('keeps the previous selection when the change would exceed the day maximum', () => {
    const out = selectUniverse(snapshotOf(parts, { previous: previous(['ETHTRY', 'ADATRY'], 60, 1) }), two);
    expect([out.symbols, out.churnGuarded, out.changesToday]).toEqual([['ETHTRY', 'ADATRY'], true, 1]);
    expect(out.decisions).toContainEqual({ layer: 'universe', code: 'churn_guard', action: 'BLOCK', scope: 'global' });
    expect(out.decisions).toContainEqual(expect.objectContaining({ symbol: 'BTCTRY', code: 'churn_guard' }));
    // yesterday's changes do not count today
    const yesterday = previous(['ETHTRY', 'ADATRY'], 60, 1, NOW - (NOW % DAY) - DAY);
    expect(selectUniverse(snapshotOf(parts, { previous: yesterday }), two)).toMatchObject({
      symbols: ['ADATRY', 'BTCTRY'],
      churnGuarded: false,
      changesToday: 1,
      changesDayStartMs: NOW - (NOW % DAY),
    });
  });

  it('does not count a reordering or the first selection as a change', () => {
    const reordered = selectUniverse(snapshotOf(parts, { previous: previous(['BTCTRY', 'ADATRY'], 60, 1) }), two);
    expect([reordered.symbols, reordered.churnGuarded, reordered.changesToday]).toEqual([
      ['ADATRY', 'BTCTRY'],
      false,
      1,
    ]);
    expect(selectUniverse(snapshotOf(parts), two).changesToday).toBe(0);
  });

  it('never keeps more than UNIVERSE_TOP_N, nor a symbol the operator now excludes or the venue delisted', () => {
    const out = selectUniverse(
      snapshotOf(parts, { previous: previous(['ETHTRY', 'GONETRY', 'USDTTRY', 'ADATRY', 'BTCTRY'], 10) }),
      two,
    );
    expect(out.symbols).toEqual(['ETHTRY', 'ADATRY']);
  });
});

describe('dynamic universe probation (9.2.14)', () => {
  const parts = ['ADATRY', 'BTCTRY', 'ETHTRY'].map((s) => eligible(s));
  const inForce = { symbols: ['BTCTRY'], refreshedAtMs: NOW - 60 * MINUTE, changesDayStartMs: NOW, changesToday: 0 };

  it('never excludes a currently selected symbol on probation (the reference did on the next refresh)', () => {
    const best = [eligible('ADATRY'), eligible('BTCTRY', '910')];
    const snapshot = snapshotOf(best, {
      previous: inForce,
      symbolStates: [state('BTCTRY', { lastSelectedMs: NOW - 60 * MINUTE, probationUntilMs: NOW + 60 * MINUTE })],
    });
    const out = selectUniverse(snapshot, { ...defaults, UNIVERSE_TOP_N: 1 });
    expect(out.symbols).toEqual(['BTCTRY']);
    expect(out.ineligibleCounts.probation).toBe(0);
    // still selected: its probation stays as it was, only last_selected moves
    expect(out.stateUpdates).toEqual([state('BTCTRY', { lastSelectedMs: NOW, probationUntilMs: NOW + 60 * MINUTE })]);
  });

  it('puts newly added symbols on probation and holds back one that dropped out during it', () => {
    const out = selectUniverse(snapshotOf(parts, { previous: { ...inForce, changesDayStartMs: 0 } }), defaults);
    expect(out.symbols).toEqual(['ADATRY', 'BTCTRY', 'ETHTRY']);
    expect(out.stateUpdates.map((u) => [u.symbol, u.probationUntilMs])).toEqual([
      ['ADATRY', NOW + 120 * MINUTE],
      ['BTCTRY', undefined],
      ['ETHTRY', NOW + 120 * MINUTE],
    ]);
    const later = snapshotOf(parts, {
      previous: { ...inForce, symbols: ['BTCTRY', 'ETHTRY'] },
      symbolStates: [state('ADATRY', { probationUntilMs: NOW + 1 }), state('ETHTRY', { probationUntilMs: NOW + 1 })],
    });
    expect(verdicts(later)).toMatchObject({ ADATRY: 'probation', BTCTRY: 'selected', ETHTRY: 'selected' });
  });
});

describe('dynamic universe snapshot check', () => {
  it('refuses a crossed book, a book from the future and a symbol listed twice, naming each', () => {
    const parts = [eligible('BTCTRY'), eligible('ETHTRY')];
    const bad = snapshotOf(parts, {
      pairs: [...parts.map((p) => p.pair), tryPair('BTCTRY')],
      books: [book('BTCTRY', '1000', '999.99'), book('ETHTRY', '1000', '1002', { ageMs: -1 })],
    });
    expect(() => selectUniverse(bad, defaults)).toThrow(ValidationError);
    expect(() => selectUniverse(bad, defaults)).toThrow(
      /pairs: expected each entry once, BTCTRY was listed twice.*books\.BTCTRY\.bestAsk: expected ask >= bid 1000, was 999\.99.*books\.ETHTRY\.observedAtMs/,
    );
  });

  it('refuses a zero quantity, a non-positive stored mid and a negative reject count', () => {
    const snapshot = snapshotOf([eligible('BTCTRY')], {
      books: [book('BTCTRY', '1000', '1002', { qty: '0' })],
      midHistory: [dayAgo('BTCTRY', '0')],
      symbolStates: [state('BTCTRY', { rejects1123: -1 })],
    });
    expect(() => selectUniverse(snapshot, defaults)).toThrow(/bestBid\.qty.*midHistory\.BTCTRY.*rejects1123/);
  });
});

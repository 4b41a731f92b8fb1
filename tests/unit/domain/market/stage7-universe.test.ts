// Stage 7 universe selection (spec 4.5): the spec's example, freeze, governance (cooldown, probation, churn),
// the state to persist and its record form, and every refusal
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import type { PairMetadata } from '../../../../shared/domain/exchange-rules';
import {
  CHURN_GUARD_KEEP_PREVIOUS,
  FREEZE_PREVIOUS_UNIVERSE,
  type Stage7UniverseOutcome,
  selectStage7Universe,
} from '../../../../shared/domain/market/stage7-universe';
import type {
  Stage7UniverseInput,
  Stage7UniverseSettings,
} from '../../../../shared/domain/market/stage7-universe-input';
import {
  type Stage7UniverseState,
  type Stage7UniverseStateRecord,
  universeStateFromRecord,
  universeStateRecord,
} from '../../../../shared/domain/market/stage7-universe-state';
import { Dec, dec, toPlain } from '../../../../shared/domain/money';

const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const SETTINGS: Stage7UniverseSettings = {
  STAGE7_UNIVERSE_SIZE: 20,
  STAGE7_UNIVERSE_QUOTE_CCY: 'TRY',
  STAGE7_UNIVERSE_WHITELIST: undefined,
  STAGE7_UNIVERSE_BLACKLIST: undefined,
  STAGE7_MIN_QUOTE_VOLUME_TRY: dec('0'),
  STAGE7_MAX_SPREAD_BPS: dec('1000000'),
  STAGE7_VOL_LOOKBACK: 20,
  STAGE7_SCORE_WEIGHTS: [
    { key: 'liquidity', weight: dec('0.5') },
    { key: 'spread', weight: dec('0.3') },
    { key: 'volatility', weight: dec('0.2') },
  ],
  STAGE7_MAX_DATA_AGE_SEC: 60,
  STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: 1,
  STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC: 21_600,
  STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY: 4,
};

const pair = (exchangeSymbol: string): PairMetadata => {
  const [base = '', quote = ''] = exchangeSymbol.split('_');
  return {
    symbol: exchangeSymbol,
    base,
    quote,
    status: 'TRADING',
    numeratorScale: 8,
    denominatorScale: 2,
    hasFraction: true,
    orderMethods: ['LIMIT'],
    tickSize: '0.01',
    minQty: '0.0001',
    minNotionalCandidates: ['10'],
  };
};

interface Row {
  /** Exchange spelling, e.g. ETH_TRY */
  readonly pair: string;
  readonly bid?: string;
  readonly ask?: string;
  /** Quote volume (TRY) */
  readonly volume?: string;
  /** Age of the book at NOW; null: the book carries no time */
  readonly ageMs?: number | null;
  readonly noBook?: boolean;
}

/** A market where each row is listed, has a ticker with its quote volume and (unless noBook) a book */
function marketOf(rows: readonly Row[], over: Partial<Stage7UniverseInput> = {}): Stage7UniverseInput {
  const nowMs = over.nowMs ?? NOW;
  const symbol = (r: Row) => r.pair.replace('_', '');
  return {
    nowMs,
    pairs: rows.map((r) => pair(r.pair)),
    tickers: rows.map((r) => ({ symbol: symbol(r), quoteVolume: dec(r.volume ?? '1000') })),
    books: rows
      .filter((r) => !r.noBook)
      .map((r) => ({
        symbol: symbol(r),
        bid: dec(r.bid ?? '99.95'),
        ask: dec(r.ask ?? '100.05'),
        observedAtMs: r.ageMs === null ? undefined : nowMs - (r.ageMs ?? 0),
      })),
    candles: [],
    exchangeDegraded: false,
    observeOnly: false,
    ...over,
  };
}

/** Rows ranked by volume: the first one listed has the highest volume, the same spread for all */
const ranked = (...pairs: string[]): Row[] => pairs.map((p, i) => ({ pair: p, volume: String(1000 - i * 10) }));

const following = (prev: Stage7UniverseOutcome, input: Stage7UniverseInput): Stage7UniverseInput => ({
  ...input,
  previous: prev.state,
});

describe('the spec example (4.5)', () => {
  it('size 2, min volume 100, max spread 50 bps: ETH selected, BTC excluded, ADA_USDT excluded by quote', () => {
    const input = marketOf([
      { pair: 'ETH_TRY', bid: '999.75', ask: '1000.25', volume: '500' }, // 5 bps
      { pair: 'BTC_TRY', bid: '99', ask: '101', volume: '50' }, // 200 bps
      { pair: 'ADA_USDT', bid: '1', ask: '1.01', volume: '9999' },
    ]);
    const out = selectStage7Universe(input, {
      ...SETTINGS,
      STAGE7_UNIVERSE_SIZE: 2,
      STAGE7_MIN_QUOTE_VOLUME_TRY: dec('100'),
      STAGE7_MAX_SPREAD_BPS: dec('50'),
    });
    expect(out.selected).toEqual(['ETHTRY']);
    expect(out.candidates).toEqual(['BTCTRY', 'ETHTRY']);
    expect(out.ranked.map((c) => [c.metrics.symbol, toPlain(c.metrics.spreadBps as Dec), c.exclusions])).toEqual([
      ['ETHTRY', '5', []],
      ['BTCTRY', '200', ['excluded_by_max_spread_bps', 'excluded_by_min_quote_volume_try']],
    ]);
    expect(out.state.excludedCounts).toEqual({
      excluded_by_symbol_missing: 0,
      excluded_by_quote: 1,
      excluded_by_allowlist: 0,
      excluded_by_denylist: 0,
      excluded_by_status: 0,
      excluded_by_metadata_missing: 0,
      excluded_by_min_notional: 0,
      excluded_by_min_qty: 0,
      excluded_by_step_size: 0,
      excluded_by_missing_spread: 0,
      excluded_by_max_spread_bps: 1,
      excluded_by_missing_volume: 0,
      excluded_by_min_quote_volume_try: 1,
      churn_additions: 1,
      churn_removals: 0,
      churn_total: 1,
    });
    expect(out.state.scored.map((c) => c.metrics.symbol)).toEqual(['ETHTRY']);
    expect([out.frozen, out.churnGuarded, out.state.reasons, out.state.freezeReasons]).toEqual([false, false, [], []]);
  });

  it('takes the top STAGE7_UNIVERSE_SIZE eligible symbols in rank order', () => {
    const out = selectStage7Universe(marketOf(ranked('XRP_TRY', 'ETH_TRY', 'BTC_TRY')), {
      ...SETTINGS,
      STAGE7_UNIVERSE_SIZE: 2,
    });
    expect(out.selected).toEqual(['XRPTRY', 'ETHTRY']);
  });

  it('selects nothing when nothing is eligible (the cycle then uses the configured symbols)', () => {
    const out = selectStage7Universe(marketOf([{ pair: 'ETH_TRY', noBook: true }]), SETTINGS);
    expect(out.selected).toEqual([]);
    expect(out.ranked[0]?.exclusions).toEqual(['excluded_by_missing_spread']);
  });
});

describe('freeze (spec 4.5 steps 2 and 8)', () => {
  const first = selectStage7Universe(marketOf(ranked('ETH_TRY', 'BTC_TRY')), SETTINGS);
  // a market where XRP and ADA now rank first
  const moved = marketOf(ranked('XRP_TRY', 'ADA_TRY', 'ETH_TRY', 'BTC_TRY'), { nowMs: NOW + HOUR });

  it('keeps the universe in force when the exchange is degraded, naming why', () => {
    const out = selectStage7Universe(following(first, { ...moved, exchangeDegraded: true }), {
      ...SETTINGS,
      STAGE7_UNIVERSE_SIZE: 2,
    });
    expect(out.selected).toEqual(['ETHTRY', 'BTCTRY']);
    expect([out.frozen, out.state.freezeReason, out.state.reasons]).toEqual([
      true,
      'EXCHANGE_DEGRADED',
      [FREEZE_PREVIOUS_UNIVERSE, 'exchange_degraded'],
    ]);
  });

  it('lists every freeze reason in the spec order, the first one as the freeze reason', () => {
    const stale = marketOf(ranked('XRP_TRY', 'ETH_TRY'), { nowMs: NOW + HOUR, exchangeDegraded: true });
    const out = selectStage7Universe(following(first, { ...stale, observeOnly: true, books: [] }), SETTINGS);
    expect([out.state.freezeReason, out.state.freezeReasons, out.state.reasons]).toEqual([
      'EXCHANGE_DEGRADED',
      ['EXCHANGE_DEGRADED', 'OBSERVE_ONLY', 'STALE_DATA'],
      [FREEZE_PREVIOUS_UNIVERSE, 'exchange_degraded', 'observe_only', 'stale_market_data'],
    ]);
  });

  it('freezes on data older than STAGE7_MAX_DATA_AGE_SEC, on a missing book or a book without time', () => {
    const withAge = (row: Row) =>
      selectStage7Universe(following(first, marketOf([...ranked('XRP_TRY'), row])), SETTINGS);
    expect(withAge({ pair: 'ETH_TRY', ageMs: 60_000 }).frozen).toBe(false);
    expect(withAge({ pair: 'ETH_TRY', ageMs: 60_001 }).state.freezeReasons).toEqual(['STALE_DATA']);
    expect(withAge({ pair: 'ETH_TRY', noBook: true }).state.freezeReasons).toEqual(['STALE_DATA']);
    expect(withAge({ pair: 'ETH_TRY', ageMs: null }).state.freezeReasons).toEqual(['STALE_DATA']);
    // a book stamped ahead of our clock is 0 old
    expect(withAge({ pair: 'ETH_TRY', ageMs: -5_000 }).frozen).toBe(false);
  });

  it('without a universe in force selects as usual, still naming the freeze reason', () => {
    const out = selectStage7Universe({ ...moved, observeOnly: true }, { ...SETTINGS, STAGE7_UNIVERSE_SIZE: 2 });
    expect([out.selected, out.frozen, out.state.reasons]).toEqual([['XRPTRY', 'ADATRY'], false, ['observe_only']]);
  });

  it('truncates the kept universe to size, drops what the operator now excludes, and changes no governance state', () => {
    const three = selectStage7Universe(marketOf(ranked('ETH_TRY', 'BTC_TRY', 'XRP_TRY')), SETTINGS);
    const out = selectStage7Universe(following(three, { ...moved, exchangeDegraded: true }), {
      ...SETTINGS,
      STAGE7_UNIVERSE_SIZE: 2,
      STAGE7_UNIVERSE_BLACKLIST: ['ETHTRY'],
    });
    expect(out.selected).toEqual(['BTCTRY', 'XRPTRY']);
    expect([out.additions, out.removals, out.state.excludedCounts.churn_total]).toEqual([[], ['ETHTRY'], 1]);
    expect(out.state.symbolStates).toEqual(three.state.symbolStates);
  });
});

describe('governance (spec 4.5 step 7)', () => {
  it('admits a new symbol on its first pass by default (PROBATION_CYCLES 1), or 0', () => {
    for (const cycles of [0, 1]) {
      const s = { ...SETTINGS, STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: cycles };
      expect(selectStage7Universe(marketOf(ranked('ETH_TRY')), s).selected).toEqual(['ETHTRY']);
    }
  });

  it('holds a new symbol back until it has passed probation, and never a symbol in force', () => {
    const s = { ...SETTINGS, STAGE7_UNIVERSE_SIZE: 2, STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: 2 };
    const one = selectStage7Universe(marketOf(ranked('ETH_TRY')), {
      ...s,
      STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: 1,
    });
    const two = selectStage7Universe(following(one, marketOf(ranked('XRP_TRY', 'ETH_TRY'), { nowMs: NOW + HOUR })), s);
    expect([two.selected, two.governanceSkips]).toEqual([['ETHTRY'], [{ symbol: 'XRPTRY', reason: 'probation' }]]);
    expect(two.state.symbolStates.find((st) => st.symbol === 'XRPTRY')?.probationPasses).toBe(1);
    const three = selectStage7Universe(
      following(two, marketOf(ranked('XRP_TRY', 'ETH_TRY'), { nowMs: NOW + 2 * HOUR })),
      s,
    );
    expect([three.selected, three.additions]).toEqual([['XRPTRY', 'ETHTRY'], ['XRPTRY']]);
    expect(three.state.symbolStates.find((st) => st.symbol === 'XRPTRY')).toEqual({
      symbol: 'XRPTRY',
      probationPasses: 2,
      lastAddedMs: NOW + 2 * HOUR,
    });
  });

  it('never puts a symbol in force back on probation, even when PROBATION_CYCLES is raised', () => {
    const one = selectStage7Universe(marketOf(ranked('ETH_TRY')), SETTINGS);
    const s = { ...SETTINGS, STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: 3 };
    const two = selectStage7Universe(following(one, marketOf(ranked('ETH_TRY'), { nowMs: NOW + HOUR })), s);
    expect([two.selected, two.governanceSkips, two.state.symbolStates]).toEqual([
      ['ETHTRY'],
      [],
      one.state.symbolStates,
    ]);
  });

  it('cools a removed symbol down for COOLDOWN_SEC and skips it as new until then', () => {
    const s = { ...SETTINGS, STAGE7_UNIVERSE_SIZE: 1 };
    const one = selectStage7Universe(marketOf(ranked('ETH_TRY', 'XRP_TRY')), s);
    const two = selectStage7Universe(following(one, marketOf(ranked('XRP_TRY', 'ETH_TRY'), { nowMs: NOW + HOUR })), s);
    expect([two.selected, two.removals]).toEqual([['XRPTRY'], ['ETHTRY']]);
    expect(two.state.symbolStates.find((st) => st.symbol === 'ETHTRY')).toEqual({
      symbol: 'ETHTRY',
      probationPasses: 0,
      cooldownUntilMs: NOW + HOUR + 21_600_000,
      lastAddedMs: NOW,
      lastRemovedMs: NOW + HOUR,
    });
    const back = (nowMs: number) =>
      selectStage7Universe(following(two, marketOf(ranked('ETH_TRY', 'XRP_TRY'), { nowMs })), s);
    const early = back(NOW + HOUR + 21_600_000 - 1);
    // ETH's slot goes to the next eligible symbol (a fix: the reference left it empty and removed XRP)
    expect([early.selected, early.governanceSkips]).toEqual([['XRPTRY'], [{ symbol: 'ETHTRY', reason: 'cooldown' }]]);
    expect(back(NOW + HOUR + 21_600_000).selected).toEqual(['ETHTRY']);
  });

  it('keeps the universe in force when the day churn would pass MAX_CHURN_PER_DAY', () => {
    const s = { ...SETTINGS, STAGE7_UNIVERSE_SIZE: 2, STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY: 4 };
    const one = selectStage7Universe(marketOf(ranked('ETH_TRY', 'BTC_TRY')), s);
    // the first universe is no churn (a fix: counting its 2 additions would leave 2 for the day)
    expect([one.state.excludedCounts.churn_total, one.state.churnLog]).toEqual([2, []]);
    const two = selectStage7Universe(following(one, marketOf(ranked('XRP_TRY', 'ADA_TRY'), { nowMs: NOW + HOUR })), s);
    expect([two.selected, two.churnGuarded, two.state.churnLog]).toEqual([
      ['XRPTRY', 'ADATRY'],
      false,
      [{ atMs: NOW + HOUR, churn: 4 }],
    ]);
    const at = (nowMs: number) =>
      selectStage7Universe(following(two, marketOf(ranked('ETH_TRY', 'XRP_TRY'), { nowMs })), s);
    const guarded = at(NOW + HOUR + DAY);
    expect([guarded.selected, guarded.churnGuarded, guarded.state.reasons]).toEqual([
      ['XRPTRY', 'ADATRY'],
      true,
      [CHURN_GUARD_KEEP_PREVIOUS],
    ]);
    // the guard held ADA in place: no cooldown for it
    expect(guarded.state.symbolStates.find((st) => st.symbol === 'ADATRY')?.cooldownUntilMs).toBeUndefined();
    const dayLater = at(NOW + HOUR + DAY + 1);
    expect([dayLater.selected, dayLater.churnGuarded, dayLater.state.churnLog]).toEqual([
      ['ETHTRY', 'XRPTRY'],
      false,
      [{ atMs: NOW + HOUR + DAY + 1, churn: 2 }],
    ]);
  });

  it('with MAX_CHURN_PER_DAY 0 never changes a universe in force, but still builds the first one', () => {
    const s = { ...SETTINGS, STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY: 0 };
    const one = selectStage7Universe(marketOf(ranked('ETH_TRY')), s);
    const two = selectStage7Universe(following(one, marketOf(ranked('ETH_TRY', 'XRP_TRY'), { nowMs: NOW + HOUR })), s);
    expect([one.selected, two.selected, two.churnGuarded]).toEqual([['ETHTRY'], ['ETHTRY'], true]);
  });
});

describe('the state to persist (spec 4.5 step 9)', () => {
  const one = selectStage7Universe(
    marketOf([...ranked('ETH_TRY', 'BTC_TRY'), { pair: 'XRP_TRY', bid: '0', ask: '1' }]),
    SETTINGS,
  );
  const two = selectStage7Universe(
    following(one, marketOf(ranked('BTC_TRY', 'XRP_TRY'), { nowMs: NOW + HOUR, observeOnly: true })),
    SETTINGS,
  );

  it('round-trips through its record form, JSON included', () => {
    for (const out of [one, two]) {
      const record = JSON.parse(JSON.stringify(universeStateRecord(out.state))) as Stage7UniverseStateRecord;
      expect(universeStateRecord(universeStateFromRecord(record))).toEqual(universeStateRecord(out.state));
    }
    expect(universeStateRecord(two.state)).toMatchObject({
      at_ms: NOW + HOUR,
      selected_symbols: ['ETHTRY', 'BTCTRY'],
      freeze_reason: 'OBSERVE_ONLY',
      freeze_reasons: ['OBSERVE_ONLY'],
      reasons: [FREEZE_PREVIOUS_UNIVERSE, 'observe_only'],
    });
  });

  it('records absent metrics as null', () => {
    const record = universeStateRecord({ ...one.state, scored: one.ranked });
    expect(record.scored.find((c) => c.symbol === 'XRPTRY')).toMatchObject({ spread_bps: null, volatility: null });
  });

  it('refuses a record it cannot read back, naming the field', () => {
    const record = universeStateRecord(two.state);
    const scored = record.scored[0] as Stage7UniverseStateRecord['scored'][number];
    const bad: Stage7UniverseStateRecord = {
      ...record,
      freeze_reason: 'PANIC',
      scored: [{ ...scored, total_score: '1e3' }],
    };
    const e = catchError(() => universeStateFromRecord(bad));
    expect(e.issues.map((i) => i.path)).toEqual(['scored.0.total_score', 'freeze_reason']);
    const exclusion = { ...record, scored: [{ ...scored, exclusions: ['excluded_by_mood'] }] };
    expect(catchError(() => universeStateFromRecord(exclusion)).issues[0]?.path).toBe('scored.0.exclusions.0');
  });
});

function catchError(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('refusals', () => {
  const base = marketOf(ranked('ETH_TRY', 'BTC_TRY'));
  const previous: Stage7UniverseState = selectStage7Universe(base, SETTINGS).state;
  const later = { ...base, nowMs: NOW + HOUR };

  it.each<[string, Stage7UniverseInput, string]>([
    ['a clock that is not epoch ms', { ...base, nowMs: 1.5 }, 'nowMs'],
    ['a ticker listed twice', { ...base, tickers: [...base.tickers, { symbol: 'ETHTRY' }] }, 'tickers'],
    [
      'a book symbol not canonical',
      { ...base, books: [{ symbol: 'eth_try', bid: dec('1'), ask: dec('2') }] },
      'books.eth_try',
    ],
    ['a negative volume', { ...base, tickers: [{ symbol: 'ETHTRY', volume: dec('-1') }] }, 'tickers.ETHTRY.volume'],
    ['a NaN price', { ...base, tickers: [{ symbol: 'ETHTRY', last: new Dec(Number.NaN) }] }, 'tickers.ETHTRY.last'],
    [
      'an infinite bid',
      { ...base, books: [{ symbol: 'ETHTRY', bid: dec('1').div(0), ask: dec('2') }] },
      'books.ETHTRY.bid',
    ],
    [
      'a book time that is not epoch ms',
      { ...base, books: [{ symbol: 'ETHTRY', bid: dec('1'), ask: dec('2'), observedAtMs: -1 }] },
      'books.ETHTRY.observedAtMs',
    ],
    [
      'a NaN close',
      { ...base, candles: [{ symbol: 'ETHTRY', closes: [dec('1'), dec('0').div(0)] }] },
      'candles.ETHTRY.closes.1',
    ],
    ['a state from the future', { ...base, nowMs: NOW - 1, previous }, 'previous.atMs'],
    [
      'a state selecting a symbol twice',
      { ...later, previous: { ...previous, selected: ['ETHTRY', 'ETHTRY'] } },
      'previous.selected',
    ],
    [
      'a churn entry from the future',
      { ...later, previous: { ...previous, churnLog: [{ atMs: NOW + DAY, churn: 1 }] } },
      'previous.churnLog.0.atMs',
    ],
    [
      'a negative churn',
      { ...later, previous: { ...previous, churnLog: [{ atMs: NOW, churn: -1 }] } },
      'previous.churnLog.0.churn',
    ],
    [
      'a symbol state listed twice',
      { ...later, previous: { ...previous, symbolStates: [...previous.symbolStates, ...previous.symbolStates] } },
      'previous.symbolStates',
    ],
    [
      'negative probation passes',
      { ...later, previous: { ...previous, symbolStates: [{ symbol: 'ETHTRY', probationPasses: -1 }] } },
      'previous.symbolStates.ETHTRY.probationPasses',
    ],
  ])('refuses %s', (_, input, path) => {
    const e = catchError(() => selectStage7Universe(input, SETTINGS));
    expect(e.source).toBe('stage 7 universe input');
    expect(e.issues.map((i) => i.path)).toContain(path);
  });

  it.each<[string, Partial<Stage7UniverseSettings>, string]>([
    ['a universe of 0', { STAGE7_UNIVERSE_SIZE: 0 }, 'STAGE7_UNIVERSE_SIZE'],
    ['a lookback of 0', { STAGE7_VOL_LOOKBACK: 0 }, 'STAGE7_VOL_LOOKBACK'],
    ['a max data age of 0', { STAGE7_MAX_DATA_AGE_SEC: 0 }, 'STAGE7_MAX_DATA_AGE_SEC'],
    [
      'fractional probation cycles',
      { STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: 1.5 },
      'STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES',
    ],
    ['a negative cooldown', { STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC: -1 }, 'STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC'],
    [
      'a negative churn limit',
      { STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY: -1 },
      'STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY',
    ],
    ['a negative min volume', { STAGE7_MIN_QUOTE_VOLUME_TRY: dec('-1') }, 'STAGE7_MIN_QUOTE_VOLUME_TRY'],
    ['a negative max spread', { STAGE7_MAX_SPREAD_BPS: dec('-1') }, 'STAGE7_MAX_SPREAD_BPS'],
    [
      'an infinite weight',
      { STAGE7_SCORE_WEIGHTS: [{ key: 'spread', weight: dec('1').div(0) }] },
      'STAGE7_SCORE_WEIGHTS.spread',
    ],
    ['no quote currency', { STAGE7_UNIVERSE_QUOTE_CCY: ' ' }, 'STAGE7_UNIVERSE_QUOTE_CCY'],
    [
      'a whitelist symbol not canonical',
      { STAGE7_UNIVERSE_WHITELIST: ['BTC_TRY'] },
      'STAGE7_UNIVERSE_WHITELIST.BTC_TRY',
    ],
  ])('refuses %s', (_, over, path) => {
    const e = catchError(() => selectStage7Universe(base, { ...SETTINGS, ...over }));
    expect([e.source, e.issues.map((i) => i.path)]).toEqual(['stage 7 universe settings', [path]]);
  });
});

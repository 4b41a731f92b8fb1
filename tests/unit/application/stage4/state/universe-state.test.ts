import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../../../shared/adapters/memory/memory-document-store';
import { encodeDocument, stage4Key } from '../../../../../shared/application/stage4/state/stage4-document';
import {
  applyUniverseOutcome,
  INITIAL_UNIVERSE_STATE,
  MAX_MIDS_PER_SYMBOL,
  saveUniverseState,
  type UniverseState,
  type UniverseStateSettings,
  universeStateCodec,
} from '../../../../../shared/application/stage4/state/universe-state';
import { ValidationError } from '../../../../../shared/domain/errors';
import { DAY_MS } from '../../../../../shared/domain/ledger/ledger-state';
import type { UniverseOutcome } from '../../../../../shared/domain/market/universe';
import { mid24hAgo, type UniverseMidPoint } from '../../../../../shared/domain/market/universe-metrics';
import { dec } from '../../../../../shared/domain/money';
import { T0 } from './stage4-state-arbitraries';

const MIN = 60_000;
const HOUR = 60 * MIN;
const settings: UniverseStateSettings = {
  UNIVERSE_HISTORY_BUCKET_MINUTES: 5,
  UNIVERSE_HISTORY_TOLERANCE_MINUTES: 30,
  UNIVERSE_REJECT_WINDOW_MINUTES: 240,
};
const DAY0 = T0 - (T0 % DAY_MS);

const outcome = (o: Partial<UniverseOutcome> = {}): UniverseOutcome => ({
  symbols: [],
  refreshed: true,
  churnGuarded: false,
  ranked: [],
  measured: [],
  ineligibleCounts: {} as UniverseOutcome['ineligibleCounts'],
  stateUpdates: [],
  midObservations: [],
  changesDayStartMs: DAY0,
  changesToday: 0,
  decisions: [],
  ...o,
});
const mid = (symbol: string, atMs: number, price = '100'): UniverseMidPoint => ({ symbol, atMs, mid: dec(price) });

describe('applyUniverseOutcome', () => {
  it('stores the selection; a reused one keeps the time it was chosen', () => {
    const chosen = applyUniverseOutcome(
      INITIAL_UNIVERSE_STATE,
      outcome({ symbols: ['BTCTRY'], changesToday: 1 }),
      T0,
      settings,
    );
    expect(chosen.previous).toEqual({
      symbols: ['BTCTRY'],
      refreshedAtMs: T0,
      changesDayStartMs: DAY0,
      changesToday: 1,
    });
    const reused = applyUniverseOutcome(
      chosen,
      outcome({ symbols: ['BTCTRY'], refreshed: false, changesToday: 1 }),
      T0 + HOUR / 2,
      settings,
    );
    expect(reused.previous?.refreshedAtMs).toBe(T0);
  });

  it('drops mids the 24 h lookup can never use again and replaces a bucket observed twice', () => {
    const window = DAY_MS + 30 * MIN;
    const state: UniverseState = {
      ...INITIAL_UNIVERSE_STATE,
      midHistory: [mid('BTCTRY', T0 - window - 1), mid('BTCTRY', T0 - window), mid('BTCTRY', T0 - HOUR)],
    };
    const next = applyUniverseOutcome(
      state,
      outcome({ midObservations: [mid('BTCTRY', T0 - HOUR, '101')] }),
      T0,
      settings,
    );
    expect(next.midHistory).toEqual([mid('BTCTRY', T0 - window), mid('BTCTRY', T0 - HOUR, '101')]);
  });

  it('two days of hourly refreshes of 50 symbols keep 25 mids each, about 35 KB of JSON', () => {
    const letter = (n: number) => 'ABCDEFGHIJ'.charAt(n);
    const symbols = Array.from({ length: 50 }, (_, i) => `C${letter(Math.floor(i / 10))}${letter(i % 10)}TRY`);
    let state = INITIAL_UNIVERSE_STATE;
    for (let h = 0; h < 48; h += 1) {
      const now = T0 + h * HOUR;
      state = applyUniverseOutcome(
        state,
        outcome({ midObservations: symbols.map((s) => mid(s, now - (now % (5 * MIN)), '123456.789')) }),
        now,
        settings,
      );
    }
    const perSymbol = new Map<string, number>();
    for (const p of state.midHistory) perSymbol.set(p.symbol, (perSymbol.get(p.symbol) ?? 0) + 1);
    expect(new Set(perSymbol.values())).toEqual(new Set([25]));
    expect(encodeDocument(universeStateCodec, 'k', state).length).toBeLessThan(40_000);
  });

  it('thins a symbol observed every minute to at most MAX_MIDS_PER_SYMBOL + 1, still answering every lookup', () => {
    let state = INITIAL_UNIVERSE_STATE;
    const one = { ...settings, UNIVERSE_HISTORY_BUCKET_MINUTES: 1 };
    const start = T0 - (T0 % MIN);
    for (let m = 0; m < 26 * 60; m += 1) {
      const now = start + m * MIN;
      state = applyUniverseOutcome(state, outcome({ midObservations: [mid('BTCTRY', now)] }), now, one);
    }
    expect(state.midHistory.length).toBeLessThanOrEqual(MAX_MIDS_PER_SYMBOL + 1);
    const end = start + (26 * 60 - 1) * MIN;
    for (let ahead = 0; ahead <= 2 * HOUR; ahead += 7 * MIN) {
      expect(mid24hAgo(state.midHistory, end + ahead, 30 * MIN), `lookup ${ahead / MIN} min ahead`).toBeDefined();
    }
  });

  it('drops a symbol state once nothing in it can act, unless the symbol is selected', () => {
    const states = [
      { symbol: 'AVAXTRY', cooldownUntilMs: T0 + 1, rejects1123: 0 },
      { symbol: 'BTCTRY', lastSelectedMs: T0 - DAY_MS, rejects1123: 0 },
      { symbol: 'ETHTRY', probationUntilMs: T0, rejects1123: 0 },
      { symbol: 'SOLTRY', rejectWindowStartMs: T0 - 239 * MIN, rejects1123: 2 },
      { symbol: 'XRPTRY', rejectWindowStartMs: T0 - 240 * MIN, rejects1123: 2 },
    ];
    const next = applyUniverseOutcome(
      { ...INITIAL_UNIVERSE_STATE, symbolStates: states },
      outcome({ symbols: ['BTCTRY'] }),
      T0,
      settings,
    );
    expect(next.symbolStates.map((s) => s.symbol)).toEqual(['AVAXTRY', 'BTCTRY', 'SOLTRY']);
  });
});

describe('saving a universe state', () => {
  it('refuses a value its load would refuse, writing nothing', async () => {
    const documents = new MemoryDocumentStore();
    const bad: UniverseState = { ...INITIAL_UNIVERSE_STATE, midHistory: [mid('BTCTRY', T0, '0')] };
    const e = await saveUniverseState(documents, 'a', bad, 0).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as Error).message).toContain(stage4Key('a', 'universe'));
    expect(await documents.get(stage4Key('a', 'universe'))).toBeUndefined();
  });
});

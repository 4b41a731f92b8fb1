// readCycleUniverse: what the dynamic universe reads before a cycle decides. Candidates are the configured
// symbols only (the cycle reconciles, marks and ingests fills for those alone); order books are read only
// when a refresh is due; a failed read degrades to a missing input, never to a made-up one.
import { describe, expect, it } from 'vitest';
import { type CycleUniverseSettings, readCycleUniverse } from '../../../../shared/application/stage4/cycle-universe';
import { INITIAL_UNIVERSE_STATE } from '../../../../shared/application/stage4/state/universe-state';
import { loadConfig } from '../../../../shared/config/load-config';
import { ExchangeUnavailableError, ValidationError } from '../../../../shared/domain/errors';
import type { PairMetadata } from '../../../../shared/domain/exchange-rules';
import { dec } from '../../../../shared/domain/money';
import type { Exchange, OrderBookTop } from '../../../../shared/ports/exchange';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const settings: CycleUniverseSettings = {
  ...loadConfig({}),
  SYMBOLS: ['BTCTRY', 'ETHTRY'],
  DYNAMIC_UNIVERSE_ENABLED: true,
  DYNAMIC_UNIVERSE_LIVE_FALLBACK_ENABLED: true,
};

const pair = (symbol: string): PairMetadata => ({
  symbol,
  base: symbol.replace(/_?TRY$/, ''),
  quote: 'TRY',
  status: 'TRADING',
  numeratorScale: 8,
  denominatorScale: 0,
  hasFraction: false,
  orderMethods: ['LIMIT'],
  minNotionalCandidates: ['10'],
});

/** A venue whose order books answer per symbol (an Error is thrown) */
function venue(books: Record<string, OrderBookTop | Error>, info: () => Promise<PairMetadata[]> = async () => []) {
  const asked: string[] = [];
  const exchange: Pick<Exchange, 'exchangeInfo' | 'orderBookTop'> = {
    exchangeInfo: info,
    orderBookTop: async (symbol) => {
      asked.push(symbol);
      const answer = books[symbol];
      if (answer === undefined || answer instanceof Error) throw answer ?? new Error(`no book for ${symbol}`);
      return answer;
    },
  };
  return { exchange, asked };
}
/** BTCTRY listed under two spellings, and SOLTRY, which is not configured */
const listing = async () => [pair('BTC_TRY'), pair('ETHTRY'), pair('SOLTRY'), pair('BTCTRY')];

const top = (symbol: string, receivedAtMs: number, stampedAtMs = receivedAtMs): OrderBookTop => ({
  symbol,
  bid: dec('1000'),
  ask: dec('1001'),
  bidQty: dec('3'),
  askQty: dec('4'),
  receivedAtMs,
  stampedAtMs,
});

describe('readCycleUniverse', () => {
  it('reads nothing when DYNAMIC_UNIVERSE_ENABLED is off', async () => {
    const { exchange, asked } = venue({}, async () => {
      throw new Error('must not be read');
    });
    const off = { ...settings, DYNAMIC_UNIVERSE_ENABLED: false };
    expect(await readCycleUniverse(exchange, INITIAL_UNIVERSE_STATE, true, off, NOW)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('on a due refresh, lists each configured pair once and reads their books, judged at the planned time', async () => {
    const { exchange, asked } = venue(
      { BTCTRY: top('BTCTRY', NOW + 5, NOW - 2000), ETHTRY: new ExchangeUnavailableError('down') },
      listing,
    );
    const input = await readCycleUniverse(exchange, INITIAL_UNIVERSE_STATE, false, settings, NOW);
    expect(input?.pairs?.map((p) => p.symbol)).toEqual(['BTCTRY', 'ETHTRY']);
    expect(asked).toEqual(['BTCTRY', 'ETHTRY']);
    // the venue's older stamp is kept; the unavailable ETHTRY book is simply absent
    expect(input?.books).toEqual([
      {
        symbol: 'BTCTRY',
        bestBid: { price: dec('1000'), qty: dec('3') },
        bestAsk: { price: dec('1001'), qty: dec('4') },
        observedAtMs: NOW - 2000,
      },
    ]);
    expect(input?.emptyFallback).toBe('dry_run');
  });

  it('a book received after the planned time counts as observed then', async () => {
    const { exchange } = venue({ BTCTRY: top('BTCTRY', NOW + 50), ETHTRY: top('ETHTRY', NOW + 60) }, listing);
    const input = await readCycleUniverse(exchange, INITIAL_UNIVERSE_STATE, true, settings, NOW);
    expect(input?.books.map((b) => b.observedAtMs)).toEqual([NOW, NOW]);
  });

  it('reads no book while the selection in force is young', async () => {
    const { exchange, asked } = venue({}, listing);
    const previous = {
      symbols: ['BTCTRY'],
      refreshedAtMs: NOW - 59 * 60_000,
      changesDayStartMs: NOW - (NOW % 86_400_000),
      changesToday: 0,
    };
    const input = await readCycleUniverse(exchange, { ...INITIAL_UNIVERSE_STATE, previous }, true, settings, NOW);
    expect(asked).toEqual([]);
    expect(input?.books).toEqual([]);
    expect(input?.pairs).toHaveLength(2);
  });

  it('live falls back to the configured symbols only with DYNAMIC_UNIVERSE_LIVE_FALLBACK_ENABLED', async () => {
    const { exchange } = venue({}, async () => []);
    const noFallback = { ...settings, DYNAMIC_UNIVERSE_LIVE_FALLBACK_ENABLED: false };
    expect((await readCycleUniverse(exchange, INITIAL_UNIVERSE_STATE, true, settings, NOW))?.emptyFallback).toBe(
      'live',
    );
    expect((await readCycleUniverse(exchange, INITIAL_UNIVERSE_STATE, true, noFallback, NOW))?.emptyFallback).toBe(
      'none',
    );
  });

  it('an unreadable exchange info leaves the pairs unknown; a bug is not swallowed', async () => {
    const down = venue({}, async () => {
      throw new ExchangeUnavailableError('exchangeinfo down');
    });
    const input = await readCycleUniverse(down.exchange, INITIAL_UNIVERSE_STATE, true, settings, NOW);
    expect(input?.pairs).toBeUndefined();
    expect(down.asked).toEqual([]);
    const garbled = venue({}, async () => {
      throw new ValidationError('exchangeinfo', [{ path: 'data', message: 'expected an array' }]);
    });
    expect(
      (await readCycleUniverse(garbled.exchange, INITIAL_UNIVERSE_STATE, true, settings, NOW))?.pairs,
    ).toBeUndefined();
    const bug = venue({ BTCTRY: new TypeError('bug'), ETHTRY: top('ETHTRY', NOW) }, listing);
    await expect(readCycleUniverse(bug.exchange, INITIAL_UNIVERSE_STATE, true, settings, NOW)).rejects.toThrow(
      TypeError,
    );
  });
});

// What stage 7 reads of the market (cycle-market.ts, spec 4.2 steps 6-7): the cycle's quote volume is the sum
// over the configured symbols of base volume x last, the universe gets each ticker's volume and 24 h range
// (no candles are read, so its volatility falls back to (high - low) / last), and a failed read is degraded.
import { describe, expect, it } from 'vitest';
import { inProcessSimulator } from '../../../../local/btcturk-sim/in-process-dispatcher';
import { SIMULATOR_CREDENTIALS } from '../../../../local/runner/state-embedded';
import { LOCAL_ENV, LOCAL_START_MS } from '../../../../local/runner/world';
import { createBtcturkGateway } from '../../../../shared/adapters/btcturk/create-gateway';
import { ManualClock } from '../../../../shared/adapters/clock/manual-clock';
import { readStage7Market, type Stage7MarketReads } from '../../../../shared/application/stage7/cycle-market';
import { loadConfig } from '../../../../shared/config/load-config';
import { ExchangeUnavailableError } from '../../../../shared/domain/errors';
import { quoteVolumeTry, volatilityOf } from '../../../../shared/domain/market/stage7-universe-scoring';
import { dec, sumDec } from '../../../../shared/domain/money';
import type { Ticker } from '../../../../shared/ports/exchange';

const NOW = Date.UTC(2026, 2, 23, 8, 0);
const MAX_AGE_SEC = 60;

const row = (
  symbol: string,
  f: {
    bid: string;
    ask: string;
    last: string;
    high: string;
    low: string;
    volume: string;
    pct?: string;
    ageMs?: number;
  },
): Ticker => ({
  symbol,
  bid: dec(f.bid),
  ask: dec(f.ask),
  receivedAtMs: NOW,
  stampedAtMs: NOW - (f.ageMs ?? 0),
  last: dec(f.last),
  high: dec(f.high),
  low: dec(f.low),
  volume: dec(f.volume),
  dailyPercent: f.pct === undefined ? undefined : dec(f.pct),
});

const BTC = row('BTCTRY', {
  bid: '2999',
  ask: '3001',
  last: '3000',
  high: '3100',
  low: '2950',
  volume: '2.5',
  pct: '-1.5',
});
const ETH = row('ETHTRY', { bid: '99', ask: '101', last: '100', high: '104', low: '96', volume: '40', ageMs: 3_000 });
const SOL = row('SOLTRY', { bid: '10', ask: '10.2', last: '10.1', high: '11', low: '9', volume: '1000000' });

const reads = (tickers: () => Promise<Ticker[]>): Stage7MarketReads => ({ tickers, exchangeInfo: async () => [] });
const market = (tickers: readonly Ticker[], symbols = ['BTCTRY', 'ETH_TRY']) =>
  readStage7Market(
    reads(async () => [...tickers]),
    symbols,
    NOW,
    MAX_AGE_SEC,
  );

describe('stage 7 market read', () => {
  it('sums base volume x last over the configured symbols only: 2.5 x 3000 + 40 x 100 = 11500 TRY', async () => {
    const view = await market([BTC, ETH, SOL]);
    expect(view.quoteVolumeTry.toFixed()).toBe('11500');
    expect((await market([BTC, ETH, SOL], ['SOLTRY'])).quoteVolumeTry.toFixed()).toBe('10100000');
  });

  it('counts a configured symbol without a ticker, or one that has not traded, as no volume', async () => {
    const untraded = row('ETHTRY', { bid: '99', ask: '101', last: '0', high: '0', low: '0', volume: '5' });
    expect((await market([BTC, untraded], ['BTCTRY', 'ETHTRY', 'ADATRY'])).quoteVolumeTry.toFixed()).toBe('7500');
  });

  it('hands the universe every sane ticker with its volume, last, range and daily change', async () => {
    const view = await market([BTC, ETH]);
    expect(
      view.tickers.map((t) => [t.symbol, t.volume?.toFixed(), t.last?.toFixed(), t.high?.toFixed(), t.low?.toFixed()]),
    ).toEqual([
      ['BTCTRY', '2.5', '3000', '3100', '2950'],
      ['ETHTRY', '40', '100', '104', '96'],
    ]);
    expect(view.tickers.map((t) => t.priceChangePercent?.toFixed())).toEqual(['-1.5', undefined]);
    // the universe's own measures over these rows: its quote volume, and volatility from the range
    expect(view.tickers.map((t) => quoteVolumeTry(t)?.toFixed())).toEqual(['7500', '4000']);
    expect(view.tickers.map((t) => volatilityOf([], t, 20)?.toFixed())).toEqual(['0.05', '0.08']);
  });

  it('keeps the spread, marks and data age of the quotes beside the new measures', async () => {
    const view = await market([BTC, ETH]);
    expect([...view.marks].map(([s, m]) => [s, m.toFixed()])).toEqual([
      ['BTCTRY', '3000'],
      ['ETHTRY', '100'],
    ]);
    expect(view.spreadBps.toFixed()).toBe('200');
    expect([view.dataAgeMs, view.degraded]).toEqual([0, false]);
  });

  it('leaves a crossed quote out of the marks, the universe and the volume', async () => {
    const crossed = row('ETHTRY', { bid: '102', ask: '101', last: '100', high: '104', low: '96', volume: '40' });
    const view = await market([BTC, crossed]);
    expect([view.tickers.map((t) => t.symbol), [...view.marks.keys()]]).toEqual([['BTCTRY'], ['BTCTRY']]);
    expect(view.quoteVolumeTry.toFixed()).toBe('7500');
  });

  it('a failed ticker read is degraded: no volume, no tickers, and data as stale as the rule makes it', async () => {
    const view = await readStage7Market(
      reads(async () => {
        throw new ExchangeUnavailableError('tickers: connection refused');
      }),
      ['BTCTRY'],
      NOW,
      MAX_AGE_SEC,
    );
    expect([view.degraded, view.quoteVolumeTry.toFixed(), view.tickers, view.marks.size]).toEqual([true, '0', [], 0]);
    expect(view.dataAgeMs).toBe((MAX_AGE_SEC + 1) * 1000);
  });

  it("reads the simulator's ticker through the real gateway: every pair has a volume and a range, public reads only", async () => {
    const clock = new ManualClock(LOCAL_START_MS, { autoAdvance: true });
    const received: string[] = [];
    const symbols = ['BTCTRY', 'ETHTRY'];
    const sim = inProcessSimulator(
      { seed: 1, rateLimits: false, clock, symbols },
      { onRequest: (r) => received.push(`${r.method} ${r.url.split('?')[0]}`) },
    );
    const config = loadConfig({ ...LOCAL_ENV, BTCTURK_BASE_URL: sim.baseUrl });
    const gateway = createBtcturkGateway(config, SIMULATOR_CREDENTIALS, clock, sim.dispatcher);
    clock.advance(5 * 60_000);
    const view = await readStage7Market(gateway, symbols, clock.nowMs(), MAX_AGE_SEC);
    expect(view.tickers.map((t) => t.symbol)).toEqual(symbols);
    for (const t of view.tickers) {
      expect([t.volume?.gt(0), t.last?.gt(0), t.low?.gt(0), t.high?.gte(t.low ?? dec('0'))]).toEqual([
        true,
        true,
        true,
        true,
      ]);
    }
    const perSymbol = view.tickers.map((t) => quoteVolumeTry(t) ?? dec('0'));
    expect(view.quoteVolumeTry.eq(sumDec(perSymbol))).toBe(true);
    expect(view.quoteVolumeTry.gt(0)).toBe(true);
    expect(new Set(received)).toEqual(
      new Set(['GET /api/v2/server/time', 'GET /api/v2/ticker', 'GET /api/v2/server/exchangeinfo']),
    );
  });
});

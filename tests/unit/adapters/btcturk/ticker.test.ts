// GET /api/v2/ticker (issue 12, issue 15): JSON numbers become exact decimals, each pair is checked on its
// own, the venue's stamp is placed on our clock for the freshness gate, and the 24 h range, base volume and
// daily change stage 7 measures arrive with the quote; insane values leave the pair out, naming the field.
import { describe, expect, it } from 'vitest';
import { TickerDataSchema, tickersOf } from '../../../../shared/adapters/btcturk/ticker';
import { parseVenueJson } from '../../../../shared/adapters/btcturk/venue-json';
import { ValidationError } from '../../../../shared/domain/errors';
import type { Ticker } from '../../../../shared/ports/exchange';
import { MockVenue, RECORDED_SERVER_TIME_MS } from '../../../contract/exchange-mockagent-harness';
import { fixtureJson, fixtureText } from '../../../support/fixtures';

const times = { receivedAtMs: 1_774_252_926_000, venueAheadMs: 300 };
const SANE = { pair: 'BTCTRY', timestamp: '1774252925783', bid: '100', ask: '101' };
const DAY = { last: '100', high: '110', low: '90', volume: '2.5', dailyPercent: '-0.72' };
/** One ticker row as the venue's JSON text (values are JSON source text: `"x"` is a string, absent is left out) */
const item = (fields: Record<string, string | undefined>) => {
  const all: Record<string, string | undefined> = { ...SANE, ...DAY, ...fields };
  const members = Object.entries(all).flatMap(([k, v]) => (v === undefined ? [] : [`"${k}":${v}`]));
  return parseVenueJson(`{${members.join(',').replace(/"pair":([^,]+)/, '"pair":"$1"')}}`);
};
const text = (t: Ticker) => ({
  symbol: t.symbol,
  bid: t.bid.toFixed(),
  ask: t.ask.toFixed(),
  last: t.last.toFixed(),
  high: t.high.toFixed(),
  low: t.low.toFixed(),
  volume: t.volume.toFixed(),
  dailyPercent: t.dailyPercent?.toFixed(),
  receivedAtMs: t.receivedAtMs,
  stampedAtMs: t.stampedAtMs,
});

describe('ticker rows', () => {
  it('reads the captured answer exactly, range, base volume and daily change included, stamp on our clock', () => {
    const body = fixtureJson('captured_rest_ticker_btctry_2026.json') as { data: unknown };
    const { tickers, invalid } = tickersOf(TickerDataSchema.parse(body.data), times);
    expect(invalid).toEqual([]);
    expect(tickers.map(text)).toEqual([
      {
        symbol: 'BTCTRY',
        bid: '3035109',
        ask: '3036622',
        last: '3037028',
        high: '3064856',
        low: '2993840',
        volume: '23.38654925',
        dailyPercent: '-0.72',
        receivedAtMs: times.receivedAtMs,
        stampedAtMs: 1_774_252_925_783 - 300,
      },
    ]);
  });

  it('reads the captured single-pair answer of another quote currency', () => {
    const body = fixtureJson('captured_rest_ticker_btcusdt_single_pair.json') as { data: unknown };
    const { tickers, invalid } = tickersOf(TickerDataSchema.parse(body.data), times);
    expect(invalid).toEqual([]);
    expect(tickers.map(text)).toEqual([
      expect.objectContaining({
        symbol: 'BTCUSDT',
        last: '40585',
        low: '38512',
        high: '41689',
        volume: '170.06575796',
      }),
    ]);
    expect(tickers[0]?.dailyPercent?.toFixed()).toBe('4.87');
  });

  it('takes a small value in exponent notation exactly, never through a float', () => {
    const { tickers } = tickersOf(
      [
        item({
          pair: 'PEPE_TRY',
          bid: '6E-05',
          ask: '6.1e-5',
          last: '6E-05',
          low: '5.9E-5',
          high: '7e-5',
          volume: '1.5E+9',
        }),
      ],
      times,
    );
    expect(
      tickers.map((t) => [t.symbol, t.bid.toFixed(), t.ask.toFixed(), t.low.toFixed(), t.volume.toFixed()]),
    ).toEqual([['PEPETRY', '0.00006', '0.000061', '0.000059', '1500000000']]);
  });

  it('reads values sent as JSON strings as it reads numbers', () => {
    const { tickers } = tickersOf([item({ volume: '"2.5"', high: '"110"', dailyPercent: '"-0.72"' })], times);
    expect(tickers.map(text)).toEqual([expect.objectContaining({ volume: '2.5', high: '110', dailyPercent: '-0.72' })]);
  });

  it('keeps a row without a daily change (absent or null): it is not needed for a mark', () => {
    const { tickers, invalid } = tickersOf(
      [item({ dailyPercent: undefined }), item({ pair: 'ETHTRY', dailyPercent: 'null' })],
      times,
    );
    expect(invalid).toEqual([]);
    expect(tickers.map((t) => [t.symbol, t.dailyPercent])).toEqual([
      ['BTCTRY', undefined],
      ['ETHTRY', undefined],
    ]);
  });

  it('keeps an untraded pair: a zero last, range and volume are what it honestly reports', () => {
    const { tickers, invalid } = tickersOf([item({ last: '0', high: '0', low: '0', volume: '0' })], times);
    expect([tickers.length, invalid]).toEqual([1, []]);
  });

  it('leaves out only the insane pairs with a ValidationError naming the pair and the field', () => {
    const { tickers, invalid } = tickersOf(
      [
        item({ pair: 'BTCTRY' }),
        item({ pair: 'ETHTRY', bid: '0' }),
        item({ pair: 'SOLTRY', bid: '102' }),
        item({ pair: 'AVAXTRY', bid: '"x"' }),
        item({ pair: 'XRPTRY', timestamp: '1774252925' }),
        { bid: 1 },
        item({ pair: 'ADATRY', volume: '-0.1' }),
        item({ pair: 'DOTTRY', low: '111' }),
        item({ pair: 'LTCTRY', last: '-1' }),
        item({ pair: 'EOSTRY', high: '-5', low: '-6' }),
        item({ pair: 'XLMTRY', dailyPercent: '-100.01' }),
        item({ pair: 'TRXTRY', volume: undefined }),
      ],
      times,
    );
    expect(tickers.map((t) => t.symbol)).toEqual(['BTCTRY']);
    for (const e of invalid) expect(e).toBeInstanceOf(ValidationError);
    expect(invalid.map((e) => [e.source, e.issues.map((i) => i.path)])).toEqual([
      ['btcturk ticker pair "ETHTRY"', ['bid']],
      ['btcturk ticker pair "SOLTRY"', ['bid']],
      ['btcturk ticker pair "AVAXTRY"', ['bid']],
      ['btcturk ticker pair "XRPTRY"', ['timestamp']],
      ['btcturk ticker pair #5', ['pair', 'timestamp', 'bid', 'ask', 'last', 'high', 'low', 'volume']],
      ['btcturk ticker pair "ADATRY"', ['volume']],
      ['btcturk ticker pair "DOTTRY"', ['low']],
      ['btcturk ticker pair "LTCTRY"', ['last']],
      ['btcturk ticker pair "EOSTRY"', ['high', 'low']],
      ['btcturk ticker pair "XLMTRY"', ['dailyPercent']],
      ['btcturk ticker pair "TRXTRY"', ['volume']],
    ]);
    expect(invalid.map((e) => e.message)).toEqual([
      expect.stringMatching(/bid: expected a positive bid and ask, was bid 0/),
      expect.stringMatching(/bid: expected bid <= ask, was a crossed quote: bid 102 ask 101/),
      expect.stringMatching(/bid: expected a decimal number/),
      expect.stringMatching(/timestamp: expected epoch milliseconds/),
      expect.any(String),
      expect.stringMatching(/volume: expected non-negative, was -0\.1/),
      expect.stringMatching(/low: expected low <= high, was low 111 high 110/),
      expect.stringMatching(/last: expected non-negative, was -1/),
      expect.any(String),
      expect.stringMatching(/dailyPercent: expected >= -100 \(a price cannot fall below 0\), was -100\.01/),
      expect.any(String),
    ]);
  });
});

describe('the gateway ticker read', () => {
  const answer = (data: string) => ({ status: 200, text: `{"success":true,"message":null,"code":0,"data":${data}}` });

  it('hands the captured row to the port with its range and base volume', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/ticker', { status: 200, text: fixtureText('captured_rest_ticker_btctry_2026.json') });
    const [t, ...rest] = await venue.exchange.tickers();
    expect(rest).toEqual([]);
    expect(t && [t.symbol, t.last.toFixed(), t.high.toFixed(), t.low.toFixed(), t.volume.toFixed()]).toEqual([
      'BTCTRY',
      '3037028',
      '3064856',
      '2993840',
      '23.38654925',
    ]);
    expect(t?.dailyPercent?.toFixed()).toBe('-0.72');
  });

  it('throws a ValidationError naming the field when no row is sane', async () => {
    const venue = new MockVenue();
    const row = `{"pair":"BTCTRY","timestamp":${RECORDED_SERVER_TIME_MS},"bid":1,"ask":2,"last":1,"high":2,"low":1,"volume":-3}`;
    venue.inject('GET', '/api/v2/ticker', answer(`[${row}]`));
    const error = await venue.exchange.tickers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/"BTCTRY": volume: expected non-negative, was -3/);
  });
});

// `replay import` on candle files in every form it reads, written by the test: row counts, each row stamped at its
// bar's close (open + interval), the book and ticker rule with no look-ahead (the row at time T reflects only bars
// closed by T), gaps refused or listed, bad sources named by file and line, and nothing half written on failure.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDatasetExchangeInfo } from '../../../local/replay/exchange-info-file';
import { importDataset } from '../../../local/replay/import/import-dataset';
import { symbolOfFileName } from '../../../local/replay/import/source-symbol';
import { openReplayMarket } from '../../../local/replay/open-replay-market';
import { ReplayDatasetError, ValidationError } from '../../../shared/domain/errors';
import { ceilToStep, type Dec, dec, floorToStep, maxDec, minDec, sumDec } from '../../../shared/domain/money';
import {
  BAR_START,
  type Bar,
  freqtradeJson,
  headerlessKlineCsv,
  indexedKlineCsv,
  openTimeCsv,
  randomBars,
  writeSource,
} from './candle-sources';
import { removeTempDirs, tempDir } from './dataset-fixture';

afterAll(removeTempDirs);

const MIN = 60_000;
const DAY = 24 * 3600_000;
const FIVE = dec('5');

const importInto = (from: string[], extra: { symbol?: string; allowGaps?: boolean; spreadBps?: Dec } = {}) => {
  const dataset = join(tempDir('import'), 'dataset');
  return {
    dataset,
    run: () => importDataset({ dataset, from, spreadBps: FIVE, allowGaps: false, ...extra }),
  };
};

const csvRows = (dataset: string, kind: string, symbol = 'BTCTRY') =>
  readFileSync(join(dataset, kind, `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

describe('importDataset: the forms it reads', () => {
  const bars = randomBars(40);
  const dir = tempDir('sources');
  const forms: [string, string][] = [
    ['Open_Time CSV', writeSource(join(dir, 'binance_BTCTRY_1m_a.csv'), openTimeCsv(bars))],
    ['gzipped indexed kline CSV', writeSource(join(dir, 'binance_BTCTRY_1m_b.csv.gz'), indexedKlineCsv(bars), true)],
    ['headerless kline CSV (ms)', writeSource(join(dir, 'BTCTRY-1m-2022-11.csv'), headerlessKlineCsv(bars))],
    ['headerless kline CSV (µs)', writeSource(join(dir, 'BTCTRY-1m-2025-01.csv'), headerlessKlineCsv(bars, MIN, true))],
    ['Freqtrade JSON', writeSource(join(dir, 'BTC_TRY-1m.json'), freqtradeJson(bars))],
    ['gzipped Freqtrade JSON', writeSource(join(dir, 'BTC_TRY-1m.json.gz'), freqtradeJson(bars), true)],
  ];

  it.each(forms)('%s: one row per bar, stamped at open + interval, prices as in the source', async (_, path) => {
    const { dataset, run } = importInto([path]);
    const result = await run();
    expect(result.series).toEqual([
      expect.objectContaining({
        symbol: 'BTCTRY',
        rows: 40,
        intervalMs: MIN,
        firstMs: BAR_START + MIN,
        lastMs: BAR_START + 40 * MIN,
      }),
    ]);
    const candles = csvRows(dataset, 'candles');
    expect(candles).toHaveLength(40);
    candles.forEach(([ts, open, high, low, close, volume], i) => {
      const bar = bars[i] as Bar;
      expect(Date.parse(ts ?? '')).toBe(bar.openMs + MIN);
      expect([open, high, low, close]).toEqual([bar.open, bar.high, bar.low, bar.close]);
      expect(dec(volume ?? '').eq(path.includes('.json') && i === 1 ? dec('0.00001') : dec(bar.volume))).toBe(true);
    });
    expect(result.report.errors).toEqual([]);
  });

  it('tells the symbol from the names of the files it knows, or not at all', () => {
    expect(
      [
        'binance_BTCTRY_1m_2022-11-08_2022-11-09.csv.gz',
        'ETHTRY-1m-2024-01.csv',
        '/data/BTC_TRY-5m.json',
        'SOL_TRY-1h.json.gz',
        'ETH_USDT_USDT-5m-futures.json',
        'candles.csv',
        '-.csv',
      ].map(symbolOfFileName),
    ).toEqual(['BTCTRY', 'ETHTRY', 'BTCTRY', 'SOLTRY', 'ETHUSDT', 'CANDLES', undefined]);
  });
});

describe('importDataset: book and ticker rows without look-ahead', () => {
  it('the book is the close -/+ half the spread rounded outward to the tick; the ticker the last 24 h of closed bars', async () => {
    // 5-minute bars over 2.5 days: the 24 h window fills and slides
    const bars = randomBars(720, 5 * MIN);
    const source = writeSource(join(tempDir('sources'), 'binance_BTCTRY_5m.csv'), openTimeCsv(bars));
    const { dataset, run } = importInto([source], { spreadBps: dec('8') });
    await run();
    const books = csvRows(dataset, 'orderbook');
    const tickers = csvRows(dataset, 'ticker');
    bars.forEach((bar, i) => {
      const closeMs = bar.openMs + 5 * MIN;
      const close = dec(bar.close);
      const half = close.mul(8).div(20_000);
      expect(books[i]).toEqual([
        new Date(closeMs).toISOString(),
        floorToStep(close.sub(half), dec('1')).toFixed(),
        ceilToStep(close.add(half), dec('1')).toFixed(),
      ]);
      // what a trader could know at closeMs: the bars closed in (closeMs - 24 h, closeMs]
      const seen = bars.filter((b) => b.openMs + 5 * MIN > closeMs - DAY && b.openMs + 5 * MIN <= closeMs);
      expect(tickers[i]).toEqual([
        new Date(closeMs).toISOString(),
        bar.close,
        seen
          .map((b) => dec(b.high))
          .reduce(maxDec)
          .toFixed(),
        seen
          .map((b) => dec(b.low))
          .reduce(minDec)
          .toFixed(),
        sumDec(seen.map((b) => dec(b.volume))).toFixed(),
        '',
      ]);
    });
  });

  it('replayed, a bar is invisible until its close: at open + interval - 1 ms the previous bar is current', async () => {
    const bars = randomBars(10);
    const source = writeSource(join(tempDir('sources'), 'binance_BTCTRY_1m.csv'), openTimeCsv(bars));
    const { dataset, run } = importInto([source]);
    await run();
    const market = openReplayMarket(dataset);
    const third = bars[2] as Bar;
    market.advanceTo(third.openMs + MIN - 1);
    expect(market.view('BTCTRY')?.ticker?.last.toFixed()).toBe((bars[1] as Bar).close);
    market.advanceTo(third.openMs + MIN);
    expect(market.view('BTCTRY')?.ticker?.last.toFixed()).toBe(third.close);
    market.close();
  });

  it("writes exchangeinfo.json with the simulator's rules for the pair, read back by the gateway's parser", async () => {
    const bars = randomBars(300);
    const source = writeSource(join(tempDir('sources'), 'binance_ETHTRY_1m.csv'), openTimeCsv(bars));
    const { dataset, run } = importInto([source]);
    await run();
    const rules = readDatasetExchangeInfo(dataset);
    // the limit-price band spans the whole series (lowest low / 10 .. highest high x 10), not one moment of it
    const low = bars.map((b) => dec(b.low)).reduce(minDec);
    const high = bars.map((b) => dec(b.high)).reduce(maxDec);
    expect([rules?.pairs[0]?.minLimitPrice, rules?.pairs[0]?.maxLimitPrice]).toEqual([
      floorToStep(low.div(10), dec('1')).toFixed(),
      ceilToStep(high.mul(10), dec('1')).toFixed(),
    ]);
    expect(rules?.invalid).toEqual([]);
    expect(rules?.pairs).toEqual([
      expect.objectContaining({
        symbol: 'ETHTRY',
        base: 'ETH',
        quote: 'TRY',
        tickSize: '1',
        minNotionalCandidates: ['99.91'],
      }),
    ]);
  });
});

describe('importDataset: several files and symbols', () => {
  it('continues one series over files given in order, and imports several symbols at once', async () => {
    const dir = tempDir('sources');
    const bars = randomBars(60);
    const first = writeSource(join(dir, 'BTCTRY-1m-a.csv'), headerlessKlineCsv(bars.slice(0, 35)));
    const second = writeSource(join(dir, 'BTCTRY-1m-b.csv'), headerlessKlineCsv(bars.slice(35)));
    const eth = writeSource(join(dir, 'x.csv'), openTimeCsv(randomBars(50, MIN, [], 9)));
    const { dataset, run } = importInto([first, second]);
    const result = await run();
    expect(result.series.map((s) => [s.symbol, s.rows])).toEqual([['BTCTRY', 60]]);
    expect(csvRows(dataset, 'candles')).toHaveLength(60);
    const both = importInto([eth], { symbol: 'ETHTRY' });
    expect((await both.run()).series.map((s) => [s.symbol, s.rows])).toEqual([['ETHTRY', 50]]);
  });
});

describe('importDataset: bad sources', () => {
  const dir = tempDir('sources');
  const failure = async (from: string[], extra = {}) => {
    const { dataset, run } = importInto(from, extra);
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    // nothing half written: neither the dataset nor its partial folder
    expect(existsSync(dataset) || existsSync(`${dataset}.partial`)).toBe(false);
    return error;
  };

  it('a gap fails the import at the line after it; --allow-gaps lists it in gaps.csv and the dataset validates', async () => {
    const source = writeSource(join(dir, 'binance_BTCTRY_1m_gaps.csv'), openTimeCsv(randomBars(50, MIN, [40, 41])));
    expect(await failure([source])).toMatchObject({ code: 'gap', file: source, line: 42 });
    const { dataset, run } = importInto([source], { allowGaps: true });
    const result = await run();
    expect([result.gaps, result.report.errors]).toEqual([1, []]);
    expect(readFileSync(join(dataset, 'gaps.csv'), 'utf8')).toBe(
      `symbol,from,to\nBTCTRY,${new Date(BAR_START + 40 * MIN).toISOString()},${new Date(BAR_START + 43 * MIN).toISOString()}\n`,
    );
  });

  it('a bar not after the previous one: non_monotonic_timestamp at its line', async () => {
    const bars = randomBars(10);
    const swapped = [...bars.slice(0, 5), bars[6] as Bar, bars[5] as Bar, ...bars.slice(7)];
    const source = writeSource(join(dir, 'binance_BTCTRY_1m_order.csv'), openTimeCsv(swapped));
    expect(await failure([source])).toMatchObject({ code: 'non_monotonic_timestamp', file: source, line: 8 });
  });

  it('insane values and unreadable cells: invalid_value / invalid_timestamp at the line; JSON entries by number', async () => {
    const text = openTimeCsv(randomBars(5)).replace(/\n(.*?),(\d+)\.0,(\d+)\.0,/, '\n$1,$2.0,1.0,');
    const high = writeSource(join(dir, 'binance_BTCTRY_1m_high.csv'), text);
    expect(await failure([high])).toMatchObject({ code: 'invalid_value', line: 2 });
    const time = writeSource(
      join(dir, 'binance_BTCTRY_1m_time.csv'),
      openTimeCsv(randomBars(5)).replace('2022-11-08 22:35', '2022-11-08 25:35'),
    );
    expect(await failure([time])).toMatchObject({ code: 'invalid_timestamp', line: 4 });
    const json = writeSource(
      join(dir, 'BTC_TRY-1m-bad.json'),
      freqtradeJson(randomBars(5)).replace(/\],\n\[(\d+),/, '],\n[$1,"x",'),
    );
    const e = await failure([json]);
    expect(e).toMatchObject({ code: 'invalid_value', line: undefined });
    expect((e as Error).message).toContain('entry 2:');
  });

  it('a file in no known form, a truncated JSON file, an empty or one-bar file', async () => {
    const unknown = writeSource(join(dir, 'binance_BTCTRY_1m_x.csv'), 'a,b,c\n1,2,3\n');
    expect(await failure([unknown])).toMatchObject({ code: 'invalid_schema', line: 1 });
    const truncated = writeSource(join(dir, 'BTC_TRY-1m-cut.json'), freqtradeJson(randomBars(5)).slice(0, -1));
    expect(await failure([truncated])).toMatchObject({ code: 'invalid_schema' });
    const empty = writeSource(join(dir, 'BTC_TRY-1m-empty.json'), '');
    expect(await failure([empty])).toBeInstanceOf(ReplayDatasetError);
    const one = writeSource(join(dir, 'binance_BTCTRY_1m_one.csv'), openTimeCsv(randomBars(1)));
    expect(await failure([one])).toMatchObject({ code: 'insufficient_rows' });
  });

  it('a missing file, a name without a symbol, or a pair without rules is bad input before anything is written', async () => {
    const missing = await failure([join(dir, 'nope.csv')]);
    expect(missing).toBeInstanceOf(ValidationError);
    const nameless = writeSource(join(dir, '2024.csv'), openTimeCsv(randomBars(3)));
    expect(((await failure([nameless])) as Error).message).toMatch(/no pair rules for 2024|tells no symbol/);
    const usdt = writeSource(join(dir, 'binance_BTCUSDT_1m.csv'), openTimeCsv(randomBars(3)));
    expect(((await failure([usdt])) as Error).message).toContain('no pair rules for BTCUSDT');
    expect(readdirSync(dir).some((n) => n.endsWith('.partial'))).toBe(false);
  });

  it('refuses a --dataset that already holds something', async () => {
    const source = writeSource(join(dir, 'binance_BTCTRY_1m_ok.csv'), openTimeCsv(randomBars(3)));
    const { dataset, run } = importInto([source]);
    await run();
    await expect(importDataset({ dataset, from: [source], spreadBps: FIVE, allowGaps: false })).rejects.toThrow(
      /already exists/,
    );
  });
});

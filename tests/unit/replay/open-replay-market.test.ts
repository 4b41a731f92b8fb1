// The ReplayMarket over a dataset folder: rows at or before the clock (never a future one), the newest of equal
// times, the ticker fallback from the candles when there is no ticker file, a malformed row thrown when the clock
// reaches it, and the time range read from the files' first and last rows.
import { afterAll, describe, expect, it } from 'vitest';
import { openReplayMarket } from '../../../local/replay/open-replay-market';
import { ReplayDatasetError } from '../../../shared/domain/errors';
import { bookCsv, candleCsv, iso, removeTempDirs, T0, tickerCsv, validFiles, writeDataset } from './dataset-fixture';

afterAll(removeTempDirs);

const MIN = 60_000;
const plain = (x: { toFixed(): string } | undefined) => x?.toFixed();

describe('openReplayMarket', () => {
  it('shows the newest book and ticker rows at or before the clock, never a later one', () => {
    const market = openReplayMarket(writeDataset(validFiles(5, true)));
    try {
      expect(market.symbols).toEqual(['BTCTRY']);
      expect([market.startMs, market.endMs]).toEqual([T0, T0 + 4 * MIN]);
      market.advanceTo(T0 - 1);
      expect(market.view('BTCTRY')).toEqual({ symbol: 'BTCTRY', book: undefined, ticker: undefined });
      market.advanceTo(T0 + 2 * MIN - 1);
      const view = market.view('BTCTRY');
      expect([view?.book?.tsMs, plain(view?.book?.bid), plain(view?.book?.ask)]).toEqual([T0 + MIN, '100', '102']);
      expect([view?.ticker?.tsMs, plain(view?.ticker?.last), plain(view?.ticker?.high)]).toEqual([
        T0 + MIN,
        '101',
        '111',
      ]);
      market.advanceTo(T0 + 2 * MIN);
      expect(market.view('BTCTRY')?.book?.tsMs).toBe(T0 + 2 * MIN);
      market.advanceTo(T0 + 60 * MIN);
      expect(market.view('BTCTRY')?.book?.tsMs).toBe(T0 + 4 * MIN);
    } finally {
      market.close();
    }
  });

  it('of rows with equal times, the last one in the file is current', () => {
    const book = `ts,best_bid,best_ask\n${iso(0)},1,2\n${iso(1)},3,4\n${iso(1)},5,6\n${iso(2)},7,8\n`;
    const market = openReplayMarket(writeDataset({ ...validFiles(3), orderbook: { 'BTCTRY.csv': book } }));
    market.advanceTo(T0 + MIN);
    expect(plain(market.view('BTCTRY')?.book?.bid)).toBe('5');
    market.close();
  });

  it("without a ticker file the ticker is the newest candle's close: high = low = last, volume 0, its time", () => {
    const market = openReplayMarket(writeDataset(validFiles(3)));
    market.advanceTo(T0 + MIN + 30_000);
    const t = market.view('BTCTRY')?.ticker;
    expect([t?.tsMs, plain(t?.last), plain(t?.high), plain(t?.low), plain(t?.volume)]).toEqual([
      T0 + MIN,
      '101',
      '101',
      '101',
      '0',
    ]);
    market.close();
  });

  it('keeps handing out the same view object until a row changes, and undefined for an unknown symbol', () => {
    const market = openReplayMarket(writeDataset(validFiles(3)));
    market.advanceTo(T0);
    const first = market.view('BTCTRY');
    market.advanceTo(T0 + 30_000);
    expect(market.view('BTCTRY')).toBe(first);
    market.advanceTo(T0 + MIN);
    expect(market.view('BTCTRY')).not.toBe(first);
    expect(market.view('ETHTRY')).toBeUndefined();
    market.close();
  });

  it('refuses to go back in time', () => {
    const market = openReplayMarket(writeDataset(validFiles(3)));
    market.advanceTo(T0 + MIN);
    expect(() => market.advanceTo(T0)).toThrow(RangeError);
    market.close();
  });

  it('throws a malformed row, with its file, line and code, when the clock reaches it', () => {
    const book = bookCsv(5, (i) => (i === 3 ? `${iso(i)},105,101` : `${iso(i)},99,101`));
    const market = openReplayMarket(writeDataset({ ...validFiles(5), orderbook: { 'BTCTRY.csv': book } }));
    market.advanceTo(T0 + MIN);
    let thrown: unknown;
    try {
      market.advanceTo(T0 + 3 * MIN);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ReplayDatasetError);
    expect(thrown).toMatchObject({ code: 'invalid_value', file: 'orderbook/BTCTRY.csv', line: 5 });
    market.close();
  });

  it('spans the earliest first row and the latest last row of the candles and order books of every symbol', () => {
    const market = openReplayMarket(
      writeDataset({
        candles: { 'BTCTRY.csv': candleCsv(3), 'ETHTRY.csv': candleCsv(9) },
        orderbook: { 'BTCTRY.csv': bookCsv(3, (i) => `${iso(i + 1)},99,101`), 'ETHTRY.csv': bookCsv(2) },
        ticker: { 'ETHTRY.csv': tickerCsv(20) },
      }),
    );
    expect([market.symbols, market.startMs, market.endMs]).toEqual([['BTCTRY', 'ETHTRY'], T0, T0 + 8 * MIN]);
    market.close();
  });

  it('fails to open a dataset with a layout problem or a required file without rows', () => {
    expect(() => openReplayMarket(writeDataset({ candles: validFiles().candles }))).toThrow(
      expect.objectContaining({ code: 'missing_orderbook_folder' }),
    );
    const empty = writeDataset({ ...validFiles(2), orderbook: { 'BTCTRY.csv': 'ts,best_bid,best_ask\n' } });
    expect(() => openReplayMarket(empty)).toThrow(expect.objectContaining({ code: 'insufficient_rows' }));
    const noColumn = writeDataset({ ...validFiles(2), candles: { 'BTCTRY.csv': 'ts,open\n1767225600,1\n' } });
    expect(() => openReplayMarket(noColumn)).toThrow(expect.objectContaining({ code: 'invalid_schema', line: 1 }));
  });
});

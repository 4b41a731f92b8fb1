// Every validation code of spec 4.19 and the checks beyond it (gap, invalid_value, bad file names, pair rules),
// each on a tiny dataset written by the test: the code, the file and the line are the ones at fault.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exchangeInfoText } from '../../../local/replay/exchange-info-file';
import { validateDataset } from '../../../local/replay/validate-dataset';
import { dec } from '../../../shared/domain/money';
import {
  bookCsv,
  candleCsv,
  iso,
  removeTempDirs,
  T0,
  tempDir,
  tickerCsv,
  validFiles,
  writeDataset,
} from './dataset-fixture';

afterAll(removeTempDirs);

const PAIR_RULES = { 'exchangeinfo.json': exchangeInfoText([{ symbol: 'BTCTRY', last: dec('100') }], T0) };

/** Code, file and line of each error (file and line only when the error has them) */
const errorsOf = (dir: string) =>
  validateDataset(dir).errors.map(({ code, file, line }) => ({
    code,
    ...(file === undefined ? {} : { file }),
    ...(line === undefined ? {} : { line }),
  }));

describe('validateDataset: layout', () => {
  it('accepts a valid dataset and summarises it', () => {
    const report = validateDataset(writeDataset({ ...validFiles(3, true), top: PAIR_RULES }));
    expect(report).toMatchObject({ errors: [], warnings: [], symbols: ['BTCTRY'], rows: 9, startMs: T0 });
    expect(report.endMs).toBe(T0 + 2 * 60_000);
  });

  it('dataset_missing and dataset_not_directory', () => {
    const dir = tempDir();
    expect(errorsOf(join(dir, 'nope'))).toEqual([{ code: 'dataset_missing' }]);
    writeFileSync(join(dir, 'file'), 'x');
    expect(errorsOf(join(dir, 'file'))).toEqual([{ code: 'dataset_not_directory' }]);
  });

  it('an empty folder: missing_candles_folder and missing_orderbook_folder', () => {
    const dir = join(tempDir(), 'empty');
    mkdirSync(dir);
    expect(errorsOf(dir).map((e) => e.code)).toEqual(['missing_candles_folder', 'missing_orderbook_folder']);
  });

  it('empty candles/ and orderbook/ folders: missing_candles_files and missing_orderbook_files', () => {
    const dir = writeDataset({ candles: {}, orderbook: {}, ticker: {} });
    expect(errorsOf(dir)).toEqual([
      { code: 'missing_candles_files', file: 'candles/' },
      { code: 'missing_orderbook_files', file: 'orderbook/' },
    ]);
  });

  it('ignores files that are not .csv and canonicalises the stem (btc_try.csv is BTCTRY)', () => {
    const dir = writeDataset({
      candles: { 'btc_try.csv': candleCsv(2), 'notes.txt': 'x' },
      orderbook: { 'BTCTRY.csv': bookCsv(2) },
      top: PAIR_RULES,
    });
    expect(validateDataset(dir)).toMatchObject({ errors: [], symbols: ['BTCTRY'] });
  });

  it('invalid_symbol and duplicate_symbol name the file', () => {
    const dir = writeDataset({
      candles: { 'BTCTRY.csv': candleCsv(2), 'btc_try.csv': candleCsv(2), 'btc-try.csv': candleCsv(2) },
      orderbook: { 'BTCTRY.csv': bookCsv(2) },
    });
    expect(errorsOf(dir)).toEqual([
      { code: 'invalid_symbol', file: 'candles/btc-try.csv' },
      { code: 'duplicate_symbol', file: 'candles/btc_try.csv' },
    ]);
  });

  it('symbol_mismatch is a warning when the sets differ, an error when no symbol has both files', () => {
    const report = validateDataset(
      writeDataset({
        candles: { 'BTCTRY.csv': candleCsv(2), 'ETHTRY.csv': candleCsv(2) },
        orderbook: { 'BTCTRY.csv': bookCsv(2) },
        ticker: { 'SOLTRY.csv': tickerCsv(2) },
        top: PAIR_RULES,
      }),
    );
    expect(report.errors).toEqual([]);
    expect(report.symbols).toEqual(['BTCTRY']);
    expect(report.warnings.map((w) => [w.code, w.detail])).toEqual([
      ['symbol_mismatch', expect.stringContaining('left out: ETHTRY')],
      ['symbol_mismatch', expect.stringContaining('SOLTRY')],
    ]);
    const disjoint = writeDataset({ candles: { 'ETHTRY.csv': candleCsv(2) }, orderbook: { 'BTCTRY.csv': bookCsv(2) } });
    expect(errorsOf(disjoint)).toEqual([{ code: 'symbol_mismatch' }]);
  });
});

describe('validateDataset: rows', () => {
  const withCandles = (text: string) => writeDataset({ ...validFiles(2), candles: { 'BTCTRY.csv': text } });

  it('invalid_schema: a missing column (line 1) and a row with the wrong number of cells', () => {
    expect(errorsOf(withCandles('ts,open,high,low,close\n2026-01-01T00:00:00Z,1,1,1,1\n'))).toEqual([
      { code: 'invalid_schema', file: 'candles/BTCTRY.csv', line: 1 },
    ]);
    expect(errorsOf(withCandles(`${candleCsv(2)}${iso(2)},1,1,1\n`))).toEqual([
      { code: 'invalid_schema', file: 'candles/BTCTRY.csv', line: 4 },
    ]);
  });

  it('reads columns by name in any order, extra columns ignored, and the ticker quote_volume or quoteVolume', () => {
    const dir = writeDataset({
      candles: { 'BTCTRY.csv': `volume,close,low,high,open,ts,note\n1,100,99,101,100,${iso(0)},x\n` },
      orderbook: { 'BTCTRY.csv': `best_ask,ts,best_bid\n101,${iso(0)},99\n` },
      ticker: { 'BTCTRY.csv': `ts,last,high,low,volume,quoteVolume\n${iso(0)},100,101,99,2,200\n` },
      top: PAIR_RULES,
    });
    expect(validateDataset(dir).errors).toEqual([]);
  });

  it('invalid_timestamp, with every accepted form beside it', () => {
    const rows = [
      '2026-01-01T00:00:00Z',
      '2026-01-01 00:01:00',
      '2026-01-01T03:02:00.5+03:00',
      '1767225780',
      '1767225840000',
      '2026-02-30T00:00:00Z',
    ].map((ts) => `${ts},100,101,99,100,1`);
    expect(errorsOf(withCandles(['ts,open,high,low,close,volume', ...rows, ''].join('\n')))).toEqual([
      { code: 'invalid_timestamp', file: 'candles/BTCTRY.csv', line: 7 },
    ]);
  });

  it('non_monotonic_timestamp for a row earlier than the previous; equal times are allowed', () => {
    const order = [0, 1, 1, 0, 2];
    const text = ['ts,best_bid,best_ask', ...order.map((i) => `${iso(i)},99,101`), ''].join('\n');
    const dir = writeDataset({ ...validFiles(2), orderbook: { 'BTCTRY.csv': text } });
    expect(errorsOf(dir)).toEqual([{ code: 'non_monotonic_timestamp', file: 'orderbook/BTCTRY.csv', line: 5 }]);
  });

  it('insufficient_rows: a header without rows, or an empty file', () => {
    expect(errorsOf(withCandles('ts,open,high,low,close,volume\n'))).toEqual([
      { code: 'insufficient_rows', file: 'candles/BTCTRY.csv' },
    ]);
    expect(errorsOf(withCandles(''))).toEqual([{ code: 'insufficient_rows', file: 'candles/BTCTRY.csv' }]);
  });

  it('invalid_value: zero or negative prices, high < low, open outside the range, negative volume, not a decimal', () => {
    const bad = ['0,1,0,1,1', '100,99,101,100,1', '104,103,99,100,1', '100,101,99,100,-1', '1e2,101,99,100,1'];
    const text = ['ts,open,high,low,close,volume', ...bad.map((r, i) => `${iso(i)},${r}`), ''].join('\n');
    expect(errorsOf(withCandles(text)).map((e) => [e.code, e.line])).toEqual([
      ['invalid_value', 2],
      ['invalid_value', 3],
      ['invalid_value', 4],
      ['invalid_value', 5],
      ['invalid_value', 6],
    ]);
  });

  it('invalid_value: a crossed book (bid > ask) and a ticker with high < low; bid = ask is allowed', () => {
    const dir = writeDataset({
      candles: { 'BTCTRY.csv': candleCsv(2) },
      orderbook: { 'BTCTRY.csv': `ts,best_bid,best_ask\n${iso(0)},100,100\n${iso(1)},102,101\n` },
      ticker: { 'BTCTRY.csv': `ts,last,high,low,volume\n${iso(0)},100,99,101,1\n` },
    });
    expect(errorsOf(dir)).toEqual([
      { code: 'invalid_value', file: 'orderbook/BTCTRY.csv', line: 3 },
      { code: 'invalid_value', file: 'ticker/BTCTRY.csv', line: 2 },
    ]);
  });

  it('lists 20 problems of a file, then counts the rest', () => {
    const text = candleCsv(50, (i) => `${iso(i)},-1,1,1,1,1`);
    const errors = validateDataset(withCandles(text)).errors;
    expect(errors).toHaveLength(21);
    expect(errors[20]).toMatchObject({ code: 'invalid_value', detail: '30 more problems in this file, not listed' });
  });
});

describe('validateDataset: gaps', () => {
  /** One-minute rows with the 40th to 42nd bars missing (a 4-minute step) */
  const minutes = [...Array.from({ length: 40 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 43 + i)];
  const gappy = ['ts,open,high,low,close,volume', ...minutes.map((i) => `${iso(i)},100,101,99,100,1`), ''].join('\n');

  it('gap: a step longer than 1.5 x the median step of the first rows, at the row after it', () => {
    const dir = writeDataset({ ...validFiles(2), candles: { 'BTCTRY.csv': gappy } });
    const [gap] = validateDataset(dir).errors;
    expect(gap).toMatchObject({ code: 'gap', file: 'candles/BTCTRY.csv', line: 42 });
    expect(gap?.detail).toContain('interval of 60 s, was 240 s');
  });

  it('a gap found among the first rows (before the interval is known) names its line too', () => {
    const early = [0, 1, 5, 6, 7, 8].map((i) => `${iso(i)},100,101,99,100,1`);
    const dir = writeDataset({
      ...validFiles(2),
      candles: { 'BTCTRY.csv': ['ts,open,high,low,close,volume', ...early, ''].join('\n') },
    });
    expect(errorsOf(dir)).toEqual([{ code: 'gap', file: 'candles/BTCTRY.csv', line: 4 }]);
  });

  it('a gap listed in gaps.csv is accepted; a different one is not', () => {
    const listed = `symbol,from,to\nBTCTRY,${iso(39)},${iso(43)}\n`;
    const ok = writeDataset({
      ...validFiles(2),
      candles: { 'BTCTRY.csv': gappy },
      top: { ...PAIR_RULES, 'gaps.csv': listed },
    });
    expect(validateDataset(ok).errors).toEqual([]);
    const other = `symbol,from,to\nBTCTRY,${iso(38)},${iso(43)}\n`;
    const bad = writeDataset({ ...validFiles(2), candles: { 'BTCTRY.csv': gappy }, top: { 'gaps.csv': other } });
    expect(errorsOf(bad)).toEqual([{ code: 'gap', file: 'candles/BTCTRY.csv', line: 42 }]);
  });

  it('a malformed gaps.csv is reported with its line', () => {
    const dir = writeDataset({ ...validFiles(2), top: { 'gaps.csv': `symbol,from,to\nBTCTRY,${iso(3)},yesterday\n` } });
    expect(errorsOf(dir)).toEqual([{ code: 'invalid_timestamp', file: 'gaps.csv', line: 2 }]);
  });

  it('an irregular but gapless series (steps of 1 to 1.5 intervals) passes', () => {
    const secs = [0, 60, 150, 210, 270, 330];
    const rows = secs.map((s) => `${new Date(T0 + s * 1000).toISOString()},100,101,99,100,1`);
    const dir = writeDataset({
      ...validFiles(2),
      candles: { 'BTCTRY.csv': ['ts,open,high,low,close,volume', ...rows, ''].join('\n') },
      top: PAIR_RULES,
    });
    expect(validateDataset(dir).errors).toEqual([]);
  });
});

describe('validateDataset: exchangeinfo.json', () => {
  it('missing_pair_rules warns without the file and for a symbol it does not list', () => {
    expect(validateDataset(writeDataset(validFiles(2))).warnings.map((w) => w.code)).toEqual(['missing_pair_rules']);
    const other = { 'exchangeinfo.json': exchangeInfoText([{ symbol: 'ETHTRY', last: dec('100') }], T0) };
    const report = validateDataset(writeDataset({ ...validFiles(2), top: other }));
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      expect.objectContaining({ code: 'missing_pair_rules', detail: expect.stringContaining('BTCTRY') }),
    ]);
  });

  it('invalid_exchangeinfo: not JSON, not an envelope, or no valid pair', () => {
    for (const text of ['{', '{"success":false,"data":null}', '{"success":true,"data":{"symbols":[{"name":"x"}]}}'])
      expect(errorsOf(writeDataset({ ...validFiles(2), top: { 'exchangeinfo.json': text } }))).toEqual([
        { code: 'invalid_exchangeinfo', file: 'exchangeinfo.json' },
      ]);
  });
});

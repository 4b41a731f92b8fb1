// `replay import` of the real Binance files in ../shared/data/market (each form they come in), read only and
// skipped on a machine without them: row counts, the first and last stamps = open + interval, the ticker at each
// row built only from bars closed by then, the 1h file's outage gaps refused, then listed with --allow-gaps.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../local/replay/import/import-dataset';
import { dec, maxDec, minDec } from '../../shared/domain/money';
import { removeTempDirs, tempDir } from '../unit/replay/dataset-fixture';

afterAll(removeTempDirs);

const MARKET = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'market');
const file = (name: string) => join(MARKET, name);
const ONE_MINUTE = ['BTCTRY', 'ETHTRY', 'USDTTRY'].map((s) => file(`binance_${s}_1m_2022-11-08_2022-11-09.csv.gz`));
const HOURLY = file('binance_BTCTRY_1h_2019-12-20_2026-05-31.csv.gz');

const sourceRows = (path: string) =>
  gunzipSync(readFileSync(path))
    .toString('utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
const datasetRows = (dir: string, kind: string, symbol: string) =>
  readFileSync(join(dir, kind, `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
const newDataset = () => join(tempDir('real'), 'dataset');

const present = existsSync(MARKET);
// the files sit beside the project (../shared/data/market), not in it: a clone without them says so loudly
if (!present) console.error(`\n!!! SKIPPING replay import of the real market files: ${MARKET} is missing !!!\n`);

describe.skipIf(!present)('replay import of the real market files', () => {
  it('the three 1m TRY files (index column, long header, gzip): 1000 rows each, stamped at the close', async () => {
    const dataset = newDataset();
    const result = await importDataset({ dataset, from: ONE_MINUTE, spreadBps: dec('5'), allowGaps: false });
    expect(result.report.errors).toEqual([]);
    expect(result.series.map((s) => [s.symbol, s.rows, s.intervalMs])).toEqual([
      ['BTCTRY', 1000, 60_000],
      ['ETHTRY', 1000, 60_000],
      ['USDTTRY', 1000, 60_000],
    ]);
    const source = sourceRows(ONE_MINUTE[0] as string);
    const tickers = datasetRows(dataset, 'ticker', 'BTCTRY');
    expect(Date.parse(tickers[0]?.[0] ?? '')).toBe(Number(source[0]?.[1]) + 60_000);
    expect(Date.parse(tickers[999]?.[0] ?? '')).toBe(Number(source[999]?.[1]) + 60_000);
    // Binance's own close time is open + 1 min - 1 ms: the row appears 1 ms after it, never before
    expect(Date.parse(tickers[0]?.[0] ?? '')).toBe(Number(source[0]?.[7]) + 1);
    // the window holds every bar so far (the file spans 16.6 h): high, low and volume are running figures
    let [high, low, volume] = [dec('0'), dec(source[0]?.[4] ?? ''), dec('0')];
    tickers.forEach((t, i) => {
      const row = source[i] ?? [];
      [high, low, volume] = [
        maxDec(high, dec(row[3] ?? '')),
        minDec(low, dec(row[4] ?? '')),
        volume.add(dec(row[6] ?? '')),
      ];
      expect(t.slice(1, 5)).toEqual([dec(row[5] ?? '').toFixed(), high.toFixed(), low.toFixed(), volume.toFixed()]);
    });
  });

  it('the 1h Open_Time file: its 15 outage gaps fail the import, --allow-gaps lists them and keeps 56479 rows', async () => {
    await expect(
      importDataset({ dataset: newDataset(), from: [HOURLY], spreadBps: dec('5'), allowGaps: false }),
    ).rejects.toMatchObject({
      code: 'gap',
      file: HOURLY,
      line: 1218,
    });
    const dataset = newDataset();
    const result = await importDataset({ dataset, from: [HOURLY], spreadBps: dec('5'), allowGaps: true });
    expect(result.report.errors).toEqual([]);
    expect([result.gaps, result.series[0]?.rows, result.series[0]?.intervalMs]).toEqual([15, 56_479, 3_600_000]);
    expect([result.series[0]?.firstMs, result.series[0]?.lastMs]).toEqual([
      Date.UTC(2019, 11, 20, 11),
      Date.UTC(2026, 5, 1, 0),
    ]);
    expect(readFileSync(join(dataset, 'gaps.csv'), 'utf8').trim().split('\n')).toHaveLength(16);
  });

  it('refuses BTCUSDT: stage 7 has no pair rules for it', async () => {
    const usdt = file('binance_BTCUSDT_1m_2022-11-08_2022-11-09.csv.gz');
    await expect(
      importDataset({ dataset: newDataset(), from: [usdt], spreadBps: dec('5'), allowGaps: false }),
    ).rejects.toThrow('no pair rules for BTCUSDT');
  });
});

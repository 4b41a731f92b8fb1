// `replay init`: the spec's 6 synthetic BTCTRY rows (base = 100000 + 100 i + randint(0, 5) and its offsets), the
// same bytes for the same seed, the documents, and an empty dataset with --no-synthetic.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initDataset, SYNTHETIC_START_MS } from '../../../local/replay/init-dataset';
import { validateDataset } from '../../../local/replay/validate-dataset';
import { removeTempDirs, tempDir } from './dataset-fixture';

afterAll(removeTempDirs);

const rows = (dir: string, kind: string) =>
  readFileSync(join(dir, kind, 'BTCTRY.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

describe('initDataset', () => {
  it("writes the spec's six one-minute BTCTRY points from 2026-01-01T00:00Z", () => {
    const dir = join(tempDir('init'), 'ds');
    expect(initDataset(dir, { seed: 123, synthetic: true })?.errors).toEqual([]);
    const candles = rows(dir, 'candles');
    const books = rows(dir, 'orderbook');
    const tickers = rows(dir, 'ticker');
    expect(candles).toHaveLength(6);
    candles.forEach(([ts, open, high, low, close, volume], i) => {
      const base = Number(open);
      expect(base - 100_000 - 100 * i).toBeGreaterThanOrEqual(0);
      expect(base - 100_000 - 100 * i).toBeLessThanOrEqual(5);
      expect(Date.parse(ts ?? '')).toBe(SYNTHETIC_START_MS + i * 60_000);
      expect([high, low, close, volume].map(Number)).toEqual([base + 80, base - 80, base + 20, 1.5 + i / 10]);
      expect(books[i]?.slice(1).map(Number)).toEqual([base + 10, base + 30]);
      expect(Number(tickers[i]?.[1])).toBe(base + 20);
    });
    expect(readdirSync(dir).sort()).toEqual([
      'README.md',
      'candles',
      'exchangeinfo.json',
      'orderbook',
      'schema.json',
      'ticker',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')).files['ticker/<SYMBOL>.csv'].columns).toContain(
      'quote_volume',
    );
  });

  it('gives the same rows for the same seed and draws from the seed', () => {
    const text = (seed: number) => {
      const dir = join(tempDir('init'), 'ds');
      initDataset(dir, { seed, synthetic: true });
      return readFileSync(join(dir, 'candles', 'BTCTRY.csv'), 'utf8');
    };
    expect(text(123)).toBe(text(123));
    const draws = new Set([1, 2, 3, 4, 5, 6, 7, 8].map(text));
    expect(draws.size).toBeGreaterThan(1);
  });

  it('--no-synthetic: the folders and documents only (validation then asks for files)', () => {
    const dir = join(tempDir('init'), 'ds');
    expect(initDataset(dir, { seed: 123, synthetic: false })).toBeUndefined();
    expect(readdirSync(join(dir, 'candles'))).toEqual([]);
    expect(validateDataset(dir).errors.map((e) => e.code)).toEqual([
      'missing_candles_files',
      'missing_orderbook_files',
    ]);
  });

  it('refuses a folder that holds something', () => {
    const dir = join(tempDir('init'), 'ds');
    initDataset(dir, { seed: 1, synthetic: false });
    expect(() => initDataset(dir, { seed: 1, synthetic: true })).toThrow(/already exists/);
  });
});

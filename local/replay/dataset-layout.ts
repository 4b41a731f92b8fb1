// The folders and files of a replay dataset (spec 4.19): `candles/*.csv` and `orderbook/*.csv` (required),
// `ticker/*.csv` (optional), one file per symbol named by it (the stem, canonicalised: btc_try.csv is BTCTRY).
// The dataset's symbols are those with both a candles and an order-book file; a difference between the two
// sets (or a ticker file for neither) is the warning symbol_mismatch, and no common symbol at all an error.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalSymbol } from '../../shared/domain/symbols';
import type { DatasetIssue } from './dataset-issues';
import { DATASET_KINDS, type DatasetKind } from './dataset-rows';

export interface DatasetLayout {
  readonly dir: string;
  /** Per kind: symbol -> the file's path relative to the dataset folder (`candles/BTCTRY.csv`) */
  readonly files: Readonly<Record<DatasetKind, ReadonlyMap<string, string>>>;
  /** Sorted: the symbols with both a candles and an order-book file */
  readonly symbols: readonly string[];
}

export interface LayoutCheck {
  /** Undefined when the folder is missing or not a folder; otherwise what could be read, errors or not */
  readonly layout: DatasetLayout | undefined;
  readonly errors: DatasetIssue[];
  readonly warnings: DatasetIssue[];
}

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

export function readLayout(dir: string): LayoutCheck {
  const errors: DatasetIssue[] = [];
  const warnings: DatasetIssue[] = [];
  if (!existsSync(dir))
    return { layout: undefined, errors: [{ code: 'dataset_missing', detail: `${dir} does not exist` }], warnings };
  if (!statSync(dir).isDirectory())
    return {
      layout: undefined,
      errors: [{ code: 'dataset_not_directory', detail: `${dir} is not a folder` }],
      warnings,
    };
  const files = {} as Record<DatasetKind, Map<string, string>>;
  for (const kind of DATASET_KINDS) {
    files[kind] = new Map();
    const folder = join(dir, kind);
    const required = kind === 'ticker' ? undefined : kind;
    if (!isDirectory(folder)) {
      if (required) errors.push({ code: `missing_${required}_folder`, detail: `expected a folder ${kind}/ in ${dir}` });
      continue;
    }
    const names = readdirSync(folder)
      .filter((n) => /\.csv$/i.test(n) && statSync(join(folder, n)).isFile())
      .sort();
    if (names.length === 0 && required)
      errors.push({
        code: `missing_${required}_files`,
        file: `${kind}/`,
        detail: `expected one .csv file per symbol in ${kind}/`,
      });
    for (const name of names) addFile(files[kind], kind, name, errors);
  }
  const candles = [...files.candles.keys()];
  const books = [...files.orderbook.keys()];
  const symbols = candles.filter((s) => files.orderbook.has(s)).sort();
  const onlyOne = [...candles.filter((s) => !files.orderbook.has(s)), ...books.filter((s) => !files.candles.has(s))];
  if (onlyOne.length > 0)
    warnings.push({
      code: 'symbol_mismatch',
      detail: `candles and orderbook list different symbols; left out: ${onlyOne.sort().join(', ')}`,
    });
  const tickerOnly = [...files.ticker.keys()].filter((s) => !symbols.includes(s));
  if (tickerOnly.length > 0)
    warnings.push({
      code: 'symbol_mismatch',
      detail: `ticker files without candles and orderbook: ${tickerOnly.join(', ')}`,
    });
  if (symbols.length === 0 && candles.length > 0 && books.length > 0)
    errors.push({ code: 'symbol_mismatch', detail: 'no symbol has both a candles and an orderbook file' });
  return { layout: { dir, files, symbols }, errors, warnings };
}

function addFile(files: Map<string, string>, kind: DatasetKind, name: string, errors: DatasetIssue[]): void {
  const file = `${kind}/${name}`;
  let symbol: string;
  try {
    symbol = canonicalSymbol(name.replace(/\.csv$/i, ''));
  } catch {
    errors.push({ code: 'invalid_symbol', file, detail: 'expected the file named by its symbol, e.g. BTCTRY.csv' });
    return;
  }
  const other = files.get(symbol);
  if (other !== undefined) {
    errors.push({ code: 'duplicate_symbol', file, detail: `${symbol} already has ${other}` });
    return;
  }
  files.set(symbol, file);
}

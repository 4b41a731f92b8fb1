// A full validation pass over a replay dataset (spec 4.19): its layout, every row of every file (streamed: memory
// stays flat however long the files are), the gaps of each candle series against gaps.csv, and exchangeinfo.json.
// Valid iff no errors. A file's problems are listed up to MAX_LISTED_PER_FILE, then counted, so a file of a
// million bad rows still gives a short report.
import { join } from 'node:path';
import { ReplayDatasetError } from '../../shared/domain/errors';
import { type DatasetIssue, issueOf } from './dataset-issues';
import { type DatasetLayout, readLayout } from './dataset-layout';
import { DATASET_KINDS, type DatasetKind } from './dataset-rows';
import { EXCHANGE_INFO_FILE, readDatasetExchangeInfo } from './exchange-info-file';
import { GapDetector } from './gap-detector';
import { GAPS_FILE, gapKey, readKnownGaps } from './gaps-file';
import { RowCursor } from './row-cursor';
import { isoOf } from './timestamps';

const MAX_LISTED_PER_FILE = 20;

export interface DatasetReport {
  readonly errors: readonly DatasetIssue[];
  readonly warnings: readonly DatasetIssue[];
  /** Sorted: the symbols with both a candles and an order-book file */
  readonly symbols: readonly string[];
  /** Data rows over every file */
  readonly rows: number;
  /** The earliest and the latest row time over the candles and order-book files */
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
}

export function validateDataset(dir: string): DatasetReport {
  const { layout, errors, warnings } = readLayout(dir);
  const report = { errors, warnings, symbols: layout?.symbols ?? [], rows: 0, startMs: undefined, endMs: undefined };
  if (!layout) return report;
  const known = guarded(errors, () => readKnownGaps(dir)) ?? new Set<string>();
  let rows = 0;
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const kind of DATASET_KINDS) {
    for (const [symbol, file] of layout.files[kind]) {
      const checked = checkFile(layout, kind, symbol, file, known, errors);
      rows += checked.rows;
      if (kind !== 'ticker' && checked.rows > 0) {
        startMs = Math.min(startMs, checked.firstMs);
        endMs = Math.max(endMs, checked.lastMs);
      }
    }
  }
  checkPairRules(layout, errors, warnings);
  return { ...report, rows, ...(rows > 0 && endMs >= startMs ? { startMs, endMs } : {}) };
}

/** Runs `read`; a ReplayDatasetError becomes an issue (and undefined), anything else is not ours to hide */
function guarded<T>(issues: DatasetIssue[], read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof ReplayDatasetError)) throw e;
    issues.push(issueOf(e));
    return undefined;
  }
}

function checkFile(
  layout: DatasetLayout,
  kind: DatasetKind,
  symbol: string,
  file: string,
  known: ReadonlySet<string>,
  errors: DatasetIssue[],
): { rows: number; firstMs: number; lastMs: number } {
  let listed = 0;
  let unlisted = 0;
  let firstCode: DatasetIssue['code'] | undefined;
  const add = (issue: DatasetIssue) => {
    firstCode ??= issue.code;
    if (listed < MAX_LISTED_PER_FILE) {
      errors.push(issue);
      listed += 1;
    } else unlisted += 1;
  };
  const cursor = guarded(errors, () => new RowCursor(join(layout.dir, file), file, kind));
  if (!cursor) return { rows: 0, firstMs: 0, lastMs: 0 };
  const gaps =
    kind === 'candles'
      ? new GapDetector<number>((g) => {
          if (known.has(gapKey(symbol, g.fromMs, g.toMs))) return;
          add({
            code: 'gap',
            file,
            line: g.to,
            detail:
              `expected a step <= 1.5 x the series' interval of ${g.intervalMs / 1000} s, was ` +
              `${(g.toMs - g.fromMs) / 1000} s (${isoOf(g.fromMs)} at line ${g.from} to ${isoOf(g.toMs)}); ` +
              `if the source really has this gap, list it in ${GAPS_FILE}`,
          });
        })
      : undefined;
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  let good = 0;
  for (;;) {
    let row: { readonly tsMs: number } | undefined;
    try {
      row = cursor.next();
    } catch (e) {
      if (!(e instanceof ReplayDatasetError)) throw e;
      add(issueOf(e));
      continue;
    }
    if (row === undefined) break;
    good += 1;
    firstMs = Math.min(firstMs, row.tsMs);
    lastMs = Math.max(lastMs, row.tsMs);
    gaps?.push(row.tsMs, cursor.line);
  }
  gaps?.finish();
  if (cursor.rows === 0) add({ code: 'insufficient_rows', file, detail: 'expected at least 1 row, was only a header' });
  if (unlisted > 0 && firstCode !== undefined)
    errors.push({ code: firstCode, file, detail: `${unlisted} more problems in this file, not listed` });
  return { rows: good, firstMs, lastMs };
}

/** exchangeinfo.json, when present, must parse; a symbol without pair rules is a warning (its pair is blocked) */
function checkPairRules(layout: DatasetLayout, errors: DatasetIssue[], warnings: DatasetIssue[]): void {
  const rules = guarded(errors, () => readDatasetExchangeInfo(layout.dir));
  if (rules === undefined) {
    if (errors.some((e) => e.code === 'invalid_exchangeinfo')) return;
    warnings.push({
      code: 'missing_pair_rules',
      detail: `no ${EXCHANGE_INFO_FILE}: a backtest needs pair rules from elsewhere (e.g. --pair-info-json)`,
    });
    return;
  }
  for (const e of rules.invalid)
    warnings.push({ code: 'invalid_exchangeinfo', file: EXCHANGE_INFO_FILE, detail: e.message });
  // the schema admits only letters, digits and `_`: canonical is the upper case without `_`
  const listed = new Set(rules.pairs.map((p) => p.symbol.toUpperCase().replaceAll('_', '')));
  const missing = layout.symbols.filter((s) => !listed.has(s));
  if (missing.length > 0)
    warnings.push({
      code: 'missing_pair_rules',
      file: EXCHANGE_INFO_FILE,
      detail: `no pair rules for ${missing.join(', ')}: a backtest cannot trade them`,
    });
}

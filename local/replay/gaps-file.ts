// `gaps.csv`: the gaps a dataset's candle series are known to have (an exchange outage in the source, a capture
// poll that came late), one row per gap: `symbol,from,to` (the times of the rows on either side). Validation
// refuses a gap (code gap) unless it is listed here: an importer writes the file only when told the source's gaps
// are real (`--allow-gaps`), and a capture lists the gaps it saw, so a broken download never passes silently.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayDatasetError } from '../../shared/domain/errors';
import { canonicalSymbol } from '../../shared/domain/symbols';
import { readLinesSync } from '../files/line-reader';
import { isoOf, parseTimestampMs } from './timestamps';

export const GAPS_FILE = 'gaps.csv';
const HEADER = 'symbol,from,to';

export interface KnownGap {
  readonly symbol: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export const gapKey = (symbol: string, fromMs: number, toMs: number): string => `${symbol} ${fromMs} ${toMs}`;

/**
 * The dataset's known gaps as keys (gapKey), empty without a gaps.csv.
 * @throws ReplayDatasetError invalid_schema, invalid_symbol or invalid_timestamp naming the line
 */
export function readKnownGaps(dir: string): Set<string> {
  const path = join(dir, GAPS_FILE);
  const keys = new Set<string>();
  if (!existsSync(path)) return keys;
  for (const { text, line } of readLinesSync(path)) {
    if (text.trim() === '') continue;
    if (line === 1) {
      if (text.trim().toLowerCase() !== HEADER)
        throw new ReplayDatasetError('invalid_schema', `expected the header ${HEADER}, was ${text}`, GAPS_FILE, 1);
      continue;
    }
    const cells = text.split(',').map((c) => c.trim());
    if (cells.length !== 3)
      throw new ReplayDatasetError('invalid_schema', `expected 3 cells, was ${cells.length}`, GAPS_FILE, line);
    const [symbolText, fromText, toText] = cells as [string, string, string];
    let symbol: string;
    try {
      symbol = canonicalSymbol(symbolText);
    } catch {
      throw new ReplayDatasetError(
        'invalid_symbol',
        `expected a pair such as BTCTRY, was ${symbolText}`,
        GAPS_FILE,
        line,
      );
    }
    const fromMs = parseTimestampMs(fromText);
    const toMs = parseTimestampMs(toText);
    if (fromMs === undefined || toMs === undefined || toMs <= fromMs)
      throw new ReplayDatasetError(
        'invalid_timestamp',
        `expected two times, from before to, was ${fromText}, ${toText}`,
        GAPS_FILE,
        line,
      );
    keys.add(gapKey(symbol, fromMs, toMs));
  }
  return keys;
}

export const gapsText = (gaps: readonly KnownGap[]): string =>
  [HEADER, ...gaps.map((g) => `${g.symbol},${isoOf(g.fromMs)},${isoOf(g.toMs)}`), ''].join('\n');

// Candle series as CSV: `#` header comments, then `time_ms,open,high,low,close,volume[,spread_bps]`.
// The parser checks every row (plain decimals, low <= open/close <= high, increasing time) and names the line.
import { readFileSync } from 'node:fs';
import { dec, isDecimalString, maxDec, minDec } from '../../shared/domain/money';
import { CANDLE_COLUMNS, type Candle } from './candle';

export function formatCandleCsv(candles: readonly Candle[], comments: readonly string[] = []): string {
  const header = [...CANDLE_COLUMNS, 'spread_bps'].join(',');
  const rows = candles.map((c) => [c.timeMs, c.open, c.high, c.low, c.close, c.volume, c.spreadBps ?? ''].join(','));
  return [...comments.map((line) => `# ${line}`), header, ...rows, ''].join('\n');
}

export function parseCandleCsv(text: string, source = 'csv'): Candle[] {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line: line.trim(), no: i + 1 }));
  const content = lines.filter((l) => l.line !== '' && !l.line.startsWith('#'));
  const [head, ...rows] = content;
  if (!head) throw new Error(`${source}: expected a header row, file is empty`);
  const columns = head.line.split(',').map((c) => c.trim().toLowerCase());
  const index = (name: string) => columns.indexOf(name);
  const missing = CANDLE_COLUMNS.filter((c) => index(c) < 0);
  if (missing.length > 0) throw new Error(`${source}:${head.no}: expected columns ${missing.join(', ')}`);
  let lastTime = Number.NEGATIVE_INFINITY;
  return rows.map(({ line, no }) => {
    const cells = line.split(',').map((c) => c.trim());
    const cell = (name: string) => cells[index(name)] ?? '';
    const fail = (what: string): never => {
      throw new Error(`${source}:${no}: ${what}`);
    };
    const timeMs = Number(cell('time_ms'));
    if (!Number.isSafeInteger(timeMs) || timeMs <= lastTime)
      fail(`expected time_ms increasing, was ${cell('time_ms')}`);
    lastTime = timeMs;
    for (const name of CANDLE_COLUMNS.slice(1)) {
      if (!isDecimalString(cell(name)) || dec(cell(name)).isNeg()) fail(`expected ${name} a plain decimal >= 0`);
    }
    const [open, high, low, close] = ['open', 'high', 'low', 'close'].map((n) => dec(cell(n)));
    if (!open || !high || !low || !close) return fail('missing prices');
    if (low.lte(0) || high.lt(maxDec(open, close)) || low.gt(minDec(open, close)))
      fail('expected 0 < low <= open, close <= high');
    const spread = index('spread_bps') >= 0 && cell('spread_bps') !== '' ? cell('spread_bps') : undefined;
    if (spread !== undefined && !isDecimalString(spread)) fail(`expected spread_bps a plain decimal, was ${spread}`);
    return {
      timeMs,
      open: cell('open'),
      high: cell('high'),
      low: cell('low'),
      close: cell('close'),
      volume: cell('volume'),
      spreadBps: spread,
    };
  });
}

export const loadCandleCsv = (path: string): Candle[] => parseCandleCsv(readFileSync(path, 'utf8'), path);

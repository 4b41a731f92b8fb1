// The symbol a candle file is of, from its name: binance_BTCTRY_1m_2022-11-08_2022-11-09.csv.gz (this project's
// market files), BTCTRY-1m-2024-01.csv (data.binance.vision), BTC_TRY-1m.json and BTC_USDT_USDT-5m-futures.json
// (Freqtrade). Undefined when the name says nothing usable (then --symbol is needed).
import { basename } from 'node:path';
import { canonicalSymbol, QUOTE_SUFFIXES } from '../../../shared/domain/symbols';

export function symbolOfFileName(path: string): string | undefined {
  const stem = basename(path)
    .replace(/\.gz$/i, '')
    .replace(/\.(csv|json)$/i, '');
  const tokens = (stem.split('-')[0] ?? '').split('_').filter((t) => t !== '');
  if (tokens[0]?.toLowerCase() === 'binance') tokens.shift();
  const [first, second] = tokens;
  if (first === undefined) return undefined;
  // Freqtrade spells a pair BASE_QUOTE
  const quote = second !== undefined && (QUOTE_SUFFIXES as readonly string[]).includes(second.toUpperCase());
  try {
    return canonicalSymbol(quote ? `${first}${second}` : first);
  } catch {
    return undefined;
  }
}

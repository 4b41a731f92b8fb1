// `btcbot backtest --pair-info-json <file>` (spec 4.18): the pairs' exchange info when the dataset has no
// `exchangeinfo.json`: a JSON array of BTCTurk exchangeinfo symbol objects (the `data.symbols` list of
// GET /api/v2/server/exchangeinfo), read with the venue's own number handling (exact source text) and parsed by
// the gateway's own pairsOf, so a pair gets the rules the deployed function would derive from the venue.
import { readFileSync } from 'node:fs';
import { pairsOf } from '../../shared/adapters/btcturk/exchange-info';
import { parseVenueJson } from '../../shared/adapters/btcturk/venue-json';
import { BacktestError } from '../../shared/domain/errors';
import type { PairMetadata } from '../../shared/domain/exchange-rules';

/** @throws BacktestError the file is missing, not JSON, not an array, or lists no well-formed pair */
export function readPairInfoJson(path: string): PairMetadata[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BacktestError(`--pair-info-json ${path}: cannot be read (${(e as NodeJS.ErrnoException).code})`);
  }
  let json: unknown;
  try {
    json = parseVenueJson(text);
  } catch (e) {
    throw new BacktestError(`--pair-info-json ${path}: expected JSON, was not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(json)) {
    throw new BacktestError(`--pair-info-json ${path}: expected an array of exchangeinfo symbol objects`);
  }
  const { pairs, invalid } = pairsOf({ symbols: json });
  const [first] = invalid;
  if (first !== undefined) throw new BacktestError(`--pair-info-json ${path}: ${first.message}`);
  if (pairs.length === 0) throw new BacktestError(`--pair-info-json ${path}: expected at least one pair, was empty`);
  return pairs;
}

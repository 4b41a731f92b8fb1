// `exchangeinfo.json` of a dataset: a BTCTurk GET /api/v2/server/exchangeinfo response body (the envelope with
// `data.symbols`), the pair rules a backtest of the dataset trades under. Read with the gateway's own parser
// (lossless numbers, the same per-pair schema and mapping), so a backtest and a local run against the simulator
// derive the same rules from the same body; written for generated and imported data in the simulator's own
// rendering of its pair table.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvelopeSchema } from '../../shared/adapters/btcturk/btcturk-schemas';
import { ExchangeInfoDataSchema, pairsOf } from '../../shared/adapters/btcturk/exchange-info';
import { parseVenueJson } from '../../shared/adapters/btcturk/venue-json';
import { ReplayDatasetError, type ValidationError } from '../../shared/domain/errors';
import type { PairMetadata } from '../../shared/domain/exchange-rules';
import { ceilToStep, type Dec, floorToStep, maxDec, toPlain } from '../../shared/domain/money';
import { type JsonValue, jsonText, RawNumber } from '../btcturk-sim/json-text';
import { exchangeInfoBody, exchangeInfoSymbol, simPair } from '../btcturk-sim/pairs';

export const EXCHANGE_INFO_FILE = 'exchangeinfo.json';

export interface DatasetPairRules {
  /** Every well-formed pair of the body */
  readonly pairs: PairMetadata[];
  /** One error per pair left out, as the gateway leaves it out (that pair has no rules; the others stay usable) */
  readonly invalid: ValidationError[];
}

/**
 * The pair rules of the dataset in `dir`, or undefined when it has no exchangeinfo.json.
 * @throws ReplayDatasetError invalid_exchangeinfo: not JSON, not a success envelope, no `data.symbols` list, or
 *   pairs listed but none well-formed (the gateway's own rule)
 */
export function readDatasetExchangeInfo(dir: string): DatasetPairRules | undefined {
  const path = join(dir, EXCHANGE_INFO_FILE);
  if (!existsSync(path)) return undefined;
  const fail = (detail: string): never => {
    throw new ReplayDatasetError('invalid_exchangeinfo', detail, EXCHANGE_INFO_FILE);
  };
  let body: unknown;
  try {
    body = parseVenueJson(readFileSync(path, 'utf8'));
  } catch (e) {
    return fail(`expected JSON text, was not JSON (${(e as Error).message})`);
  }
  const envelope = EnvelopeSchema.safeParse(body);
  if (!envelope.success || envelope.data.success === false)
    return fail('expected the body of a successful GET /api/v2/server/exchangeinfo ({"data": ..., "success": true})');
  const data = ExchangeInfoDataSchema.safeParse(envelope.data.data);
  if (!data.success) return fail('expected data.symbols to be a list of pairs');
  const { pairs, invalid } = pairsOf(data.data);
  const [first] = invalid;
  if (pairs.length === 0 && first !== undefined)
    fail(`expected a valid pair, was ${invalid.length} malformed, the first: ${first.message}`);
  return { pairs, invalid };
}

/** Where a pair's prices ended, and what the dataset's prices span (just `last` when not given) */
export interface PairPriceRange {
  readonly symbol: string;
  readonly last: Dec;
  readonly low?: Dec;
  readonly high?: Dec;
}

/**
 * The exchangeinfo body the simulator would serve for the pairs at `serverTimeMs` (its own symbol objects), with
 * one change: the simulator's limit-price band is dynamic (0.1x to 10x of the current last price), which a file
 * cannot be, and a band around one price would refuse the prices of a long dataset's other years (BTCTRY went
 * from 42,000 to 3,400,000 TRY in the 1h file). So the band spans the data: lowest low / 10 to highest high x 10,
 * on the tick (the simulator's own band when only `last` is given); like the venue's, it never binds a price
 * near the market.
 * @throws RangeError a symbol the simulator's pair table does not know (local/market/pairs.ts)
 */
export function exchangeInfoText(pairs: readonly PairPriceRange[], serverTimeMs: number): string {
  const symbols = pairs.map((p) => {
    const pair = simPair(p.symbol);
    const symbol = exchangeInfoSymbol(pair, p.last) as Readonly<Record<string, JsonValue>>;
    if (p.low === undefined && p.high === undefined) return symbol;
    const low = maxDec(floorToStep((p.low ?? p.last).div(10), pair.tick), pair.tick);
    const high = ceilToStep((p.high ?? p.last).mul(10), pair.tick);
    return {
      ...symbol,
      minimumLimitOrderPrice: new RawNumber(toPlain(low)),
      maximumLimitOrderPrice: new RawNumber(toPlain(high)),
    };
  });
  return `${jsonText(exchangeInfoBody(symbols, serverTimeMs))}\n`;
}

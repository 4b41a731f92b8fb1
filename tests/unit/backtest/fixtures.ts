// What the backtest's tests run on: the simulator's pair table as exchangeinfo symbols (min order value 10 TRY
// and the price band around each walk's start, so rebalances of a 1000 TRY account trade), and the stage 7
// configuration a backtest loads, with seeded rejects so rejected and partially filled orders occur.
import { jsonText } from '../../../local/btcturk-sim/json-text';
import { exchangeInfoSymbol, simPair } from '../../../local/btcturk-sim/pairs';
import { pairsOf } from '../../../shared/adapters/btcturk/exchange-info';
import { parseVenueJson } from '../../../shared/adapters/btcturk/venue-json';
import { type Config, loadConfig } from '../../../shared/config/load-config';
import { stage7Environment } from '../../../shared/config/stage7-environment';
import type { PairMetadata } from '../../../shared/domain/exchange-rules';
import { dec } from '../../../shared/domain/money';

export const START_MS = Date.UTC(2026, 0, 1);
/** Each walk's first price */
export const BASES = { BTCTRY: '3000000', ETHTRY: '100000' } as const;

/** The exchangeinfo `symbols` list as JSON text (what --pair-info-json reads) */
export const pairInfoJsonText = (): string =>
  jsonText(
    Object.entries(BASES).map(([s, base]) => exchangeInfoSymbol({ ...simPair(s), minExchangeValue: '10' }, dec(base))),
  );

export const testPairs = (): PairMetadata[] =>
  pairsOf({ symbols: parseVenueJson(pairInfoJsonText()) as unknown[] }).pairs;

export const BACKTEST_ENV = { SYMBOLS: 'BTCTRY,ETHTRY', STAGE7_SIM_REJECT_PROB_BPS: '2000' } as const;

export const testSettings = (env: Record<string, string> = {}): Config =>
  loadConfig(stage7Environment({ ...BACKTEST_ENV, ...env }));

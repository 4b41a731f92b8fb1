// Options of startSimulator, with their defaults. Amounts are decimal strings; times are ms.
import type { Clock } from '../../shared/ports/clock';
import type { ReplayMarket } from '../replay/replay-market';
import type { FaultSettings } from './fault-settings';
import type { FeeOptions } from './fees';
import type { CandleSource } from './market-feed';

export interface SimulatorOptions {
  /** 0 (default): the OS picks a free port; the simulator always listens on 127.0.0.1 */
  readonly port?: number;
  /** Seeds the generated market, the book, generated client ids and every fault decision (default 1) */
  readonly seed?: number | string;
  /** Simulated or system time (default SystemClock); the market follows it */
  readonly clock?: Clock;
  /** Pairs served (default BTCTRY, ETHTRY, SOLTRY); see local/market/pairs.ts */
  readonly symbols?: readonly string[];
  /** Candle series per symbol (e.g. from loadCandleCsv, or pulled from a file); others get the seeded generator */
  readonly market?: Readonly<Record<string, CandleSource>>;
  /**
   * A replay dataset (`btcbot local --dataset`): the tickers are its rows current at the server time, and the
   * exchange info is the dataset's exchangeinfo.json body as written (else the pair table with a price band
   * around the replayed price): exactly what a backtest of the same dataset reads. The generated market still
   * backs the order book and the matching engine, so a replay run serves stage 7 (tickers and exchange info) only.
   */
  readonly replay?: { readonly market: ReplayMarket; readonly exchangeInfoBody?: string };
  /** Interval of generated candles (default 60000) */
  readonly candleIntervalMs?: number;
  readonly apiKey?: string;
  /** Base64 API secret */
  readonly apiSecret?: string;
  /** Initial totals per asset of the account apiKey opens (default 1,000,000 TRY and some of each base asset) */
  readonly balances?: Readonly<Record<string, string>>;
  /** Name of the account apiKey opens (default `default`): the control surface's account when none is named */
  readonly accountName?: string;
  /**
   * More accounts on the venue, each opened by its own API key: balances, open orders, order history and trades
   * are per account, as on BTCTurk; the market (book, candle volume) is one for all
   */
  readonly accounts?: readonly SimAccountOptions[];
  /** Maker 0.0005, taker 0.0009, tax 0.2 on the commission by default */
  readonly fees?: FeeOptions;
  /** Share of a candle's volume resting orders may fill per side (default 0.05) */
  readonly participation?: string;
  /** Spread for candles that carry none, in bps (default 5) */
  readonly defaultSpreadBps?: string;
  /** Delay from an accepted cancel to its settlement, in simulator ms (default 0: at the next request) */
  readonly cancelDelayMs?: number;
  /** Balances with comma decimal separators, as the current official example shows (default false) */
  readonly commaDecimals?: boolean;
  /** Order objects carry `time: 0`, as real data often does (default true) */
  readonly zeroOrderTime?: boolean;
  /** Enforce the documented rate limits (default true) */
  readonly rateLimits?: boolean;
  /** A profile name (`none`, `flaky`, `lost-responses`, `rate-limited`, `clock-skew`, `slow`) or settings */
  readonly faults?: string | (Partial<FaultSettings> & { readonly profile?: string });
}

export interface SimAccountOptions {
  /** Unique on the venue; e.g. the bot account (BOT_ACCOUNT) that trades it */
  readonly name: string;
  readonly apiKey: string;
  /** Base64 API secret */
  readonly apiSecret: string;
  /** Initial totals per asset (decimal strings) */
  readonly balances: Readonly<Record<string, string>>;
}

export const DEFAULT_ACCOUNT_NAME = 'default';
export const DEFAULT_API_KEY = 'sim-public-key';
/** base64 of `sim-secret-key-for-local-runs` */
export const DEFAULT_API_SECRET = Buffer.from('sim-secret-key-for-local-runs').toString('base64');
export const DEFAULT_SYMBOLS = ['BTCTRY', 'ETHTRY', 'SOLTRY'] as const;
export const DEFAULT_BALANCES: Readonly<Record<string, string>> = {
  TRY: '1000000',
  BTC: '0.5',
  ETH: '10',
  SOL: '100',
  AVAX: '200',
  XRP: '5000',
};

// The simulated exchange's state, built from the options: pairs and their markets, balances, the matching
// engine, rate limiter and fault plan. `sync` brings the market and pending cancels to the server time.

import { SystemClock } from '../../shared/adapters/clock/system-clock';
import { dec } from '../../shared/domain/money';
import type { Clock } from '../../shared/ports/clock';
import { createCandleStream } from '../market/garch-generator';
import { createPrng, type Prng } from '../market/prng';
import { Accounts } from './accounts';
import type { ApiCredentials } from './auth';
import { MatchingEngine } from './engine';
import { FaultPlan } from './fault-plan';
import { type FaultSettings, NO_FAULTS, profileSettings } from './fault-settings';
import { feeSchedule } from './fees';
import { MarketFeed } from './market-feed';
import {
  DEFAULT_ACCOUNT_NAME,
  DEFAULT_API_KEY,
  DEFAULT_API_SECRET,
  DEFAULT_BALANCES,
  DEFAULT_SYMBOLS,
  type SimulatorOptions,
} from './options';
import { type SimPair, simPair } from './pairs';
import { RateLimiter } from './rate-limit';

export function faultSettingsOf(spec: SimulatorOptions['faults']): FaultSettings {
  if (spec === undefined) return NO_FAULTS;
  if (typeof spec === 'string') return profileSettings(spec);
  const { profile, ...overrides } = spec;
  return { ...profileSettings(profile ?? 'none'), ...overrides };
}

/** One account of the venue: the API key that opens it and its balances */
export interface VenueAccount {
  readonly name: string;
  readonly credentials: ApiCredentials;
  readonly holdings: Accounts;
}

export class Venue {
  readonly seed: number | string;
  readonly clock: Clock;
  readonly pairs = new Map<string, SimPair>();
  readonly feeds = new Map<string, MarketFeed>();
  /** The balances of the account apiKey opens (the control surface's account when none is named) */
  readonly accounts: Accounts;
  /** Every account by name, the one above first */
  readonly accountsByName = new Map<string, VenueAccount>();
  readonly engine: MatchingEngine;
  readonly limiter = new RateLimiter();
  readonly faults: FaultPlan;
  readonly credentials: ApiCredentials;
  readonly #ids: Prng;
  #replayedTo = Number.NEGATIVE_INFINITY;
  commaDecimals: boolean;

  constructor(readonly options: SimulatorOptions) {
    this.seed = options.seed ?? 1;
    this.clock = options.clock ?? new SystemClock();
    this.credentials = {
      apiKey: options.apiKey ?? DEFAULT_API_KEY,
      apiSecret: options.apiSecret ?? DEFAULT_API_SECRET,
    };
    this.commaDecimals = options.commaDecimals ?? false;
    this.#ids = createPrng(this.seed, 'client-ids');
    const startMs = this.clock.nowMs();
    for (const symbol of options.symbols ?? DEFAULT_SYMBOLS) {
      const pair = simPair(symbol);
      const given = options.market?.[pair.symbol];
      const source =
        given ?? createCandleStream({ pair, seed: this.seed, startMs, intervalMs: options.candleIntervalMs });
      this.pairs.set(pair.symbol, pair);
      this.feeds.set(pair.symbol, new MarketFeed(pair, source, options.defaultSpreadBps ?? '5'));
    }
    this.accounts = new Accounts(options.balances ?? DEFAULT_BALANCES);
    this.#addAccount({ name: this.primaryAccount, credentials: this.credentials, holdings: this.accounts });
    for (const a of options.accounts ?? []) {
      const credentials = { apiKey: a.apiKey, apiSecret: a.apiSecret };
      this.#addAccount({ name: a.name, credentials, holdings: new Accounts(a.balances) });
    }
    const participation = dec(options.participation ?? '0.05');
    this.engine = new MatchingEngine(
      this.feeds,
      (owner) => this.accountNamed(owner).holdings,
      feeSchedule(options.fees),
      participation,
      this.seed,
    );
    this.faults = new FaultPlan(this.seed);
    this.faults.set(faultSettingsOf(options.faults));
    this.sync();
  }

  get primaryAccount(): string {
    return this.options.accountName ?? DEFAULT_ACCOUNT_NAME;
  }

  #addAccount(a: VenueAccount): void {
    const clash = [...this.accountsByName.values()].find((b) => b.credentials.apiKey === a.credentials.apiKey);
    if (this.accountsByName.has(a.name) || clash)
      throw new RangeError(`simulator account ${a.name}: its name and API key must be unique on the venue`);
    this.accountsByName.set(a.name, a);
  }

  /** @throws RangeError for an account the venue does not hold */
  accountNamed(name: string): VenueAccount {
    const account = this.accountsByName.get(name);
    if (!account) throw new RangeError(`no simulator account ${name}`);
    return account;
  }

  /** The account an API key opens; undefined for a key the venue never issued */
  accountOfKey(apiKey: string | undefined): VenueAccount | undefined {
    return [...this.accountsByName.values()].find((a) => a.credentials.apiKey === apiKey);
  }

  /** Server time as clients see it: the clock plus the configured skew */
  serverNowMs(): number {
    return this.clock.nowMs() + this.faults.settings.clockSkewMs;
  }

  sync(): void {
    const now = this.serverNowMs();
    this.engine.sync(now);
    // a replay only moves forward: a clock-skew fault that steps back leaves it where it was
    if (this.options.replay && now > this.#replayedTo) {
      this.options.replay.market.advanceTo(now);
      this.#replayedTo = now;
    }
  }

  /** `BTCTRY`, `btc_try` and `BTC_TRY` all name the same pair */
  pairOf(symbol: string): SimPair | undefined {
    return this.pairs.get(symbol.toUpperCase().replaceAll('_', ''));
  }

  feedOf(pair: SimPair): MarketFeed {
    const feed = this.feeds.get(pair.symbol);
    if (!feed) throw new RangeError(`no market for ${pair.symbol}`);
    return feed;
  }

  /** A GUID-shaped client id from the seeded stream, for orders submitted without one */
  newClientId(): string {
    const hex = Array.from({ length: 32 }, () => this.#ids.int(16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

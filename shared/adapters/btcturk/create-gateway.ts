// Builds the BTCTurk gateway from configuration values (the loaded Config satisfies GatewaySettings):
// one keep-alive agent, the rate budgets, breaker and retry settings, the orderbook cache TTL of spec 1.11 and
// the exchangeinfo cache TTL (RULES_CACHE_TTL_SEC, spec 2.9).
import type { Dispatcher } from 'undici';
import type { Clock } from '../../ports/clock';
import type { CredentialsProvider } from '../../ports/credentials';
import { createBtcturkAgent } from './btcturk-agent';
import { BtcturkExchangeGateway } from './btcturk-gateway';
import { DEFAULT_BREAKER } from './circuit-breaker';

export interface GatewaySettings {
  readonly BTCTURK_BASE_URL: string;
  readonly BTCTURK_HTTP_MAX_CONNECTIONS: number;
  readonly BTCTURK_CONNECT_TIMEOUT_MS: number;
  readonly BTCTURK_HEADERS_TIMEOUT_MS: number;
  readonly BTCTURK_BODY_TIMEOUT_MS: number;
  readonly BTCTURK_CLOCK_SYNC_INTERVAL_SECONDS: number;
  readonly BTCTURK_REST_MAX_RETRIES: number;
  readonly BTCTURK_REST_BASE_DELAY_MS: number;
  readonly BTCTURK_REST_MAX_DELAY_MS: number;
  readonly MAX_RETRY_TOTAL_SLEEP_S: number;
  readonly BTCTURK_RATE_LIMIT_RPS: number;
  readonly BTCTURK_RATE_LIMIT_BURST: number;
  readonly RATE_LIMIT_MARKETDATA_TPS: number;
  readonly RATE_LIMIT_MARKETDATA_BURST: number;
  readonly RATE_LIMIT_ACCOUNT_TPS: number;
  readonly RATE_LIMIT_ACCOUNT_BURST: number;
  readonly RATE_LIMIT_ORDERS_TPS: number;
  readonly RATE_LIMIT_ORDERS_BURST: number;
  readonly BREAKER_429_CONSECUTIVE_THRESHOLD: number;
  readonly BREAKER_COOLDOWN_SECONDS: number;
  readonly ORDERBOOK_TTL_MS: number;
  readonly RULES_CACHE_TTL_SEC: number;
}

export function createBtcturkGateway(
  s: GatewaySettings,
  credentials: CredentialsProvider,
  clock: Clock,
  dispatcher: Dispatcher = createBtcturkAgent({
    connections: s.BTCTURK_HTTP_MAX_CONNECTIONS,
    connectTimeoutMs: s.BTCTURK_CONNECT_TIMEOUT_MS,
    keepAliveTimeoutMs: 4_000,
  }),
): BtcturkExchangeGateway {
  return new BtcturkExchangeGateway({
    baseUrl: s.BTCTURK_BASE_URL,
    dispatcher,
    credentials: () => credentials.get(),
    clock,
    timeouts: { headersTimeoutMs: s.BTCTURK_HEADERS_TIMEOUT_MS, bodyTimeoutMs: s.BTCTURK_BODY_TIMEOUT_MS },
    budgets: {
      market_data: { ratePerSecond: s.RATE_LIMIT_MARKETDATA_TPS, burst: s.RATE_LIMIT_MARKETDATA_BURST },
      account: { ratePerSecond: s.RATE_LIMIT_ACCOUNT_TPS, burst: s.RATE_LIMIT_ACCOUNT_BURST },
      orders: { ratePerSecond: s.RATE_LIMIT_ORDERS_TPS, burst: s.RATE_LIMIT_ORDERS_BURST },
      default: { ratePerSecond: s.BTCTURK_RATE_LIMIT_RPS, burst: s.BTCTURK_RATE_LIMIT_BURST },
    },
    breaker: {
      ...DEFAULT_BREAKER,
      consecutiveFailures: s.BREAKER_429_CONSECUTIVE_THRESHOLD,
      cooldownMs: s.BREAKER_COOLDOWN_SECONDS * 1000,
    },
    retry: {
      maxAttempts: Math.max(1, s.BTCTURK_REST_MAX_RETRIES),
      baseDelayMs: s.BTCTURK_REST_BASE_DELAY_MS,
      maxDelayMs: s.BTCTURK_REST_MAX_DELAY_MS,
      maxTotalSleepMs: s.MAX_RETRY_TOTAL_SLEEP_S * 1000,
      jitterSeed: 17,
    },
    clockSyncIntervalMs: s.BTCTURK_CLOCK_SYNC_INTERVAL_SECONDS * 1000,
    orderBookTtlMs: s.ORDERBOOK_TTL_MS,
    rulesCacheTtlMs: s.RULES_CACHE_TTL_SEC * 1000,
  });
}

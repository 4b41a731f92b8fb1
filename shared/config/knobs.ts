// Every configuration knob of spec section 1, in one table: name, aliases, default, unit, range.
// This file stays whole on purpose: it is the single declarative list the loader and README are built from.

import type { z } from 'zod';
import { type Dec, dec, isDecimalString } from '../domain/money';
import { ANOMALY_CODES } from '../domain/risk/anomalies';
import { canonicalSymbol, splitListText } from '../domain/symbols';
import { apiKeyProblem, apiSecretProblem } from './api-credentials';
import { fail, knob, ParseFailure } from './knob';
import {
  accountNameProblem,
  envNameProblem,
  parameterNameProblem,
  queueUrlProblem,
  secretIdProblem,
  tableNameProblem,
} from './resource-names';

export interface WeightEntry {
  readonly key: string;
  readonly weight: Dec;
}

/** `{"BTCTRY":0.5,"ETHTRY":0.5}` or `BTCTRY:0.5,ETHTRY:0.5`, read as text so weights stay exact */
export function parseWeights(raw: string, normalizeKey: (k: string) => string): WeightEntry[] | ParseFailure {
  const body = raw.trim().replace(/^\{/, '').replace(/\}$/, '');
  const entries: WeightEntry[] = [];
  for (const part of splitListText(body)) {
    const at = part.lastIndexOf(':');
    const key = part
      .slice(0, at)
      .trim()
      .replace(/^["']+|["']+$/g, '');
    const value = part.slice(at + 1).trim();
    if (at <= 0 || key.length === 0 || !isDecimalString(value))
      return fail(`expected KEY:weight pairs, got ${JSON.stringify(part)}`);
    if (dec(value).lt(0)) return fail(`weight of ${key} must be >= 0`);
    try {
      entries.push({ key: normalizeKey(key), weight: dec(value) });
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  return entries.length > 0 ? entries : fail('expected at least one KEY:weight pair');
}

const s13 = (doc: string) => ({ section: '1.3', doc });
const s18 = (doc: string, unit?: string) => ({ section: '1.8', doc, ...(unit ? { unit } : {}) });
const s19 = (doc: string, unit?: string) => ({ section: '1.9', doc, ...(unit ? { unit } : {}) });
const s110 = (doc: string, unit?: string) => ({ section: '1.10', doc, ...(unit ? { unit } : {}) });
const s111 = (doc: string, unit?: string) => ({ section: '1.11', doc, ...(unit ? { unit } : {}) });
const s112 = (doc: string, unit?: string) => ({ section: '1.12', doc, ...(unit ? { unit } : {}) });
const s113 = (doc: string, unit?: string) => ({ section: '1.13', doc, ...(unit ? { unit } : {}) });
const s114 = (doc: string, unit?: string) => ({ section: '1.14', doc, ...(unit ? { unit } : {}) });
const s115 = (doc: string, unit?: string) => ({ section: '1.15', doc, ...(unit ? { unit } : {}) });

const TRY = 'TRY';
const BPS = 'bps';
const SEC = 's';
const MS = 'ms';
const MIN = 'min';
const RATIO = 'ratio';

export const KNOBS = {
  // Deployment (serverless runtime; replaces the reference's file locks and SQLite paths)
  BOT_ENV: knob.name('dev', envNameProblem, {
    section: 'deploy',
    doc: 'Environment name (A-Z a-z 0-9 _ . -): names the kill-switch parameter and the secret',
  }),
  BOT_ACCOUNT: knob.name('default', accountNameProblem, {
    section: 'deploy',
    doc: 'Account key of the single-writer lease and the order journal (A-Z a-z 0-9 _ . -)',
  }),
  LEASE_TTL_SECONDS: knob.int(
    180,
    { gt: 0 },
    {
      section: '1.6',
      doc: 'Single-writer lease lifetime; a takeover is possible only after it expires',
      unit: SEC,
      aliases: ['PROCESS_INSTANCE_TTL_SECONDS'],
    },
  ),
  FUNCTION_TIMEOUT_SECONDS: knob.optionalInt(
    { gt: 0 },
    {
      section: 'deploy',
      doc: 'The cycle function timeout (set by the CDK stack); LEASE_TTL_SECONDS must be longer',
      unit: SEC,
    },
  ),
  CYCLE_MAX_EVENT_AGE_SECONDS: knob.int(
    90,
    { min: 1, max: 3600 },
    {
      section: 'deploy',
      doc: 'A scheduled event older than this (a late retry) runs no cycle: the next firing is due',
      unit: SEC,
    },
  ),
  BTCTURK_SECRET_ID: knob.optionalName(secretIdProblem, {
    section: 'deploy',
    doc: 'Secrets Manager secret (name or ARN) holding {apiKey, apiSecret}',
  }),
  STATE_TABLE_NAME: knob.optionalName(tableNameProblem, {
    section: 'deploy',
    doc: 'DynamoDB state table name (set by the CDK stack)',
  }),
  RECONCILE_QUEUE_URL: knob.optionalName(queueUrlProblem, {
    section: 'deploy',
    doc: 'SQS reconcile queue URL, https (http only on loopback); set by the CDK stack',
  }),
  KILL_SWITCH_PARAMETER: knob.optionalName(parameterNameProblem, {
    section: 'deploy',
    doc: 'SSM kill-switch parameter name; default /btcbot/<BOT_ENV>/kill-switch',
  }),
  KILL_SWITCH_CACHE_SECONDS: knob.int(
    10,
    { min: 0, max: 10 },
    {
      section: 'deploy',
      doc: 'How long a kill-switch reading is reused (at most 10 s)',
      unit: 's',
    },
  ),
  // An order the venue has not shown yet is not an order that does not exist: below 10 s and 2 looks the
  // proof of absence degenerates into one early read (see the not-placed cross-checks in cross-field.ts)
  RECONCILE_NOT_PLACED_GRACE_SECONDS: knob.int(
    60,
    { min: 10 },
    {
      section: '9.1.1',
      doc: 'An uncertain order must be at least this old before its absence on the exchange is believed',
      unit: 's',
    },
  ),
  RECONCILE_NOT_PLACED_CHECKS: knob.int(
    3,
    { min: 2 },
    {
      section: '9.1.1',
      doc: 'Lookups that must all miss before an uncertain order is declared not placed',
    },
  ),
  RECONCILE_CANCEL_GRACE_SECONDS: knob.int(
    30,
    { min: 0 },
    {
      section: '2.10',
      doc: 'A cancel request younger than this is still settling even if the order is listed open',
      unit: 's',
    },
  ),
  // at 0 every look of a reconcile chain would land in the same second: the checks would not be apart
  RECONCILE_RETRY_DELAY_SECONDS: knob.int(
    30,
    { min: 1, max: 900 },
    {
      section: '9.1.1',
      doc: 'Base delay before a still-pending reconcile message is looked at again, doubled per delivery (at most 900 s)',
      unit: 's',
    },
  ),
  RECONCILE_MAX_RECEIVES: knob.int(
    8,
    { min: 2, max: 1000 },
    {
      section: '9.1.5',
      doc: 'Deliveries of one reconcile message, also the queue maxReceiveCount: the last one sets the stored kill switch and dead-letters it',
    },
  ),
  RECONCILE_ESCALATE_SYMBOL_AFTER: knob.int(
    3,
    { min: 1 },
    {
      section: '9.1.5',
      doc: 'Consecutive failed reconciles of a symbol after which it is observe-only (a settled reconcile lifts it)',
    },
  ),
  RECONCILE_ESCALATE_KILL_SWITCH_SYMBOLS: knob.int(
    2,
    { min: 1 },
    {
      section: '9.1.5',
      doc: 'Observe-only symbols at which the stored kill switch (op-state) is set; only an operator clears it',
    },
  ),
  ORDER_TYPE: knob.custom(
    'LIMIT',
    (raw) =>
      raw.toUpperCase() === 'LIMIT' ? ('LIMIT' as const) : fail('only LIMIT orders are supported (spec 9.1.10)'),
    {
      section: '9.1.10',
      doc: 'Order type; LIMIT is the only accepted value',
    },
  ),

  // 1.1 / 1.2 / 1.3 primary safety flags and universe
  SYMBOLS: knob.symbols('BTCTRY,ETHTRY,SOLTRY', {
    section: '1.2',
    doc: 'Trading universe (JSON array or comma list)',
    aliases: ['UNIVERSE_SYMBOLS'],
  }),
  KILL_SWITCH: knob.bool(true, s13('Blocks order side effects (stage 4 still cancels unless KILL_SWITCH_FREEZE_ALL)')),
  KILL_SWITCH_FREEZE_ALL: knob.bool(false, s13('With the kill switch on, also suppress cancels (stage 4)')),
  DRY_RUN: knob.bool(true, s13('No private write calls; orders are simulated')),
  LIVE_TRADING: knob.bool(false, s13('Must be true to arm live trading')),
  LIVE_TRADING_ACK: knob.optionalStr(s13('Must equal I_UNDERSTAND to arm live trading')),
  SAFE_MODE: knob.bool(true, s13('Observe-only: treated as dry-run and kill switch')),
  STAGE7_ENABLED: knob.bool(false, s13('Enables stage 7 (simulation only)')),
  APP_ROLE: knob.custom('MONITOR', (raw) => (raw.toUpperCase() === 'LIVE' ? ('LIVE' as const) : ('MONITOR' as const)), {
    section: '1.3',
    doc: 'LIVE or MONITOR; unknown values coerce to MONITOR, which blocks live side effects',
    aliases: ['PROCESS_ROLE'],
  }),
  BTCTURK_API_KEY: knob.secret(
    apiKeyProblem,
    s13('API public key (printable ASCII) for local runs only; deployed functions read Secrets Manager'),
  ),
  BTCTURK_API_SECRET: knob.secret(apiSecretProblem, s13('API secret (base64) for local runs only; never logged')),
  BTCTURK_API_SCOPES: knob.custom(
    'read,trade',
    (raw) => {
      const scopes = splitListText(raw).map((x) => x.toLowerCase());
      if (scopes.includes('withdraw')) return fail('withdraw scope is forbidden');
      if (!scopes.includes('read')) return fail('read scope is required');
      const unknown = scopes.filter((x) => x !== 'read' && x !== 'trade');
      return unknown.length > 0 ? fail(`unknown scope ${unknown.join(',')}`) : scopes;
    },
    { section: '1.4', doc: 'Scopes the API key holds: read required, trade required for live, withdraw forbidden' },
  ),

  // 1.8 stage 3 strategy / risk / execution
  TARGET_TRY: knob.dec('300', { min: 0 }, s18('Sweep target TRY balance', TRY)),
  OFFSET_BPS: knob.dec('20', { min: 0 }, s18('Sweep price offset below best bid', BPS)),
  TTL_SECONDS: knob.int(120, { gt: 0 }, s18('Order TTL: stale-cancel threshold and intent TTL', SEC)),
  MIN_ORDER_NOTIONAL_TRY: knob.dec('10', { gt: 0 }, s18('Internal minimum order notional', TRY)),
  DRY_RUN_TRY_BALANCE: knob.dec('1000', { min: 0 }, s18('Synthetic TRY balance in dry-run', TRY)),
  MAX_ORDERS_PER_CYCLE: knob.int(
    2,
    { min: 0 },
    s18('Max intents per cycle (stage 3), orders selected (stage 4), cap (stage 7)'),
  ),
  MAX_OPEN_ORDERS_PER_SYMBOL: knob.int(1, { min: 0 }, s18('Stage 3 per-symbol open order limit')),
  COOLDOWN_SECONDS: knob.int(60, { min: 0 }, s18('Minimum time between approved intents of one symbol and side', SEC)),
  NOTIONAL_CAP_TRY_PER_CYCLE: knob.dec(
    '1000',
    { min: 0 },
    s18('Total approved notional per cycle (stage 3); turnover cap (stage 7)', TRY),
  ),
  MAX_NOTIONAL_PER_ORDER_TRY: knob.dec('0', { min: 0 }, s18('Per-order cap, qty shrunk; 0 disables', TRY)),
  MIN_PROFIT_BPS: knob.dec(
    '30',
    { min: 0 },
    s18('Take-profit threshold (stage 3), sell floor component (stage 4)', BPS),
  ),
  STAGE3_TAKE_PROFIT_WHOLE_BELOW_MIN: knob.bool(
    true,
    s18('Stage 3 take-profit sells the whole position when a quarter is below the min notional (false: spec 2.6)'),
  ),
  MAX_POSITION_TRY_PER_SYMBOL: knob.dec('5000', { min: 0 }, s18('Allocation per-symbol cap', TRY)),
  ENABLE_AUTO_KILL_SWITCH: knob.bool(true, s18('Allows safety subsystems to arm the kill switch automatically')),
  TRY_CASH_TARGET: knob.dec('300', { min: 0 }, s18('Cash reserve kept in TRY', TRY)),
  TRY_CASH_MAX: knob.dec('600', { min: 0 }, s18('Upper bound on the cash target / deployable buffer', TRY)),
  SPOT_SELL_REQUIRES_INVENTORY: knob.bool(true, s18('A SELL requires base inventory')),
  EXECUTION_ESTIMATED_FEE_BPS: knob.dec('15', { min: 0 }, s18('Fee estimate in the BUY balance precheck', BPS)),
  EXECUTION_BALANCE_SAFETY_BUFFER_RATIO: knob.dec(
    '0',
    { min: 0 },
    s18('Extra fraction required by the balance precheck', RATIO),
  ),
  EXECUTION_SELL_FEE_IN_BASE_BPS: knob.dec('0', { min: 0 }, s18('Extra base required by the SELL precheck', BPS)),
  EXECUTION_ALLOW_MIN_NOTIONAL_UPGRADE: knob.bool(false, s18('Sizing upgrades sub-minimum orders to the minimum')),
  EXECUTION_FALLBACK_MIN_NOTIONAL_TRY: knob.dec('10', { gt: 0 }, s18('Min notional when rules lack one', TRY)),
  EXECUTION_QUOTE_ASSET: knob.optionalStr(
    s18('Override of the quote asset in the balance precheck (default: from the symbol)'),
  ),

  // 1.9 stage 4 / stage 6 risk
  MAX_OPEN_ORDERS: knob.int(5, { min: 0 }, s19('Global open order cap (stage 4)')),
  MAX_POSITION_NOTIONAL_TRY: knob.dec(
    '5000',
    { min: 0 },
    s19('Projected buy exposure cap (stage 4); per-symbol target cap (stage 7)', TRY),
  ),
  REPLACE_INFLIGHT_BUDGET_PER_SYMBOL_TRY: knob.dec(
    '5000',
    { min: 0 },
    s19('Worst-case old+new notional during a BUY replace', TRY),
  ),
  MAX_DAILY_LOSS_TRY: knob.dec('1000', { min: 0 }, s19('Block all when realized PnL today <= -value', TRY)),
  MAX_DRAWDOWN_PCT: knob.dec('10', { min: 0, max: 100 }, s19('Stage 4 drawdown limit in percent (10 = 10 %)', '%')),
  FEE_BPS_MAKER: knob.dec('10', { min: 0 }, s19('Maker fee estimate', BPS)),
  FEE_BPS_TAKER: knob.dec('15', { min: 0 }, s19('Taker fee used in the sell min-profit floor', BPS)),
  SLIPPAGE_BPS_BUFFER: knob.dec('10', { min: 0 }, s19('Added to the sell min-profit floor', BPS)),
  RISK_MAX_DAILY_DRAWDOWN_TRY: knob.dec('1000', { min: 0 }, s19('Daily PnL <= -value -> OBSERVE_ONLY', TRY)),
  RISK_MAX_DRAWDOWN_TRY: knob.dec('3000', { min: 0 }, s19('Drawdown >= value -> OBSERVE_ONLY', TRY)),
  RISK_MAX_GROSS_EXPOSURE_TRY: knob.dec(
    '10000',
    { min: 0 },
    s19('Gross exposure limit; replace worst-case global cap', TRY),
  ),
  RISK_MAX_POSITION_PCT: knob.dec('0.30', { min: 0, max: 1 }, s19('Largest position share of equity', RATIO)),
  RISK_MAX_ORDER_NOTIONAL_TRY: knob.dec('3000', { min: 0 }, s19('Stage 4 per-order cap; 0 disables in execution', TRY)),
  RISK_MIN_CASH_TRY: knob.optionalDec({ min: 0 }, s19('Optional minimum cash', TRY)),
  RISK_MAX_FEE_TRY_PER_DAY: knob.optionalDec({ min: 0 }, s19('Optional: fees today > value -> REDUCE_RISK_ONLY', TRY)),
  STAGE4_BOOTSTRAP_INTENTS: knob.bool(true, s19('Enables bootstrap intents')),
  STAGE4_USE_PLANNING_KERNEL: knob.bool(false, s19('Alternative planning path')),
  STAGE5_BOOTSTRAP_NOTIONAL_TRY: knob.dec(
    '50',
    { min: 0 },
    s19('Bootstrap buy size; raised to MIN_ORDER_NOTIONAL_TRY when > 0 and below it', TRY),
  ),
  STAGE5_MAX_INTENT_NOTIONAL_TRY: knob.dec(
    '100',
    { min: 0 },
    s19('Max intent notional (strategy and allocation cap)', TRY),
  ),
  STAGE4_UNKNOWN_FREEZE_ENABLED: knob.bool(true, s19('Unknown-order freeze')),
  STAGE4_UNKNOWN_FREEZE_THRESHOLD: knob.int(1, { min: 1 }, s19('Imported-external count threshold')),
  STAGE4_UNKNOWN_FREEZE_PERSIST_CYCLES: knob.int(3, { min: 1 }, s19('Mismatch persistence cycles')),
  STAGE4_UNKNOWN_FREEZE_PERSIST_SECONDS: knob.int(30, { min: 0 }, s19('Mismatch persistence', SEC)),
  KILL_CHAIN_MAX_CONSECUTIVE_ERRORS: knob.int(
    3,
    { min: 1 },
    s19('Critical errors before the stored kill switch is set'),
  ),
  KILL_CHAIN_COOLDOWN_SECONDS: knob.int(0, { min: 0 }, s19('Automatic kill switch expiry; 0 = none', SEC)),
  // a pair's status and bands can change at any time: an hour-old rule set is the oldest worth trusting
  RULES_CACHE_TTL_SEC: knob.int(300, { min: 1, max: 3600 }, s19('Exchange rules cache TTL', SEC)),
  // the first import reaches back this far (spec 3.8): a long window turns old account history into positions
  FILLS_POLL_LOOKBACK_MINUTES: knob.int(30, { min: 1, max: 1440 }, s19('Fill cursor lookback window', MIN)),
  LIVE_RULES_REQUIRE_EXCHANGEINFO: knob.bool(true, s19('Live submit refuses symbols without exchangeinfo rules')),

  // 1.10 capital allocation
  ALLOCATION_FEE_BUFFER_BPS: knob.dec('20', { min: 0 }, s110('Fee buffer when FEE_BUFFER_RATIO is 0', BPS)),
  FEE_BUFFER_RATIO: knob.dec('0', { min: 0, max: 1 }, s110('Overrides the bps buffer when > 0', RATIO)),
  ROUNDING_BUFFER_TRY: knob.dec('0', { min: 0 }, s110('Stage 7 BUY rounding buffer; 0 = derived from rules', TRY)),
  INVESTABLE_USAGE_MODE: knob.enumOf(
    ['use_all', 'fraction', 'cap'] as const,
    'use_all',
    s110('How much investable cash a cycle may use'),
  ),
  INVESTABLE_USAGE_FRACTION: knob.dec('1', { gt: 0, max: 1 }, s110('Used in fraction mode; in (0, 1]', RATIO)),
  MAX_TRY_PER_CYCLE: knob.dec('0', { min: 0 }, s110('Used in cap mode', TRY)),

  // 1.11 exchange, market data, reliability
  BTCTURK_BASE_URL: knob.url(
    'https://api.btcturk.com',
    ['https', 'http'],
    s111('REST base URL; https whenever live or with credentials (http only on loopback)'),
  ),
  BTCTURK_SECRET_MAX_AGE_DAYS: knob.int(
    90,
    { min: 1 },
    { ...s111('API secret age limit; older blocks live writes', 'days'), aliases: ['SECRET_MAX_AGE_DAYS'] },
  ),
  SECRET_ROTATION_WARN_DAYS: knob.int(30, { min: 0 }, s111('Warn when the secret is this old', 'days')),
  BTCTURK_SECRET_ROTATED_AT: knob.optionalDate(
    /^\d{4}-\d{2}-\d{2}T/,
    'an ISO-8601 timestamp',
    s111('Last secret rotation (ISO timestamp)'),
  ),
  API_KEY_ROTATED_AT: knob.optionalDate(
    /^\d{4}-\d{2}-\d{2}$/,
    'a date YYYY-MM-DD',
    s111('Last API key rotation (YYYY-MM-DD)'),
  ),
  BTCTURK_WS_ENABLED: knob.bool(false, s111('WebSocket client')),
  BTCTURK_WS_URL: knob.url(
    'wss://ws-feed-pro.btcturk.com',
    ['wss', 'ws'],
    s111('WebSocket URL; wss whenever live or with credentials (ws only on loopback)'),
  ),
  BTCTURK_WS_IDLE_RECONNECT_MS: knob.int(30000, { gt: 0 }, s111('Idle reconnect', MS)),
  BTCTURK_WS_QUEUE_MAX: knob.int(1000, { min: 1 }, s111('Inbound queue bound')),
  WS_RECONNECT_STORM_THRESHOLD: knob.int(6, { min: 1 }, s111('Reconnects that make a storm')),
  WS_RECONNECT_STORM_WINDOW_SECONDS: knob.int(120, { min: 1 }, s111('Storm detection window', SEC)),
  WS_RECONNECT_STORM_LOG_COOLDOWN_SECONDS: knob.int(300, { min: 0 }, s111('Storm log cooldown', SEC)),
  BTCTURK_REST_RELIABILITY_ENABLED: knob.bool(true, s111('Retry and breaker layer')),
  BTCTURK_REST_MAX_RETRIES: knob.int(4, { min: 0 }, s111('Attempts of a retried GET')),
  BTCTURK_REST_BASE_DELAY_MS: knob.int(400, { min: 0 }, s111('Backoff base', MS)),
  BTCTURK_REST_MAX_DELAY_MS: knob.int(4000, { min: 0 }, s111('Backoff cap', MS)),
  MAX_RETRY_ATTEMPTS: knob.int(4, { min: 1 }, s111('Attempts per call, all causes')),
  MAX_RETRY_TOTAL_SLEEP_S: knob.num(8, { min: 0 }, s111('Total sleep budget per call', SEC)),
  BTCTURK_RATE_LIMIT_RPS: knob.num(8, { gt: 0 }, s111('Default limiter group rate', 'req/s')),
  BTCTURK_RATE_LIMIT_BURST: knob.int(8, { min: 1 }, s111('Default limiter group burst')),
  RATE_LIMIT_MARKETDATA_TPS: knob.num(8, { gt: 0 }, s111('market_data group rate', 'req/s')),
  RATE_LIMIT_MARKETDATA_BURST: knob.int(8, { min: 1 }, s111('market_data group burst')),
  RATE_LIMIT_ACCOUNT_TPS: knob.num(4, { gt: 0 }, s111('account group rate', 'req/s')),
  RATE_LIMIT_ACCOUNT_BURST: knob.int(4, { min: 1 }, s111('account group burst')),
  RATE_LIMIT_ORDERS_TPS: knob.num(2, { gt: 0 }, s111('orders group rate', 'req/s')),
  RATE_LIMIT_ORDERS_BURST: knob.int(2, { min: 1 }, s111('orders group burst')),
  BREAKER_429_CONSECUTIVE_THRESHOLD: knob.int(3, { min: 1 }, s111('Consecutive failures that open a group breaker')),
  BREAKER_COOLDOWN_SECONDS: knob.num(3, { min: 0 }, s111('Breaker open time when no Retry-After', SEC)),
  // one call must not outlast a whole reconcile invocation (its function timeout is 60 s)
  BTCTURK_CONNECT_TIMEOUT_MS: knob.int(3000, { min: 1, max: 60_000 }, s111('TCP + TLS connect limit', MS)),
  BTCTURK_HEADERS_TIMEOUT_MS: knob.int(
    5000,
    { min: 1, max: 60_000 },
    s111('Time to response headers after sending', MS),
  ),
  BTCTURK_BODY_TIMEOUT_MS: knob.int(
    5000,
    { min: 1, max: 60_000 },
    s111('Maximum silence between response body chunks', MS),
  ),
  BTCTURK_HTTP_MAX_CONNECTIONS: knob.int(10, { min: 1 }, s111('Keep-alive pool size')),
  BTCTURK_CLOCK_SYNC_INTERVAL_SECONDS: knob.int(60, { min: 1 }, s111('Server time re-sync interval', SEC)),
  API_DEGRADE_BACKOFF_MIN_SECONDS: knob.num(2, { min: 0 }, s111('Degraded-exchange sleep, minimum', SEC)),
  API_DEGRADE_BACKOFF_MAX_SECONDS: knob.num(60, { min: 0 }, s111('Degraded-exchange sleep, maximum', SEC)),
  API_DEGRADE_JITTER_RATIO: knob.num(0.2, { min: 0, max: 1 }, s111('Degraded-exchange sleep jitter', RATIO)),
  MARKET_DATA_MODE: knob.enumOf(['rest', 'ws'] as const, 'rest', s111('Market data source')),
  // spec default 15 s; a book older than a minute predates the previous one-minute cycle: never fresh
  MAX_MARKET_DATA_AGE_MS: knob.int(
    15000,
    { min: 1, max: 60_000 },
    { ...s111('Freshness gate: older market data fails closed', MS), aliases: ['BTCTURK_MARKETDATA_MAX_AGE_MS'] },
  ),
  WS_MARKET_DATA_REST_FALLBACK: knob.bool(false, s111('REST fallback; only with MARKET_DATA_MODE=ws')),
  // bounded by MAX_MARKET_DATA_AGE_MS through the cross-checks
  ORDERBOOK_TTL_MS: knob.int(2000, { min: 0 }, s111('REST orderbook cache TTL', MS)),
  ORDERBOOK_MAX_STALENESS_MS: knob.int(5000, { min: 0 }, s111('Serve-stale limit', MS)),
  // issue 12: open orders and fills are otherwise asked only where our orders or an unexplained locked
  // amount point; this bounds how long a fill nothing pointed at (a foreign order placed and filled between
  // two cycles) waits, and backs the locked-amount check. Each full listing costs 2 requests per symbol.
  FULL_LISTING_PERIOD_SECONDS: knob.int(
    3600,
    { min: 60, max: 86_400 },
    {
      section: '2.11',
      doc: 'Every configured symbol has its open orders and fills listed at least this often (per container)',
      unit: SEC,
    },
  ),
  ORDERBOOK_INFLIGHT_WAIT_TIMEOUT_S: knob.num(2, { gt: 0 }, s111('Coalesced request wait', SEC)),

  // 1.12 stage 7
  STAGE7_SLIPPAGE_BPS: knob.dec('25', { min: 0 }, s112('Simulated slippage', BPS)),
  STAGE7_FEES_BPS: knob.dec('20', { min: 0 }, s112('Simulated fees', BPS)),
  STAGE7_MARK_PRICE_SOURCE: knob.enumOf(['mid', 'bid', 'ask', 'last'] as const, 'mid', s112('Mark price source')),
  STAGE7_UNIVERSE_SIZE: knob.int(20, { min: 1 }, s112('Universe size')),
  STAGE7_UNIVERSE_QUOTE_CCY: knob.str('TRY', s112('Universe quote currency')),
  STAGE7_UNIVERSE_WHITELIST: knob.optionalSymbols(s112('Universe whitelist')),
  STAGE7_UNIVERSE_BLACKLIST: knob.optionalSymbols(s112('Universe blacklist')),
  STAGE7_MIN_QUOTE_VOLUME_TRY: knob.dec('0', { min: 0 }, s112('Minimum quote volume', TRY)),
  STAGE7_MAX_SPREAD_BPS: knob.dec('1000000', { min: 0 }, s112('Maximum spread', BPS)),
  STAGE7_VOL_LOOKBACK: knob.int(20, { min: 1 }, s112('Volatility lookback (candles)')),
  STAGE7_VOL_LOW_THRESHOLD: knob.dec('0.0025', { min: 0 }, s112('Low volatility threshold', RATIO)),
  STAGE7_VOL_HIGH_THRESHOLD: knob.dec('0.02', { min: 0 }, s112('High volatility threshold', RATIO)),
  STAGE7_SCORE_WEIGHTS: knob.custom(
    'liquidity:0.50,spread:0.30,volatility:0.20',
    (raw) => {
      const parsed = parseWeights(raw, (k) => k.toLowerCase());
      if (parsed instanceof ParseFailure) return parsed;
      const unknown = parsed.filter((e) => !['liquidity', 'spread', 'volatility'].includes(e.key));
      return unknown.length > 0 ? fail(`unknown score weight ${unknown.map((e) => e.key).join(',')}`) : parsed;
    },
    s112('Universe score weights (liquidity, spread, volatility)'),
  ),
  STAGE7_ORDER_OFFSET_BPS: knob.dec('5', { min: 0 }, s112('Limit price offset', BPS)),
  STAGE7_USE_PLANNING_KERNEL: knob.bool(true, s112('Planning kernel path')),
  STAGE7_RULES_FALLBACK_TICK_SIZE: knob.dec('0.01', { gt: 0 }, s112('Fallback tick size')),
  STAGE7_RULES_FALLBACK_LOT_SIZE: knob.dec('0.00000001', { gt: 0 }, s112('Fallback lot size')),
  STAGE7_RULES_FALLBACK_MIN_NOTIONAL_TRY: knob.dec('10', { gt: 0 }, s112('Fallback min notional', TRY)),
  STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY: knob.dec(
    '100',
    { gt: 0 },
    s112('Safe min notional for TRY pairs without one', TRY),
  ),
  STAGE7_RULES_REQUIRE_METADATA: knob.bool(true, s112('Missing or invalid metadata skips the symbol')),
  STAGE7_RULES_INVALID_METADATA_POLICY: knob.enumOf(
    ['skip_symbol', 'observe_only_cycle'] as const,
    'skip_symbol',
    s112('Policy for invalid metadata'),
  ),
  STAGE7_MAX_DRAWDOWN_PCT: knob.dec('0.25', { min: 0, max: 1 }, s112('Max drawdown (ratio, 0.25 = 25 %)', RATIO)),
  STAGE7_MAX_DAILY_LOSS_TRY: knob.dec('500', { min: 0 }, s112('Max daily loss', TRY)),
  STAGE7_MAX_CONSECUTIVE_LOSSES: knob.int(3, { min: 1 }, s112('Max consecutive losses')),
  STAGE7_MAX_DATA_AGE_SEC: knob.int(60, { min: 1 }, s112('Max market data age', SEC)),
  STAGE7_UNIVERSE_GOVERNANCE_PROBATION_CYCLES: knob.int(1, { min: 0 }, s112('Universe probation cycles')),
  STAGE7_UNIVERSE_GOVERNANCE_COOLDOWN_SEC: knob.int(21600, { min: 0 }, s112('Universe cooldown', SEC)),
  STAGE7_UNIVERSE_GOVERNANCE_MAX_CHURN_PER_DAY: knob.int(4, { min: 0 }, s112('Universe max churn per day')),
  STAGE7_SPREAD_SPIKE_BPS: knob.dec('300', { min: 0 }, s112('Spread spike threshold', BPS)),
  STAGE7_SIM_REJECT_PROB_BPS: knob.int(0, { min: 0, max: 10000 }, s112('Simulated reject probability', BPS)),
  STAGE7_RATE_LIMIT_RPS: knob.num(5, { gt: 0 }, s112('Simulated OMS rate', 'req/s')),
  STAGE7_RATE_LIMIT_BURST: knob.int(5, { min: 1 }, s112('Simulated OMS burst')),
  STAGE7_RETRY_MAX_ATTEMPTS: knob.int(3, { min: 1 }, s112('Simulated OMS retry attempts')),
  STAGE7_RETRY_BASE_DELAY_MS: knob.int(100, { min: 0 }, s112('Simulated OMS retry base delay', MS)),
  STAGE7_RETRY_MAX_DELAY_MS: knob.int(1000, { min: 0 }, s112('Simulated OMS retry max delay', MS)),
  STAGE7_REJECT_SPIKE_THRESHOLD: knob.int(3, { min: 1 }, s112('Reject spike alert threshold')),
  STAGE7_RETRY_ALERT_THRESHOLD: knob.int(5, { min: 1 }, s112('Retry alert threshold')),
  DAILY_LOSS_LIMIT_TRY: knob.dec('500', { min: 0 }, s112('Stage 7 risk budget daily loss limit', TRY)),
  MAX_DRAWDOWN_BPS: knob.dec('2500', { min: 0 }, s112('Stage 7 risk budget drawdown limit', BPS)),
  FEE_BURN_LIMIT_TRY: knob.dec('150', { min: 0 }, s112('Stage 7 fee burn limit', TRY)),
  MAX_ORDER_NOTIONAL_TRY: knob.dec('3000', { min: 0 }, s112('Stage 7 max order notional', TRY)),
  MAX_SYMBOL_EXPOSURE_TRY: knob.dec('8000', { min: 0 }, s112('Stage 7 max symbol exposure', TRY)),
  HIGH_VOL_THRESHOLD_BPS: knob.dec('250', { min: 0 }, s112('Stage 7 high volatility threshold', BPS)),
  RISK_COOLDOWN_SEC: knob.int(900, { min: 0 }, s112('Cooldown of the stage 7 risk budget', SEC)),
  STAGE7_RISK_COOLDOWN_SEC: knob.int(900, { min: 0 }, s112('Stage 7 risk cooldown', SEC)),
  STAGE7_CONCENTRATION_TOP_N: knob.int(3, { min: 1 }, s112('Concentration top N')),
  STAGE7_LOSS_GUARDRAIL_MODE: knob.enumOf(
    ['reduce_risk_only', 'observe_only'] as const,
    'reduce_risk_only',
    s112('Loss guardrail mode'),
  ),

  // 1.13 anomaly / degrade
  STALE_MARKET_DATA_SECONDS: knob.int(30, { min: 1 }, s113('Stale market data anomaly', SEC)),
  REJECT_SPIKE_THRESHOLD: knob.int(3, { min: 1 }, s113('Order reject spike anomaly')),
  LATENCY_SPIKE_MS: knob.int(2000, { min: 1 }, s113('Exchange latency spike anomaly', MS)),
  CURSOR_STALL_CYCLES: knob.int(5, { min: 1 }, s113('Fill cursor stall anomaly', 'cycles')),
  STUCK_CYCLE_SECONDS: knob.int(120, { min: 1 }, s113('A cycle running longer is stuck', SEC)),
  CLOCK_SKEW_SECONDS_THRESHOLD: knob.int(30, { min: 1 }, s113('Clock skew anomaly', SEC)),
  PNL_DIVERGENCE_TRY_WARN: knob.dec('50', { gt: 0 }, s113('PnL divergence warning', TRY)),
  PNL_DIVERGENCE_TRY_ERROR: knob.dec('200', { gt: 0 }, s113('PnL divergence error', TRY)),
  DEGRADE_WARN_WINDOW_CYCLES: knob.int(10, { min: 1 }, s113('Degrade warning window', 'cycles')),
  DEGRADE_WARN_THRESHOLD: knob.int(3, { min: 1 }, s113('Warnings in the window that degrade')),
  DEGRADE_WARN_CODES_CSV: knob.custom(
    'STALE_MARKET_DATA,ORDER_REJECT_SPIKE,PNL_DIVERGENCE',
    (raw) => {
      const codes = splitListText(raw).map((c) => c.toUpperCase());
      const unknown = codes.filter((c) => !(ANOMALY_CODES as readonly string[]).includes(c));
      return unknown.length > 0 ? fail(`unknown anomaly code ${unknown.join(',')}`) : codes;
    },
    s113('Anomaly codes that count as degrade warnings'),
  ),
  MARK_PRICE_MIN_COVERAGE_RATIO: knob.dec('0.80', { min: 0, max: 1 }, s113('Minimum mark price coverage', RATIO)),
  MARK_PRICE_MISSING_SYMBOLS_WARN_THRESHOLD: knob.int(3, { min: 0 }, s113('Missing mark prices that warn')),
  REJECT1123_WINDOW_MINUTES: knob.int(60, { min: 1 }, s113('Min-notional reject (1123) window', MIN)),
  REJECT1123_THRESHOLD: knob.int(3, { min: 1 }, s113('1123 rejects in the window that start a cooldown')),
  REJECT1123_COOLDOWN_MINUTES: knob.int(240, { min: 0 }, s113('1123 symbol cooldown', MIN)),
  REJECT1123_PROBATION_PENALTY: knob.dec('0.5', { min: 0, max: 1 }, s113('1123 probation penalty', RATIO)),
  REJECT1123_ENFORCE_EXECUTION_GATE: knob.bool(true, s113('1123 cooldown blocks execution')),

  // 1.14 universe
  UNIVERSE_QUOTE_CURRENCY: knob.str('TRY', s114('Static universe quote currency')),
  UNIVERSE_MAX_SIZE: knob.int(20, { min: 1 }, s114('Static universe size')),
  UNIVERSE_MIN_NOTIONAL_TRY: knob.dec('50', { min: 0 }, s114('Static universe minimum notional', TRY)),
  UNIVERSE_MAX_SPREAD_BPS: knob.dec('200', { min: 0 }, s114('Static universe maximum spread', BPS)),
  UNIVERSE_MAX_EXCHANGE_MIN_TOTAL_TRY: knob.dec(
    '1000000',
    { min: 0 },
    s114('Static universe max exchange minimum', TRY),
  ),
  UNIVERSE_REQUIRE_ACTIVE: knob.bool(true, s114('Only TRADING pairs')),
  UNIVERSE_REQUIRE_TRY_QUOTE: knob.bool(true, s114('Only TRY-quoted pairs')),
  UNIVERSE_ALLOW_SYMBOLS: knob.optionalSymbols(s114('Allow list')),
  UNIVERSE_DENY_SYMBOLS: knob.optionalSymbols(s114('Deny list')),
  UNIVERSE_AUTO_CORRECT: knob.bool(false, s114('Replace an unknown symbol by its single close match')),
  DYNAMIC_UNIVERSE_ENABLED: knob.bool(true, s114('Dynamic universe (stage 4)')),
  DYNAMIC_UNIVERSE_LIVE_FALLBACK_ENABLED: knob.bool(true, s114('Fallback to the static universe in live')),
  UNIVERSE_TOP_N: knob.int(5, { min: 1 }, s114('Dynamic universe size')),
  UNIVERSE_SPREAD_MAX_BPS: knob.dec('60', { min: 0 }, s114('Dynamic universe maximum spread', BPS)),
  UNIVERSE_MIN_DEPTH_TRY: knob.dec('50000', { min: 0 }, s114('Dynamic universe minimum depth', TRY)),
  UNIVERSE_EXCLUDE_STABLES: knob.bool(true, s114('Exclude stablecoin bases (USDT, USDC, DAI, TUSD, FDUSD, BUSD)')),
  UNIVERSE_EXCLUDE_SYMBOLS: knob.symbols('USDTTRY,USDCTRY,EURTRY', s114('Symbols never selected')),
  UNIVERSE_REFRESH_MINUTES: knob.int(60, { min: 1 }, s114('Refresh interval', MIN)),
  UNIVERSE_HISTORY_BUCKET_MINUTES: knob.int(5, { min: 1 }, s114('History bucket', MIN)),
  UNIVERSE_HISTORY_TOLERANCE_MINUTES: knob.int(30, { min: 0 }, s114('History tolerance', MIN)),
  UNIVERSE_ORDERBOOK_MAX_AGE_SECONDS: knob.int(20, { min: 1 }, s114('Orderbook max age', SEC)),
  UNIVERSE_SYMBOL_COOLDOWN_MINUTES: knob.int(60, { min: 0 }, s114('Symbol cooldown', MIN)),
  UNIVERSE_PROBATION_MINUTES: knob.int(120, { min: 0 }, s114('Probation of newly added symbols', MIN)),
  UNIVERSE_REJECT_WINDOW_MINUTES: knob.int(240, { min: 1 }, s114('Reject window', MIN)),
  UNIVERSE_REJECT_PENALTY_WEIGHT: knob.dec('0.05', { min: 0 }, s114('Reject penalty weight')),
  UNIVERSE_REJECT_1123_THRESHOLD: knob.int(3, { min: 1 }, s114('1123 rejects that exclude a symbol')),
  UNIVERSE_CHURN_MAX_PER_DAY: knob.int(1, { min: 0 }, s114('Max churn per day')),
  UNIVERSE_SCAN_BUDGET_SYMBOLS: knob.int(50, { min: 1 }, s114('Symbols scanned per refresh')),
  UNIVERSE_MAX_ORDERBOOK_REQUESTS_PER_CYCLE: knob.int(50, { min: 0 }, s114('Orderbook requests per cycle')),
  UNIVERSE_SCORE_WEIGHT_MOMENTUM: knob.dec('1', { min: 0 }, s114('Momentum score weight')),
  UNIVERSE_SCORE_WEIGHT_SPREAD: knob.dec('0.01', { min: 0 }, s114('Spread score weight')),
  UNIVERSE_SCORE_WEIGHT_DEPTH: knob.dec('0.1', { min: 0 }, s114('Depth score weight')),

  // 1.4 item 12: portfolio targets (validated against SYMBOLS)
  PORTFOLIO_TARGETS: knob.optionalCustom((raw) => parseWeights(raw, canonicalSymbol), {
    section: '1.4',
    doc: 'Target weights: {"BTCTRY":0.5,...} or BTCTRY:0.5,...; equal weights when unset',
  }),

  // 1.15 observability, doctor, agent
  OBSERVABILITY_ENABLED: knob.bool(false, s115('Metrics export')),
  OBSERVABILITY_METRICS_EXPORTER: knob.enumOf(
    ['none', 'otlp', 'prometheus', 'emf'] as const,
    'none',
    s115('Metrics exporter (emf = CloudWatch embedded metrics)'),
  ),
  OBSERVABILITY_OTLP_ENDPOINT: knob.optionalStr(s115('OTLP endpoint')),
  OBSERVABILITY_PROMETHEUS_PORT: knob.int(9464, { min: 1, max: 65535 }, s115('Prometheus port')),
  LOG_LEVEL: knob.enumOf(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const, 'INFO', s115('Log level')),
  RISK_BALANCE_DEBUG: knob.bool(false, s115('Extra risk balance debug log')),
  DOCTOR_SLO_ENABLED: knob.bool(true, s115('Doctor SLO checks')),
  DOCTOR_SLO_LOOKBACK: knob.int(20, { min: 1 }, s115('Doctor SLO lookback', 'cycles')),
  DOCTOR_SLO_MAX_DRAWDOWN_RATIO_WARN: knob.dec('0.10', { min: 0 }, s115('Drawdown warn', RATIO)),
  DOCTOR_SLO_MAX_DRAWDOWN_RATIO_FAIL: knob.dec('0.20', { min: 0 }, s115('Drawdown fail', RATIO)),
  DOCTOR_SLO_MAX_REJECT_RATE_WARN: knob.dec('0.05', { min: 0 }, s115('Reject rate warn', RATIO)),
  DOCTOR_SLO_MAX_REJECT_RATE_FAIL: knob.dec('0.10', { min: 0 }, s115('Reject rate fail', RATIO)),
  DOCTOR_SLO_MAX_LATENCY_MS_WARN: knob.int(1000, { min: 0 }, s115('Latency warn', MS)),
  DOCTOR_SLO_MAX_LATENCY_MS_FAIL: knob.int(2000, { min: 0 }, s115('Latency fail', MS)),
  DOCTOR_SLO_MIN_FILL_RATE_WARN: knob.dec('0.90', { min: 0, max: 1 }, s115('Fill rate warn (minimum)', RATIO)),
  DOCTOR_SLO_MIN_FILL_RATE_FAIL: knob.dec('0.80', { min: 0, max: 1 }, s115('Fill rate fail (minimum)', RATIO)),
  AGENT_POLICY_ENABLED: knob.bool(false, s115('Advisory agent policy layer')),
  AGENT_POLICY_PROVIDER: knob.str(
    'rule',
    s115('Agent policy provider; only rule exists (an LLM-backed one is refused)'),
  ),
  AGENT_OBSERVE_ONLY: knob.bool(false, s115('Agent observe-only')),
  AGENT_SYMBOL_ALLOWLIST: knob.optionalSymbols(s115('Agent symbol allow list')),
  AGENT_MAX_ORDER_NOTIONAL_TRY: knob.dec('0', { min: 0 }, s115('Agent max order notional; 0 disables', TRY)),
  AGENT_MAX_SPREAD_BPS: knob.dec('120', { min: 0 }, s115('Agent max spread', BPS)),
  AGENT_LLM_ENABLED: knob.bool(
    false,
    s115('LLM advisory; true is refused: no network model calls from a trading Lambda'),
  ),
  AGENT_LLM_PROVIDER: knob.optionalStr(s115('LLM provider')),
  AGENT_LLM_MODEL: knob.optionalStr(s115('LLM model')),
  AGENT_LLM_TIMEOUT_SECONDS: knob.num(3, { gt: 0 }, s115('LLM timeout', SEC)),
  AGENT_PROMPT_CAPTURE_ENABLED: knob.bool(false, s115('Prompt capture')),
  AGENT_PROMPT_CAPTURE_MAX_CHARS: knob.int(4000, { min: 0 }, s115('Prompt capture size')),
} as const;

export type KnobName = keyof typeof KNOBS;
/** Parsed value of every knob (optional knobs may be undefined) */
export type KnobValues = { readonly [K in KnobName]: z.output<(typeof KNOBS)[K]['schema']> };

// The checks that keep a risky setting from loading silently (issue 11): clear-text exchange URLs with
// live trading or credentials, a degenerate not-placed proof, implausible ages, half a credential pair.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config';
import type { ConfigError } from '../../../shared/domain/errors';
import { configError, liveEnv } from '../../support/config-env';

const envKeys = { BTCTURK_API_KEY: 'sim-public-key', BTCTURK_API_SECRET: 'c2VjcmV0' };

const variables = (e: ConfigError) => e.issues.map((i) => i.variable).sort();

describe('exchange URLs are encrypted whenever live trading or credentials are configured', () => {
  it.each([
    ['live trading', liveEnv],
    ['API keys in the environment', envKeys],
    ['a Secrets Manager secret', { BTCTURK_SECRET_ID: 'btcbot/dev/btcturk' }],
  ])('refuses http:// and ws:// to a remote host with %s', (_, env) => {
    const e = configError({
      ...env,
      BTCTURK_BASE_URL: 'http://api.btcturk.com',
      BTCTURK_WS_URL: 'ws://ws.example.com',
    });
    // BTCTURK_WS_URL is also refused as a knob nothing reads (no WebSocket in this runtime, spec 9.2.12)
    expect([...new Set(variables(e))]).toEqual(['BTCTURK_BASE_URL', 'BTCTURK_WS_URL']);
    expect(e.message).toContain(
      'BTCTURK_BASE_URL: must be https:// when LIVE_TRADING=true or credentials are set (BTCTURK_API_KEY, BTCTURK_API_SECRET, BTCTURK_SECRET_ID); plain http:// only on a loopback host, was http://api.btcturk.com',
    );
    expect(e.message).toContain('BTCTURK_WS_URL: must be wss://');
  });

  it.each([
    'http://127.0.0.1:8080',
    'http://127.8.9.10',
    'http://localhost:3000',
    'http://sim.localhost',
    'http://[::1]:9000',
    // the in-process simulator (local/btcturk-sim/in-process-dispatcher.ts): the name never resolves
    'http://btcturk-sim.invalid',
  ])('accepts plain http to the local-only host of %s, with live credentials', (url) => {
    expect(loadConfig({ ...liveEnv, ...envKeys, BTCTURK_BASE_URL: url }).BTCTURK_BASE_URL).toBe(url);
  });

  it.each([
    'http://127.0.0.1.example.com',
    'http://localhost.example.com',
    'http://invalid.example.com',
    'http://10.0.0.1',
  ])('refuses plain http to %s, which only looks local', (url) => {
    expect(variables(configError({ ...envKeys, BTCTURK_BASE_URL: url }))).toEqual(['BTCTURK_BASE_URL']);
  });

  it('accepts plain http without credentials or live trading: public market data only', () => {
    expect(loadConfig({ BTCTURK_BASE_URL: 'http://api.example.com' }).BTCTURK_BASE_URL).toBe('http://api.example.com');
  });

  it('accepts only a REST scheme for the REST URL and a WebSocket scheme for the WebSocket URL', () => {
    const e = configError({
      BTCTURK_BASE_URL: 'wss://api.btcturk.com',
      BTCTURK_WS_URL: 'https://ws-feed-pro.btcturk.com',
    });
    expect(variables(e)).toEqual(['BTCTURK_BASE_URL', 'BTCTURK_WS_URL']);
    expect(e.message).toContain('BTCTURK_BASE_URL: expected a https:// or http:// URL with a host');
  });

  it('refuses a URL with a line break inside, a query, or user info, and never quotes user info back', () => {
    expect(variables(configError({ BTCTURK_BASE_URL: 'https://api.btc\nturk.com' }))).toEqual(['BTCTURK_BASE_URL']);
    expect(variables(configError({ BTCTURK_BASE_URL: 'https://api.btcturk.com/?debug=1' }))).toEqual([
      'BTCTURK_BASE_URL',
    ]);
    const e = configError({ BTCTURK_BASE_URL: 'https://operator:hunter2@api.btcturk.com' });
    expect(e.message).toContain('without user info');
    expect(e.message).not.toContain('hunter2');
  });
});

describe('the not-placed proof cannot be degenerate (ARCHITECTURE 5.5: absence is believed only when proven)', () => {
  it('refuses a grace window under 10 s and a single check', () => {
    const e = configError({ RECONCILE_NOT_PLACED_GRACE_SECONDS: '0', RECONCILE_NOT_PLACED_CHECKS: '1' });
    expect(variables(e)).toEqual(['RECONCILE_NOT_PLACED_CHECKS', 'RECONCILE_NOT_PLACED_GRACE_SECONDS']);
    expect(e.message).toContain('RECONCILE_NOT_PLACED_GRACE_SECONDS: expected >= 10, was "0"');
    expect(e.message).toContain('RECONCILE_NOT_PLACED_CHECKS: expected >= 2, was "1"');
  });

  it('refuses a grace window that ends while the submit could still be in flight (connect + headers timeouts)', () => {
    const slow = { BTCTURK_CONNECT_TIMEOUT_MS: '5000', BTCTURK_HEADERS_TIMEOUT_MS: '10000' };
    const e = configError({ ...slow, RECONCILE_NOT_PLACED_GRACE_SECONDS: '15' });
    expect(variables(e)).toEqual(['RECONCILE_NOT_PLACED_GRACE_SECONDS']);
    expect(e.message).toContain(
      'must be longer than BTCTURK_CONNECT_TIMEOUT_MS + BTCTURK_HEADERS_TIMEOUT_MS = 15000 ms (a submit may still be in flight until then), was 15 s',
    );
    expect(loadConfig({ ...slow, RECONCILE_NOT_PLACED_GRACE_SECONDS: '16' }).RECONCILE_NOT_PLACED_GRACE_SECONDS).toBe(
      16,
    );
  });

  it('refuses a reconcile retry delay of 0: the looks would not be apart', () => {
    expect(configError({ RECONCILE_RETRY_DELAY_SECONDS: '0' }).message).toContain(
      'RECONCILE_RETRY_DELAY_SECONDS: expected >= 1, was "0"',
    );
  });

  it('refuses a queue that dead-letters a message before it can make the checks a proof needs', () => {
    const e = configError({ RECONCILE_MAX_RECEIVES: '3', RECONCILE_NOT_PLACED_CHECKS: '4' });
    expect(variables(e)).toEqual(['RECONCILE_MAX_RECEIVES']);
    expect(e.message).toContain('must be at least RECONCILE_NOT_PLACED_CHECKS=4: every look is one delivery, was 3');
    expect(loadConfig({ RECONCILE_MAX_RECEIVES: '3', RECONCILE_NOT_PLACED_CHECKS: '3' }).RECONCILE_MAX_RECEIVES).toBe(
      3,
    );
  });
});

describe('ages and TTLs stay in ranges that make sense', () => {
  it('refuses a market-data max age of a day, under either name', () => {
    expect(configError({ MAX_MARKET_DATA_AGE_MS: '86400000' }).message).toContain(
      'MAX_MARKET_DATA_AGE_MS: expected <= 60000, was "86400000"',
    );
    expect(variables(configError({ BTCTURK_MARKETDATA_MAX_AGE_MS: '86400000' }))).toEqual([
      'BTCTURK_MARKETDATA_MAX_AGE_MS',
    ]);
    expect(loadConfig({ MAX_MARKET_DATA_AGE_MS: '60000' }).MAX_MARKET_DATA_AGE_MS).toBe(60_000);
  });

  it('refuses a day-old rules cache, a year of fill lookback and a day-long HTTP timeout', () => {
    const e = configError({
      RULES_CACHE_TTL_SEC: '86400',
      FILLS_POLL_LOOKBACK_MINUTES: '525600',
      BTCTURK_CONNECT_TIMEOUT_MS: '86400000',
      BTCTURK_HEADERS_TIMEOUT_MS: '86400000',
      BTCTURK_BODY_TIMEOUT_MS: '86400000',
    });
    expect(variables(e)).toEqual([
      'BTCTURK_BODY_TIMEOUT_MS',
      'BTCTURK_CONNECT_TIMEOUT_MS',
      'BTCTURK_HEADERS_TIMEOUT_MS',
      'FILLS_POLL_LOOKBACK_MINUTES',
      'RULES_CACHE_TTL_SEC',
    ]);
  });

  it('refuses an order book cache that outlives its serve-stale limit, or one that outlives the freshness gate', () => {
    expect(variables(configError({ ORDERBOOK_TTL_MS: '6000' }))).toEqual(['ORDERBOOK_TTL_MS']);
    const e = configError({ ORDERBOOK_MAX_STALENESS_MS: '20000' });
    expect(variables(e)).toEqual(['ORDERBOOK_MAX_STALENESS_MS']);
    expect(e.message).toContain('expected ORDERBOOK_MAX_STALENESS_MS <= MAX_MARKET_DATA_AGE_MS');
  });
});

describe('API key and secret come as a pair', () => {
  it('names the missing half', () => {
    expect(variables(configError({ BTCTURK_API_KEY: 'sim-public-key' }))).toEqual(['BTCTURK_API_SECRET']);
    expect(variables(configError({ BTCTURK_API_SECRET: 'c2VjcmV0' }))).toEqual(['BTCTURK_API_KEY']);
  });
});

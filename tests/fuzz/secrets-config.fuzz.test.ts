// Secrets and configuration: the secret text of Secrets Manager (parseSecret), credentials given to
// StaticCredentials, and environment maps through loadConfig (knob names in any casing, values that are
// blank, control or non-Latin-1 text, odd numbers, URLs of every scheme, keys and secrets of every shape),
// plus the risky settings issue 11 names, each of which must be refused. Invariants, per input:
// - the outcome is a ConfigError or a value; no error message contains the API key or secret given;
// - an API key is printable ASCII (no control character, nothing outside ASCII, no surrounding space), and
//   a secret is valid base64 (standard alphabet, whole 4-character groups, `=` only at the end), on every path;
// - with live trading or credentials, the exchange URLs are https:// and wss:// (plain text only on a
//   loopback or `.invalid` host); absence is never proven by one immediate look (grace 0 with 1 check);
//   market data is never a day old; table names and queue URLs are ones AWS could have issued.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { StaticCredentials } from '../../shared/adapters/env-credentials';
import { parseSecret } from '../../shared/adapters/secrets-manager/secrets-manager-credentials';
import { KNOBS } from '../../shared/config/knobs';
import { type Config, loadConfig } from '../../shared/config/load-config';
import { ConfigError } from '../../shared/domain/errors';
import type { ApiCredentials } from '../../shared/ports/credentials';
import { anyJson, oddEpochText, oddNumberText, oddText } from '../support/arbitraries';
import { Boundary, fuzz, judge, oneOf, runsOr, settle, type Verdict, withProblems } from './support/fuzz-runner';

const boundary = new Boundary('secrets-config');
afterAll(() => console.log(boundary.line()));

const SECRET_ID = 'btcbot/prod/btcturk';
const KEY = 'sim-public-key';
const SECRET = 'c2ltLXNlY3JldC1rZXktZm9yLWxvY2FsLXJ1bnM=';

// ------------------------------------------------------------------------------------------ invariants

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function credentialProblems(c: ApiCredentials): string[] {
  const out: string[] = [];
  if (!(PRINTABLE_ASCII.test(c.apiKey) && c.apiKey.trim() === c.apiKey)) {
    out.push(`accepted an API key that is not printable ASCII: ${JSON.stringify(c.apiKey.slice(0, 40))}`);
  }
  if (!(c.apiSecret.length > 0 && BASE64.test(c.apiSecret))) {
    out.push(`accepted an API secret that is not base64 (${c.apiSecret.length} characters)`);
  }
  return out;
}

/** Values long enough that finding one in a message is a leak, not a coincidence */
const leakable = (values: readonly (string | undefined)[]) =>
  values.flatMap((v) => (v !== undefined && v.trim().length >= 8 ? [v.trim()] : []));

const leaks = (message: string, secrets: readonly string[]): string[] =>
  secrets.filter((s) => message.includes(s)).map((s) => `the message shows a secret value (${s.length} characters)`);

const onlyConfigErrors = (secrets: readonly string[]) => (e: Error) => [
  ...oneOf(ConfigError)(e as ConfigError),
  ...leaks(e.message, secrets),
];

// ------------------------------------------------------------------------------------------ credentials

/** Keys: fine ones, and keys with newlines, control, non-Latin-1 or non-ASCII characters, blanks, very long */
const apiKey = fc.oneof(
  fc.stringMatching(/^[!-~]{8,40}$/),
  fc.constantFrom('key\nwith-newline', 'key\r\n', 'key\u0000', 'ключ-api', 'clé-api-1234', 'key\u00a0nbsp', '\tkey\t'),
  fc.constantFrom(' leading-space-key', 'trailing-space-key ', 'key with spaces in it'),
  oddText,
);
/** Secrets: base64 of random bytes, unpadded, misplaced padding, url-safe alphabet, wrapped, not base64 at all */
const apiSecret = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 48 }).map((b) => Buffer.from(b).toString('base64')),
  fc.uint8Array({ minLength: 1, maxLength: 48 }).map((b) => Buffer.from(b).toString('base64').replace(/=+$/, '')),
  fc.uint8Array({ minLength: 6, maxLength: 48 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.constantFrom('YWJj=ZGVm', 'YWJjZA=', 'YWJjZA===', '====', 'YWJj ZGVm', 'YWJjZGVm\n', 'not base64 at all!'),
  oddText,
);

async function checkSecret(text: string, secrets: readonly string[]): Promise<Verdict> {
  const settled = await settle(() => parseSecret(text, SECRET_ID));
  return judge(settled, credentialProblems, onlyConfigErrors(secrets));
}

async function checkStatic(c: { apiKey: string; apiSecret: string }): Promise<Verdict> {
  const settled = await settle(() => new StaticCredentials(c).get());
  return judge(settled, credentialProblems, onlyConfigErrors(leakable([c.apiKey, c.apiSecret])));
}

// ------------------------------------------------------------------------------------------ configuration

const LIVE_ENV: Readonly<Record<string, string>> = {
  APP_ROLE: 'LIVE',
  DRY_RUN: 'false',
  SAFE_MODE: 'false',
  KILL_SWITCH: 'false',
  LIVE_TRADING: 'true',
  LIVE_TRADING_ACK: 'I_UNDERSTAND',
  BTCTURK_API_KEY: KEY,
  BTCTURK_API_SECRET: SECRET,
  SYMBOLS: 'BTCTRY,ETHTRY',
};

function isLocalOnly(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return /^127(\.\d{1,3}){3}$/.test(h) || h === '[::1]' || h === 'localhost' || /\.(localhost|invalid)$/.test(h);
}

function urlProblems(variable: string, url: string, secure: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`${variable} ${JSON.stringify(url)} is no URL`];
  }
  return parsed.protocol === `${secure}:` || isLocalOnly(parsed.hostname)
    ? []
    : [`${variable} ${url} in clear text with live trading or credentials`];
}

function configProblems(c: Config): string[] {
  const out: string[] = [];
  if (c.BTCTURK_API_KEY !== undefined || c.BTCTURK_API_SECRET !== undefined) {
    out.push(...credentialProblems({ apiKey: c.BTCTURK_API_KEY ?? KEY, apiSecret: c.BTCTURK_API_SECRET ?? SECRET }));
  }
  const armed = c.LIVE_TRADING || [c.BTCTURK_API_KEY, c.BTCTURK_API_SECRET, c.BTCTURK_SECRET_ID].some((v) => v);
  if (armed) {
    out.push(...urlProblems('BTCTURK_BASE_URL', c.BTCTURK_BASE_URL, 'https'));
    out.push(...urlProblems('BTCTURK_WS_URL', c.BTCTURK_WS_URL, 'wss'));
  }
  if (c.RECONCILE_NOT_PLACED_GRACE_SECONDS === 0 && c.RECONCILE_NOT_PLACED_CHECKS <= 1) {
    out.push('an order is proven not placed by one immediate look (grace 0 s, 1 check)');
  }
  if (c.MAX_MARKET_DATA_AGE_MS >= 86_400_000) out.push(`market data may be ${c.MAX_MARKET_DATA_AGE_MS} ms old`);
  if (c.STATE_TABLE_NAME !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(c.STATE_TABLE_NAME)) {
    out.push(`STATE_TABLE_NAME ${JSON.stringify(c.STATE_TABLE_NAME.slice(0, 40))} is no DynamoDB table name`);
  }
  if (c.RECONCILE_QUEUE_URL !== undefined)
    out.push(...urlProblems('RECONCILE_QUEUE_URL', c.RECONCILE_QUEUE_URL, 'https'));
  return out;
}

const secretsOf = (env: Readonly<Record<string, string>>) =>
  leakable(Object.entries(env).flatMap(([k, v]) => (/^BTCTURK_API_(KEY|SECRET)$/i.test(k) ? [v] : []))).filter(
    (s) => !Object.entries(env).some(([k, v]) => !/^BTCTURK_API_(KEY|SECRET)$/i.test(k) && v.includes(s)),
  );

async function checkConfig(env: Readonly<Record<string, string>>, mustRefuse?: readonly string[]): Promise<Verdict> {
  const settled = await settle(() => loadConfig(env));
  const verdict = judge(settled, configProblems, onlyConfigErrors(secretsOf(env)));
  if (mustRefuse === undefined) return verdict;
  if (settled.ok) return withProblems(verdict, [`accepted, expected a ConfigError naming ${mustRefuse.join(' or ')}`]);
  const named =
    settled.error instanceof ConfigError && settled.error.issues.some((i) => mustRefuse.includes(i.variable));
  return withProblems(verdict, named ? [] : [`refused, but naming none of ${mustRefuse.join(', ')}`]);
}

const KNOB_NAMES = Object.keys(KNOBS);
/** Names are case-insensitive: any casing of a real knob name, or a name of no knob */
const variable = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOB_NAMES), weight: 6 },
  { arbitrary: fc.constantFrom(...KNOB_NAMES).map((n) => n.toLowerCase()), weight: 1 },
  { arbitrary: fc.string({ minLength: 1, maxLength: 12 }), weight: 1 },
);
const url = fc.constantFrom(
  'https://api.btcturk.com',
  'http://api.btcturk.com',
  'http://127.0.0.1:8080',
  'http://localhost.evil.example.com',
  'http://127.0.0.1.nip.io',
  'ws://ws-feed-pro.btcturk.com',
  'wss://ws-feed-pro.btcturk.com',
  'https://',
  'https://[',
  'https://exa mple.com',
  'ftp://api.btcturk.com',
  'https://sqs.eu-central-1.amazonaws.com/123456789012/btcbot-reconcile',
);
const value = fc.oneof(
  oddText,
  oddNumberText,
  oddEpochText,
  url,
  apiKey,
  apiSecret,
  fc.constantFrom('true', 'false', 'TRUE', 'yes', '0', '1', 'LIVE', 'I_UNDERSTAND', 'BTCTRY', 'btc_try,ETHTRY', '[]'),
  anyJson.map((j) => JSON.stringify(j)),
);
const envMap = fc
  .tuple(fc.boolean(), fc.dictionary(variable, value, { minKeys: 1, maxKeys: 5 }))
  .map(([live, over]) => ({
    ...(live ? LIVE_ENV : {}),
    ...over,
  }));

/** Each risky setting of issue 11 on a valid live environment, in any casing and padding; all must be refused */
const RISKY: readonly (readonly [Record<string, string>, readonly string[]])[] = [
  [{ BTCTURK_BASE_URL: 'http://api.btcturk.com' }, ['BTCTURK_BASE_URL']],
  [{ BTCTURK_BASE_URL: 'http://10.0.0.5:8080' }, ['BTCTURK_BASE_URL']],
  [{ BTCTURK_BASE_URL: 'http://localhost.evil.example.com' }, ['BTCTURK_BASE_URL']],
  [{ BTCTURK_WS_URL: 'ws://ws-feed-pro.btcturk.com' }, ['BTCTURK_WS_URL']],
  [
    { RECONCILE_NOT_PLACED_GRACE_SECONDS: '0', RECONCILE_NOT_PLACED_CHECKS: '1' },
    ['RECONCILE_NOT_PLACED_GRACE_SECONDS', 'RECONCILE_NOT_PLACED_CHECKS'],
  ],
  [{ MAX_MARKET_DATA_AGE_MS: '86400000' }, ['MAX_MARKET_DATA_AGE_MS']],
  [{ STATE_TABLE_NAME: 'my table!' }, ['STATE_TABLE_NAME']],
  [{ STATE_TABLE_NAME: 'x' }, ['STATE_TABLE_NAME']],
  [{ STATE_TABLE_NAME: 'x'.repeat(300) }, ['STATE_TABLE_NAME']],
  [{ RECONCILE_QUEUE_URL: 'not a url' }, ['RECONCILE_QUEUE_URL']],
  [{ RECONCILE_QUEUE_URL: 'http://sqs.eu-central-1.amazonaws.com/123456789012/q' }, ['RECONCILE_QUEUE_URL']],
  [{ BTCTURK_API_KEY: 'api-key\nX-Injected: 1' }, ['BTCTURK_API_KEY']],
  [{ BTCTURK_API_KEY: 'ключ-api-key' }, ['BTCTURK_API_KEY']],
  [{ BTCTURK_API_KEY: 'api\u0000key-value' }, ['BTCTURK_API_KEY']],
  [{ BTCTURK_API_SECRET: 'not base64 at all!' }, ['BTCTURK_API_SECRET']],
  [{ BTCTURK_API_SECRET: 'YWJj=ZGVmZ2hp' }, ['BTCTURK_API_SECRET']],
  [{ BTCTURK_API_SECRET: 'c2ltLXNlY3JldC1rZXk' }, ['BTCTURK_API_SECRET']],
];
const respelled = (name: string) =>
  fc.constantFrom(name, name.toLowerCase(), `${name[0]}${name.slice(1).toLowerCase()}`);
const risky = fc.tuple(fc.constantFrom(...RISKY), fc.constantFrom('', ' ', '\t')).chain(([[change, named], pad]) =>
  fc.tuple(...Object.keys(change).map(respelled)).map((names) => ({
    env: {
      // an exact upper-case name wins over other spellings: the live value it replaces goes
      ...Object.fromEntries(Object.entries(LIVE_ENV).filter(([k]) => !(k in change))),
      ...Object.fromEntries(names.map((n, i) => [n, `${pad}${Object.values(change)[i]}${pad}`])),
    },
    named,
  })),
);

describe('fuzz: secrets and configuration', () => {
  it('Secrets Manager secret text: ConfigError or printable-ASCII key and base64 secret, never echoed', async () => {
    const text = fc.oneof(
      {
        arbitrary: fc
          .tuple(apiKey, apiSecret)
          .map(([k, s]) => ({ text: JSON.stringify({ apiKey: k, apiSecret: s }), secrets: leakable([k, s]) })),
        weight: 6,
      },
      {
        arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((t) => ({ text: t, secrets: leakable([t]) })),
        weight: 1,
      },
      { arbitrary: anyJson.map((j) => ({ text: JSON.stringify(j), secrets: [] })), weight: 1 },
    );
    await fuzz(boundary, text, ({ text: t, secrets }) => checkSecret(t, secrets), runsOr(13000));
  });

  it('credentials given to StaticCredentials: the same rules as a secret', async () => {
    await fuzz(boundary, fc.record({ apiKey, apiSecret }), checkStatic, runsOr(8000));
  });

  it('environment maps: ConfigError or a config that keeps the invariants, never echoing a secret', async () => {
    await fuzz(boundary, envMap, (env) => checkConfig(env), runsOr(13000));
  });

  it('the risky settings of issue 11, in any casing and padding: refused, naming the variable', async () => {
    await fuzz(boundary, risky, ({ env, named }) => checkConfig(env, named), runsOr(2500));
  });
});

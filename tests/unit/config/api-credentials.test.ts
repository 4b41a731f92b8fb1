// One credentials schema on every path: the BTCTURK_API_KEY / BTCTURK_API_SECRET knobs here, the Secrets
// Manager JSON and StaticCredentials in tests/unit/adapters/*credentials*. A key is printable ASCII (it is
// sent as a header), a secret is strict base64; errors name the field, never the value.
import { describe, expect, it } from 'vitest';
import { API_KEY_MAX_CHARS, parseApiCredentials } from '../../../shared/config/api-credentials';
import { loadConfig } from '../../../shared/config/load-config';
import { configError } from '../../support/config-env';

const GOOD_SECRET = 'dGVzdC1zZWNyZXQta2V5LWZvci11bml0LXRlc3Rz';

const BAD_KEYS = [
  ['a line break inside', 'pk-abc\ndef'],
  ['a space inside', 'pk abc'],
  ['a tab inside', 'pk\tabc'],
  ['a control character', 'pk\u0000abc'],
  ['a non-Latin-1 character', 'pk-ключ'],
  ['a Latin-1 character outside ASCII', 'pk-é'],
  ['an emoji', 'pk-🔑'],
  ['too many characters', 'k'.repeat(API_KEY_MAX_CHARS + 1)],
] as const;

const BAD_SECRETS = [
  ['characters outside the alphabet', 'not base64 !!'],
  ['URL-safe characters', 'c2Vj-mV0_2Vj'],
  ['a length that is not a multiple of 4', 'c2VjcmV0c'],
  ['padding in the middle', 'c2=jcmV0'],
  ['three padding characters', 'c2V==='],
  ['padding alone', '===='],
  ['a line break inside', 'c2Vj\ncmV0'],
] as const;

describe('BTCTURK_API_KEY and BTCTURK_API_SECRET in the environment', () => {
  it.each(BAD_KEYS)('refuses a key with %s', (_, key) => {
    const e = configError({ BTCTURK_API_KEY: key, BTCTURK_API_SECRET: GOOD_SECRET });
    expect(e.issues.map((i) => i.variable)).toEqual(['BTCTURK_API_KEY']);
    expect(e.issues[0]?.message).toMatch(/^expected an API key of/);
  });

  it.each(BAD_SECRETS)('refuses a secret with %s', (_, secret) => {
    const e = configError({ BTCTURK_API_KEY: 'sim-public-key', BTCTURK_API_SECRET: secret });
    expect(e.issues).toEqual([
      {
        variable: 'BTCTURK_API_SECRET',
        message: "expected base64 text: A-Z a-z 0-9 + /, a length that is a multiple of 4, '=' padding only at the end",
      },
    ]);
  });

  it('accepts printable ASCII keys and padded or unpadded base64, trimming surrounding whitespace', () => {
    const c = loadConfig({ BTCTURK_API_KEY: ' pk-1!~{}"\n', BTCTURK_API_SECRET: 'c2VjcmV0LWtleQ==\n' });
    expect(c.BTCTURK_API_KEY).toBe('pk-1!~{}"');
    expect(c.BTCTURK_API_SECRET).toBe('c2VjcmV0LWtleQ==');
    expect(loadConfig({ BTCTURK_API_KEY: 'k', BTCTURK_API_SECRET: 'c2VjcmV0LWs=' }).BTCTURK_API_SECRET).toBe(
      'c2VjcmV0LWs=',
    );
  });

  it('never puts the key or the secret text into an error', () => {
    const key = 'pk-visible\nkey-text';
    const secret = 'secret-text-that-must-not-leak!';
    const e = configError({ BTCTURK_API_KEY: key, BTCTURK_API_SECRET: secret, LIVE_TRADING: 'true' });
    expect(e.issues.map((i) => i.variable)).toEqual(expect.arrayContaining(['BTCTURK_API_KEY', 'BTCTURK_API_SECRET']));
    for (const text of [e.message, JSON.stringify(e.issues), String(e.stack)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('key-text');
      expect(text).not.toContain('pk-visible');
    }
  });
});

describe('parseApiCredentials (the schema every path uses)', () => {
  it('returns the trimmed credentials', () => {
    expect(parseApiCredentials({ apiKey: ' pk ', apiSecret: `${GOOD_SECRET}\n` })).toEqual({
      apiKey: 'pk',
      apiSecret: GOOD_SECRET,
    });
  });

  it('names each wrong field with what was expected, never the value', () => {
    const problems = parseApiCredentials({ apiKey: 'pk\u202eabc', apiSecret: 'abc', extra: 1 });
    expect(problems).toEqual([
      { field: 'apiKey', message: expect.stringMatching(/^expected an API key of printable ASCII/) },
      { field: 'apiSecret', message: expect.stringMatching(/^expected base64 text/) },
    ]);
    expect(JSON.stringify(problems)).not.toContain('abc');
  });

  it('reports a missing or non-string field, and a value that is not an object', () => {
    expect(parseApiCredentials({ apiKey: 42 })).toEqual([
      { field: 'apiKey', message: 'missing or not a string' },
      { field: 'apiSecret', message: 'missing or not a string' },
    ]);
    expect(parseApiCredentials('pk:secret')).toEqual([
      { field: '(root)', message: 'expected an object with apiKey and apiSecret' },
    ]);
    expect(parseApiCredentials({ apiKey: '', apiSecret: '  ' })).toEqual([
      { field: 'apiKey', message: 'expected a non-empty API key' },
      { field: 'apiSecret', message: 'expected a non-empty API secret' },
    ]);
  });
});

// StaticCredentials (API keys from the environment, local runs) checks its values with the same schema as
// a Secrets Manager secret: a malformed key never reaches a request header.
import { describe, expect, it } from 'vitest';
import { StaticCredentials } from '../../../shared/adapters/env-credentials';
import { ConfigError } from '../../../shared/domain/errors';

const SECRET = 'dGVzdC1zZWNyZXQta2V5LWZvci11bml0LXRlc3Rz';

function refusal(apiKey: string, apiSecret: string): ConfigError {
  try {
    new StaticCredentials({ apiKey, apiSecret });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('StaticCredentials', () => {
  it('hands out well-formed credentials, trimmed', async () => {
    expect(await new StaticCredentials({ apiKey: ' sim-public-key\n', apiSecret: SECRET }).get()).toEqual({
      apiKey: 'sim-public-key',
      apiSecret: SECRET,
    });
  });

  it('refuses a key that would be an invalid header value, naming BTCTURK_API_KEY', () => {
    const e = refusal('pk\r\nX-Injected: 1', SECRET);
    expect(e.issues.map((i) => i.variable)).toEqual(['BTCTURK_API_KEY']);
    expect(e.message).toContain('expected an API key of printable ASCII characters');
    expect(e.message).not.toContain('X-Injected');
  });

  it('refuses a secret that is not base64, naming BTCTURK_API_SECRET and never quoting it', () => {
    const secret = 'not-base64-secret-text!';
    const e = refusal('sim-public-key', secret);
    expect(e.issues.map((i) => i.variable)).toEqual(['BTCTURK_API_SECRET']);
    expect(e.message).toContain('expected base64 text');
    expect(`${e.message}${JSON.stringify(e.issues)}`).not.toContain(secret);
  });

  it('without credentials, fails the first private call with a ConfigError naming what is missing', async () => {
    await expect(new StaticCredentials(undefined).get()).rejects.toThrow(
      'no credentials: set BTCTURK_SECRET_ID, or BTCTURK_API_KEY and BTCTURK_API_SECRET',
    );
  });
});

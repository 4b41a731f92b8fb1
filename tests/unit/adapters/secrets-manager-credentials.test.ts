// The Secrets Manager secret `{"apiKey", "apiSecret"}` goes through the one credentials schema: a key that
// is not printable ASCII or a secret that is not strict base64 is a ConfigError naming the field, never
// the value (moto-backed reads: tests/integration/aws-adapters.test.ts).
import { describe, expect, it } from 'vitest';
import { parseSecret } from '../../../shared/adapters/secrets-manager/secrets-manager-credentials';
import { ConfigError } from '../../../shared/domain/errors';

const SECRET = 'dGVzdC1zZWNyZXQta2V5LWZvci11bml0LXRlc3Rz';
const ID = 'btcbot/dev/btcturk';

function refusal(text: string): ConfigError {
  try {
    parseSecret(text, ID);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSecret', () => {
  it('returns the trimmed credentials', () => {
    expect(parseSecret(JSON.stringify({ apiKey: 'pk-1 ', apiSecret: ` ${SECRET}` }), ID)).toEqual({
      apiKey: 'pk-1',
      apiSecret: SECRET,
    });
  });

  it.each([
    ['a line break inside', 'pk-abc\ndef'],
    ['a non-Latin-1 character', 'pk-ключ'],
    ['a space inside', 'pk abc'],
  ])('refuses a key with %s', (_, apiKey) => {
    const e = refusal(JSON.stringify({ apiKey, apiSecret: SECRET }));
    expect(e.issues).toEqual([
      {
        variable: 'BTCTURK_SECRET_ID',
        message: `secret ${ID} field apiKey: expected an API key of printable ASCII characters (0x21-0x7E), without spaces or control characters`,
      },
    ]);
    expect(e.message).not.toContain(apiKey);
  });

  it.each([
    ['a length that is not a multiple of 4', 'c2VjcmV0c'],
    ['padding in the middle', 'c2=jcmV0'],
    ['three padding characters', 'c2V==='],
  ])('refuses a secret with %s', (_, apiSecret) => {
    const e = refusal(JSON.stringify({ apiKey: 'pk-1', apiSecret }));
    expect(e.issues.map((i) => i.message)).toEqual([
      `secret ${ID} field apiSecret: expected base64 text: A-Z a-z 0-9 + /, a length that is a multiple of 4, '=' padding only at the end`,
    ]);
    expect(e.message).not.toContain(apiSecret);
  });

  it('reports missing fields, a value that is not an object, and text that is not JSON', () => {
    expect(refusal('{"apiKey":"pk-1"}').message).toContain(`secret ${ID} field apiSecret: missing or not a string`);
    expect(refusal('["pk-1"]').message).toContain(
      `secret ${ID} field (root): expected an object with apiKey and apiSecret`,
    );
    expect(refusal('apiKey=pk-1').message).toContain(`secret ${ID} is not JSON`);
  });
});

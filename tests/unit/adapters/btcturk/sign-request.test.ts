import { describe, expect, it } from 'vitest';
import { authHeaders, StampSequence, signStamp } from '../../../../shared/adapters/btcturk/sign-request';

// BTCTURK_API section 3 test vector (fake credentials)
const KEY = 'test-public-key';
const SECRET = 'dGVzdC1zZWNyZXQta2V5LWZvci11bml0LXRlc3Rz';

describe('signStamp', () => {
  it('matches the documented signature for key + stamp with the base64-decoded secret', () => {
    expect(signStamp(KEY, SECRET, '1735689600000')).toBe('7gyFGcOS+qnq46h/rl83VtpaEAsh8Th3Z3lQrF7g2I0=');
  });

  it('differs from the signature made with the undecoded secret text', () => {
    expect(signStamp(KEY, SECRET, '1735689600000')).not.toBe('38qSfoys8cvFpd0FBe50RUaqT6Dl3iMO7iyblkzlqnw=');
  });

  it('puts the key, the stamp and its signature in the three auth headers', () => {
    expect(authHeaders({ apiKey: KEY, apiSecret: SECRET }, '1735689600000')).toEqual({
      'X-PCK': KEY,
      'X-Stamp': '1735689600000',
      'X-Signature': '7gyFGcOS+qnq46h/rl83VtpaEAsh8Th3Z3lQrF7g2I0=',
    });
  });
});

describe('StampSequence', () => {
  it('is strictly increasing per key even when the clock stalls or steps back', () => {
    const stamps = new StampSequence();
    const seen = [1000, 1000, 999, 1005.7].map((now) => stamps.next(KEY, now));
    expect(seen).toEqual(['1000', '1001', '1002', '1005']);
  });

  it('keeps a separate sequence for each key', () => {
    const stamps = new StampSequence();
    stamps.next('a', 1000);
    expect(stamps.next('b', 1000)).toBe('1000');
  });
});

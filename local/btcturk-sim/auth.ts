// Private-request authentication exactly as BTCTURK_API.md 3: X-Signature = base64(HMAC-SHA256(
// base64decode(secret), apiKey + stamp)); the stamp must be within +-5 s of the simulator's server time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { invalidNonce, type Reply, unauthorized } from './reply';

export interface ApiCredentials {
  readonly apiKey: string;
  /** Base64 text, as the venue issues it */
  readonly apiSecret: string;
}

export const STAMP_TOLERANCE_MS = 5_000;

export const signStamp = (c: ApiCredentials, stamp: string): string =>
  createHmac('sha256', Buffer.from(c.apiSecret, 'base64')).update(`${c.apiKey}${stamp}`, 'utf8').digest('base64');

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** undefined when the request is authentic; otherwise the 401 reply */
export function authenticate(h: IncomingHttpHeaders, c: ApiCredentials, serverNowMs: number): Reply | undefined {
  const key = header(h, 'x-pck');
  const stamp = header(h, 'x-stamp');
  const signature = header(h, 'x-signature');
  if (!key || !stamp || !signature) return unauthorized('Unauthorized - Headers are missing');
  if (key !== c.apiKey) return unauthorized('Unauthorized - Invalid Public/Private key');
  const expected = Buffer.from(signStamp(c, stamp));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return unauthorized('Unauthorized - Invalid Signature');
  }
  if (!/^\d{1,16}$/.test(stamp) || Math.abs(Number(stamp) - serverNowMs) > STAMP_TOLERANCE_MS) return invalidNonce();
  return undefined;
}

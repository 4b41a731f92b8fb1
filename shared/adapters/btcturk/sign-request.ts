// BTCTurk API-key authentication (BTCTURK_API 3): X-Signature = base64(HMAC-SHA256(base64decode(secret),
// apiKey + stamp)). Stamps are strictly increasing milliseconds per key: max(now + offset, last + 1).
import { createHmac } from 'node:crypto';

export interface Credentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** Secrets Manager (or a test) supplies these; called before every signed request, so cache inside it */
export type CredentialsProvider = () => Promise<Credentials>;

export function signStamp(apiKey: string, apiSecretBase64: string, stamp: string): string {
  return createHmac('sha256', Buffer.from(apiSecretBase64, 'base64'))
    .update(`${apiKey}${stamp}`, 'utf8')
    .digest('base64');
}

/** Hands out strictly increasing stamps per API key, even when the clock stalls or steps back */
export class StampSequence {
  readonly #last = new Map<string, number>();

  next(apiKey: string, nowMs: number): string {
    const stamp = Math.max(Math.floor(nowMs), (this.#last.get(apiKey) ?? 0) + 1);
    this.#last.set(apiKey, stamp);
    return String(stamp);
  }

  /** Forgets the last stamps: after a clock resync moved time back, stamps follow the corrected clock */
  reset(): void {
    this.#last.clear();
  }
}

export function authHeaders(credentials: Credentials, stamp: string): Record<string, string> {
  return {
    'X-PCK': credentials.apiKey,
    'X-Stamp': stamp,
    'X-Signature': signStamp(credentials.apiKey, credentials.apiSecret, stamp),
  };
}

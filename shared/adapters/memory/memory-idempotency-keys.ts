// In-memory stage 7 idempotency keys: first registration wins, the same hash again is a duplicate, another
// hash is a conflict; a key past its TTL counts as absent, as an expired DynamoDB item does.
import { IdempotencyConflictError } from '../../domain/errors';
import type { IdempotencyKeys } from '../../ports/state-store';

/** Spec 6.4: place keys live 7 days */
const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;

export class MemoryIdempotencyKeys implements IdempotencyKeys {
  readonly #keys = new Map<string, { readonly payloadHash: string; readonly expiresAtSec: number }>();

  /** @throws IdempotencyConflictError the key exists with another payload hash */
  async register(scope: string, key: string, payloadHash: string, nowMs: number, ttlSeconds = DEFAULT_TTL_SECONDS) {
    const id = `${scope}#${key}`;
    const nowSec = Math.floor(nowMs / 1000);
    const stored = this.#keys.get(id);
    if (stored !== undefined && stored.expiresAtSec > nowSec) {
      if (stored.payloadHash !== payloadHash) throw new IdempotencyConflictError(id, stored.payloadHash, payloadHash);
      return 'duplicate' as const;
    }
    this.#keys.set(id, { payloadHash, expiresAtSec: nowSec + ttlSeconds });
    return 'new' as const;
  }
}

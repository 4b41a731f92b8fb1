// In-memory versioned documents and monotonic cursors, with the DynamoDB stores' conditions.
import { ConcurrentUpdateError, CursorRegressionError, ValidationError } from '../../domain/errors';
import type { CursorStore, DocumentStore, Versioned } from '../../ports/state-store';

export class MemoryDocumentStore implements DocumentStore {
  readonly #documents = new Map<string, Versioned<string>>();

  async get(key: string): Promise<Versioned<string> | undefined> {
    return this.#documents.get(key);
  }

  /** @throws ConcurrentUpdateError the stored version is not `expectedVersion`; nothing was written */
  async put(key: string, value: string, expectedVersion: number): Promise<Versioned<string>> {
    const stored = this.#documents.get(key);
    if ((stored?.version ?? 0) !== expectedVersion) {
      const was = stored === undefined ? 'absent' : `version ${stored.version}`;
      throw new ConcurrentUpdateError(`document ${key}`, `expected version ${expectedVersion}, was ${was}`);
    }
    const next = Object.freeze({ value, version: expectedVersion + 1 });
    this.#documents.set(key, next);
    return next;
  }
}

export class MemoryCursorStore implements CursorStore {
  readonly #cursors = new Map<string, number>();

  async get(key: string): Promise<number | undefined> {
    return this.#cursors.get(key);
  }

  /**
   * @throws CursorRegressionError `value` is below the stored value; nothing was written
   * @throws ValidationError       `value` is not a non-negative safe integer; nothing was written
   */
  async advance(key: string, value: number): Promise<number> {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ValidationError(`cursor ${key}`, [
        { path: 'value', message: `expected a non-negative safe integer, was ${value}` },
      ]);
    }
    const stored = this.#cursors.get(key);
    if (stored !== undefined && value < stored) throw new CursorRegressionError(key, stored, value);
    this.#cursors.set(key, value);
    return value;
  }
}

// A DocumentStore where another writer (a stage 4 cycle saving its state) gets in between our read and
// our write: `rival` runs against the inner store just before our first put.
import type { DocumentStore } from '../../../../../shared/ports/state-store';

export function racingDocuments(inner: DocumentStore, rival: (documents: DocumentStore) => Promise<unknown>) {
  let raced = false;
  return {
    get: (key: string) => inner.get(key),
    async put(key: string, value: string, expectedVersion: number) {
      if (!raced) {
        raced = true;
        await rival(inner);
      }
      return inner.put(key, value, expectedVersion);
    },
  } satisfies DocumentStore;
}

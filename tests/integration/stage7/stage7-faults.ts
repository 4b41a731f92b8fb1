// Store wrappers for stage 7 tests: a recorder of every write (what "the store's contents" are made of) and a
// fault that fails the n-th write, before or after it is applied (a crash at that write).

import type { Stage7Store } from '../../../shared/ports/stage7-store';
import type { LedgerStore, StateStores } from '../../../shared/ports/state-store';

export class InjectedCrash extends Error {}

export interface WriteTap {
  readonly log: string[];
  /** Fails the n-th write (1-based) once; `after`: the write is applied first */
  failAt?: { readonly n: number; readonly after: boolean };
  count: number;
}

const replacer = (_k: string, v: unknown): unknown =>
  v instanceof Map ? [...v.entries()] : v instanceof Set ? [...v.values()] : v;
export const dump = (v: unknown): string => JSON.stringify(v, replacer);

export function tapStores(inner: StateStores, tap: WriteTap): StateStores {
  const write = async <T>(name: string, payload: unknown, run: () => Promise<T>): Promise<T> => {
    tap.count += 1;
    const failing = tap.failAt?.n === tap.count ? tap.failAt : undefined;
    if (failing && !failing.after) throw new InjectedCrash(`crash before write ${tap.count} (${name})`);
    const result = await run();
    // an insert-or-ignore append that added nothing changed nothing
    if (!(name === 'ledger.append' && result === 0)) tap.log.push(`${name} ${dump(payload)}`);
    if (failing) throw new InjectedCrash(`crash after write ${tap.count} (${name})`);
    return result;
  };
  const stage7: Stage7Store = {
    load: (a, f) => inner.stage7.load(a, f),
    loadOrders: (a, ids) => inner.stage7.loadOrders(a, ids),
    saveCycle: (w, f) => write('stage7.saveCycle', w, () => inner.stage7.saveCycle(w, f)),
  };
  const ledger: LedgerStore = {
    append: (events) => write('ledger.append', events, () => inner.ledger.append(events)),
    list: (...args) => inner.ledger.list(...args),
    size: (a) => inner.ledger.size(a),
  };
  const documents = {
    ...inner.documents,
    get: (key: string) => inner.documents.get(key),
    put: (key: string, value: string, v: number) =>
      write('documents.put', { key, value }, () => inner.documents.put(key, value, v)),
  } as StateStores['documents'];
  return { ...inner, stage7, ledger, documents };
}

// The ledger projection kept current (issue 12): one versioned document per account (`ledger#<account>`)
// holds the LedgerState of every event applied so far, so a cycle reads positions and PnL as O(1) items
// instead of the whole ledger. It is a cache of the ledger, never the truth: rebuildLedgerProjection
// recomputes it from every event, and anything that cannot be trusted (an unreadable document) is rebuilt.
//
// Keeping it current: the ledger's size (a counter kept in each append's transaction) equal to the state's
// event count means nothing was appended since: no event is listed (a quiet cycle is two GetItems). Else the
// events after the state's last key are listed and applied, and the size read again: if the state's count
// plus the events listed is not that size, an event was appended that sorts before the last key (a late
// fill inside the lookback window, or one appended meanwhile) and the state is rebuilt from the ledger
// (logged: rare). The save is guarded by the document version; a lost race re-reads and applies again.
import { ConcurrentUpdateError, LedgerOutOfOrderError, TradingError } from '../../domain/errors';
import { applyLedgerEvent, emptyLedgerState, type LedgerState, replayLedger } from '../../domain/ledger/ledger-state';
import { ledgerStateToJson } from '../../domain/ledger/ledger-state-json';
import type { Logger } from '../../ports/logger';
import type { DocumentStore, LedgerStore } from '../../ports/state-store';
import { parseLedgerState } from './ledger-state-codec';

export interface LedgerProjectionDeps {
  readonly ledger: LedgerStore;
  readonly documents: DocumentStore;
  readonly log: Logger;
}

export const ledgerProjectionKey = (account: string) => `ledger#${account}`;

/** Saves of one refresh when another writer keeps moving the version; then the state computed is used unsaved */
const SAVE_ATTEMPTS = 3;

interface Stored {
  readonly state: LedgerState;
  /** The document version, 0 when there is none */
  readonly version: number;
  /** The document could not be read: it is replaced even when no event moved the state */
  readonly unreadable: boolean;
}

/**
 * The account's ledger state with every stored event applied, from the projection document, brought up to
 * date (and saved when it moved).
 * @throws CorruptStateError a stored ledger event is malformed
 */
export async function currentLedgerState(deps: LedgerProjectionDeps, account: string): Promise<LedgerState> {
  let state = emptyLedgerState();
  for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
    const stored = await readProjection(deps, account);
    state = await caughtUp(deps, account, stored.state);
    if (state === stored.state && !stored.unreadable) return state;
    try {
      await save(deps, account, state, stored.version);
      return state;
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError)) throw e;
    }
  }
  deps.log.warn('Ledger projection kept moving; using the state computed without saving it', { account });
  return state;
}

/**
 * Recomputes the projection from every event of the ledger and saves it (operators, tests, and any state
 * that cannot be brought up to date in place).
 * @throws CorruptStateError a stored ledger event is malformed
 */
export async function rebuildLedgerProjection(deps: LedgerProjectionDeps, account: string): Promise<LedgerState> {
  let state = emptyLedgerState();
  for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
    const { version } = await readProjection(deps, account);
    state = replayLedger(await deps.ledger.list(account));
    try {
      await save(deps, account, state, version);
      return state;
    } catch (e) {
      if (!(e instanceof ConcurrentUpdateError)) throw e;
    }
  }
  deps.log.warn('Ledger projection kept moving; using the rebuilt state without saving it', { account });
  return state;
}

/** `state` with the events appended since applied: `state` itself when there were none */
async function caughtUp(deps: LedgerProjectionDeps, account: string, state: LedgerState): Promise<LedgerState> {
  if ((await deps.ledger.size(account)) === state.eventCount) return state;
  const fresh = await deps.ledger.list(account, 0, state.lastEventKey);
  const size = await deps.ledger.size(account);
  if (size !== state.eventCount + fresh.length) {
    deps.log.warn('Ledger event appended before the projection; rebuilding it from the ledger', {
      account,
      applied: state.eventCount,
      listed_after: fresh.length,
      ledger_size: size,
    });
    return replayLedger(await deps.ledger.list(account));
  }
  try {
    return fresh.reduce<LedgerState>(applyLedgerEvent, state);
  } catch (e) {
    if (!(e instanceof LedgerOutOfOrderError)) throw e;
    deps.log.warn('Ledger events listed out of replay order; rebuilding the projection', { account });
    return replayLedger(await deps.ledger.list(account));
  }
}

/**
 * The stored projection, or an empty state at the stored version when there is none or it cannot be read:
 * an unreadable cache is logged and rebuilt, never acted on
 */
async function readProjection(deps: LedgerProjectionDeps, account: string): Promise<Stored> {
  const key = ledgerProjectionKey(account);
  const document = await deps.documents.get(key);
  if (document === undefined) return { state: emptyLedgerState(), version: 0, unreadable: false };
  try {
    const state = parseLedgerState(JSON.parse(document.value), `document ${key}`);
    return { state, version: document.version, unreadable: false };
  } catch (e) {
    if (!(e instanceof TradingError || e instanceof SyntaxError)) throw e;
    deps.log.error('Ledger projection unreadable; rebuilding it from the ledger', { account, error: e.message });
    return { state: emptyLedgerState(), version: document.version, unreadable: true };
  }
}

async function save(deps: LedgerProjectionDeps, account: string, state: LedgerState, version: number) {
  await deps.documents.put(ledgerProjectionKey(account), JSON.stringify(ledgerStateToJson(state)), version);
}

// Every key of the single state table (ARCHITECTURE section 4, spec 6.2 mapping guidance) in one place.
// Variable parts are escaped (`%` -> %25, `#` -> %23) so a `#` always separates and begins_with prefixes
// cannot match a longer neighbour; numbers in sort keys are zero-padded so string order is numeric order.
import type { JournalStatus } from '../../domain/order-state';

/** One variable part of a key, escaped */
export const part = (value: string) => value.replaceAll('%', '%25').replaceAll('#', '%23');

/** Non-negative integers padded to 16 digits (ms epochs until year 318857, seconds far beyond) */
export function pad(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`expected a non-negative integer, was ${value}`);
  return String(value).padStart(16, '0');
}

export interface Key {
  readonly pk: string;
  readonly sk: string;
}

export const keys = {
  /** The lease name is one opaque component (e.g. `stage3#default`): the key is only ever read exactly */
  lease: (name: string): Key => ({ pk: `LEASE#${name}`, sk: 'LEASE' }),
  order: (account: string, clientOrderId: string): Key => ({
    pk: `ACCT#${part(account)}`,
    sk: `ORDER#${part(clientOrderId)}`,
  }),
  orderStatusIndex: (account: string, status: JournalStatus) => `ACCT#${part(account)}#STATUS#${status}`,
  orderStatusSort: (createdAtMs: number, clientOrderId: string) => `${pad(createdAtMs)}#${part(clientOrderId)}`,
  /** Written with the order in its create transaction: attempts of one intent, newest last */
  intentPointer: (account: string, intentKey: string, attempt: number, clientOrderId: string): Key => ({
    pk: `ACCT#${part(account)}`,
    sk: `INTENT#${part(intentKey)}#${pad(attempt)}#${part(clientOrderId)}`,
  }),
  intentPrefix: (intentKey: string) => `INTENT#${part(intentKey)}#`,
  orderPrefix: 'ORDER#',
  /** Entries per status, changed in the same transaction as every status change of the account */
  journalCounts: (account: string): Key => ({ pk: `ACCT#${part(account)}`, sk: 'COUNTS' }),
  accountPk: (account: string) => `ACCT#${part(account)}`,
  /** A stage 4 replace transaction (spec 3.18) */
  replaceTx: (account: string, id: string): Key => ({ pk: `ACCT#${part(account)}`, sk: `REPLACE#${part(id)}` }),
  /** Sparse: only non-terminal transactions carry it, so listing the open ones never reads the finished */
  replaceTxOpenIndex: (account: string) => `ACCT#${part(account)}#REPLACE#OPEN`,
  replaceTxOpenSort: (createdAtMs: number, id: string) => `${pad(createdAtMs)}#${part(id)}`,
  fill: (account: string, symbol: string, tradeId: string): Key => ({
    pk: `ACCT#${part(account)}`,
    sk: `FILL#${part(symbol)}#${part(tradeId)}`,
  }),
  fillTimeIndex: (account: string, symbol: string) => `FILLS#${part(account)}#${part(symbol)}`,
  fillTimeSort: (timestampMs: number, tradeId: string) => `${pad(timestampMs)}#${part(tradeId)}`,
  ledgerPk: (account: string) => `LEDGER#${part(account)}`,
  ledgerEventSort: (timestampMs: number, eventId: string) => `${pad(timestampMs)}#${part(eventId)}`,
  /** Uniqueness guard: the event's sort key holds its timestamp, so put-if-absent needs a key of its own */
  ledgerGuard: (account: string, eventId: string): Key => ({
    pk: `LEDGER#${part(account)}`,
    sk: `EVENT#${part(eventId)}`,
  }),
  /** How many events the account's ledger holds, added to in each append's transaction */
  ledgerCounter: (account: string): Key => ({ pk: `LEDGER#${part(account)}`, sk: 'COUNT' }),
  idempotency: (scope: string, key: string): Key => ({ pk: `IDEM#${part(scope)}#${part(key)}`, sk: 'IDEM' }),
  actionDedupe: (dedupeKey: string): Key => ({ pk: `ACTIONKEY#${part(dedupeKey)}`, sk: 'DEDUPE' }),
  action: (actionId: string): Key => ({ pk: `ACTION#${part(actionId)}`, sk: 'ACTION' }),
  document: (key: string): Key => ({ pk: `DOC#${part(key)}`, sk: 'DOC' }),
  cursor: (key: string): Key => ({ pk: `CURSOR#${part(key)}`, sk: 'CURSOR' }),
  cycleAudit: (cycleId: string): Key => ({ pk: `CYCLE#${part(cycleId)}`, sk: 'AUDIT' }),
  cycleAuditIndex: (stage: string, account: string) => `AUDIT#${stage}#${part(account)}`,
  cycleAuditSort: (startedAtMs: number, cycleId: string) => `${pad(startedAtMs)}#${part(cycleId)}`,
  cooldown: (symbol: string): Key => ({ pk: `COOLDOWN#${part(symbol)}`, sk: 'COOLDOWN' }),
  /** Only symbols that have had a cooldown are in the index, sorted by when it ends */
  cooldownIndex: 'COOLDOWNS',
  cooldownSort: (untilSec: number, symbol: string) => `${pad(untilSec)}#${part(symbol)}`,
} as const;

/** Key attributes as AttributeValues for GetItem/UpdateItem/DeleteItem */
export const keyItem = (key: Key) => ({ pk: { S: key.pk }, sk: { S: key.sk } });

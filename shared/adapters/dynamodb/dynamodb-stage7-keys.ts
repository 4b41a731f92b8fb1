// The stage 7 keys of the state table: every record of an account under one partition S7#<account>, sorted by
// kind. Escaping and padding follow keys.ts (`%` -> %25, `#` -> %23; numbers padded to 16 digits), so a prefix
// query for one order's events cannot match a longer client id, and sort order is numeric order.
import type { Stage7DocumentName } from '../../ports/stage7-store';
import { type Key, pad, part } from './keys';

const pk = (account: string) => `S7#${part(account)}`;

export const stage7Keys = {
  pk,
  order: (account: string, clientOrderId: string): Key => ({ pk: pk(account), sk: `ORDER#${part(clientOrderId)}` }),
  /** Sparse gsi1: only non-terminal orders carry it, so loading the open ones never reads the finished */
  openIndex: (account: string) => `S7#${part(account)}#OPEN`,
  openSort: (createdAtMs: number, clientOrderId: string) => `${pad(createdAtMs)}#${part(clientOrderId)}`,
  event: (account: string, clientOrderId: string, seq: number): Key => ({
    pk: pk(account),
    sk: `EVENT#${part(clientOrderId)}#${pad(seq)}`,
  }),
  eventPrefix: (clientOrderId: string) => `EVENT#${part(clientOrderId)}#`,
  idempotency: (account: string, key: string): Key => ({ pk: pk(account), sk: `IDEM#${part(key)}` }),
  document: (account: string, name: Stage7DocumentName): Key => ({ pk: pk(account), sk: `DOC#${name}` }),
  activeParams: (account: string): Key => ({ pk: pk(account), sk: 'PARAMS#ACTIVE' }),
  checkpoint: (account: string, version: number): Key => ({ pk: pk(account), sk: `CKPT#${pad(version)}` }),
  checkpointPrefix: 'CKPT#',
  change: (account: string, changeId: string): Key => ({ pk: pk(account), sk: `CHANGE#${part(changeId)}` }),
  /** Run-metric rows sort by time: the newest are the last of the prefix */
  run: (account: string, tsMs: number, cycleId: string): Key => ({
    pk: pk(account),
    sk: `RUN#${pad(tsMs)}#${part(cycleId)}`,
  }),
  runPrefix: 'RUN#',
  trace: (account: string, cycleId: string): Key => ({ pk: pk(account), sk: `TRACE#${part(cycleId)}` }),
  /** The redo log of a write split over several transactions: chunk 0 exists exactly while one is unfinished */
  log: (account: string, index: number): Key => ({ pk: pk(account), sk: `LOG#${pad(index)}` }),
  logPrefix: 'LOG#',
} as const;

/** The kind of a stage 7 record from its sort key */
export type Stage7RecordKind =
  | 'order'
  | 'event'
  | 'idempotency'
  | 'document'
  | 'activeParams'
  | 'checkpoint'
  | 'change'
  | 'run'
  | 'trace'
  | 'log';

const KINDS: readonly [string, Stage7RecordKind][] = [
  ['ORDER#', 'order'],
  ['EVENT#', 'event'],
  ['IDEM#', 'idempotency'],
  ['DOC#', 'document'],
  ['PARAMS#ACTIVE', 'activeParams'],
  ['CKPT#', 'checkpoint'],
  ['CHANGE#', 'change'],
  ['RUN#', 'run'],
  ['TRACE#', 'trace'],
  ['LOG#', 'log'],
];

export const recordKind = (sk: string): Stage7RecordKind | undefined => KINDS.find(([p]) => sk.startsWith(p))?.[1];

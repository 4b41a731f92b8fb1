// The reconcile handler on in-memory dependencies, one fresh world per fuzz input: a journal holding one
// order in flight (UNKNOWN, never found at the venue), and every write to the journal, the op-state
// documents and the queue recorded, so a malformed record can be shown to have written nothing.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createHandler } from '../../../functions/reconcile/handler';
import { ManualClock } from '../../../shared/adapters/clock/manual-clock';
import { MemoryReconcileQueue } from '../../../shared/adapters/memory/memory-reconcile-queue';
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import { loadOpState } from '../../../shared/application/op-state';
import { reconcilePolicyOf } from '../../../shared/application/reconcile-policy';
import { loadConfig } from '../../../shared/config/load-config';
import { escalationThresholdsOf } from '../../../shared/domain/escalation';
import { dec } from '../../../shared/domain/money';
import type { Exchange } from '../../../shared/ports/exchange';
import type { Logger } from '../../../shared/ports/logger';
import type { DocumentStore, OrderJournal } from '../../../shared/ports/state-store';

export const START_MS = Date.UTC(2026, 10, 21, 12, 0, 0);
export const ACCOUNT = 'default';
/** The one order the journal holds: in flight, so a valid message for it does work (and writes) */
export const KNOWN_ORDER = 'bb3-BTCTRY-b-0123456789abcdef0123';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const lambdaContext = (id: string) =>
  ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;

const notUsed = () => Promise.reject(new Error('not used by reconcile'));

/** An exchange that never finds the order (reconcile only looks orders up by client id) */
const neverFound: Exchange = {
  serverTime: notUsed,
  exchangeInfo: notUsed,
  orderBookTop: notUsed,
  tickers: notUsed,
  balances: notUsed,
  openOrders: notUsed,
  allOrders: notUsed,
  userTrades: notUsed,
  placeLimitOrder: notUsed,
  cancelOrder: notUsed,
  findOrderByClientId: async () => ({ found: false }),
  requestsSent: () => ({}),
};

function recordingJournal(inner: OrderJournal, writes: string[]): OrderJournal {
  return {
    create: (order, fence, nowMs) => {
      writes.push(`create ${order.clientOrderId}`);
      return inner.create(order, fence, nowMs);
    },
    transition: (order, event, patch, nowMs, fence) => {
      writes.push(`transition ${order.clientOrderId}`);
      return inner.transition(order, event, patch, nowMs, fence);
    },
    update: (order, patch, nowMs, fence) => {
      writes.push(`update ${order.clientOrderId}`);
      return inner.update(order, patch, nowMs, fence);
    },
    get: (account, clientOrderId) => inner.get(account, clientOrderId),
    listByStatus: (account, statuses) => inner.listByStatus(account, statuses),
    latestForIntent: (account, intentKey) => inner.latestForIntent(account, intentKey),
    countByStatus: (account) => inner.countByStatus(account),
  };
}

function recordingDocuments(inner: DocumentStore, writes: string[]): DocumentStore {
  return {
    get: (key) => inner.get(key),
    put: (key, value, expectedVersion) => {
      writes.push(`put ${key}`);
      return inner.put(key, value, expectedVersion);
    },
  };
}

export interface ReconcileWorld {
  handle(event: unknown): Promise<SQSBatchResponse>;
  /** `create|transition|update <clientOrderId>` for every journal write the handler made */
  readonly journalWrites: readonly string[];
  /** `put <key>` for every document write */
  readonly documentWrites: readonly string[];
  /** Messages sent to the queue (the reconcile path never sends one) */
  sent(): number;
  /** The stored kill switch (set by an exhausted reconcile) */
  killSwitchOn(): Promise<boolean>;
}

/** RECONCILE_MAX_RECEIVES: a delivery with this count is the last, and escalates */
export const MAX_RECEIVES = loadConfig({}).RECONCILE_MAX_RECEIVES;

const config = loadConfig({});

export async function reconcileWorld(): Promise<ReconcileWorld> {
  const clock = new ManualClock(START_MS, { autoAdvance: true });
  const stores = createMemoryStateStores();
  const lease = await stores.leases.acquire(`trading#${ACCOUNT}`, 'seed', 60_000, clock.nowMs());
  if (!lease) throw new Error('the seed lease is free in a fresh world');
  const { order } = await stores.journal.create(
    {
      account: ACCOUNT,
      clientOrderId: KNOWN_ORDER,
      stage: 'stage3',
      symbol: 'BTCTRY',
      side: 'BUY',
      price: dec('3000000'),
      qty: dec('0.0001'),
      intentKey: 'intent-known',
      attempt: 0,
      cycleId: 'seed',
      createdAtMs: clock.nowMs(),
    },
    { name: lease.name, epoch: lease.epoch },
    clock.nowMs(),
  );
  await stores.journal.transition(order, 'SUBMIT_UNCERTAIN', { submittedAtMs: clock.nowMs() }, clock.nowMs());
  await stores.leases.release(lease);
  const queue = new MemoryReconcileQueue(clock);
  const journalWrites: string[] = [];
  const documentWrites: string[] = [];
  const handler = createHandler(() => ({
    journal: recordingJournal(stores.journal, journalWrites),
    documents: recordingDocuments(stores.documents, documentWrites),
    exchange: neverFound,
    clock,
    queue,
    log: silentLogger,
    policy: reconcilePolicyOf(config),
    retryDelaySeconds: config.RECONCILE_RETRY_DELAY_SECONDS,
    maxReceives: config.RECONCILE_MAX_RECEIVES,
    escalation: escalationThresholdsOf(config),
  }));
  return {
    handle: (event) => handler(event as SQSEvent, lambdaContext('fuzz')),
    journalWrites,
    documentWrites,
    sent: () => queue.sent,
    killSwitchOn: async () => (await loadOpState(stores.documents, ACCOUNT)).killSwitchOn,
  };
}

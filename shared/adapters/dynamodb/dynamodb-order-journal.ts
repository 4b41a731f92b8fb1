// Order journal over the state table (ARCHITECTURE section 5). create is ONE TransactWriteItems: the lease
// epoch ConditionCheck, the entry put-if-absent, an intent pointer and +1 on the account's counts item; every
// later change is guarded by the version (and status) read, with the next status computed by journalMachine
// before writing. A change of status is ONE TransactWriteItems with the counts update (-1 from, +1 to), so
// countByStatus is one GetItem however many orders the account has had; a change that keeps the status is
// ONE UpdateItem (with the lease ConditionCheck in a transaction when fenced).
//
// The counts item is only ever created by rebuildCounts, from the entries themselves: every counts update is
// conditional on the item existing, so no change is counted on top of a count that misses older entries (a
// table written before counts existed). A write refused for that reason rebuilds the item and is retried.
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ConcurrentUpdateError, StaleLeaseError } from '../../domain/errors';
import { type JournalEvent, type JournalStatus, journalMachine } from '../../domain/order-state';
import type {
  JournalCountsRebuild,
  JournalOrder,
  JournalPatch,
  LeaseFence,
  NewJournalOrder,
  OrderJournal,
} from '../../ports/state-store';
import { newJournalEntry } from '../new-journal-entry';
import { count, type Item, N, parseItem, S, str } from './attributes';
import {
  countStatuses,
  nextEntry,
  orderItem,
  parseOrder,
  parseStatusCounts,
  patchAttributes,
  type StatusCounts,
  statusCountsItem,
  statusIndexKeys,
} from './journal-codec';
import { keyItem, keys } from './keys';
import {
  type Cancellation,
  cancellations,
  type DynamoTable,
  getItem,
  leaseCheck,
  queryAll,
  refusedItem,
  sendTransaction,
} from './table';

const pointerSchema = z.object({ clientOrderId: str, attempt: count });
/**
 * Parallel creates of one entry, and parallel status changes of one account (they share the counts item),
 * can cancel each other (TransactionConflict): retried, and a refused condition then decides
 */
const CONFLICT_RETRIES = 8;

export class DynamoOrderJournal implements OrderJournal, JournalCountsRebuild {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * @throws StaleLeaseError `fence` is no longer the lease's epoch; nothing was written
   * @throws CorruptStateError the new entry is not one the journal may store (nothing was written), or the
   *   stored entry is malformed
   */
  async create(order: NewJournalOrder, fence: LeaseFence, nowMs: number) {
    const entry = newJournalEntry(order, nowMs);
    const pointer = keys.intentPointer(order.account, order.intentKey, order.attempt, order.clientOrderId);
    const items: TransactWriteItem[] = [
      { ConditionCheck: leaseCheck(this.#table.tableName, fence) },
      {
        Put: {
          TableName: this.#table.tableName,
          Item: orderItem(entry),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: this.#table.tableName,
          Item: { ...keyItem(pointer), clientOrderId: S(order.clientOrderId), attempt: N(order.attempt) },
        },
      },
      { Update: this.#countsUpdate(order.account, { PENDING_SUBMIT: 1 }) },
    ];
    const replay = await this.#countedWrite(order.account, items, async ([lease, put], error) => {
      if (lease?.code === 'ConditionalCheckFailed')
        throw new StaleLeaseError(fence.name, fence.epoch, { cause: error });
      if (put?.code !== 'ConditionalCheckFailed') return undefined;
      return { created: false, order: put.item ? parseOrder(put.item) : await this.#existing(order) };
    });
    return replay ?? { created: true, order: entry };
  }

  /** @throws CorruptStateError the stored entry is malformed */
  async get(account: string, clientOrderId: string): Promise<JournalOrder | undefined> {
    const item = await getItem(this.#table, keys.order(account, clientOrderId));
    return item === undefined ? undefined : parseOrder(item);
  }

  /**
   * @throws InvalidTransitionError the state machine forbids it; nothing was written
   * @throws ConcurrentUpdateError the stored version or status moved on
   * @throws CorruptStateError the patched entry would be malformed (filledQty above qty...); nothing was written
   */
  async transition(
    order: JournalOrder,
    event: JournalEvent,
    patch: JournalPatch,
    nowMs: number,
    fence?: LeaseFence,
  ): Promise<JournalOrder> {
    const to = journalMachine.next(order.status, event, order.clientOrderId);
    const next = nextEntry(order, { ...patch, status: to }, nowMs);
    const changes = { ...patchAttributes(patch), status: S(to), ...statusIndexKeys(order, to) };
    if (to === order.status) {
      if (fence !== undefined) return this.#fencedWrite(order, changes, next, nowMs, fence);
      return this.#write(order, changes, nowMs);
    }
    const items: TransactWriteItem[] = [
      ...(fence === undefined ? [] : [{ ConditionCheck: leaseCheck(this.#table.tableName, fence) }]),
      { Update: this.#guardedUpdate(order, changes, nowMs) },
      { Update: this.#countsUpdate(order.account, { [order.status]: -1, [to]: 1 }) },
    ];
    await this.#countedWrite(order.account, items, (reasons, error) =>
      refusedChange(order, fence, fence === undefined ? [undefined, ...reasons] : reasons, error),
    );
    return next;
  }

  /**
   * @throws ConcurrentUpdateError the stored version moved on; StaleLeaseError the fence is stale
   * @throws CorruptStateError the patched entry would be malformed; nothing was written
   */
  async update(order: JournalOrder, patch: JournalPatch, nowMs: number, fence?: LeaseFence): Promise<JournalOrder> {
    const next = nextEntry(order, patch, nowMs);
    if (fence !== undefined) return this.#fencedWrite(order, patchAttributes(patch), next, nowMs, fence);
    return this.#write(order, patchAttributes(patch), nowMs);
  }

  /**
   * Stops at the first malformed entry rather than skipping it: an entry left out would be missing from
   * the open-order limits and the in-flight freeze that the caller computes from this list.
   * @throws CorruptStateError a stored entry is malformed (the error names its key and field)
   */
  async listByStatus(account: string, statuses: readonly JournalStatus[]): Promise<JournalOrder[]> {
    const pages = await Promise.all(
      [...new Set(statuses)].map((status) =>
        queryAll(this.#table, {
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': S(keys.orderStatusIndex(account, status)) },
        }),
      ),
    );
    return pages
      .flat()
      .map(parseOrder)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || compare(a.clientOrderId, b.clientOrderId));
  }

  /** @throws CorruptStateError the pointer or the entry is malformed */
  async latestForIntent(account: string, intentKey: string): Promise<JournalOrder | undefined> {
    const [pointer] = await queryAll(this.#table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': S(keys.accountPk(account)), ':prefix': S(keys.intentPrefix(intentKey)) },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    });
    if (pointer === undefined) return undefined;
    return this.get(account, parseItem(pointerSchema, pointer).clientOrderId);
  }

  /**
   * One GetItem of the account's counts item (created from a full count the first time).
   * @throws CorruptStateError the counts item is malformed
   */
  async countByStatus(account: string): Promise<StatusCounts> {
    const item = await getItem(this.#table, keys.journalCounts(account));
    if (item !== undefined) return parseStatusCounts(item).counts;
    await this.#storeCounts(account, 0);
    return this.countByStatus(account);
  }

  /**
   * Counts the account's entries again and stores the result, conditional on the counts item not having
   * moved since it was read (a status change in between makes it count again). Its cost grows with the
   * journal: for operators and tests.
   * @throws CorruptStateError an entry's status or the counts item is malformed
   */
  async rebuildCounts(account: string): Promise<StatusCounts> {
    for (let attempt = 0; ; attempt++) {
      const stored = await getItem(this.#table, keys.journalCounts(account));
      const counts = await this.#storeCounts(account, stored === undefined ? 0 : parseStatusCounts(stored).version);
      if (counts !== undefined) return counts;
      if (attempt >= CONFLICT_RETRIES) {
        throw new ConcurrentUpdateError(`journal counts of ${account}`, 'status changes kept moving during the count');
      }
    }
  }

  /**
   * Counts the entries with a consistent query of the base table (gsi1 is eventually consistent) and writes
   * the counts item at `version` + 1 if it is still at `version` (0: absent; while it is absent every status
   * change is refused, so the count is exact). @returns the counts, or undefined when the item had moved
   */
  async #storeCounts(account: string, version: number): Promise<StatusCounts | undefined> {
    const entries = await queryAll(this.#table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: 'pk, sk, #status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': S(keys.accountPk(account)), ':prefix': S(keys.orderPrefix) },
      ConsistentRead: true,
    });
    const counts = countStatuses(entries);
    try {
      await this.#table.client.send(
        new PutItemCommand({
          TableName: this.#table.tableName,
          Item: statusCountsItem(account, counts, version + 1),
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeValues: version === 0 ? undefined : { ':expected': N(version) },
        }),
      );
      return counts;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return undefined;
    }
  }

  async #existing(order: NewJournalOrder): Promise<JournalOrder> {
    const stored = await this.get(order.account, order.clientOrderId);
    if (stored === undefined) {
      throw new ConcurrentUpdateError(`${order.account}/${order.clientOrderId}`, 'expected an entry, was absent');
    }
    return stored;
  }

  /** The version- and status-guarded update of one entry, shared by the plain and the fenced write */
  #guardedUpdate(order: JournalOrder, changes: Item, nowMs: number) {
    const assignments = { ...changes, version: N(order.version + 1), updatedAtMs: N(nowMs) };
    const names = Object.keys(assignments);
    return {
      TableName: this.#table.tableName,
      Key: keyItem(keys.order(order.account, order.clientOrderId)),
      UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
      ConditionExpression: '#version = :expected AND #status = :from',
      ExpressionAttributeNames: {
        ...Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
        '#version': 'version',
        '#status': 'status',
      },
      ExpressionAttributeValues: {
        ...Object.fromEntries(Object.values(assignments).map((value, i) => [`:a${i}`, value])),
        ':expected': N(order.version),
        ':from': S(order.status),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  async #write(order: JournalOrder, changes: Item, nowMs: number): Promise<JournalOrder> {
    try {
      const out = await this.#table.client.send(
        new UpdateItemCommand({ ...this.#guardedUpdate(order, changes, nowMs), ReturnValues: 'ALL_NEW' }),
      );
      return parseOrder(out.Attributes ?? {});
    } catch (error) {
      const { refused, item } = refusedItem(error);
      if (!refused) throw error;
      throw concurrentUpdate(order, item, error);
    }
  }

  /** One transaction: the lease epoch ConditionCheck and the guarded update (ARCHITECTURE 5.2 for every write) */
  async #fencedWrite(
    order: JournalOrder,
    changes: Item,
    next: JournalOrder,
    nowMs: number,
    fence: LeaseFence,
  ): Promise<JournalOrder> {
    try {
      await this.#table.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { ConditionCheck: leaseCheck(this.#table.tableName, fence) },
            { Update: this.#guardedUpdate(order, changes, nowMs) },
          ],
        }),
      );
    } catch (error) {
      const reasons = cancellations(error);
      if (reasons === undefined) throw error;
      refusedChange(order, fence, reasons, error);
      throw error;
    }
    return next;
  }

  /** Adds `deltas` to the account's counts item, refused when it does not exist (see the file comment) */
  #countsUpdate(account: string, deltas: Partial<Record<JournalStatus, number>>) {
    const entries = Object.entries(deltas);
    return {
      TableName: this.#table.tableName,
      Key: keyItem(keys.journalCounts(account)),
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}, #version :one`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: {
        ...Object.fromEntries(entries.map(([status], i) => [`#c${i}`, status])),
        '#version': 'version',
      },
      ExpressionAttributeValues: {
        ...Object.fromEntries(entries.map(([, delta], i) => [`:c${i}`, N(delta as number)])),
        ':one': N(1),
      },
    };
  }

  /**
   * Sends a transaction whose last item is a counts update. `refused` reads the cancellation of the other
   * items first: it throws the caller's error, or returns a result that ends the write (a replay). A missing
   * counts item is rebuilt and the transaction sent again; a conflict is retried with backoff.
   */
  async #countedWrite<T>(
    account: string,
    items: TransactWriteItem[],
    refused: (reasons: Cancellation[], error: unknown) => T | undefined | Promise<T | undefined>,
  ): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      const canceled = await sendTransaction(this.#table, items);
      if (canceled === undefined) return undefined;
      const { reasons, cause } = canceled;
      const result = await refused(reasons, cause);
      if (result !== undefined) return result;
      if (attempt >= CONFLICT_RETRIES) throw cause;
      if (reasons.at(-1)?.code === 'ConditionalCheckFailed') await this.#storeCounts(account, 0);
      else if (reasons.some((r) => r.code === 'TransactionConflict'))
        await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
      else throw cause;
    }
  }
}

/**
 * Throws the error a refused change of `order` means: the lease ConditionCheck (`reasons[0]`, undefined when
 * unfenced) or the guarded update (`reasons[1]`); returns nothing when neither was refused.
 */
function refusedChange(
  order: JournalOrder,
  fence: LeaseFence | undefined,
  reasons: readonly (Cancellation | undefined)[],
  error: unknown,
): undefined {
  const [lease, update] = reasons;
  if (fence !== undefined && lease?.code === 'ConditionalCheckFailed')
    throw new StaleLeaseError(fence.name, fence.epoch, { cause: error });
  if (update?.code === 'ConditionalCheckFailed') throw concurrentUpdate(order, update.item, error);
  return undefined;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function concurrentUpdate(order: JournalOrder, item: Item | undefined, cause: unknown): ConcurrentUpdateError {
  const was = item === undefined ? 'absent' : `version ${item.version?.N} in ${item.status?.S}`;
  return new ConcurrentUpdateError(
    `${order.account}/${order.clientOrderId}`,
    `expected version ${order.version} in ${order.status}, was ${was}`,
    { cause },
  );
}

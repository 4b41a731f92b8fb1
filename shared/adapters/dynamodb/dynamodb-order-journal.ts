// Order journal over the state table (ARCHITECTURE section 5). create is ONE TransactWriteItems: the lease
// epoch ConditionCheck, the entry put-if-absent and an intent pointer; every later change is ONE UpdateItem
// guarded by the version (and status) read, with the next status computed by journalMachine before writing.
import { type DynamoDBClient, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { ConcurrentUpdateError, StaleLeaseError } from '../../domain/errors';
import { JOURNAL_STATUSES, type JournalEvent, type JournalStatus, journalMachine } from '../../domain/order-state';
import type { JournalOrder, JournalPatch, LeaseFence, NewJournalOrder, OrderJournal } from '../../ports/state-store';
import { newJournalEntry } from '../new-journal-entry';
import { count, type Item, N, parseItem, S, str } from './attributes';
import { nextEntry, orderItem, parseOrder, patchAttributes, statusIndexKeys } from './journal-codec';
import { keyItem, keys } from './keys';
import { cancellations, countAll, type DynamoTable, getItem, queryAll, refusedItem } from './table';

const pointerSchema = z.object({ clientOrderId: str, attempt: count });
/** Parallel creates of one entry can cancel each other (TransactionConflict): retried, then read back */
const CONFLICT_RETRIES = 8;

export class DynamoOrderJournal implements OrderJournal {
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
    const command = new TransactWriteItemsCommand({
      TransactItems: [
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
            Item: {
              ...keyItem(pointer),
              clientOrderId: S(order.clientOrderId),
              attempt: N(order.attempt),
            },
          },
        },
      ],
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#table.client.send(command);
        return { created: true, order: entry };
      } catch (error) {
        const reasons = cancellations(error);
        if (reasons === undefined) throw error;
        const [lease, put] = reasons;
        if (lease?.code === 'ConditionalCheckFailed')
          throw new StaleLeaseError(fence.name, fence.epoch, { cause: error });
        if (put?.code === 'ConditionalCheckFailed') {
          return { created: false, order: put.item ? parseOrder(put.item) : await this.#existing(order) };
        }
        if (!reasons.some((r) => r.code === 'TransactionConflict') || attempt >= CONFLICT_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
      }
    }
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
    if (fence !== undefined) return this.#fencedWrite(order, changes, next, nowMs, fence);
    return this.#write(order, changes, nowMs);
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

  /** One COUNT query per status on gsi1 (no counter item: transitions stay a single UpdateItem) */
  async countByStatus(account: string): Promise<Record<JournalStatus, number>> {
    const counts = await Promise.all(
      JOURNAL_STATUSES.map((status) =>
        countAll(this.#table, {
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': S(keys.orderStatusIndex(account, status)) },
        }),
      ),
    );
    return Object.fromEntries(JOURNAL_STATUSES.map((status, i) => [status, counts[i] ?? 0])) as Record<
      JournalStatus,
      number
    >;
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
      const [lease, update] = reasons;
      if (lease?.code === 'ConditionalCheckFailed')
        throw new StaleLeaseError(fence.name, fence.epoch, { cause: error });
      if (update?.code === 'ConditionalCheckFailed') throw concurrentUpdate(order, update.item, error);
      throw error;
    }
    return next;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const leaseCheck = (tableName: string, fence: LeaseFence) => ({
  TableName: tableName,
  Key: keyItem(keys.lease(fence.name)),
  ConditionExpression: 'epoch = :epoch',
  ExpressionAttributeValues: { ':epoch': N(fence.epoch) },
});

function concurrentUpdate(order: JournalOrder, item: Item | undefined, cause: unknown): ConcurrentUpdateError {
  const was = item === undefined ? 'absent' : `version ${item.version?.N} in ${item.status?.S}`;
  return new ConcurrentUpdateError(
    `${order.account}/${order.clientOrderId}`,
    `expected version ${order.version} in ${order.status}, was ${was}`,
    { cause },
  );
}

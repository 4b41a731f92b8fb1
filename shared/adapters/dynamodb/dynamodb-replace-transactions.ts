// Replace transactions over the state table (spec 3.18). Every write is ONE TransactWriteItems: the lease
// epoch ConditionCheck (as the journal's fenced writes, ARCHITECTURE 5.2) and a Put of the whole item, the
// create if absent, a transition if the stored version and state are the ones read. The next item is
// computed by replaceTxMachine and checked with the codec before anything is sent.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConcurrentUpdateError, StaleLeaseError } from '../../domain/errors';
import {
  newReplaceTransaction,
  nextReplaceTransaction,
  type ReplaceTxEvent,
} from '../../domain/oms/replace-transaction';
import type {
  LeaseFence,
  NewReplaceTransaction,
  ReplaceTransaction,
  ReplaceTransactionStore,
} from '../../ports/state-store';
import { type Item, N, S } from './attributes';
import { keys } from './keys';
import { parseReplaceTx, replaceTxItem } from './replace-transaction-codec';
import { type DynamoTable, getItem, leaseCheck, queryAll, sendTransaction } from './table';

/** Parallel creates of one transaction can cancel each other (TransactionConflict): retried, then decided */
const CONFLICT_RETRIES = 8;

export class DynamoReplaceTransactions implements ReplaceTransactionStore {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * @throws StaleLeaseError `fence` is no longer the lease's epoch; nothing was written
   * @throws CorruptStateError the transaction is unsound (nothing was written), or the stored one is malformed
   */
  async create(request: NewReplaceTransaction, fence: LeaseFence, nowMs: number) {
    const tx = newReplaceTransaction(request, nowMs);
    const put = {
      TableName: this.#table.tableName,
      Item: replaceTxItem(tx),
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    for (let attempt = 0; ; attempt++) {
      const refused = await sendTransaction(this.#table, [
        { ConditionCheck: leaseCheck(this.#table.tableName, fence) },
        { Put: put },
      ]);
      if (refused === undefined) return { created: true, tx };
      const [lease, existing] = refused.reasons;
      if (lease?.code === 'ConditionalCheckFailed')
        throw new StaleLeaseError(fence.name, fence.epoch, { cause: refused.cause });
      if (existing?.code === 'ConditionalCheckFailed') {
        const stored = existing.item ?? (await getItem(this.#table, keys.replaceTx(tx.account, tx.id)));
        if (stored !== undefined) return { created: false, tx: parseReplaceTx(stored) };
      }
      if (attempt >= CONFLICT_RETRIES || !refused.reasons.some((r) => r.code === 'TransactionConflict'))
        throw refused.cause;
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
    }
  }

  /** @throws CorruptStateError the stored transaction is malformed */
  async get(account: string, id: string): Promise<ReplaceTransaction | undefined> {
    const item = await getItem(this.#table, keys.replaceTx(account, id));
    return item === undefined ? undefined : parseReplaceTx(item);
  }

  /**
   * Stops at the first malformed transaction rather than skipping it: one left out would never be resumed.
   * @throws CorruptStateError a stored transaction is malformed (the error names its key and field)
   */
  async listOpen(account: string): Promise<ReplaceTransaction[]> {
    const items = await queryAll(this.#table, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': S(keys.replaceTxOpenIndex(account)) },
    });
    return items.map(parseReplaceTx);
  }

  /**
   * @throws InvalidTransitionError the state machine forbids it; nothing was written
   * @throws ConcurrentUpdateError the stored version or state moved on (or a parallel write conflicted)
   * @throws StaleLeaseError `fence` is no longer the lease's epoch; nothing was written
   * @throws CorruptStateError the result would be unsound; nothing was written
   */
  async transition(
    tx: ReplaceTransaction,
    event: ReplaceTxEvent,
    reasons: readonly string[],
    nowMs: number,
    fence: LeaseFence,
  ): Promise<ReplaceTransaction> {
    const next = nextReplaceTransaction(tx, event, reasons, nowMs);
    if (next === tx) return tx;
    const refused = await sendTransaction(this.#table, [
      { ConditionCheck: leaseCheck(this.#table.tableName, fence) },
      {
        Put: {
          TableName: this.#table.tableName,
          Item: replaceTxItem(next),
          ConditionExpression: '#version = :expected AND #state = :from',
          ExpressionAttributeNames: { '#version': 'version', '#state': 'state' },
          ExpressionAttributeValues: { ':expected': N(tx.version), ':from': S(tx.state) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);
    if (refused === undefined) return next;
    const [lease, update] = refused.reasons;
    if (lease?.code === 'ConditionalCheckFailed')
      throw new StaleLeaseError(fence.name, fence.epoch, { cause: refused.cause });
    if (update?.code === 'ConditionalCheckFailed') throw concurrentUpdate(tx, update.item, refused.cause);
    if (refused.reasons.some((r) => r.code === 'TransactionConflict'))
      throw concurrentUpdate(tx, undefined, refused.cause, 'a parallel write conflicted');
    throw refused.cause;
  }
}

function concurrentUpdate(
  tx: ReplaceTransaction,
  item: Item | undefined,
  cause: unknown,
  was = item === undefined ? 'absent' : `version ${item.version?.N} in ${item.state?.S}`,
): ConcurrentUpdateError {
  return new ConcurrentUpdateError(
    `${tx.account}/${tx.id}`,
    `expected version ${tx.version} in ${tx.state}, was ${was}`,
    {
      cause,
    },
  );
}

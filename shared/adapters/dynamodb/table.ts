// The table handle every DynamoDB store receives: client, table name and the few request shapes they share
// (consistent point reads, paginated queries, reading why a conditional write or a transaction was refused).
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { LeaseFence } from '../../ports/state-store';
import { type Item, N } from './attributes';
import { type Key, keyItem, keys } from './keys';

export interface DynamoTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** A strongly consistent read of one item, or undefined when it is absent */
export async function getItem(table: DynamoTable, key: Key): Promise<Item | undefined> {
  const out = await table.client.send(
    new GetItemCommand({ TableName: table.tableName, Key: keyItem(key), ConsistentRead: true }),
  );
  return out.Item;
}

/** Every page of a query (the caller's Limit, when given, ends it after the first page) */
export async function queryAll(
  table: DynamoTable,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({ ...input, TableName: table.tableName, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = input.Limit === undefined ? out.LastEvaluatedKey : undefined;
  } while (start !== undefined);
  return items;
}

/** The number of items a COUNT query matches, over every page */
export async function countAll(
  table: DynamoTable,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Select'>,
): Promise<number> {
  let count = 0;
  let start: Item | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({ ...input, TableName: table.tableName, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
}

/** The stored item a refused conditional write returned (ReturnValuesOnConditionCheckFailure ALL_OLD) */
export function refusedItem(error: unknown): { refused: boolean; item: Item | undefined } {
  if (error instanceof ConditionalCheckFailedException) return { refused: true, item: error.Item };
  return { refused: false, item: undefined };
}

export interface Cancellation {
  readonly code: string;
  /** The stored item, when the transaction item asked for ReturnValuesOnConditionCheckFailure ALL_OLD */
  readonly item: Item | undefined;
}

/** Why each transaction item was refused (`None` when it was not); undefined when the error is no cancellation */
export function cancellations(error: unknown): Cancellation[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => ({ code: reason.Code ?? 'None', item: reason.Item }));
}

/** The ConditionCheck that fences a transaction by the lease epoch: it fails once another holder took over */
export const leaseCheck = (tableName: string, fence: LeaseFence) => ({
  TableName: tableName,
  Key: keyItem(keys.lease(fence.name)),
  ConditionExpression: 'epoch = :epoch',
  ExpressionAttributeValues: { ':epoch': N(fence.epoch) },
});

/** Sends a transaction; @returns why it was canceled (one reason per item), undefined when it was written */
export async function sendTransaction(
  table: DynamoTable,
  items: TransactWriteItem[],
): Promise<{ readonly reasons: Cancellation[]; readonly cause: unknown } | undefined> {
  try {
    await table.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    return undefined;
  } catch (error) {
    const reasons = cancellations(error);
    if (reasons === undefined) throw error;
    return { reasons, cause: error };
  }
}

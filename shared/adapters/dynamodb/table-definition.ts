// The single DynamoDB table (ARCHITECTURE section 4): imported by the CDK stateful stack and by tests,
// so the deployed table and the emulated one cannot drift apart.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const STATE_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired items (leases, dedupe rows, idempotency keys) */
  ttlAttribute: 'expiresAt',
  /** Secondary index for "all items of a kind in a state" (orders by status, per account) */
  statusIndex: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** CreateTable input for the SDK (tests, local emulator); CDK builds the same shape from STATE_TABLE */
export function createStateTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, statusIndex } = STATE_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [partitionKey, sortKey, statusIndex.partitionKey, statusIndex.sortKey].map((name) => ({
      AttributeName: name,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: statusIndex.name,
        KeySchema: [
          { AttributeName: statusIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: statusIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

// Builds every DynamoDB state store over one client and table: what a composition root calls.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StateStores } from '../../ports/state-store';
import { DynamoActionLog } from './dynamodb-action-log';
import { DynamoCursorStore } from './dynamodb-cursor-store';
import { DynamoCycleAuditStore } from './dynamodb-cycle-audit-store';
import { DynamoDocumentStore } from './dynamodb-document-store';
import { DynamoFillStore } from './dynamodb-fill-store';
import { DynamoIdempotencyKeys } from './dynamodb-idempotency-keys';
import { DynamoLeaseStore } from './dynamodb-lease-store';
import { DynamoLedgerStore } from './dynamodb-ledger-store';
import { DynamoOrderJournal } from './dynamodb-order-journal';
import { DynamoReplaceTransactions } from './dynamodb-replace-transactions';
import { DynamoStage7Store } from './dynamodb-stage7-store';
import { DynamoSymbolCooldownStore } from './dynamodb-symbol-cooldown-store';

export function createDynamoStateStores(client: DynamoDBClient, tableName: string): StateStores {
  return {
    leases: new DynamoLeaseStore(client, tableName),
    journal: new DynamoOrderJournal(client, tableName),
    idempotency: new DynamoIdempotencyKeys(client, tableName),
    actions: new DynamoActionLog(client, tableName),
    fills: new DynamoFillStore(client, tableName),
    ledger: new DynamoLedgerStore(client, tableName),
    documents: new DynamoDocumentStore(client, tableName),
    cursors: new DynamoCursorStore(client, tableName),
    audits: new DynamoCycleAuditStore(client, tableName),
    cooldowns: new DynamoSymbolCooldownStore(client, tableName),
    replaceTransactions: new DynamoReplaceTransactions(client, tableName),
    stage7: new DynamoStage7Store(client, tableName),
  };
}

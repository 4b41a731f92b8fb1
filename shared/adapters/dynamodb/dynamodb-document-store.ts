// Small versioned documents (DOC#<key>): one PutItem conditional on the version read (0 = must not exist).
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ConcurrentUpdateError } from '../../domain/errors';
import type { DocumentStore, Versioned } from '../../ports/state-store';
import { N, parseItem, S, str, version } from './attributes';
import { keyItem, keys } from './keys';
import { type DynamoTable, getItem, refusedItem } from './table';

const documentSchema = z.object({ value: str, version });

export class DynamoDocumentStore implements DocumentStore {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * The stored text as it is: its meaning is its reader's to validate (op-state, cooldowns).
   * @throws CorruptStateError the stored item is malformed (no value, a version below 1)
   */
  async get(key: string): Promise<Versioned<string> | undefined> {
    const item = await getItem(this.#table, keys.document(key));
    return item === undefined ? undefined : parseItem(documentSchema, item);
  }

  /** @throws ConcurrentUpdateError the stored version is not `expectedVersion`; nothing was written */
  async put(key: string, value: string, expectedVersion: number): Promise<Versioned<string>> {
    const version = expectedVersion + 1;
    try {
      await this.#table.client.send(
        new PutItemCommand({
          TableName: this.#table.tableName,
          Item: { ...keyItem(keys.document(key)), key: S(key), value: S(value), version: N(version) },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':expected': N(expectedVersion) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { value, version };
    } catch (error) {
      const { refused, item } = refusedItem(error);
      if (!refused) throw error;
      const was = item === undefined ? 'absent' : `version ${item.version?.N}`;
      throw new ConcurrentUpdateError(`document ${key}`, `expected version ${expectedVersion}, was ${was}`, {
        cause: error,
      });
    }
  }
}

// Monotonic cursors (CURSOR#<key>): one UpdateItem conditional on `value <= :new`; a refused advance
// returns the stored (larger) value from the same request.
import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import type { CursorStore } from '../../ports/state-store';
import { int, N, parseItem, S } from './attributes';
import { keyItem, keys } from './keys';
import { type DynamoTable, getItem, refusedItem } from './table';

const cursorSchema = z.object({ value: int });

export class DynamoCursorStore implements CursorStore {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /** @throws ValidationError the stored cursor is malformed */
  async get(key: string): Promise<number | undefined> {
    const item = await getItem(this.#table, keys.cursor(key));
    return item === undefined ? undefined : parseItem(cursorSchema, item).value;
  }

  /** @throws ValidationError the stored cursor is malformed */
  async advance(key: string, value: number): Promise<number> {
    try {
      const out = await this.#table.client.send(
        new UpdateItemCommand({
          TableName: this.#table.tableName,
          Key: keyItem(keys.cursor(key)),
          UpdateExpression: 'SET #value = :new, #key = :key',
          ConditionExpression: 'attribute_not_exists(pk) OR #value <= :new',
          ExpressionAttributeNames: { '#value': 'value', '#key': 'key' },
          ExpressionAttributeValues: { ':new': N(value), ':key': S(key) },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return parseItem(cursorSchema, out.Attributes ?? {}).value;
    } catch (error) {
      const { refused, item } = refusedItem(error);
      if (!refused || item === undefined) throw error;
      return parseItem(cursorSchema, item).value;
    }
  }
}

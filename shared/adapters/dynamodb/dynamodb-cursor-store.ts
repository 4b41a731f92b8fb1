// Monotonic cursors (CURSOR#<key>): one UpdateItem conditional on `value <= :new`; a refused write returns
// the stored (larger) value from the same request and becomes a CursorRegressionError naming it.
import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { CursorRegressionError, ValidationError } from '../../domain/errors';
import type { CursorStore } from '../../ports/state-store';
import { int, N, parseItem, S } from './attributes';
import { keyItem, keys } from './keys';
import { type DynamoTable, getItem, refusedItem } from './table';

const cursorSchema = z.object({ value: int.refine((v) => v >= 0, 'expected a non-negative integer') });

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

  /**
   * @throws CursorRegressionError `value` is below the stored value; nothing was written
   * @throws ValidationError       `value` is not a non-negative safe integer, or the stored cursor is malformed
   */
  async advance(key: string, value: number): Promise<number> {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ValidationError(`cursor ${key}`, [
        { path: 'value', message: `expected a non-negative safe integer, was ${value}` },
      ]);
    }
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
      throw new CursorRegressionError(key, parseItem(cursorSchema, item).value, value);
    }
  }
}

// Fills keyed by (account, symbol, trade id): one put-if-absent PutItem, so applying a fill twice is a no-op.
// list reads the gsi1 time index (FILLS#<account>#<symbol>, <ts>#<tradeId>), so it costs what it returns.
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { canonicalSymbol } from '../../domain/symbols';
import type { Fill, FillStore } from '../../ports/state-store';
import { S } from './attributes';
import { keys, pad } from './keys';
import { fillItem, parseFill } from './record-codecs';
import { type DynamoTable, queryAll, refusedItem } from './table';

export class DynamoFillStore implements FillStore {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * @throws SymbolFormatError the fill's symbol cannot be normalized
   * @throws CorruptStateError the fill is not one the store may hold; nothing was written
   */
  async add(fill: Fill): Promise<boolean> {
    try {
      await this.#table.client.send(
        new PutItemCommand({
          TableName: this.#table.tableName,
          Item: fillItem(fill),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (refusedItem(error).refused) return false;
      throw error;
    }
  }

  /**
   * Fills at or after `sinceMs`, in (timestamp, trade id) order.
   * @throws CorruptStateError a stored fill is malformed
   */
  async list(account: string, symbol: string, sinceMs: number): Promise<Fill[]> {
    const items = await queryAll(this.#table, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
      ExpressionAttributeValues: {
        ':pk': S(keys.fillTimeIndex(account, canonicalSymbol(symbol))),
        ':since': S(pad(Math.max(0, sinceMs))),
      },
    });
    return items.map(parseFill);
  }
}

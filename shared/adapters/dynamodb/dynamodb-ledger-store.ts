// Append-only ledger: each event is its time-ordered item plus a uniqueness guard LEDGER#<account> /
// EVENT#<eventId>, both put-if-absent in one transaction (the event's sort key holds its timestamp, so it
// cannot be its own guard). A batch of up to 50 events is one TransactWriteItems; duplicates are dropped.
import { type DynamoDBClient, type TransactWriteItem, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { LedgerEvent, LedgerStore } from '../../ports/state-store';
import { S } from './attributes';
import { keyItem, keys, pad } from './keys';
import { ledgerItem, parseLedgerEvent } from './record-codecs';
import { cancellations, type DynamoTable, queryAll } from './table';

/** Two items per event; a transaction holds at most 100 */
const EVENTS_PER_TRANSACTION = 50;
const CONFLICT_RETRIES = 8;

export class DynamoLedgerStore implements LedgerStore {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * @returns how many events were new
   * @throws CorruptStateError an event is not one the ledger may hold; nothing was written
   */
  async append(events: readonly LedgerEvent[]): Promise<number> {
    const unique = [...new Map(events.map((e) => [`${e.account}\u0000${e.eventId}`, e])).values()];
    // every event is checked before the first chunk is written: a bad one later must not leave half a batch
    for (const event of unique) ledgerItem(event);
    let added = 0;
    for (let i = 0; i < unique.length; i += EVENTS_PER_TRANSACTION) {
      added += await this.#appendChunk(unique.slice(i, i + EVENTS_PER_TRANSACTION));
    }
    return added;
  }

  /**
   * Events at or after `sinceMs`, in (timestamp, event id) order.
   * @throws CorruptStateError a stored event is malformed
   */
  async list(account: string, sinceMs = 0): Promise<LedgerEvent[]> {
    const items = await queryAll(this.#table, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': S(keys.ledgerPk(account)),
        ':from': S(pad(Math.max(0, sinceMs))),
        ':to': S(`${pad(Number.MAX_SAFE_INTEGER)}~`),
      },
      ConsistentRead: true,
    });
    return items.map(parseLedgerEvent);
  }

  async #appendChunk(chunk: readonly LedgerEvent[]): Promise<number> {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        await this.#table.client.send(new TransactWriteItemsCommand({ TransactItems: pending.flatMap(this.#puts) }));
        return pending.length;
      } catch (error) {
        const reasons = cancellations(error);
        if (reasons === undefined) throw error;
        const refused = (j: number) => reasons[j]?.code === 'ConditionalCheckFailed';
        const duplicate = (i: number) => refused(2 * i) || refused(2 * i + 1);
        const conflicted = reasons.some((r) => r.code === 'TransactionConflict');
        if (!conflicted && !pending.some((_, i) => duplicate(i))) throw error;
        if (conflicted && attempt >= CONFLICT_RETRIES) throw error;
        pending = pending.filter((_, i) => !duplicate(i));
        if (conflicted) await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
      }
    }
    return 0;
  }

  #puts = (event: LedgerEvent): TransactWriteItem[] => {
    const guard = keys.ledgerGuard(event.account, event.eventId);
    return [
      {
        Put: {
          TableName: this.#table.tableName,
          Item: { ...keyItem(guard), eventSk: S(keys.ledgerEventSort(event.timestampMs, event.eventId)) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.#table.tableName,
          Item: ledgerItem(event),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  };
}

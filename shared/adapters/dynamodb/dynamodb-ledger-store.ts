// Append-only ledger: each event is its time-ordered item plus a uniqueness guard LEDGER#<account> /
// EVENT#<eventId>, both put-if-absent in one transaction (the event's sort key holds its timestamp, so it
// cannot be its own guard). A batch of up to 49 events of one account is one TransactWriteItems, which also
// adds the number of new events to the account's counter item LEDGER#<account> / COUNT; duplicates are dropped.
// The counter is only ever created from a full count of the events (size, or an append that finds it
// missing): every addition is conditional on it existing, so it never counts on top of older uncounted events.
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { LedgerEvent, LedgerStore } from '../../ports/state-store';
import { count, N, parseItem, S } from './attributes';
import { keyItem, keys, pad } from './keys';
import { ledgerItem, parseLedgerEvent } from './record-codecs';
import { cancellations, countAll, type DynamoTable, queryAll } from './table';

/** Two items per event and the counter; a transaction holds at most 100 */
const EVENTS_PER_TRANSACTION = 49;
const CONFLICT_RETRIES = 8;
const counterSchema = z.object({ count });
/** The sort keys of events: a padded timestamp first (the guards and the counter sort after them) */
const LAST_EVENT_SORT = `${pad(Number.MAX_SAFE_INTEGER)}~`;
const KEY = /^(\d{16})#([\s\S]+)$/;

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
    for (const account of new Set(unique.map((e) => e.account))) {
      const own = unique.filter((e) => e.account === account);
      for (let i = 0; i < own.length; i += EVENTS_PER_TRANSACTION) {
        added += await this.#appendChunk(account, own.slice(i, i + EVENTS_PER_TRANSACTION));
      }
    }
    return added;
  }

  /**
   * Events at or after `sinceMs` (and strictly after `afterKey`), in (timestamp, event id) order.
   * @throws CorruptStateError a stored event is malformed
   */
  async list(account: string, sinceMs = 0, afterKey?: string): Promise<LedgerEvent[]> {
    const since = pad(Math.max(0, sinceMs));
    const after = afterKey === undefined ? undefined : afterSort(afterKey);
    const from = after !== undefined && after > since ? after : since;
    const items = await queryAll(this.#table, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': S(keys.ledgerPk(account)), ':from': S(from), ':to': S(LAST_EVENT_SORT) },
      ConsistentRead: true,
    });
    return items.filter((item) => item.sk?.S !== after).map(parseLedgerEvent);
  }

  /**
   * One GetItem of the counter (created from a full count the first time).
   * @throws CorruptStateError the counter item is malformed
   */
  async size(account: string): Promise<number> {
    const out = await this.#table.client.send(
      new GetItemCommand({
        TableName: this.#table.tableName,
        Key: keyItem(keys.ledgerCounter(account)),
        ConsistentRead: true,
      }),
    );
    return out.Item === undefined ? this.#createCounter(account) : parseItem(counterSchema, out.Item).count;
  }

  /**
   * Counts the account's events and stores the counter if it is still absent. While it is absent every
   * append is refused, so the count cannot miss an event being appended.
   */
  async #createCounter(account: string): Promise<number> {
    const total = await countAll(this.#table, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': S(keys.ledgerPk(account)), ':from': S(pad(0)), ':to': S(LAST_EVENT_SORT) },
      ConsistentRead: true,
    });
    try {
      await this.#table.client.send(
        new PutItemCommand({
          TableName: this.#table.tableName,
          Item: { ...keyItem(keys.ledgerCounter(account)), count: N(total) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return total;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.size(account);
    }
  }

  async #appendChunk(account: string, chunk: readonly LedgerEvent[]): Promise<number> {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        await this.#table.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [this.#addToCounter(account, pending.length), ...pending.flatMap(this.#puts)],
          }),
        );
        return pending.length;
      } catch (error) {
        const reasons = cancellations(error);
        if (reasons === undefined || attempt >= CONFLICT_RETRIES) throw error;
        const refused = (j: number) => reasons[j]?.code === 'ConditionalCheckFailed';
        const duplicate = (i: number) => refused(1 + 2 * i) || refused(2 + 2 * i);
        const conflicted = reasons.some((r) => r.code === 'TransactionConflict');
        const noCounter = refused(0);
        if (!conflicted && !noCounter && !pending.some((_, i) => duplicate(i))) throw error;
        pending = pending.filter((_, i) => !duplicate(i));
        if (noCounter) await this.#createCounter(account);
        if (conflicted) await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
      }
    }
    return 0;
  }

  #addToCounter = (account: string, added: number): TransactWriteItem => ({
    Update: {
      TableName: this.#table.tableName,
      Key: keyItem(keys.ledgerCounter(account)),
      UpdateExpression: 'ADD #count :added',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':added': N(added) },
    },
  });

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

/** The sort key of a ledgerEventKey (`<16-digit ms>#<eventId>`), with the event id escaped as stored */
function afterSort(afterKey: string): string {
  const match = KEY.exec(afterKey);
  if (match === null) throw new RangeError(`expected a ledger event key <16-digit ms>#<eventId>, was ${afterKey}`);
  return keys.ledgerEventSort(Number(match[1]), match[2] as string);
}

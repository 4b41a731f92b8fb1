// Side-effect action log with dedupe (spec 6.5): the action row ACTION#<id> and its dedupe guard
// ACTIONKEY#<dedupeKey> are written in one transaction, the guard put-if-absent (or over an expired one).
// Both carry the TTL attribute `expiresAt`; clearing a key deletes the guard only while this action owns it.
import { randomUUID } from 'node:crypto';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { actionDedupeKey } from '../../domain/store-rules';
import type { ActionLog } from '../../ports/state-store';
import { N, nonEmpty, parseItem, S } from './attributes';
import { keyItem, keys } from './keys';
import { cancellations, type DynamoTable, getItem, refusedItem } from './table';

/** Spec 6.5 default dedupe window */
export const DEFAULT_ACTION_WINDOW_SECONDS = 300;
/** How long an action row and its dedupe guard are kept (at least the dedupe window) */
export const ACTION_RETENTION_SECONDS = 7 * 24 * 3600;
const CONFLICT_RETRIES = 8;

const actionSchema = z.object({ dedupeKey: nonEmpty.optional() });

export class DynamoActionLog implements ActionLog {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /** @returns the new action id, or null when the dedupe key is already recorded */
  async record(input: Parameters<ActionLog['record']>[0]): Promise<string | null> {
    const windowSeconds = input.windowSeconds ?? DEFAULT_ACTION_WINDOW_SECONDS;
    const dedupeKey =
      input.dedupeKey ?? actionDedupeKey(input.actionType, input.payloadHash, input.nowMs, windowSeconds);
    const nowSec = Math.floor(input.nowMs / 1000);
    const expiresAt = N(nowSec + Math.max(windowSeconds, ACTION_RETENTION_SECONDS));
    const actionId = randomUUID();
    const command = new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.#table.tableName,
            Item: { ...keyItem(keys.actionDedupe(dedupeKey)), actionId: S(actionId), expiresAt },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': N(nowSec) },
          },
        },
        {
          Put: {
            TableName: this.#table.tableName,
            Item: {
              ...keyItem(keys.action(actionId)),
              actionId: S(actionId),
              cycleId: S(input.cycleId),
              actionType: S(input.actionType),
              payloadHash: S(input.payloadHash),
              dedupeKey: S(dedupeKey),
              createdAtMs: N(input.nowMs),
              expiresAt,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#table.client.send(command);
        return actionId;
      } catch (error) {
        const reasons = cancellations(error);
        if (reasons?.[0]?.code === 'ConditionalCheckFailed') return null;
        if (!reasons?.some((r) => r.code === 'TransactionConflict') || attempt >= CONFLICT_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
      }
    }
  }

  /** @throws CorruptStateError the stored action row is malformed */
  async clearDedupeKey(actionId: string): Promise<void> {
    const item = await getItem(this.#table, keys.action(actionId));
    const dedupeKey = item === undefined ? undefined : parseItem(actionSchema, item).dedupeKey;
    if (dedupeKey === undefined) return;
    try {
      await this.#table.client.send(
        new DeleteItemCommand({
          TableName: this.#table.tableName,
          Key: keyItem(keys.actionDedupe(dedupeKey)),
          ConditionExpression: 'actionId = :id',
          ExpressionAttributeValues: { ':id': S(actionId) },
        }),
      );
    } catch (error) {
      if (!refusedItem(error).refused) throw error;
    }
    await this.#table.client.send(
      new UpdateItemCommand({
        TableName: this.#table.tableName,
        Key: keyItem(keys.action(actionId)),
        UpdateExpression: 'REMOVE dedupeKey',
      }),
    );
  }
}

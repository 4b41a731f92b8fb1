// Stage 7 idempotency keys (IDEM#<scope>#<key>): one put-if-absent PutItem; a refused put returns the stored
// hash, so a duplicate and a conflict are told apart without a second request. An expired key (TTL attribute
// `expiresAt`, which DynamoDB deletes lazily) counts as absent.
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { IdempotencyConflictError } from '../../domain/errors';
import type { IdempotencyKeys } from '../../ports/state-store';
import { N, nonEmpty, parseItem, S } from './attributes';
import { keyItem, keys } from './keys';
import { type DynamoTable, refusedItem } from './table';

/** Spec 6.4: place keys live 7 days */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

const storedSchema = z.object({ payloadHash: nonEmpty });

export class DynamoIdempotencyKeys implements IdempotencyKeys {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * @throws IdempotencyConflictError the key exists with another payload hash
   * @throws CorruptStateError the stored key item is malformed
   */
  async register(
    scope: string,
    key: string,
    payloadHash: string,
    nowMs: number,
    ttlSeconds = DEFAULT_IDEMPOTENCY_TTL_SECONDS,
  ): Promise<'new' | 'duplicate'> {
    const nowSec = Math.floor(nowMs / 1000);
    try {
      await this.#table.client.send(
        new PutItemCommand({
          TableName: this.#table.tableName,
          Item: {
            ...keyItem(keys.idempotency(scope, key)),
            scope: S(scope),
            key: S(key),
            payloadHash: S(payloadHash),
            createdAtMs: N(nowMs),
            expiresAt: N(nowSec + ttlSeconds),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': N(nowSec) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'new';
    } catch (error) {
      const { refused, item } = refusedItem(error);
      if (!refused || item === undefined) throw error;
      const stored = parseItem(storedSchema, item).payloadHash;
      if (stored !== payloadHash) throw new IdempotencyConflictError(`${scope}#${key}`, stored, payloadHash);
      return 'duplicate';
    }
  }
}

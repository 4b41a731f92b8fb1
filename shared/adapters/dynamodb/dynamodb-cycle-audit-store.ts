// Cycle audits: CYCLE#<cycleId> / AUDIT, put-if-absent by cycle id, with TTL `expiresAt` (finish + ttl) and
// gsi1 keys AUDIT#<stage>#<account> / <startedAt>#<cycleId> so `latest` is one descending query.
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { StageName } from '../../domain/ids';
import type { CycleAudit, CycleAuditStore } from '../../ports/state-store';
import {
  account,
  checkedItem,
  epochMs,
  type Item,
  intMap,
  keyIssue,
  literal,
  N,
  nonEmpty,
  parseItem,
  rule,
  S,
  str,
  strList,
} from './attributes';
import { keyItem, keys } from './keys';
import { type DynamoTable, queryAll, refusedItem } from './table';

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

const auditSchema = z
  .object({
    pk: str,
    gsi1pk: str,
    gsi1sk: str,
    stage: literal(['stage3', 'stage4', 'stage7']),
    account,
    cycleId: nonEmpty,
    runId: nonEmpty,
    startedAtMs: epochMs,
    finishedAtMs: epochMs,
    mode: nonEmpty,
    counts: intMap,
    decisions: strList,
    // readers (btcbot status) parse it: text that is not a JSON object is refused here, typed
    summary: rule(str, isJsonObject, 'the JSON text of an object', (text) => JSON.stringify(text.slice(0, 40))),
  })
  .superRefine(({ pk, gsi1pk, gsi1sk, ...audit }, ctx) => {
    keyIssue(ctx, 'pk', pk, keys.cycleAudit(audit.cycleId).pk);
    keyIssue(ctx, 'gsi1pk', gsi1pk, keys.cycleAuditIndex(audit.stage, audit.account));
    keyIssue(ctx, 'gsi1sk', gsi1sk, keys.cycleAuditSort(audit.startedAtMs, audit.cycleId));
  })
  .transform(({ pk: _pk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...audit }): CycleAudit => audit);

/** @throws CorruptStateError the item is not a cycle audit */
const parseAudit = (item: Item): CycleAudit => parseItem(auditSchema, item);

export class DynamoCycleAuditStore implements CycleAuditStore {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * @returns false when that cycle was already recorded
   * @throws CorruptStateError the audit is not one the store may hold; nothing was written
   */
  async put(audit: CycleAudit, ttlSeconds: number): Promise<boolean> {
    try {
      await this.#table.client.send(
        new PutItemCommand({
          TableName: this.#table.tableName,
          Item: checkedItem(auditSchema, {
            ...keyItem(keys.cycleAudit(audit.cycleId)),
            gsi1pk: S(keys.cycleAuditIndex(audit.stage, audit.account)),
            gsi1sk: S(keys.cycleAuditSort(audit.startedAtMs, audit.cycleId)),
            stage: S(audit.stage),
            account: S(audit.account),
            cycleId: S(audit.cycleId),
            runId: S(audit.runId),
            startedAtMs: N(audit.startedAtMs),
            finishedAtMs: N(audit.finishedAtMs),
            mode: S(audit.mode),
            counts: { M: Object.fromEntries(Object.entries(audit.counts).map(([name, n]) => [name, N(n)])) },
            decisions: { L: audit.decisions.map(S) },
            summary: S(audit.summary),
            expiresAt: N(Math.floor(audit.finishedAtMs / 1000) + ttlSeconds),
          }),
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
   * Newest first (by start time, then cycle id).
   * @throws CorruptStateError a stored audit is malformed
   */
  async latest(stage: StageName, account: string, limit: number): Promise<CycleAudit[]> {
    if (limit <= 0) return [];
    const items = await queryAll(this.#table, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': S(keys.cycleAuditIndex(stage, account)) },
      ScanIndexForward: false,
      Limit: limit,
    });
    return items.map(parseAudit);
  }
}

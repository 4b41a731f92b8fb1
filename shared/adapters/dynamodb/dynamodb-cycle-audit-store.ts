// Cycle audits: CYCLE#<cycleId> / AUDIT, put-if-absent by cycle id, with TTL `expiresAt` (finish + ttl) and
// gsi1 keys AUDIT#<stage>#<account> / <startedAt>#<cycleId> so `latest` is one descending query.
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import type { StageName } from '../../domain/ids';
import type { CycleAudit, CycleAuditStore } from '../../ports/state-store';
import { type Item, int, intMap, literal, N, parseItem, S, str, strList } from './attributes';
import { keyItem, keys } from './keys';
import { type DynamoTable, queryAll, refusedItem } from './table';

const auditSchema = z.object({
  stage: literal(['stage3', 'stage4', 'stage7']),
  account: str,
  cycleId: str,
  runId: str,
  startedAtMs: int,
  finishedAtMs: int,
  mode: str,
  counts: intMap,
  decisions: strList,
  summary: str,
});

const parseAudit = (item: Item): CycleAudit => parseItem(auditSchema, item);

export class DynamoCycleAuditStore implements CycleAuditStore {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /** @returns false when that cycle was already recorded */
  async put(audit: CycleAudit, ttlSeconds: number): Promise<boolean> {
    try {
      await this.#table.client.send(
        new PutItemCommand({
          TableName: this.#table.tableName,
          Item: {
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
          },
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
   * @throws ValidationError a stored audit is malformed
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

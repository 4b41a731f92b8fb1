// Symbol 1123 cooldowns (spec 6.6): COOLDOWN#<symbol>, read then written conditional on its version (the
// rolling-window rule needs the previous row). Rows in cooldown carry gsi1 keys COOLDOWNS / <until>#<symbol>
// so `active` is one range query; `expiresAt` drops a row once its window and cooldown are both over.
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ConcurrentUpdateError } from '../../domain/errors';
import { nextSymbolCooldown } from '../../domain/store-rules';
import { canonicalSymbol } from '../../domain/symbols';
import type { SymbolCooldown, SymbolCooldownStore, SymbolRejectPolicy } from '../../ports/state-store';
import {
  checkedItem,
  defined,
  epochSec,
  type Item,
  int,
  keyIssue,
  N,
  pair,
  parseItem,
  rule,
  S,
  str,
  version,
} from './attributes';
import { keyItem, keys, pad } from './keys';
import { type DynamoTable, getItem, queryAll, refusedItem } from './table';

const cooldownSchema = z
  .object({
    pk: str,
    gsi1sk: str.optional(),
    symbol: pair,
    windowStartSec: epochSec,
    // a row exists only once a reject was counted (nextSymbolCooldown starts a window at 1)
    rollingCount: rule(int, (n) => n >= 1, 'a count >= 1'),
    cooldownUntilSec: epochSec.optional(),
    version,
  })
  .superRefine(({ pk, gsi1sk, ...row }, ctx) => {
    keyIssue(ctx, 'pk', pk, keys.cooldown(row.symbol).pk);
    // `active` finds rows by this sort key: one that disagrees with cooldownUntilSec would be listed wrongly
    if (row.cooldownUntilSec !== undefined)
      keyIssue(ctx, 'gsi1sk', gsi1sk, keys.cooldownSort(row.cooldownUntilSec, row.symbol));
  })
  .transform(({ pk: _pk, gsi1sk: _gsi1sk, ...row }) => row);
/** Concurrent rejects for one symbol are rare; each lost race re-reads and applies the rule again */
const MAX_ATTEMPTS = 10;

const parseCooldown = (item: Item) => parseItem(cooldownSchema, item);
const withoutVersion = ({ version: _, ...cooldown }: z.output<typeof cooldownSchema>): SymbolCooldown => cooldown;

export class DynamoSymbolCooldownStore implements SymbolCooldownStore {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * @throws ConcurrentUpdateError the row kept changing under this writer for every attempt
   * @throws SymbolFormatError the symbol cannot be normalized
   * @throws CorruptStateError the stored row is malformed
   */
  async recordReject(symbol: string, nowSec: number, policy: SymbolRejectPolicy): Promise<SymbolCooldown> {
    const canonical = canonicalSymbol(symbol);
    const key = keys.cooldown(canonical);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const stored = await getItem(this.#table, key);
      const previous = stored === undefined ? undefined : parseCooldown(stored);
      const next = nextSymbolCooldown(previous && withoutVersion(previous), canonical, nowSec, policy);
      const version = (previous?.version ?? 0) + 1;
      const until = next.cooldownUntilSec;
      const expiresAt = Math.max(next.windowStartSec + policy.windowMinutes * 60, until ?? 0);
      try {
        await this.#table.client.send(
          new PutItemCommand({
            TableName: this.#table.tableName,
            Item: checkedItem(
              cooldownSchema,
              defined({
                ...keyItem(key),
                gsi1pk: until === undefined ? undefined : S(keys.cooldownIndex),
                gsi1sk: until === undefined ? undefined : S(keys.cooldownSort(until, canonical)),
                symbol: S(canonical),
                windowStartSec: N(next.windowStartSec),
                rollingCount: N(next.rollingCount),
                cooldownUntilSec: until === undefined ? undefined : N(until),
                version: N(version),
                expiresAt: N(expiresAt),
              }),
            ),
            ConditionExpression: previous === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
            ExpressionAttributeValues: previous === undefined ? undefined : { ':expected': N(previous.version) },
          }),
        );
        return next;
      } catch (error) {
        if (!refusedItem(error).refused) throw error;
      }
    }
    throw new ConcurrentUpdateError(
      `cooldown ${canonical}`,
      `expected a stable row, was changed ${MAX_ATTEMPTS} times`,
    );
  }

  /** @throws CorruptStateError a stored cooldown row is malformed */
  async active(nowSec: number): Promise<SymbolCooldown[]> {
    const items = await queryAll(this.#table, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk > :now',
      ExpressionAttributeValues: { ':pk': S(keys.cooldownIndex), ':now': S(`${pad(nowSec)}~`) },
    });
    return items.map((item) => withoutVersion(parseCooldown(item)));
  }
}

// Stage 7 persistence over the state table (spec 4.15, 6.3; issue 15 point 5). A cycle's write is ONE
// TransactWriteItems when it fits (100 items, 4 MB): the lease epoch ConditionCheck (as the order journal's
// fenced writes), a check that no split write is unfinished, and every record's conditional operation
// (dynamodb-stage7-ops.ts). A refused operation whose stored item is already what it writes is dropped and
// the rest sent again, so writing the same cycle twice changes nothing.
//
// A bigger write is split (dynamodb-stage7-log.ts): the items it would insert or guard are read first, so a
// conflict refuses it before anything is written; then its redo log is committed in one fenced transaction
// and its parts applied, the version-guarded state last and the log deleted with it. A crash or a lost lease
// between parts leaves the log: the next load (any holder of the lease) applies the missing parts first and
// says which cycle it completed, and until then every other write is refused. (One class past 300 lines: its
// loads and both write paths share the fenced transaction and batch read helpers.)
import {
  BatchGetItemCommand,
  type DynamoDBClient,
  QueryCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { ParamsCheckpoint } from '../../domain/adaptation/adaptation-model';
import { ConcurrentUpdateError, StaleLeaseError } from '../../domain/errors';
import { type Stage7OmsState, stage7IdempotencyKey } from '../../domain/oms/stage7-oms-state';
import type { Stage7CycleState, Stage7CycleWrite, Stage7Store } from '../../ports/stage7-store';
import type { LeaseFence } from '../../ports/state-store';
import { type Item, N, S } from './attributes';
import { stage7Keys } from './dynamodb-stage7-keys';
import { fitsOneTransaction, logItems, parseLog, planParts } from './dynamodb-stage7-log';
import { parseStage7Order } from './dynamodb-stage7-oms-codec';
import {
  checkpointSelection,
  conditionHolds,
  itemKey,
  type Stage7Op,
  type Stage7Ops,
  settleRefused,
  stage7OmsState,
  stage7Ops,
} from './dynamodb-stage7-ops';
import { parseStage7ActiveParams, parseStage7Checkpoint } from './dynamodb-stage7-params-codec';
import { parseStage7Run } from './dynamodb-stage7-run-codec';
import { parseStage7Document, STAGE7_DOCUMENT_NAMES } from './dynamodb-stage7-state-codec';
import type { Key } from './keys';
import { type DynamoTable, getItem, leaseCheck, queryAll, sendTransaction } from './table';

/** Parallel transactions on one item can cancel each other (TransactionConflict): retried with backoff */
const CONFLICT_RETRIES = 8;
const RUN_ROWS = 5;
const BATCH_GET_KEYS = 100;
const CHECKPOINT_PAGE = 20;

/** A transaction item that is not a record's operation: the log's puts, deletes and absence check */
interface Extra {
  readonly item: TransactWriteItem;
  /** The error its refusal means (`stored`: the item it found) */
  readonly refused?: (stored: Item | undefined) => Error;
}

export class DynamoStage7Store implements Stage7Store {
  readonly #table: DynamoTable;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#table = { client, tableName };
  }

  /**
   * The open orders are listed from the sparse open index (eventually consistent, as the journal's status
   * index; cycles are minutes apart) and then read consistently, with everything else.
   */
  async load(account: string, fence: LeaseFence): Promise<Stage7CycleState> {
    const completedWrite = await this.#completeInterrupted(account, fence);
    const [openRows, singletons, runs] = await Promise.all([
      queryAll(this.#table, {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': S(stage7Keys.openIndex(account)) },
      }),
      this.#batchGet([
        stage7Keys.activeParams(account),
        ...STAGE7_DOCUMENT_NAMES.map((name) => stage7Keys.document(account, name)),
      ]),
      this.#table.client.send(
        new QueryCommand({
          TableName: this.#table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': S(stage7Keys.pk(account)), ':prefix': S(stage7Keys.runPrefix) },
          ScanIndexForward: false,
          Limit: RUN_ROWS,
          ConsistentRead: true,
        }),
      ),
    ]);
    const stored = (key: Key) => singletons.find((item) => item.sk?.S === key.sk);
    const activeItem = stored(stage7Keys.activeParams(account));
    const active = activeItem === undefined ? { value: undefined, version: 0 } : parseStage7ActiveParams(activeItem);
    const documents = Object.fromEntries(
      STAGE7_DOCUMENT_NAMES.map((name) => {
        const item = stored(stage7Keys.document(account, name));
        return [name, item === undefined ? { value: undefined, version: 0 } : parseStage7Document(name, item)];
      }),
    ) as Stage7CycleState['documents'];
    const [oms, checkpoints] = await Promise.all([
      this.loadOrders(
        account,
        openRows.map((row) => parseStage7Order(row).clientOrderId),
      ),
      this.#checkpoints(account, active.value?.version),
    ]);
    return {
      oms,
      params: { active, checkpoints },
      runMetrics: (runs.Items ?? []).map(parseStage7Run),
      documents,
      ...(completedWrite === undefined ? {} : { completedWrite }),
    };
  }

  async loadOrders(account: string, clientOrderIds: readonly string[]): Promise<Stage7OmsState> {
    const ids = [...new Set(clientOrderIds)];
    const [rowsAndKeys, events] = await Promise.all([
      this.#batchGet(
        ids.flatMap((id) => [stage7Keys.order(account, id), stage7Keys.idempotency(account, stage7IdempotencyKey(id))]),
      ),
      Promise.all(
        ids.map((id) =>
          queryAll(this.#table, {
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': S(stage7Keys.pk(account)), ':prefix': S(stage7Keys.eventPrefix(id)) },
            ConsistentRead: true,
          }),
        ),
      ),
    ]);
    const ofKind = (prefix: string) => rowsAndKeys.filter((item) => item.sk?.S?.startsWith(prefix));
    return stage7OmsState(ofKind('ORDER#'), events.flat(), ofKind('IDEM#'));
  }

  async saveCycle(write: Stage7CycleWrite, fence: LeaseFence): Promise<void> {
    const { account } = write;
    const ops = stage7Ops(write);
    const noLog: Extra = {
      item: {
        ConditionCheck: {
          TableName: this.#table.tableName,
          Key: keyItem(stage7Keys.log(account, 0)),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      refused: (stored) => unfinishedWrite(account, stored),
    };
    if (fitsOneTransaction(all(ops), 2)) return this.#apply(all(ops), fence, [noLog]);
    const pending = await this.#unwritten(ops);
    if (fitsOneTransaction(all(pending), 2)) return this.#apply(all(pending), fence, [noLog]);
    const parts = planParts(pending);
    const log = logItems(account, write.cycleId, parts);
    await this.#apply(
      [],
      fence,
      log.map((item) => ({
        item: {
          Put: {
            TableName: this.#table.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        refused: (stored) => unfinishedWrite(account, stored),
      })),
    );
    await this.#replay(account, parts, log.length, fence);
  }

  /** Applies the log left by an interrupted write, if any; @returns its cycle id */
  async #completeInterrupted(account: string, fence: LeaseFence): Promise<string | undefined> {
    if ((await getItem(this.#table, stage7Keys.log(account, 0))) === undefined) return undefined;
    const items = await queryAll(this.#table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': S(stage7Keys.pk(account)), ':prefix': S(stage7Keys.logPrefix) },
      ConsistentRead: true,
    });
    const { cycleId, parts } = parseLog(account, items);
    await this.#replay(account, parts, items.length, fence);
    return cycleId;
  }

  /** Applies each part in order; the last one deletes the log's `logCount` chunks */
  async #replay(account: string, parts: readonly (readonly Stage7Op[])[], logCount: number, fence: LeaseFence) {
    const deletes = Array.from(
      { length: logCount },
      (_, i): Extra => ({
        item: { Delete: { TableName: this.#table.tableName, Key: keyItem(stage7Keys.log(account, i)) } },
      }),
    );
    for (const [i, part] of parts.entries()) await this.#apply(part, fence, i === parts.length - 1 ? deletes : []);
  }

  /**
   * One fenced transaction of `ops` and `extras`. Refused operations whose stored item is already what they
   * write are dropped and the rest sent again; any other refusal throws what it means.
   */
  async #apply(ops: readonly Stage7Op[], fence: LeaseFence, extras: readonly Extra[]): Promise<void> {
    let pending = ops;
    for (let attempt = 0; ; attempt++) {
      const refused = await sendTransaction(this.#table, [
        { ConditionCheck: leaseCheck(this.#table.tableName, fence) },
        ...pending.map((op) => this.#transactItem(op)),
        ...extras.map((e) => e.item),
      ]);
      if (refused === undefined) return;
      const { reasons, cause } = refused;
      if (reasons[0]?.code === 'ConditionalCheckFailed') throw new StaleLeaseError(fence.name, fence.epoch, { cause });
      for (const [j, extra] of extras.entries()) {
        const reason = reasons[1 + pending.length + j];
        if (reason?.code === 'ConditionalCheckFailed' && extra.refused) throw extra.refused(reason.item);
      }
      const kept: Stage7Op[] = [];
      for (const [i, op] of pending.entries()) {
        const reason = reasons[1 + i];
        if (reason?.code === 'ConditionalCheckFailed') {
          const stored = reason.item ?? (await getItem(this.#table, keyOf(op.item)));
          if (!conditionHolds(op, stored)) {
            settleRefused(op, stored);
            continue;
          }
        }
        kept.push(op);
      }
      const conflicted = reasons.some((r) => r.code === 'TransactionConflict');
      if ((kept.length === pending.length && !conflicted) || attempt >= CONFLICT_RETRIES) throw cause;
      pending = kept;
      if (conflicted) await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
    }
  }

  /** The operations whose stored item does not already hold what they write (a conflict throws: nothing written) */
  async #unwritten(ops: Stage7Ops): Promise<Stage7Ops> {
    const conditional = all(ops).filter((op) => op.kind !== 'upsert');
    const stored = new Map((await this.#batchGet(conditional.map((op) => keyOf(op.item)))).map((i) => [i.sk?.S, i]));
    const keep = (op: Stage7Op) => {
      const item = stored.get(op.item.sk?.S);
      if (conditionHolds(op, item)) return true;
      settleRefused(op, item);
      return false;
    };
    return { orders: ops.orders.map((g) => g.filter(keep)).filter((g) => g.length > 0), final: ops.final.filter(keep) };
  }

  #transactItem(op: Stage7Op): TransactWriteItem {
    const TableName = this.#table.tableName;
    const refusal = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
    switch (op.kind) {
      case 'upsert':
        return { Put: { TableName, Item: op.item } };
      case 'insert':
        return { Put: { TableName, Item: op.item, ConditionExpression: 'attribute_not_exists(pk)', ...refusal } };
      case 'checkpoint':
        return {
          Put: {
            TableName,
            Item: op.item,
            ConditionExpression: 'attribute_not_exists(pk) OR #params = :params',
            ExpressionAttributeNames: { '#params': 'params' },
            ExpressionAttributeValues: { ':params': op.item.params ?? S('') },
            ...refusal,
          },
        };
      case 'guarded':
        return { Put: { TableName, Item: op.item, ...versionGuard(op.expectedVersion), ...refusal } };
      case 'check':
        return {
          ConditionCheck: { TableName, Key: itemKey(op.item), ...versionGuard(op.expectedVersion), ...refusal },
        };
    }
  }

  /** Consistent reads of `keys`, 100 per request, until none is left unprocessed; absent items are left out */
  async #batchGet(keys: readonly Key[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
      let request: Item[] | undefined = keys.slice(i, i + BATCH_GET_KEYS).map(keyItem);
      for (let attempt = 0; request !== undefined && request.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** Math.min(attempt, 8)));
        const out = await this.#table.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#table.tableName]: { Keys: request, ConsistentRead: true } },
          }),
        );
        items.push(...(out.Responses?.[this.#table.tableName] ?? []));
        request = out.UnprocessedKeys?.[this.#table.tableName]?.Keys as Item[] | undefined;
      }
    }
    return items;
  }

  /** The newest checkpoint, the active version's and the newest good one of another version */
  async #checkpoints(account: string, activeVersion: number | undefined): Promise<ParamsCheckpoint[]> {
    const ownItem =
      activeVersion === undefined
        ? undefined
        : await getItem(this.#table, stage7Keys.checkpoint(account, activeVersion));
    let newest: ParamsCheckpoint | undefined;
    let goodOther: ParamsCheckpoint | undefined;
    let start: Item | undefined;
    do {
      const out = await this.#table.client.send(
        new QueryCommand({
          TableName: this.#table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': S(stage7Keys.pk(account)), ':prefix': S(stage7Keys.checkpointPrefix) },
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: CHECKPOINT_PAGE,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const c = parseStage7Checkpoint(item);
        newest ??= c;
        if (goodOther === undefined && c.isGood && c.params.version !== activeVersion) goodOther = c;
      }
      start = out.LastEvaluatedKey;
    } while (goodOther === undefined && start !== undefined);
    return checkpointSelection([newest, ownItem === undefined ? undefined : parseStage7Checkpoint(ownItem), goodOther]);
  }
}

const all = (ops: Stage7Ops): Stage7Op[] => [...ops.orders.flat(), ...ops.final];

/** The condition of a version-guarded item: absent for version 0, else stored at exactly that version */
const versionGuard = (expectedVersion: number) =>
  expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': N(expectedVersion) },
      };
const keyItem = (key: Key): Item => ({ pk: S(key.pk), sk: S(key.sk) });
const keyOf = (item: Item) => ({ pk: item.pk?.S ?? '', sk: item.sk?.S ?? '' });

function unfinishedWrite(account: string, stored: Item | undefined): ConcurrentUpdateError {
  const cycle = stored?.cycleId?.S ?? 'an earlier cycle';
  return new ConcurrentUpdateError(
    stage7Keys.log(account, 0).pk,
    `expected no unfinished stage 7 write, was ${cycle}'s: a load completes it first`,
  );
}

// The DynamoDB stage 7 store beyond the shared contract: a write over one transaction's limits goes through a
// redo log in several transactions, a crash or a lost lease between any two of them is completed by the next
// load (ending where the uninterrupted in-memory store ends), and stored items that are malformed are refused
// with their key. Moto is driven through a client whose middleware counts transactions and injects the faults.
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../shared/adapters/dynamodb/attributes';
import { stage7Keys } from '../../shared/adapters/dynamodb/dynamodb-stage7-keys';
import { logItems, planParts } from '../../shared/adapters/dynamodb/dynamodb-stage7-log';
import type { Stage7Op } from '../../shared/adapters/dynamodb/dynamodb-stage7-ops';
import { stage7Ops } from '../../shared/adapters/dynamodb/dynamodb-stage7-ops';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { createMemoryStateStores } from '../../shared/adapters/memory/state-stores';
import { ConcurrentUpdateError, CorruptStateError, StaleLeaseError, ValidationError } from '../../shared/domain/errors';
import { dec } from '../../shared/domain/money';
import { SimulatedAccount } from '../../shared/domain/portfolio/simulated-account';
import type { Stage7CycleWrite } from '../../shared/ports/stage7-store';
import { emulator, emulatorClientConfig, motoEndpoint } from '../support/aws';
import {
  ACCOUNT,
  aCheckpoint,
  anIntent,
  aParams,
  aWrite,
  clientId,
  dump,
  runOms,
  type Stage7World,
  stage7World,
  T0,
  takeOver,
} from './stage7-store-builders';
import { oneRequestAtATime } from './state-store-serial-moto';

const endpoint = motoEndpoint();

/** 17 orders filled in two slices: 6 operations each, 109 with the final records; 4 transactions with the log */
const IDS = Array.from({ length: 17 }, (_, i) => clientId(200 + i, 'even'));
function bigWrite(ids: readonly string[] = IDS): Stage7CycleWrite {
  const cycle = runOms({ intents: ids.map((id) => anIntent(id)), nowMs: T0 });
  const base = aWrite('c1', T0, cycle, { account: 0, bucket: 0 });
  return {
    ...base,
    trace: { orders: ids.length },
    documents: { ...base.documents, universe: { value: { selected: ['BTCTRY'] }, expectedVersion: 0 } },
    params: { expectedRevision: 0, activeParams: aParams(), checkpoints: [aCheckpoint(aParams())] },
  };
}

const snapshot = async (world: Stage7World) => {
  const { completedWrite: _, ...loaded } = await world.store.load(ACCOUNT, world.fence);
  return dump({ ...loaded, orders: await world.store.loadOrders(ACCOUNT, IDS) });
};

/** What the uninterrupted write leaves: the in-memory store after it */
async function expected(): Promise<string> {
  const world = await stage7World(async () => createMemoryStateStores());
  await world.store.saveCycle(bigWrite(), world.fence);
  return snapshot(world);
}

describe('planning a split write', () => {
  it('packs whole orders in client id order into parts of at most 99 operations, the final records last', () => {
    const ops = stage7Ops(bigWrite());
    const parts = planParts(ops);
    expect(parts.map((p) => p.length)).toEqual([96, 6, 7]);
    expect(parts.flat()).toEqual([...ops.orders.flat(), ...ops.final]);
    expect(parts.at(-1)?.map((op) => op.item.sk?.S?.split('#')[0])).toEqual([
      'RUN',
      'TRACE',
      'CKPT',
      'PARAMS',
      'DOC',
      'DOC',
      'DOC',
    ]);
    expect(dump(planParts(stage7Ops(bigWrite())))).toBe(dump(parts));
  });

  it('refuses a write whose redo log would not fit the one transaction that commits it', () => {
    const big = (i: number): Stage7Op => ({
      kind: 'insert',
      item: { pk: { S: 'S7#default' }, sk: { S: `TRACE#c${i}` }, text: { S: 'x'.repeat(350_000) } },
    });
    const parts = [Array.from({ length: 12 }, (_, i) => big(i))];
    expect(() => logItems(ACCOUNT, 'c1', parts)).toThrow(ValidationError);
    expect(() => logItems(ACCOUNT, 'c1', parts)).toThrow(/redo log \(\d+ bytes\) fits one transaction/);
    // two 350 KB records: 700 KB of log in 100 000-character chunks
    expect(logItems(ACCOUNT, 'c1', [parts[0]?.slice(0, 2) ?? []])).toHaveLength(8);
  });
});

describe.skipIf(endpoint === null)('DynamoDB stage 7 store: split writes and stored items (moto_server)', () => {
  const aws = emulator(endpoint ?? 'http://127.0.0.1:1');

  /**
   * A store on its own client: `before(n)` runs before the n-th TransactWriteItems is sent (throwing: it never
   * is), `after(n)` once it has been answered (throwing: the answer is lost)
   */
  async function faultyWorld() {
    const client = oneRequestAtATime(new DynamoDBClient(emulatorClientConfig(aws.endpoint)));
    const none = (_n: number): Promise<void> | void => undefined;
    const faults = { transactions: 0, before: none, after: none };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        await faults.before(faults.transactions + 1);
        const out = await next(args);
        faults.transactions += 1;
        await faults.after(faults.transactions);
        return out;
      },
      { step: 'initialize', name: 'stage7Faults' },
    );
    const table = await aws.freshTable('stage7');
    const world = await stage7World(async () => createDynamoStateStores(client, table));
    const logChunks = async () =>
      (
        await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :log)',
            ExpressionAttributeValues: { ':pk': { S: stage7Keys.pk(ACCOUNT) }, ':log': { S: 'LOG#' } },
          }),
        )
      ).Items ?? [];
    const put = (item: Item) => client.send(new PutItemCommand({ TableName: table, Item: item }));
    const items = async () =>
      (
        await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: stage7Keys.pk(ACCOUNT) } },
          }),
        )
      ).Items ?? [];
    const remove = (item: Item) =>
      client.send(new DeleteItemCommand({ TableName: table, Key: { pk: item.pk as never, sk: item.sk as never } }));
    return { world, faults, logChunks, put, remove, items };
  }

  it('commits a write of 109 operations in four transactions through a redo log, then deletes the log', async () => {
    const { world, faults, logChunks } = await faultyWorld();
    await world.store.saveCycle(bigWrite(), world.fence);
    expect(faults.transactions).toBe(4); // log, orders 1-16, order 17, final records + log delete
    expect(await logChunks()).toEqual([]);
    expect(await snapshot(world)).toBe(await expected());
    await world.store.saveCycle(bigWrite(), world.fence);
    expect(faults.transactions).toBe(5); // every record already stored: one transaction that changes nothing
  });

  for (const crashAfter of [1, 2, 3])
    it(`completes the write on the next load after a crash following transaction ${crashAfter} of 4`, async () => {
      const { world, faults, logChunks } = await faultyWorld();
      faults.after = (n) => {
        if (n === crashAfter) throw new Error(`crash after transaction ${n}`);
      };
      await expect(world.store.saveCycle(bigWrite(), world.fence)).rejects.toThrow(/crash after transaction/);
      faults.after = () => undefined;
      expect((await logChunks()).length).toBeGreaterThan(0);
      const account = SimulatedAccount.open({ TRY: dec('1') });
      const other = aWrite('c2', T0 + 60_000, { passes: [], account, bucket: {} }, { account: 1, bucket: 1 });
      const refused = world.store.saveCycle(other, world.fence);
      await expect(refused).rejects.toThrow(/unfinished stage 7 write, was c1's/);
      await expect(refused).rejects.toBeInstanceOf(ConcurrentUpdateError);

      expect((await world.store.load(ACCOUNT, world.fence)).completedWrite).toBe('c1');
      expect(await logChunks()).toEqual([]);
      expect(await snapshot(world)).toBe(await expected());
      expect((await world.store.load(ACCOUNT, world.fence)).completedWrite).toBeUndefined();
      await world.store.saveCycle(other, world.fence);
    });

  it('writes nothing when the log transaction is never sent', async () => {
    const { world, faults, logChunks } = await faultyWorld();
    const empty = await snapshot(world);
    faults.before = () => {
      throw new Error('connection reset');
    };
    await expect(world.store.saveCycle(bigWrite(), world.fence)).rejects.toThrow(/connection reset/);
    faults.before = () => undefined;
    expect(await logChunks()).toEqual([]);
    expect((await world.store.load(ACCOUNT, world.fence)).completedWrite).toBeUndefined();
    expect(await snapshot(world)).toBe(empty);
  });

  it('writes nothing of a split write under a stale lease epoch', async () => {
    const { world, faults, logChunks } = await faultyWorld();
    const empty = await snapshot(world);
    const current = await takeOver(world);
    await expect(world.store.saveCycle(bigWrite(), world.fence)).rejects.toBeInstanceOf(StaleLeaseError);
    expect([faults.transactions, await logChunks()]).toEqual([0, []]);
    expect(await snapshot({ ...world, fence: current })).toBe(empty);
  });

  it('stops a holder that lost the lease between parts; only the new holder completes its write', async () => {
    const { world, faults } = await faultyWorld();
    let current: Stage7World['fence'] | undefined;
    faults.after = async (n) => {
      if (n === 2) current = await takeOver(world);
    };
    await expect(world.store.saveCycle(bigWrite(), world.fence)).rejects.toBeInstanceOf(StaleLeaseError);
    faults.after = () => undefined;
    await expect(world.store.load(ACCOUNT, world.fence)).rejects.toBeInstanceOf(StaleLeaseError);
    const fresh = { ...world, fence: current as Stage7World['fence'] };
    expect((await world.store.load(ACCOUNT, fresh.fence)).completedWrite).toBe('c1');
    expect(await snapshot(fresh)).toBe(await expected());
  });

  describe('refuses a malformed stored item, naming its key and field', () => {
    const cases: [string, (items: Item[]) => Item, RegExp][] = [
      [
        'an event whose id is not its own',
        (items) => ({ ...(find(items, 'EVENT#') as Item), eventId: { S: 's7e:000000000000' } }),
        /S7#default \/ EVENT#s7:c1:BTCTRY:BUY:000000000c82#0000000000000001: eventId: expected s7e:/,
      ],
      [
        "an event carrying another type's field",
        (items) => ({ ...(find(items, 'EVENT#') as Item), qty: { S: '1' } }),
        /qty: expected undefined/,
      ],
      [
        'a filled order row without a fill',
        (items) => ({ ...(find(items, 'ORDER#') as Item), filledQty: { S: '0' } }),
        /ORDER#.*filledQty: expected > 0 in FILLED, was 0/,
      ],
      [
        'a document that is not canonical JSON',
        (items) => ({ ...(find(items, 'DOC#universe') as Item), value: { S: '{"selected": ["BTCTRY"]}' } }),
        /DOC#universe: value: expected canonical JSON text/,
      ],
      [
        'a run row missing a flag',
        (items) => {
          const row = find(items, 'RUN#') as Item;
          const { stale_data: _, ...quality } = row.qualityFlags?.M ?? {};
          return { ...row, qualityFlags: { M: quality } };
        },
        /RUN#.*qualityFlags.M.stale_data/,
      ],
      [
        'a redo log with a chunk missing',
        () => logChunk(0, 2, '[]'),
        /redo log of S7#default: chunks: expected chunks 0..n-1 of one write, was 0/,
      ],
      [
        'a redo log holding a malformed record',
        (items) => {
          const event = { ...(find(items, 'EVENT#') as Item), eventId: { S: 's7e:000000000000' } };
          return logChunk(0, 1, JSON.stringify([[{ kind: 'insert', item: event }]]));
        },
        /EVENT#.*eventId: expected s7e:/,
      ],
    ];
    // one store for every case: each puts its corrupt item, then the item it replaced back (or deletes it)
    let ready: Promise<Awaited<ReturnType<typeof faultyWorld>>> | undefined;
    for (const [what, corrupt, message] of cases)
      it(`refuses ${what}`, async () => {
        ready ??= faultyWorld().then(async (w) => {
          await w.world.store.saveCycle(bigWrite(IDS.slice(0, 2)), w.world.fence);
          return w;
        });
        const { world, put, remove, items } = await ready;
        const before = await items();
        const bad = corrupt(before);
        await put(bad);
        const reading = Promise.all([world.store.load(ACCOUNT, world.fence), world.store.loadOrders(ACCOUNT, IDS)]);
        await expect(reading).rejects.toBeInstanceOf(CorruptStateError);
        await expect(reading).rejects.toThrow(message);
        const original = before.find((item) => item.sk?.S === bad.sk?.S);
        await (original === undefined ? remove(bad) : put(original));
        await world.store.load(ACCOUNT, world.fence);
      });
  });
});

const find = (items: readonly Item[], prefix: string) => items.find((item) => item.sk?.S?.startsWith(prefix));

const logChunk = (index: number, count: number, chunk: string): Item => {
  const key = stage7Keys.log(ACCOUNT, index);
  return {
    pk: { S: key.pk },
    sk: { S: key.sk },
    account: { S: ACCOUNT },
    cycleId: { S: 'c0' },
    index: { N: String(index) },
    count: { N: String(count) },
    chunk: { S: chunk },
  };
};

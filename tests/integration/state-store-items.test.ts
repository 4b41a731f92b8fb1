// What the DynamoDB stores put in the table: TTL attributes where promised (and none on leases), decimals
// and trade ids as exact strings, and a malformed item read back is a ValidationError naming key and field.
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { ValidationError } from '../../shared/domain/errors';
import type { StateStores } from '../../shared/ports/state-store';
import { aFill, aNewOrder, anAudit, T0 } from '../contract/state-store-builders';
import { type Emulator, emulator, motoEndpoint } from '../support/aws';

const endpoint = motoEndpoint();

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('state-store items on DynamoDB (moto_server)', () => {
  let aws: Emulator;
  let table: string;
  let stores: StateStores;
  const raw = async (pk: string, sk: string) =>
    (await aws.dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } } }))).Item;

  beforeAll(async () => {
    aws = emulator(endpoint as string);
    table = await aws.freshTable('items');
    stores = createDynamoStateStores(aws.dynamodb, table);
  });

  it('sets expiresAt (epoch seconds) on idempotency keys, action rows, cycle audits and cooldowns', async () => {
    await stores.idempotency.register('stage7', 'k-1', 'h-1', T0, 3600);
    expect((await raw('IDEM#stage7#k-1', 'IDEM'))?.expiresAt).toEqual({ N: String(T0 / 1000 + 3600) });
    await stores.actions.record({ cycleId: 'c', actionType: 'place', payloadHash: 'h', nowMs: T0, dedupeKey: 'dk' });
    expect((await raw('ACTIONKEY#dk', 'DEDUPE'))?.expiresAt?.N).toBe(String(T0 / 1000 + 7 * 24 * 3600));
    await stores.audits.put(anAudit({ cycleId: 'c-ttl' }), 86_400);
    expect((await raw('CYCLE#c-ttl', 'AUDIT'))?.expiresAt?.N).toBe(String(Math.floor((T0 + 1500) / 1000) + 86_400));
    await stores.cooldowns.recordReject('BTCTRY', T0 / 1000, { windowMinutes: 60, threshold: 3, cooldownMinutes: 240 });
    expect((await raw('COOLDOWN#BTCTRY', 'COOLDOWN'))?.expiresAt?.N).toBe(String(T0 / 1000 + 3600));
  });

  it('never expires leases or journal entries: a deleted lease would restart its epoch', async () => {
    const lease = await stores.leases.acquire('stage3#default', 'inv-a', 1000, T0);
    expect((await raw('LEASE#stage3#default', 'LEASE'))?.expiresAt).toBeUndefined();
    if (!lease) throw new Error('expected the lease');
    await stores.journal.create(aNewOrder({ clientOrderId: 'bb3-BTCTRY-b-1' }), lease, T0);
    expect((await raw('ACCT#default', 'ORDER#bb3-BTCTRY-b-1'))?.expiresAt).toBeUndefined();
  });

  it('stores decimals and trade ids as exact strings, with the status index keys', async () => {
    await stores.fills.add(aFill({ tradeId: '18446744073709551617' }));
    const fill = await raw('ACCT#default', 'FILL#BTCTRY#18446744073709551617');
    expect(fill).toMatchObject({ qty: { S: '0.00000001' }, fee: { S: '0.000000000000000000000000000001' } });
    expect(fill?.gsi1pk).toEqual({ S: 'FILLS#default#BTCTRY' });
    const order = await raw('ACCT#default', 'ORDER#bb3-BTCTRY-b-1');
    expect(order).toMatchObject({ gsi1pk: { S: 'ACCT#default#STATUS#PENDING_SUBMIT' }, qty: { S: '0.00000001' } });
  });

  it('reads a malformed item as a ValidationError naming the key and the field', async () => {
    const item = await raw('ACCT#default', 'ORDER#bb3-BTCTRY-b-1');
    await aws.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...item, qty: { N: '1e-8' }, version: { S: '2' } },
      }),
    );
    const read = stores.journal.get('default', 'bb3-BTCTRY-b-1');
    await expect(read).rejects.toBeInstanceOf(ValidationError);
    await expect(stores.journal.get('default', 'bb3-BTCTRY-b-1')).rejects.toThrow(
      /ACCT#default \/ ORDER#bb3-BTCTRY-b-1: qty\.S: expected string, was missing; version\.N: expected string, was missing/,
    );
  });
});

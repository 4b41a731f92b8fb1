// Issue 11: a corrupted symbol on an OPEN order let a second order past MAX_OPEN_ORDERS_PER_SYMBOL, because
// the limit counts open orders by their stored symbol. A whole live cycle on DynamoDB (moto_server) and the
// simulator: the cycle that meets the corrupt entry stops before any exchange write and names the entry.
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { CorruptStateError } from '../../shared/domain/errors';
import { emulator, motoEndpoint } from '../support/aws';
import { restingBuy, type Stage3Harness, stage3Harness } from '../support/stage3-harness';

const endpoint = motoEndpoint();

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('the open-order limit over a corrupt journal entry (moto_server)', () => {
  it.each([
    ['another spelling', 'btctry'],
    ['another pair', 'ETHTRY'],
  ])(
    'an OPEN BTCTRY order whose symbol reads %s: no second BTCTRY order, the cycle stops naming it',
    async (_n, bad) => {
      const aws = emulator(endpoint as string);
      const table = await aws.freshTable('limit');
      h = await stage3Harness({
        stores: createDynamoStateStores(aws.dynamodb, table),
        env: { SYMBOLS: 'BTCTRY', MAX_OPEN_ORDERS_PER_SYMBOL: '1' },
      });
      const order = await restingBuy(h);
      const limited = await h.cycle('cycle-limited');
      expect(limited.decisions).toContain('risk_block:max_open_orders_per_symbol');
      expect(h.exchange.writes.submits).toBe(1);

      const [pk, sk] = ['ACCT#default', `ORDER#${order.clientOrderId}`];
      await aws.dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: pk }, sk: { S: sk } },
          UpdateExpression: 'SET symbol = :bad',
          ExpressionAttributeValues: { ':bad': { S: bad } },
        }),
      );
      const stopped = await h.cycle('cycle-corrupt').catch((e: unknown) => e);
      expect(stopped).toBeInstanceOf(CorruptStateError);
      expect(String(stopped)).toContain(`${pk} / ${sk}: symbol`);
      expect(h.exchange.writes).toEqual({ submits: 1, cancels: 0 });
      expect(await h.stores.leases.read('trading#default')).toMatchObject({ expiresAtMs: 0 });
    },
  );
});

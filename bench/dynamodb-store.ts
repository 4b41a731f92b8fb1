// Operations per second of the DynamoDB state stores on moto_server (or AWS_ENDPOINT_URL): prints numbers,
// asserts nothing. Usage: npx tsx bench/dynamodb-store.ts [operations per measurement, default 200]
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { findTool } from '../local/aws/find-tool';
import { type RunningMoto, startMoto } from '../local/aws/moto-server';
import { createDynamoStateStores } from '../shared/adapters/dynamodb/state-stores';
import type { JournalOrder } from '../shared/ports/state-store';
import { aFill, aLedgerEvent, aNewOrder, T0 } from '../tests/contract/state-store-builders';
import { emulator, emulatorClientConfig } from '../tests/support/aws';

const count = Number(process.argv[2] ?? 200);

async function endpoint(): Promise<{ url: string; moto?: RunningMoto }> {
  const given = process.env.AWS_ENDPOINT_URL;
  if (given) return { url: given };
  const path = findTool('moto_server');
  if (!path) throw new Error("moto_server not found: pip install 'moto[server]' or set AWS_ENDPOINT_URL");
  const moto = await startMoto(path);
  return { url: moto.endpoint, moto };
}

async function measure(label: string, run: (i: number) => Promise<unknown>, concurrency = 1): Promise<void> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(44)} ${(count / seconds).toFixed(0).padStart(6)} ops/s  (${count} ops, concurrency ${concurrency})`,
  );
}

const { url, moto } = await endpoint();
try {
  const client = new DynamoDBClient(emulatorClientConfig(url));
  const stores = createDynamoStateStores(client, await emulator(url).freshTable('bench'));
  const lease = await stores.leases.acquire('stage3#default', 'bench', 3_600_000, T0);
  if (!lease) throw new Error('expected a free lease');
  const orders: JournalOrder[] = [];
  console.log(`DynamoDB state stores on ${url}`);
  await measure('lease acquire (renew, 1 UpdateItem)', (i) =>
    stores.leases.acquire('stage3#default', 'bench', 3_600_000, T0 + i),
  );
  await measure('lease acquire (takeover, 1 UpdateItem)', (i) =>
    stores.leases.acquire(`bench#${i}`, 'bench', 1000, T0),
  );
  await measure('journal create (1 TransactWriteItems)', async (i) => {
    orders.push((await stores.journal.create(aNewOrder({ clientOrderId: `c-${i}` }), lease, T0)).order);
  });
  await measure('journal create replay (1 TransactWriteItems)', (i) =>
    stores.journal.create(aNewOrder({ clientOrderId: `c-${i}` }), lease, T0),
  );
  await measure('journal transition (1 UpdateItem)', (i) =>
    stores.journal.transition(orders[i] as JournalOrder, 'SUBMIT_ACKED', {}, T0 + 1),
  );
  await measure('journal get (1 GetItem)', (i) => stores.journal.get('default', `c-${i}`));
  await measure('journal countByStatus (9 Query)', () => stores.journal.countByStatus('default'));
  await measure('fill add (1 PutItem)', (i) => stores.fills.add(aFill({ tradeId: String(i) })));
  await measure('ledger append 1 event (1 TransactWriteItems)', (i) =>
    stores.ledger.append([aLedgerEvent({ eventId: `e-${i}` })]),
  );
  await measure('idempotency register (1 PutItem)', (i) => stores.idempotency.register('stage7', `k-${i}`, 'h', T0));
  await measure('cursor advance (1 UpdateItem)', (i) => stores.cursors.advance('fills_cursor:BTCTRY', T0 + i));
  await measure('fill add, 8 in flight (1 PutItem)', (i) => stores.fills.add(aFill({ tradeId: `p-${i}` })), 8);
  client.destroy();
} finally {
  await moto?.stop();
}

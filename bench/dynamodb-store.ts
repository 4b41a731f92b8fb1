// Operations per second of the DynamoDB state stores on moto_server (or AWS_ENDPOINT_URL), then what the
// store reads of a quiet stage 3 cycle cost after 10 to 5,000 fills: prints numbers, asserts nothing.
// Usage: npx tsx bench/dynamodb-store.ts [operations per measurement, default 200]
import { type AttributeValue, BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { findTool } from '../local/aws/find-tool';
import { type RunningMoto, startMoto } from '../local/aws/moto-server';
import { orderItem } from '../shared/adapters/dynamodb/journal-codec';
import { keyItem, keys } from '../shared/adapters/dynamodb/keys';
import { ledgerItem } from '../shared/adapters/dynamodb/record-codecs';
import { DynamoRequestCounter } from '../shared/adapters/dynamodb/request-counter';
import { createDynamoStateStores } from '../shared/adapters/dynamodb/state-stores';
import { SILENT_LOGGER } from '../shared/adapters/logging/silent-logger';
import { currentLedgerState } from '../shared/application/ledger/ledger-projection';
import { dec } from '../shared/domain/money';
import { IN_FLIGHT, RESTING } from '../shared/domain/order-state';
import type { JournalOrder, LedgerEvent, StateStores } from '../shared/ports/state-store';
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

type Item = Record<string, AttributeValue>;

/** Writes items 25 per BatchWriteItem (seeding only: no conditions), retrying what the store left unprocessed */
async function batchWrite(client: DynamoDBClient, table: string, items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}

/** `fills` settled orders (FILLED, every tenth CANCELED) and their FILL events, alternating BUY and SELL */
function history(fills: number): { orders: Item[]; events: Item[] } {
  const orders: Item[] = [];
  const events: Item[] = [];
  for (let i = 0; i < fills; i++) {
    const side = i % 2 === 0 ? 'BUY' : 'SELL';
    const clientOrderId = `bb3-BTCTRY-${side === 'BUY' ? 'b' : 's'}-${String(i).padStart(20, '0')}`;
    const order = aNewOrder({ clientOrderId, side, intentKey: `intent-${i}`, createdAtMs: T0 + i });
    const status = i % 10 === 9 ? 'CANCELED' : 'FILLED';
    const filledQty = status === 'FILLED' ? order.qty : dec('0');
    orders.push(
      orderItem({
        ...order,
        status,
        version: 3,
        updatedAtMs: T0 + i,
        filledQty,
        notFoundChecks: 0,
        exchangeOrderId: String(i + 1),
      }),
    );
    const event: LedgerEvent = aLedgerEvent({
      eventId: `fill#BTCTRY#${i + 1}`,
      tradeId: String(i + 1),
      side,
      price: dec('2500000'),
      timestampMs: T0 + i,
    });
    events.push(ledgerItem(event), {
      ...keyItem(keys.ledgerGuard(event.account, event.eventId)),
      eventSk: { S: keys.ledgerEventSort(event.timestampMs, event.eventId) },
    });
  }
  return { orders, events };
}

/** The store reads of a quiet live cycle that could grow with history, today's and the ones they replaced */
async function quietReads(stores: StateStores) {
  await stores.journal.countByStatus('default');
  await currentLedgerState({ ...stores, log: SILENT_LOGGER }, 'default');
  await stores.journal.listByStatus('default', [...RESTING, ...IN_FLIGHT]);
}

async function replacedReads(stores: StateStores) {
  const deps = stores.journal as unknown as { rebuildCounts(account: string): Promise<unknown> };
  await deps.rebuildCounts('default');
  await stores.ledger.list('default');
}

async function quietCycleReads(url: string): Promise<void> {
  const client = new DynamoDBClient(emulatorClientConfig(url));
  const counter = new DynamoRequestCounter();
  counter.attach(client);
  let items = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; Item?: unknown };
      items += (output.Items?.length ?? 0) + (output.Item ? 1 : 0);
      return result;
    },
    { step: 'initialize', name: 'benchItemsRead' },
  );
  const rows = [
    '| fills | reads | requests | items | item bytes | read units | seconds to seed |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const fills of [10, 100, 1000, 5000]) {
    const table = await emulator(url).freshTable('bench-quiet');
    const stores = createDynamoStateStores(client, table);
    const started = performance.now();
    const { orders, events } = history(fills);
    await batchWrite(client, table, [...orders, ...events]);
    // the counters and the projection exist in a running account: made once here, as the first cycle does
    await quietReads(stores);
    const seeded = ((performance.now() - started) / 1000).toFixed(1);
    for (const [label, run] of [
      ['quiet cycle (counts item, projection, active orders)', quietReads],
      ['replaced: whole ledger + full count', replacedReads],
    ] as const) {
      counter.reset();
      items = 0;
      await run(stores);
      const stats = Object.values(counter.snapshot());
      const sum = (field: 'itemBytesRead' | 'capacityUnits') => stats.reduce((n, st) => n + st[field], 0);
      rows.push(
        `| ${fills} | ${label} | ${counter.total()} | ${items} | ${sum('itemBytesRead')} | ${sum('capacityUnits')} | ${seeded} |`,
      );
    }
  }
  console.log(`\nStore reads of a quiet live cycle after N fills (moto_server; the projection and the counts item)`);
  console.log(rows.join('\n'));
  client.destroy();
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
    orders.push((await stores.journal.create(aNewOrder({ clientOrderId: `bb3-BTCTRY-b-c${i}` }), lease, T0)).order);
  });
  await measure('journal create replay (1 TransactWriteItems)', (i) =>
    stores.journal.create(aNewOrder({ clientOrderId: `bb3-BTCTRY-b-c${i}` }), lease, T0),
  );
  await measure('journal transition (1 TransactWriteItems)', (i) =>
    stores.journal.transition(orders[i] as JournalOrder, 'SUBMIT_ACKED', {}, T0 + 1),
  );
  await measure('journal get (1 GetItem)', (i) => stores.journal.get('default', `bb3-BTCTRY-b-c${i}`));
  await measure('journal countByStatus (1 GetItem)', () => stores.journal.countByStatus('default'));
  await measure('fill add (1 PutItem)', (i) => stores.fills.add(aFill({ tradeId: String(i) })));
  await measure('ledger append 1 event (1 TransactWriteItems)', (i) =>
    stores.ledger.append([aLedgerEvent({ eventId: `e-${i}` })]),
  );
  await measure('idempotency register (1 PutItem)', (i) => stores.idempotency.register('stage7', `k-${i}`, 'h', T0));
  await measure('cursor advance (1 UpdateItem)', (i) => stores.cursors.advance('fills_cursor:BTCTRY', T0 + i));
  await measure(
    'fill add, 8 in flight (1 PutItem)',
    (i) => stores.fills.add(aFill({ tradeId: String(1_000_000 + i) })),
    8,
  );
  client.destroy();
  await quietCycleReads(url);
} finally {
  await moto?.stop();
}

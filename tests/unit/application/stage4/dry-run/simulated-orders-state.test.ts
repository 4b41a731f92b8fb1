// The simulated order rows as the stage 4 document `stage4#<account>#simulated-orders`: what applySimulated
// makes reads back equal, a document it could not have made is a CorruptStateError naming the key, a save
// over a moved version writes nothing; and executeSimulated, which saves only a changed book.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../../../../shared/adapters/memory/memory-document-store';
import { executeSimulated } from '../../../../../shared/application/stage4/dry-run/execute-simulated';
import { applySimulated, type SimulatedOrder } from '../../../../../shared/application/stage4/dry-run/simulated-orders';
import {
  loadSimulatedOrders,
  saveSimulatedOrders,
} from '../../../../../shared/application/stage4/dry-run/simulated-orders-state';
import { ConcurrentUpdateError, CorruptStateError, ValidationError } from '../../../../../shared/domain/errors';
import { dec } from '../../../../../shared/domain/money';
import type { SubmitAction } from '../../../../../shared/domain/oms/stage4-action';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const KEY = 'stage4#acct#simulated-orders';
const quote = new Map([['BTCTRY', { bid: dec('990'), ask: dec('1010') }]]);
const buy = (id: string, price = '1000'): SubmitAction => ({
  kind: 'SUBMIT',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec(price),
  qty: dec('0.00012345'),
  clientOrderId: id,
  reason: 'new_intent',
});
const row = (fields: Record<string, unknown> = {}) => ({
  clientOrderId: 'a',
  exchangeOrderId: 'sim-a',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: '1000',
  qty: '0.5',
  status: 'open',
  createdAtMs: T0,
  mode: 'dry_run',
  ...fields,
});

async function corrupt(rows: unknown[]): Promise<Error> {
  const documents = new MemoryDocumentStore();
  await documents.put(KEY, JSON.stringify({ rows }), 0);
  const loaded = await loadSimulatedOrders(documents, 'acct').catch((e: Error) => e);
  if (!(loaded instanceof Error)) throw new Error('expected the document refused');
  return loaded;
}

describe('simulated orders document', () => {
  it('is empty at version 0 before the first dry run', async () => {
    expect(await loadSimulatedOrders(new MemoryDocumentStore(), 'acct')).toEqual({ value: [], version: 0 });
  });

  it('reads back every book applySimulated makes, decimals exact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 980, max: 1020 }), fc.boolean()), {
          maxLength: 12,
        }),
        async (steps) => {
          let rows: readonly SimulatedOrder[] = [];
          for (const [n, [id, price, isCancel]] of steps.entries()) {
            const target = rows.find((r) => r.clientOrderId === `o-${id}`);
            const action =
              isCancel && target
                ? { ...buy(`o-${id}`), kind: 'CANCEL' as const, reason: 'stale' }
                : { ...buy(`o-${id}`, `${price}.5`), side: id % 2 === 0 ? ('BUY' as const) : ('SELL' as const) };
            rows = applySimulated([action], rows, T0 + n, quote).rows;
          }
          const documents = new MemoryDocumentStore();
          const version = await saveSimulatedOrders(documents, 'acct', rows, 0);
          expect(await loadSimulatedOrders(documents, 'acct')).toEqual({ value: rows, version });
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each([
    ['two open rows for one symbol and side', [row(), row({ clientOrderId: 'b', exchangeOrderId: 'sim-b' })], 'rows'],
    ['one client id twice', [row(), row({ status: 'canceled', closedAtMs: T0 })], 'rows'],
    ['a venue-looking exchange id', [row({ exchangeOrderId: '123456' })], 'rows.0.exchangeOrderId'],
    ['a closing time on an open row', [row({ closedAtMs: T0 })], 'rows.0.closedAtMs'],
    ['a closed row without one', [row({ status: 'filled' })], 'rows.0.closedAtMs'],
    ['a live mode', [row({ mode: 'live' })], 'rows.0.mode'],
    ['a non-positive quantity', [row({ qty: '0' })], 'rows.0.qty'],
    ['an exponent', [row({ price: '1e3' })], 'rows.0.price'],
  ])('refuses %s, naming the key and the field', async (_, rows, field) => {
    const e = await corrupt(rows);
    expect(e).toBeInstanceOf(CorruptStateError);
    expect(e.message).toContain(`${KEY}: `);
    expect(e.message).toContain(`${field}: `);
  });

  it('refuses more closed rows than it keeps', async () => {
    const closed = Array.from({ length: 101 }, (_, i) =>
      row({ clientOrderId: `c${i}`, exchangeOrderId: `sim-c${i}`, status: 'canceled', closedAtMs: T0 }),
    );
    expect((await corrupt(closed)).message).toMatch(/at most 100 closed rows, was 101/);
  });

  it('never writes a book the next load would refuse, nor over a version another writer moved', async () => {
    const documents = new MemoryDocumentStore();
    const open = applySimulated([buy('a')], [], T0, quote).rows;
    const twin = { ...(open[0] as SimulatedOrder), clientOrderId: 'b', exchangeOrderId: 'sim-b' };
    await expect(saveSimulatedOrders(documents, 'acct', [...open, twin], 0)).rejects.toBeInstanceOf(ValidationError);
    const version = await saveSimulatedOrders(documents, 'acct', open, 0);
    await expect(saveSimulatedOrders(documents, 'acct', [], 0)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await loadSimulatedOrders(documents, 'acct')).toEqual({ value: open, version });
  });
});

describe('executeSimulated', () => {
  it('saves a changed book over the version loaded and reports it as execution counters', async () => {
    const documents = new MemoryDocumentStore();
    const result = await executeSimulated(
      documents,
      'acct',
      await loadSimulatedOrders(documents, 'acct'),
      [buy('a'), { ...buy('taker', '990'), side: 'SELL' }, { ...buy('b'), symbol: 'ETHTRY' }],
      T0,
      quote,
    );
    expect(result.counters).toMatchObject({ simulated: 3, simulatedFilled: 1, submitted: 0, canceled: 0 });
    expect(result.decisions.map((d) => d.code)).toEqual(['simulated', 'simulated', 'simulated', 'simulated_filled']);
    const saved = await loadSimulatedOrders(documents, 'acct');
    expect(saved.version).toBe(1);
    expect(saved.value.map((r) => `${r.clientOrderId}:${r.status}`)).toEqual(['a:open', 'b:open', 'taker:filled']);
  });

  it('writes nothing when the book did not change', async () => {
    const documents = new MemoryDocumentStore();
    await saveSimulatedOrders(documents, 'acct', applySimulated([buy('a')], [], T0, quote).rows, 0);
    const loaded = await loadSimulatedOrders(documents, 'acct');
    const result = await executeSimulated(documents, 'acct', loaded, [buy('dup', '999')], T0 + 1, quote);
    expect(result.decisions.map((d) => d.code)).toEqual(['open_order_exists']);
    expect((await loadSimulatedOrders(documents, 'acct')).version).toBe(loaded.version);
  });
});

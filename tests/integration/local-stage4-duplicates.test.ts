// The local run's duplicate check on the simulator's own books: the venue's resting orders are snapshot at
// every placement through the watched gateway, so a replacement that rested beside its old order is caught
// even when the old order is gone by the time the cycle ends; orders someone else placed are none of ours.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateCheck, watchPlacements } from '../../local/runner/duplicate-check';
import { type InProcessWorld, inProcessWorld } from '../../local/runner/in-process-world';
import { type Dec, dec } from '../../shared/domain/money';
import { newReplaceTransaction } from '../../shared/domain/oms/replace-transaction';
import type { Exchange } from '../../shared/ports/exchange';
import type { LeaseFence } from '../../shared/ports/state-store';

const ACCOUNT = 'default';
const SYMBOL = 'BTCTRY';
const QTY = dec('0.001');

let w: InProcessWorld;
let check: DuplicateCheck;
let watched: Exchange;
let fence: LeaseFence;
let price: Dec;

beforeEach(async () => {
  w = inProcessWorld({ symbols: [SYMBOL] });
  check = new DuplicateCheck(w.sim.venue, w.stores.journal, ACCOUNT);
  watched = watchPlacements(w.exchange, check);
  const lease = await w.stores.leases.acquire('trading#default', 'test', 3_600_000, w.clock.nowMs());
  if (!lease) throw new Error('lease not free');
  fence = { name: lease.name, epoch: lease.epoch };
  const bid = dec(w.sim.control.state().pairs.find((p) => p.symbol === SYMBOL)?.bid ?? '0');
  // far below the market: the orders rest
  price = bid.mul('0.8').toDecimalPlaces(0);
});

afterEach(async () => {
  await w.sim.dispatcher.close();
});

/** A stage 4 order of `intentKey`, journaled as the protocol does before it is sent */
async function journaled(clientOrderId: string, intentKey: string, attempt = 0): Promise<string> {
  const nowMs = w.clock.nowMs();
  await w.stores.journal.create(
    {
      account: ACCOUNT,
      clientOrderId,
      stage: 'stage4',
      symbol: SYMBOL,
      side: 'BUY',
      price,
      qty: QTY,
      intentKey,
      attempt,
      cycleId: 'c1',
      createdAtMs: nowMs,
    },
    fence,
    nowMs,
  );
  return clientOrderId;
}

const place = (clientOrderId: string) =>
  watched.placeLimitOrder({ clientOrderId, symbol: SYMBOL, side: 'BUY', price, qty: QTY });

const OLD = 'bb4-BTCTRY-b-00000000000000000001';
const NEW = 'bb4-BTCTRY-b-00000000000000000002';

/** The replace transaction of OLD -> the intent NEW, as the replace executor creates it */
function replaceTx() {
  const tx = newReplaceTransaction(
    {
      account: ACCOUNT,
      symbol: SYMBOL,
      side: 'BUY',
      newClientOrderId: NEW,
      oldClientOrderIds: [OLD],
      price,
      qty: QTY,
      cycleId: 'c2',
    },
    w.clock.nowMs(),
  );
  check.recordReplace(tx);
  return tx;
}

describe('the duplicate check of a local run', () => {
  it('catches a replacement placed while its old order rests, though the old one is canceled before the check', async () => {
    const old = await place(await journaled(OLD, OLD));
    const tx = replaceTx();
    const replacement = await place(await journaled(NEW, NEW));
    await w.exchange.cancelOrder(SYMBOL, old.orderId);
    expect(w.sim.control.state().orders.open).toBe(1);
    await check.judge();
    expect(check.found).toEqual([
      {
        kind: 'replace_group',
        key: tx.id,
        stage: 'stage4',
        venueOrderIds: [Number(old.orderId), Number(replacement.orderId)],
        atIso: expect.any(String),
      },
    ]);
  });

  it('snapshots the books after a placement whose answer was lost (the order may rest)', async () => {
    const old = await place(await journaled(OLD, OLD));
    replaceTx();
    w.sim.control.injectNext({ kind: 'timeout-after-create', method: 'POST', path: '/api/v1/order' });
    await expect(place(await journaled(NEW, NEW))).rejects.toThrow();
    await w.exchange.cancelOrder(SYMBOL, old.orderId);
    await check.judge();
    expect(check.found.map((d) => d.kind)).toEqual(['replace_group']);
  });

  it('finds nothing when the old order was canceled before the replacement was placed', async () => {
    const old = await place(await journaled(OLD, OLD));
    replaceTx();
    await w.exchange.cancelOrder(SYMBOL, old.orderId);
    await place(await journaled(NEW, NEW));
    await check.judge();
    expect(check.found).toEqual([]);
    expect(w.sim.control.state().orders.open).toBe(1);
  });

  it('catches two attempts of one intent resting at once', async () => {
    await place(await journaled(OLD, 'intent-1', 0));
    await place(await journaled(NEW, 'intent-1', 1));
    await check.judge();
    expect(check.found.map((d) => [d.kind, d.key, d.stage])).toEqual([['intent', 'intent-1', 'stage4']]);
  });

  it('catches one client order id resting twice, once, with no journal entry to name its stage', async () => {
    for (let i = 0; i < 2; i += 1) {
      w.sim.control.placeOrder({
        symbol: SYMBOL,
        side: 'buy',
        price: price.toFixed(),
        quantity: '0.001',
        clientId: OLD,
      });
    }
    await check.judge();
    await check.judge();
    expect(check.found.map((d) => [d.kind, d.key, d.stage])).toEqual([['client_order_id', OLD, 'unknown']]);
  });

  it('leaves orders someone else placed out: web orders all say `advanced`', async () => {
    for (let i = 0; i < 2; i += 1) {
      w.sim.control.placeOrder({
        symbol: SYMBOL,
        side: 'buy',
        price: price.toFixed(),
        quantity: '0.001',
        clientId: 'advanced',
      });
    }
    await place(await journaled(OLD, OLD));
    await check.judge();
    expect(check.found).toEqual([]);
  });
});

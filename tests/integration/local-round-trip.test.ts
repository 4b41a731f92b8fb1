// Stage 3's default settings complete a round trip on BTCTurk's minimum notional: in a short live run on the
// simulator the bot buys, then sells what it bought, as the simulator's own books show for its account (its
// orders and its trades), and the run's ledger agrees. A quarter of a 100 TRY entry is below the 99.91 TRY
// minimum; the default take-profit sells the whole position then (STAGE3_TAKE_PROFIT_WHOLE_BELOW_MIN).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLocalOptions } from '../../local/runner/options';
import { runLocal } from '../../local/runner/run-local';
import { assembleWorld, type LocalWorld } from '../../local/runner/world';
import { sumDec } from '../../shared/domain/money';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('stage 3 with its default settings', () => {
  it('buys and then sells the position back in a 30-cycle live run, on the venue books of its account', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-round-trip-'));
    let world: LocalWorld | undefined;
    const options = parseLocalOptions({ stages: 'stage3', cycles: '30', out: dir });
    const run = await runLocal(options, { out: () => {}, err: () => {} }, undefined, async (o) => {
      world = await assembleWorld(o);
      return world;
    });
    if (world === undefined) throw new Error('no world');
    expect(run.code).toBe(0);
    const orders = [...world.sim.venue.engine.orders.values()].filter((o) => o.owner === 'stage3');
    const trades = world.sim.venue.engine.fills.filter((f) => f.order.owner === 'stage3');
    const sells = orders.filter((o) => o.side === 'sell' && o.status === 'Closed');
    expect(sells.length).toBeGreaterThan(0);
    const ledger = await world.stores.ledger.list('stage3');
    for (const sell of sells) {
      const symbol = sell.pair.symbol;
      const before = trades.filter((f) => f.order.pair.symbol === symbol && f.order.id < sell.id);
      const qty = (side: string) => sumDec(before.filter((f) => f.order.side === side).map((f) => f.amount));
      const held = qty('buy').sub(qty('sell'));
      const sold = trades.filter((f) => f.order.id === sell.id);
      // a buy came first, and the sell gave back all of the position it left, above the venue's minimum
      expect(held.gt(0)).toBe(true);
      expect(sumDec(sold.map((f) => f.amount)).toFixed()).toBe(held.toFixed());
      expect(sumDec(sold.map((f) => f.price.mul(f.amount))).gte(sell.pair.minNotional)).toBe(true);
      // and the bot's own ledger holds the sell's fills
      const booked = ledger.filter((e) => e.type === 'FILL' && e.clientOrderId === sell.clientId);
      expect(sumDec(booked.map((e) => e.qty)).toFixed()).toBe(held.toFixed());
    }
  });
});

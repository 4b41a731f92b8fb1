// Fills reach the ledger per spec 3.8 and 3.10 in full stage 3 cycles on the simulator: the first import
// reaches back only the lookback (the account's older history is no position of ours to sell), and every
// fill that paid a fee is recorded as a FILL and a FEE event.
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../../shared/domain/money';
import { type Stage3Harness, stage3Harness } from '../../support/stage3-harness';

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;

describe('stage 3 fill import', () => {
  it('the first cycle does not import a fill older than the lookback window', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY', FILLS_POLL_LOOKBACK_MINUTES: '30' } });
    const pair = h.sim.control.state().pairs.find((p) => p.symbol === 'BTCTRY');
    if (!pair) throw new Error('no BTCTRY pair');
    const fillsBefore = h.sim.control.state().fills;
    h.sim.control.placeOrder({
      symbol: 'BTCTRY',
      side: 'buy',
      price: dec(pair.ask).mul('1.05').toFixed(0),
      quantity: '0.001',
      clientId: 'advanced',
    });
    expect(h.sim.control.state().fills).toBeGreaterThan(fillsBefore);
    h.sim.control.advanceMarket(2 * HOUR);

    const cycleStartMs = h.clock.nowMs();
    const result = await h.cycle();
    expect(result.status).toBe('completed');
    expect(await h.stores.ledger.list('default')).toEqual([]);
    expect(await h.stores.fills.list('default', 'BTCTRY', 0)).toEqual([]);
    // the window it read is recorded: the next one starts lookback before it, not before the next cycle
    expect(await h.stores.cursors.get('fills#default#BTCTRY')).toBeGreaterThanOrEqual(cycleStartMs);
  });

  it('records each fill of the bot as a FILL event and its fee as a FEE event, once', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'BTCTRY' } });
    expect((await h.cycle()).counters.submitted).toBe(1);
    h.sim.control.advanceMarket(60_000);
    const second = await h.cycle();
    expect(second.counters.fillsInserted).toBeGreaterThan(0);

    const events = await h.stores.ledger.list('default');
    const fills = events.filter((e) => e.type === 'FILL');
    const fees = events.filter((e) => e.type === 'FEE');
    expect(fills).toHaveLength(second.counters.fillsInserted);
    expect(fees.map((e) => e.eventId).sort()).toEqual(fills.map((e) => e.eventId.replace(/^fill#/, 'fee#')).sort());
    for (const fee of fees) {
      const fill = fills.find((e) => e.tradeId === fee.tradeId);
      expect(fee).toMatchObject({ side: undefined, feeAsset: 'TRY', timestampMs: fill?.timestampMs });
      expect([fee.qty.toFixed(), fee.price.toFixed()]).toEqual(['0', '0']);
      expect(fee.fee.gt(0)).toBe(true);
      expect(fee.fee.eq(fill?.fee ?? -1)).toBe(true);
    }
    const stored = await h.stores.fills.list('default', 'BTCTRY', 0);
    expect(await h.stores.cursors.get('fills#default#BTCTRY')).toBe(Math.max(...stored.map((f) => f.timestampMs)));
  });
});

import { describe, expect, it } from 'vitest';
import { stage7LedgerAccount } from '../../../shared/application/stage7/cycle-ledger';
import { stage7World } from './stage7-world';

describe('stage 7 cycle on memory stores and the in-process simulator', () => {
  it('a first cycle plans, places simulated orders, fills some, writes the ledger and the store', async () => {
    const w = stage7World();
    const r = await w.cycle('c1');
    expect(r.status).toBe('completed');
    if (r.status !== 'completed') return;
    console.log(JSON.stringify(r.row.counts), r.finalMode, r.row.noTradesReason);
    expect(r.row.counts.planned).toBeGreaterThan(0);
    expect(r.row.counts.omsFilled).toBeGreaterThan(0);
    const events = await w.stores.ledger.list(stage7LedgerAccount('default'));
    expect(events.length).toBeGreaterThan(0);
    expect(r.ledgerEventsAppended).toBe(events.length);
  });
});

// The memory stage 7 store keeping a cycle's reads only (Stage7History 'cycle', what a backtest uses) runs every
// cycle exactly as the store keeping every record: the same run records, cycle after cycle. What it does not keep
// is what no cycle reads back: a finished order is gone from loadOrders.
import { describe, expect, it } from 'vitest';
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import { runRecordLine, runRecordOf } from '../../../shared/application/stage7/run-record';
import { stage7World } from './stage7-world';

async function run(history: 'all' | 'cycle') {
  const w = stage7World({ stores: createMemoryStateStores(history) });
  const lines: string[] = [];
  const filled: string[] = [];
  for (let i = 1; i <= 40; i++) {
    const id = `c${String(i).padStart(2, '0')}`;
    const r = await w.cycle(id, `inv-${id}`);
    if (r.status !== 'completed') throw new Error(`${id}: ${r.status}`);
    lines.push(runRecordLine(runRecordOf(id, r)));
    filled.push(...r.fills.map((f) => f.clientOrderId));
  }
  return { w, lines, filled };
}

describe("the memory stage 7 store keeping a cycle's reads only", () => {
  it('gives the same run records as the store keeping everything, and forgets finished orders', async () => {
    const [all, cycle] = [await run('all'), await run('cycle')];
    expect(cycle.lines).toEqual(all.lines);
    expect(all.filled.length).toBeGreaterThan(0);
    const ids = all.filled.slice(0, 3);
    expect((await all.w.stores.stage7.loadOrders('default', ids)).orders.size).toBe(ids.length);
    expect((await cycle.w.stores.stage7.loadOrders('default', ids)).orders.size).toBe(0);
  });
});

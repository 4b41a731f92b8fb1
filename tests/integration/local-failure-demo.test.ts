// The README's failure demo, exactly as it is typed: `npm start -- --faults lost-responses --seed 2`. Under that
// seed a submit's answer is lost, so its order is UNKNOWN until the reconcile function finds it on the venue; the
// journal's history of it and the simulator's own book must then tell the same story.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLocalOptions, type RawLocalOptions } from '../../local/runner/options';
import { runLocal } from '../../local/runner/run-local';
import type { LocalRunSummary } from '../../local/runner/summary';
import { assembleWorld, type LocalWorld } from '../../local/runner/world';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** What commander hands `btcbot local` for `--faults lost-responses --seed 2` (its defaults filled in) */
const demo = (out: string): RawLocalOptions => ({
  cycles: '30',
  symbols: 'BTCTRY,ETHTRY',
  seed: '2',
  speed: 'fast',
  faults: 'lost-responses',
  aws: 'embedded',
  balanceTry: '10000',
  out,
});

/** The venue's order status for each journal end status an order can reach once reconciled */
const VENUE_STATUS: Readonly<Record<string, string>> = {
  OPEN: 'Untouched',
  PARTIAL: 'Partial',
  FILLED: 'Closed',
  CANCELED: 'Canceled',
};

describe('the README failure demo', () => {
  it('shows an order going UNKNOWN and reconciled, as the journal history and the venue book agree', async () => {
    dir = await mkdtemp(join(tmpdir(), 'btcbot-demo-'));
    const err: string[] = [];
    let world: LocalWorld | undefined;
    const run = await runLocal(
      parseLocalOptions(demo(dir)),
      { out: () => {}, err: (l) => err.push(l) },
      undefined,
      async (o) => {
        world = await assembleWorld(o);
        return world;
      },
    );
    if (world === undefined) throw new Error('no world');
    expect(err).toEqual([]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as LocalRunSummary;
    const reconciled = summary.orders.filter((o) =>
      o.history.some((step, i) => step.to === 'UNKNOWN' && o.history[i + 1]?.by === 'reconcile'),
    );
    expect(reconciled.length).toBeGreaterThan(0);
    const venueOrders = [...world.sim.venue.engine.orders.values()];
    for (const order of reconciled) {
      expect(order.history.slice(0, 2).map((s) => s.to)).toEqual(['PENDING_SUBMIT', 'UNKNOWN']);
      expect(order.history.at(-1)?.to).toBe(order.status);
      // on the venue's own book: placed once, on the account of the stage that journaled it, ending as journaled
      const onVenue = venueOrders.filter((v) => v.clientId === order.clientOrderId);
      expect(onVenue).toHaveLength(1);
      const [v] = onVenue;
      expect(v?.owner).toBe(order.stage);
      expect(String(v?.id)).toBe(order.exchangeOrderId);
      expect(v?.status).toBe(VENUE_STATUS[order.status]);
      expect(v?.quantity.sub(v.left).toFixed()).toBe(order.filledQty);
    }
    expect(summary.outcome.unknown).toBe(0);
  });
});

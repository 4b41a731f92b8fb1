// Exchange requests per live stage 3 cycle at 1, 2, 5, 10 and 20 symbols (the simulator's market presets),
// counted where they reach the in-process simulator:
// - idle: MAX_ORDERS_PER_CYCLE=0, no resting order; the average runs over one full-listing period of
//   one-minute cycles (the first cycle of a container lists every symbol);
// - busy: every cycle places orders (one per symbol and side at most), which rest, fill and get canceled.
// Prints a table; asserts nothing. Run: npx tsx bench/cycle-cost.ts
import { PAIR_PRESETS } from '../local/market/pairs';
import { inProcessWorld } from '../local/runner/in-process-world';

const SIZES = [1, 2, 5, 10, 20];
const ALL = PAIR_PRESETS.map((p) => p.symbol);
const CYCLE_MS = 60_000;

async function perCycle(symbols: readonly string[], env: Record<string, string>, cycles: number) {
  const world = inProcessWorld({ symbols, env });
  const total = () => [...world.received.values()].reduce((a, b) => a + b, 0);
  const counts: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const before = total();
    const result = await world.cycle();
    if (result.status !== 'completed') throw new Error(`cycle ${i} ended ${result.status}: ${result.decisions}`);
    counts.push(total() - before);
    world.sim.control.advanceMarket(CYCLE_MS);
  }
  return counts;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

console.log('symbols | idle: first cycle, then steady (min-max), average over the period | busy: average (min-max)');
for (const n of SIZES) {
  const symbols = ALL.slice(0, n);
  const period = 3600 / (CYCLE_MS / 1000);
  const idle = await perCycle(symbols, { MAX_ORDERS_PER_CYCLE: '0' }, period);
  const busy = await perCycle(symbols, { MAX_ORDERS_PER_CYCLE: String(2 * n), TTL_SECONDS: '120' }, 30);
  const steady = idle.slice(1);
  console.log(
    `${String(n).padStart(7)} | ${idle[0]}, then ${Math.min(...steady)}-${Math.max(...steady)}, average ${mean(idle).toFixed(2)} | ${mean(busy).toFixed(2)} (${Math.min(...busy)}-${Math.max(...busy)})`,
  );
}

// The order safety protocol under at least 1,000 seeded fault schedules per run, all in process: the real
// gateway talks to the real simulator through an undici dispatcher without sockets, on a ManualClock.
// Each seed is a schedule (support/schedule.ts) checked against the simulator's own books, a third of them
// of stage 4 cycles (replaces, interrupted writes, lease takeovers); the run prints `chaos: <n> schedules
// (<s> stage 4), <r> replaces committed, <k> violations` and, per violation kind, a count and the first seeds.
// CHAOS_SCHEDULES=<n> changes the count, CHAOS_FIRST_SEED=<s> the first seed (replay one seed with
// CHAOS_SCHEDULES=1 CHAOS_FIRST_SEED=<seed>); CHAOS_VERBOSE=1 lists every violation, CHAOS_DEBUG=1 prints
// the stack of every crash.
import { describe, expect, it } from 'vitest';
import { VIOLATION_KINDS, type ViolationKind } from './support/invariants';
import { PROFILE_NAMES } from './support/profiles';
import { runSchedule, type ScheduleResult } from './support/schedule';

const SCHEDULES = Number(process.env.CHAOS_SCHEDULES ?? 1000);
const FIRST_SEED = Number(process.env.CHAOS_FIRST_SEED ?? 1);
/** A schedule takes 10-30 ms (2 shared cores); 150 ms each leaves room for a loaded machine */
const TIMEOUT_MS = Math.max(60_000, SCHEDULES * 150);
const SEEDS_SHOWN = 5;
/**
 * Below this many stage 4 schedules a run is a replay, too small to ask for coverage; above it, at least
 * this share of them must commit a replace (about half do) and replaces must have been interrupted both by
 * crashes and by stalls, or the suite no longer exercises what it is for
 */
const STAGE4_SAMPLE = 100;
const MIN_REPLACING_SHARE = 0.3;

interface KindSummary {
  instances: number;
  seeds: number[];
  example: string;
}

function summarize(results: readonly ScheduleResult[], elapsedMs: number): string {
  const kinds = new Map<ViolationKind, KindSummary>();
  for (const r of results) {
    const seen = new Set<ViolationKind>();
    for (const v of r.violations) {
      const example = `seed ${r.seed} (${r.profile}, ${r.stage}): ${v.detail}`;
      const k = kinds.get(v.kind) ?? { instances: 0, seeds: [], example };
      k.instances += 1;
      if (!seen.has(v.kind)) k.seeds.push(r.seed);
      seen.add(v.kind);
      kinds.set(v.kind, k);
    }
  }
  const total = results.reduce((n, r) => n + r.violations.length, 0);
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const orders = results.reduce((n, r) => n + r.venueOrders, 0);
  const rejected = results.reduce((n, r) => n + r.rejections, 0);
  const forScale = results.reduce((n, r) => n + r.violations.filter((v) => v.kind === 'scale_rejection').length, 0);
  const stage4 = results.filter((r) => r.stage === 'stage4');
  const created = stage4.reduce((n, r) => n + r.replaces.created, 0);
  const committed = stage4.reduce((n, r) => n + r.replaces.committed, 0);
  const replacing = stage4.filter((r) => r.replaces.committed > 0).length;
  const hits = stage4.flatMap((r) => r.interruptions);
  // by what the invocation did and the kind of write it did it at: `crash submit`, `stall replace_tx`...
  const hitKinds = new Map<string, number>();
  for (const h of hits) {
    const key = `${h.action} ${h.at.split(/[ .]/)[0]}`;
    hitKinds.set(key, (hitKinds.get(key) ?? 0) + 1);
  }
  const lines = [
    `chaos: ${results.length} schedules (${stage4.length} stage 4), ${committed} replaces committed, ${total} violations`,
    `  ${(elapsedMs / 1000).toFixed(1)} s, ${((results.length / elapsedMs) * 1000).toFixed(0)} schedules/s, ` +
      `${requests} venue requests, ${orders} venue orders, ${rejected} rejected (${forScale} for scale)`,
    `  stage 4: ${created} replace transactions, ${committed} committed, in ${replacing}/${stage4.length} schedules; ` +
      `${hits.length} interrupted writes (${hits.filter((h) => h.midReplace).length} mid-replace): ` +
      [...hitKinds]
        .sort()
        .map(([at, n]) => `${at} x${n}`)
        .join(', '),
  ];
  for (const kind of VIOLATION_KINDS) {
    const k = kinds.get(kind);
    if (!k) continue;
    const seeds = k.seeds.slice(0, SEEDS_SHOWN).join(', ');
    lines.push(`  ${kind}: ${k.instances} in ${k.seeds.length} schedules; seeds ${seeds}`);
    lines.push(`    e.g. ${k.example}`);
  }
  for (const profile of PROFILE_NAMES) {
    const of = results.filter((r) => r.profile === profile);
    const bad = of.filter((r) => r.violations.length > 0).length;
    const escalated = of.filter((r) => r.escalation !== undefined).length;
    const count = (into: Map<string, number>, key: string, n = 1) => into.set(key, (into.get(key) ?? 0) + n);
    const errors = new Map<string, number>();
    const kindsOf = new Map<string, number>();
    for (const r of of) {
      for (const [name, n] of Object.entries(r.cycleErrors)) count(errors, name, n);
      for (const v of r.violations) count(kindsOf, v.kind);
    }
    const list = (m: Map<string, number>) => [...m].map(([name, n]) => `${name} x${n}`).join(', ');
    lines.push(
      `  profile ${profile}: ${bad}/${of.length} schedules with violations` +
        (kindsOf.size > 0 ? ` (${list(kindsOf)})` : '') +
        (errors.size > 0 ? `; thrown: ${list(errors)}` : '') +
        (escalated > 0 ? `; ${escalated} set the stored kill switch (cleared by the harness)` : ''),
    );
  }
  return lines.join('\n');
}

describe('order safety protocol under seeded chaos', () => {
  it(
    `${SCHEDULES} schedules end with the journal equal to the venue's books`,
    async () => {
      const started = performance.now();
      const results: ScheduleResult[] = [];
      for (let seed = FIRST_SEED; seed < FIRST_SEED + SCHEDULES; seed++) results.push(await runSchedule(seed));
      const summary = summarize(results, performance.now() - started);
      console.info(summary);
      if (process.env.CHAOS_VERBOSE) {
        for (const r of results)
          for (const v of r.violations) console.info(`seed ${r.seed} ${r.profile} ${r.stage} ${v.kind}: ${v.detail}`);
      }
      const violations = results.reduce((n, r) => n + r.violations.length, 0);
      const scale = results.flatMap((r) => r.violations.filter((v) => v.kind === 'scale_rejection'));
      expect(scale, 'chaos orders rejected for their price or quantity scale').toEqual([]);
      expect(violations, summary).toBe(0);
      const stage4 = results.filter((r) => r.stage === 'stage4');
      if (stage4.length >= STAGE4_SAMPLE) {
        const replacing = stage4.filter((r) => r.replaces.committed > 0).length;
        expect(replacing / stage4.length, 'share of stage 4 schedules that commit a replace').toBeGreaterThan(
          MIN_REPLACING_SHARE,
        );
        const midReplace = stage4.flatMap((r) => r.interruptions).filter((h) => h.midReplace);
        expect(new Set(midReplace.map((h) => h.action)), 'interruptions inside a replace').toEqual(
          new Set(['crash', 'stall']),
        );
      }
    },
    TIMEOUT_MS,
  );
});

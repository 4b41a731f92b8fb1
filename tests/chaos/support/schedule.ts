// One seeded chaos schedule: a profile of faults, 2-4 stage 3 cycles (or, in a third of the seeds, 4-6 stage
// 4 cycles: never both on one account) with extra intents placed by the same protocol, reconcile drains
// (concurrent with a cycle in some profiles), foreign and vanishing orders and a kill switch flipped
// mid-cycle in others; stage 4 cycles are also interrupted at one of their writes (the invocation dies, or
// stalls while another takes its lease over). Then the faults stop and the system settles as in production
// (a reconcile drain and an observing cycle every simulated minute, bounded) until the queue is empty and
// nothing is in flight, and the invariants are checked against the venue's books as of the last look.
import { createPrng, type Prng } from '../../../local/market/prng';
import { clearStoredKillSwitch, loadOpState } from '../../../shared/application/op-state';
import { placeOrder } from '../../../shared/application/place-order';
import { cycleWriteGate } from '../../../shared/application/stage3/cycle-write-gate';
import { loadFreezeState } from '../../../shared/application/stage4/state/freeze-state';
import { deriveRules, type ExchangeRules, quantizeLimitOrder } from '../../../shared/domain/exchange-rules';
import { dec } from '../../../shared/domain/money';
import type { ReplaceTransaction } from '../../../shared/domain/oms/replace-transaction';
import {
  CHAOS_START_MS,
  CHAOS_SYMBOLS,
  type ChaosStage,
  type ChaosWorld,
  type CycleOutcome,
  chaosWorld,
} from './chaos-world';
import { checkInvariants, type ScheduleFacts, type VanishedOrder, type Violation } from './invariants';
import { type ProfileName, profileOf, stageOf } from './profiles';
import { trendingMarket } from './trending-market';
import { ChaosCrash, type Interruption, type InterruptionHit, type WriteKind } from './write-points';

/**
 * Simulated time the system gets to settle once the faults stop: past the longest reconcile back-off
 * chain (30 s doubling to 900 s over RECONCILE_MAX_RECEIVES deliveries) that ends in the dead-letter queue
 */
export const SETTLE_LIMIT_MS = 60 * 60_000;
const SETTLE_STEP_MS = 60_000;
/** Looks the settle phase takes at least: an order listed nowhere is closed only after repeated looks */
const MIN_SETTLE_LOOKS = 2;
const CYCLE_STEP_MS = 60_000;
/** Stage 4 schedules run longer: an order rests past TTL_SECONDS before lifecycle replaces it */
const STAGE4_EXTRA_CYCLES = 2;
/** Share of stage 4 schedules whose market trends up (the others get the generated market, which fills more) */
const TRENDING_SHARE = 0.75;
/** Share of stage 4 cycles interrupted at one of their writes */
const INTERRUPTED_SHARE = 0.5;

export interface ScheduleResult {
  readonly seed: number;
  readonly profile: ProfileName;
  readonly stage: ChaosStage;
  readonly violations: readonly Violation[];
  readonly requests: number;
  readonly venueOrders: number;
  readonly cycleErrors: Readonly<Record<string, number>>;
  readonly rejections: number;
  /** Why the system set its stored kill switch (the harness then clears it as an operator would) */
  readonly escalation?: string;
  readonly replaces: { readonly created: number; readonly committed: number };
  /** Where stage 4 cycles were interrupted */
  readonly interruptions: readonly InterruptionHit[];
}

let rulesOnce: Promise<ReadonlyMap<string, ExchangeRules>> | undefined;

/** The pairs' rules as the venue publishes them (exchangeinfo), read once through a fault-free world */
function pairRules(): Promise<ReadonlyMap<string, ExchangeRules>> {
  rulesOnce ??= (async () => {
    const w = chaosWorld({ seed: 1 });
    const defaults = {
      safeMinNotional: w.config.STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY,
      internalMinNotional: w.config.MIN_ORDER_NOTIONAL_TRY,
    };
    const rules = (await w.exchange.exchangeInfo()).map((m) => deriveRules(m, defaults));
    return new Map(rules.map((r) => [r.symbol, r]));
  })();
  return rulesOnce;
}

/** A valid LIMIT order around the market: quantized to the pair's tick and step, above the minimum notional */
function validOrder(w: ChaosWorld, rules: ExchangeRules, side: 'BUY' | 'SELL', rng: Prng, spread: number) {
  const pair = w.sim.venue.pairOf(rules.symbol);
  if (!pair) throw new RangeError(`no pair ${rules.symbol}`);
  const { bid, ask } = w.sim.venue.feedOf(pair).quote;
  const mid = bid.add(ask).div(2);
  const price = mid.mul(dec(String(1 - spread + rng.next() * 2 * spread)));
  const notional = dec(String(150 + Math.floor(rng.next() * 150)));
  return quantizeLimitOrder(rules, side, price, notional.div(price));
}

/** Extra intents placed by the order safety protocol itself, so faults hit more orders than a cycle makes */
async function placeExtraOrders(w: ChaosWorld, rng: Prng, tag: string, count: number): Promise<void> {
  const rules = await pairRules();
  const ttlMs = w.config.LEASE_TTL_SECONDS * 1000;
  const lease = await w.stores.leases.acquire('trading#default', `chaos-${tag}`, ttlMs, w.clock.nowMs());
  if (!lease) return;
  const fence = { name: lease.name, epoch: lease.epoch };
  const deps = { ...w.deps, gate: cycleWriteGate(w.deps, fence) };
  try {
    for (let i = 0; i < count; i++) {
      const symbol = CHAOS_SYMBOLS[rng.int(CHAOS_SYMBOLS.length)] ?? 'BTCTRY';
      const side = rng.next() < 0.5 ? 'BUY' : 'SELL';
      const r = rules.get(symbol);
      if (!r) continue;
      const { price, qty } = validOrder(w, r, side, rng, 0.01);
      await placeOrder(
        deps,
        { account: 'default', stage: w.stage, cycleId: tag, intentKey: `${tag}-${i}`, symbol, side, price, qty },
        fence,
      );
    }
  } finally {
    await w.stores.leases.release(lease);
  }
}

/**
 * Orders "someone else" books on the account (the web UI's client id), resting or marketable, some time
 * (up to 50 s) before the next cycle looks
 */
async function placeForeignOrders(w: ChaosWorld, rng: Prng, count: number, into: Set<number>): Promise<void> {
  const rules = await pairRules();
  for (let i = 0; i < count; i++) {
    const symbol = CHAOS_SYMBOLS[rng.int(CHAOS_SYMBOLS.length)] ?? 'BTCTRY';
    const side = rng.next() < 0.5 ? 'BUY' : 'SELL';
    const r = rules.get(symbol);
    if (!r) continue;
    const { price, qty } = validOrder(w, r, side, rng, 0.004);
    const id = w.sim.control.placeOrder({
      symbol,
      side: side === 'BUY' ? 'buy' : 'sell',
      price: price.toFixed(),
      quantity: qty.toFixed(),
      clientId: 'advanced',
    });
    into.add(id);
  }
  w.sim.control.advanceMarket(rng.int(50_000));
}

/** The venue stops listing some of the bot's orders (resting ones first), as if it pruned them */
async function vanishOrders(
  w: ChaosWorld,
  rng: Prng,
  count: number,
  foreign: ReadonlySet<number>,
  into: Map<number, VanishedOrder>,
): Promise<void> {
  const orders = [...w.sim.venue.engine.orders.values()].filter((o) => !foreign.has(o.id));
  const resting = orders.filter((o) => o.status === 'Untouched' || o.status === 'Partial');
  const pool = resting.length > 0 ? resting : orders;
  for (let i = 0; i < count && pool.length > 0; i++) {
    const [o] = pool.splice(rng.int(pool.length), 1);
    if (!o) continue;
    const j = await w.stores.journal.get('default', o.clientId);
    into.set(o.id, { order: o, clientId: o.clientId, journalStatus: j?.status });
    w.sim.control.vanishOrder(o.id);
  }
}

/**
 * A stage 4 cycle's interruption, if this cycle gets one: mostly inside a replace (after the cycle's first
 * replace transaction write), where the replacement's submit is what must never happen twice or early
 */
function interruptionOf(rng: Prng, takeover: () => Promise<void>): Interruption | undefined {
  if (rng.next() >= INTERRUPTED_SHARE) return undefined;
  const midReplace = rng.next() < 0.7;
  const nth = 1 + rng.int(3);
  if (rng.next() < 0.3) {
    const kind = rng.next() < 0.5 ? 'journal' : 'replace_tx';
    return { action: 'stall', kind, nth, midReplace, takeover };
  }
  const kinds: readonly WriteKind[] = ['submit', 'submit', 'cancel', 'journal', 'replace_tx'];
  const kind = kinds[rng.int(kinds.length)] ?? 'journal';
  return { action: 'crash', kind, nth: kind === 'submit' ? 1 : nth, midReplace, after: rng.next() < 0.5 };
}

export async function runSchedule(seed: number): Promise<ScheduleResult> {
  const rng = createPrng(seed, 'chaos-schedule');
  const profile = profileOf(seed, rng);
  const stage = stageOf(seed);
  // stage 4's own draws come from their own stream: stage 3 schedules stay what they were
  const rng4 = createPrng(seed, 'chaos-stage4');
  const cycles = 2 + rng.int(3) + (stage === 'stage4' ? STAGE4_EXTRA_CYCLES : 0);
  const cycleErrors: Record<string, number> = {};
  const violations: Violation[] = [];
  // a cycle degrades under faults (stale data, unavailable lookups) but never throws: a throw is a crash,
  // unless the schedule killed the invocation itself
  const failed = (e: unknown) => {
    if (e instanceof ChaosCrash) return;
    const name = e instanceof Error ? e.name : 'non-error';
    cycleErrors[name] = (cycleErrors[name] ?? 0) + 1;
    violations.push({ kind: 'cycle_crashed', detail: `${name}: ${e instanceof Error ? e.message : String(e)}` });
    if (process.env.CHAOS_DEBUG) console.warn(`seed ${seed}:`, e);
  };

  // kill switch: on at the k-th request of one cycle (server-time reads excluded: they may belong to a write)
  const b = profile.behaviours;
  const kill = b.killSwitch ? { cycle: rng.int(cycles), atRequest: 1 + rng.int(30) } : undefined;
  let current = -1;
  let cycleRequests = 0;
  // concurrent reconcile: the drain starts once the cycle has made its k-th request
  let startDrain: (() => void) | undefined;
  let drainAfter = 0;
  let killOn: { seq: number; atMs: number } | undefined;
  const switchOn = (seq: number, atMs: number) => {
    killOn = { seq, atMs };
    w.killSwitch.set(true);
  };
  const trendBps = stage === 'stage4' && rng4.next() < TRENDING_SHARE ? 5 + rng4.int(21) : 0;
  const w = chaosWorld({
    seed,
    stage,
    ...(trendBps > 0 ? { market: trendingMarket(CHAOS_SYMBOLS, seed, CHAOS_START_MS, trendBps) } : {}),
    faults: profile.faults,
    rateLimits: profile.rateLimits,
    // BTCTurk settles cancels asynchronously: a replace then waits for a later cycle to confirm its cancels
    cancelDelayMs: stage === 'stage4' && rng4.next() < 0.5 ? 500 + rng4.int(4_500) : 0,
    onRequest: (r) => {
      if (current < 0) return;
      cycleRequests += 1;
      if (startDrain && cycleRequests >= drainAfter) startDrain();
      if (!kill || killOn || current !== kill.cycle) return;
      if (cycleRequests >= kill.atRequest && !r.url.startsWith('/api/v2/server/time')) switchOn(r.seq, r.atMs);
    },
  });
  const leaseTtlMs = w.config.LEASE_TTL_SECONDS * 1000;

  const foreign = new Set<number>();
  const vanished = new Map<number, VanishedOrder>();
  const foreignAt = b.foreignOrders ? rng.int(cycles) : -1;
  const vanishAt = b.vanishingOrders ? 1 + rng.int(cycles - 1) : -1;
  const concurrent = b.concurrentReconcile;
  // from the end of a takeover to the end of the stalled cycle: the venue requests its stale holder made
  const stale: { from: number; to: number }[] = [];
  let staleFrom: number | undefined;

  for (let i = 0; i < cycles; i++) {
    const tag = `s${seed}-c${i}`;
    if (i === foreignAt) await placeForeignOrders(w, rng, 1 + rng.int(2), foreign);
    if (i === vanishAt) await vanishOrders(w, rng, 1 + rng.int(2), foreign, vanished);
    current = i;
    cycleRequests = 0;
    // a stalled invocation outlives its lease: the next scheduled one takes the account over meanwhile
    const takeover = async () => {
      w.sim.control.advanceMarket(leaseTtlMs + 1_000);
      await w.cycle(`${tag}-takeover`).catch(failed);
      staleFrom = w.sim.dispatcher.requests;
    };
    const interruption = stage === 'stage4' ? interruptionOf(rng4, takeover) : undefined;
    if (interruption) w.points.arm(interruption);
    const hitsBefore = w.points.hits.length;
    if (concurrent) {
      drainAfter = rng.int(16);
      const started = new Promise<void>((go) => {
        startDrain = go;
      });
      const cycle = w
        .cycle(tag)
        .catch(failed)
        .finally(() => startDrain?.());
      // SQS delivers at least once: about half the messages come twice, often in the same batch
      for (const body of w.queue.bodies) if (rng.next() < 0.5) await w.queue.enqueue(body);
      await Promise.all([cycle, started.then(() => w.drainReconcile()).catch(failed)]);
      startDrain = undefined;
    } else {
      await w.cycle(tag).catch(failed);
    }
    w.points.disarm();
    if (staleFrom !== undefined) stale.push({ from: staleFrom, to: w.sim.dispatcher.requests });
    staleFrom = undefined;
    current = -1;
    if (kill?.cycle === i && !killOn) switchOn(w.sim.dispatcher.requests, w.clock.nowMs());
    // a dead invocation's lease holds the account until it expires
    if (w.points.hits.slice(hitsBefore).some((h) => h.action === 'crash')) w.sim.control.advanceMarket(leaseTtlMs);
    await placeExtraOrders(w, rng, `${tag}-extra`, 1 + rng.int(3)).catch(failed);
    // concurrent: what is left uncertain meets the next cycle's recovery and a drain at the same time
    if (!concurrent) await w.drainReconcile().catch(failed);
    w.sim.control.advanceMarket(CYCLE_STEP_MS);
  }

  // faults off (a skewed venue clock stays), the kill switch back off, reconcile until quiet, a final look
  w.sim.control.setFaults({ profile: 'none', ...profile.lasting });
  let killSwitch: ScheduleFacts['killSwitch'];
  if (killOn) {
    w.killSwitch.set(false);
    killSwitch = { onSeq: killOn.seq, onAtMs: killOn.atMs, offSeq: w.sim.dispatcher.requests + 1 };
  }
  // settle as production would: every minute a reconcile drain and a cycle (observing only: it plans no
  // order and no stale cancel, though a stage 4 look still finishes open replaces and pulls orders the
  // market drifted away from), until the queue is empty, nothing is in flight (cancels included), no
  // replace can move on, and the venue was looked at twice
  let escalation: string | undefined;
  let replacing: ReplaceTransaction[] = [];
  let observedAtServerMs = w.sim.venue.serverNowMs();
  let last: CycleOutcome | undefined;
  let lastError: unknown;
  for (let looks = 0, elapsed = 0; ; looks++, elapsed += SETTLE_STEP_MS) {
    const inFlight = await w.stores.journal.listByStatus('default', ['PENDING_SUBMIT', 'UNKNOWN', 'CANCEL_REQUESTED']);
    // the unknown-order freeze holds open replaces until an operator clears it: the looks cannot move them on
    const frozen = (await loadFreezeState(w.stores.documents, 'default')).value.active !== undefined;
    replacing = frozen ? [] : await w.stores.replaceTransactions.listOpen('default');
    const quiet = w.queue.size === 0 && inFlight.length === 0 && replacing.length === 0;
    if ((quiet && looks >= MIN_SETTLE_LOOKS) || elapsed >= SETTLE_LIMIT_MS) break;
    w.clock.advance(SETTLE_STEP_MS);
    await w.drainReconcile();
    // a fail-closed escalation is reported, then cleared as an operator would, so the looks can go on
    const opState = await loadOpState(w.stores.documents, 'default');
    if (opState.killSwitchOn) {
      escalation ??= opState.killSwitchReason ?? 'stored_kill_switch';
      await clearStoredKillSwitch(w.stores.documents, 'default');
    }
    observedAtServerMs = w.sim.venue.serverNowMs();
    [last, lastError] = await w.observeCycle(`s${seed}-settle-${looks}`).then(
      (r) => [r, undefined] as const,
      (e: unknown) => [undefined, e] as const,
    );
  }
  if (replacing.length > 0) {
    const left = replacing.map((tx) => `${tx.id} ${tx.state} (${tx.reasons.join(',')})`).join(', ');
    violations.push({ kind: 'replace_left_open', detail: `after ${SETTLE_LIMIT_MS / 60_000} min: ${left}` });
  }
  if (w.queue.size > 0) {
    const left = w.queue.bodies.map((m) => `${m.clientOrderId} (${m.reason})`).join(', ');
    violations.push({
      kind: 'no_termination',
      detail: `reconcile messages left after ${SETTLE_LIMIT_MS / 60_000} min: ${left}`,
    });
  }
  if (lastError !== undefined) {
    const e = lastError as Error;
    violations.push({ kind: 'final_cycle_failed', detail: `final cycle threw ${e.name}: ${e.message}` });
  } else if (last && last.status !== 'completed') {
    violations.push({ kind: 'final_cycle_failed', detail: `final cycle ${last.status}: ${last.decisions}` });
  }
  violations.push(...(await checkInvariants(w, { foreign, vanished, killSwitch, stale, observedAtServerMs })));
  const journal = await w.stores.journal.countByStatus('default');
  return {
    seed,
    profile: profile.name,
    stage,
    violations,
    requests: w.sim.dispatcher.requests,
    venueOrders: w.sim.venue.engine.orders.size,
    cycleErrors,
    rejections: journal.REJECTED,
    ...(escalation ? { escalation } : {}),
    replaces: { created: w.replaces.created, committed: w.replaces.committed },
    interruptions: w.points.hits,
  };
}

// Properties of stage 7's fills (spec 4.13) over random OMS runs on the seeded market simulator: fees and
// slippage are never negative and follow their formulas; materializing orders again, after any later pass,
// gives the same events under the same ids (the ledger keeps them once); and after every pass the simulated
// account and the ledger agree on cash and on every asset's quantity (conservation across both books).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CanonicalValue, canonicalJson, sha256Hex } from '../../../../shared/domain/hashing';
import type { LedgerEvent } from '../../../../shared/domain/ledger/ledger-event';
import { replayLedger } from '../../../../shared/domain/ledger/ledger-state';
import { stage7BookDifferences, stage7Fills } from '../../../../shared/domain/ledger/stage7-fills';
import { Stage7MarketSimulator } from '../../../../shared/domain/market/stage7-market-simulator';
import { type Dec, dec, toPlain } from '../../../../shared/domain/money';
import type { SimulatedFailure, Stage7Intent } from '../../../../shared/domain/oms/stage7-intent';
import { processIntents, reconcileOpenOrders } from '../../../../shared/domain/oms/stage7-oms';
import {
  applyStage7Writes,
  EMPTY_STAGE7_OMS_STATE,
  type Stage7OmsState,
  type Stage7Order,
} from '../../../../shared/domain/oms/stage7-oms-state';
import { SimulatedAccount } from '../../../../shared/domain/portfolio/simulated-account';
import { DEFAULT_GROUP, TokenBucket } from '../../../../shared/domain/token-bucket';

const T0 = 1_700_000_000_000;
const ACCOUNT = 'stage7';
const RUNS = { numRuns: 120 };
const SYMBOLS = ['BTCTRY', 'ETHTRY'] as const;
const bytes = (x: unknown) => canonicalJson(x as CanonicalValue);
const units = (min: number, max: number, step: string) =>
  fc.integer({ min, max }).map((n) => dec(String(n)).mul(dec(step)));

interface OrderSpec {
  readonly symbol: (typeof SYMBOLS)[number];
  readonly qty: Dec;
  readonly price: Dec;
  readonly failures: readonly SimulatedFailure[];
}

interface PassSpec {
  readonly kind: 'intents' | 'reconcile';
  readonly gapMs: number;
  /** One side per symbol in a pass, as the portfolio plans it */
  readonly sides: Readonly<Record<(typeof SYMBOLS)[number], 'BUY' | 'SELL'>>;
  readonly orders: readonly OrderSpec[];
  /** Presents the previous pass's intents again (a re-run cycle): terminal orders get DUPLICATE_IGNORED */
  readonly repeat: boolean;
}

const side = fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL');
const orderSpec: fc.Arbitrary<OrderSpec> = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  // a few sizes, so that a SELL often matches what earlier BUYs left; two at or below the 0.0001 slicing bound
  qty: fc.constantFrom('1', '0.5', '0.25', '0.1', '0.00012345', '0.0001', '0.00000001').map(dec),
  price: units(1, 50_000, '0.01'),
  failures: fc.oneof(
    { weight: 4, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom<SimulatedFailure>('RATE_LIMIT', 'TIMEOUT'), { maxLength: 3 }) },
  ),
});
const passSpec: fc.Arbitrary<PassSpec> = fc.record({
  kind: fc.constantFrom<PassSpec['kind']>('intents', 'intents', 'reconcile'),
  gapMs: fc.integer({ min: 1, max: 10_000 }),
  sides: fc.record({ BTCTRY: side, ETHTRY: side }),
  orders: fc.array(orderSpec, { maxLength: 5 }),
  repeat: fc.boolean(),
});
const world = fc.record({
  openingTry: fc.oneof(units(0, 100_000, '0.01'), units(0, 5_000_000, '0.01')),
  rejectBps: fc.constantFrom(0, 0, 1_500),
  slippageBps: units(0, 200, '0.5'),
  feesBps: units(0, 60, '0.5'),
  marks: fc.record({ BTCTRY: units(1, 50_000, '0.01'), ETHTRY: fc.constant(undefined) }),
  burst: fc.integer({ min: 1, max: 6 }),
  rps: fc.constantFrom(0.5, 2, 10),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  passes: fc.array(passSpec, { minLength: 2, maxLength: 8 }),
});
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

const intentOf = (cycleId: string, o: OrderSpec, s: 'BUY' | 'SELL', n: number): Stage7Intent => ({
  cycleId,
  symbol: o.symbol,
  side: s,
  orderType: 'LIMIT',
  price: o.price,
  qty: o.qty,
  notionalTry: o.qty.mul(o.price),
  // the hash's last digit decides one slice or two in the simulator
  clientOrderId: `s7:${cycleId}:${o.symbol}:${s}:${sha256Hex(`${cycleId}:${n}`).slice(0, 12)}`,
  reason: 'rebalance',
  skipped: false,
});

interface Step {
  readonly state: Stage7OmsState;
  /** Rows the pass wrote: what the cycle materializes */
  readonly written: readonly Stage7Order[];
  readonly account: SimulatedAccount;
  readonly passId: string;
}

/** Runs the passes on one market simulator (so one account) and one token bucket, at increasing times */
function run(w: World): Step[] {
  // the first pass buys, so that later SELLs often find something to sell
  const sideOf = (p: PassSpec, i: number, o: OrderSpec) => (i === 0 ? 'BUY' : p.sides[o.symbol]);
  const intentsOf = w.passes.map((p, i) => p.orders.map((o, n) => intentOf(`c${i}`, o, sideOf(p, i, o), n)));
  const failures = new Map(
    w.passes.flatMap((p, i) => p.orders.map((o, n) => [intentsOf[i]?.[n]?.clientOrderId ?? '', o.failures] as const)),
  );
  const marks = new Map<string, Dec | undefined>(Object.entries(w.marks));
  const market = new Stage7MarketSimulator(
    { STAGE7_SIM_REJECT_PROB_BPS: w.rejectBps, STAGE7_SLIPPAGE_BPS: w.slippageBps, STAGE7_FEES_BPS: w.feesBps },
    { markPrice: (s) => marks.get(s), account: SimulatedAccount.open({ TRY: w.openingTry }), failures },
  );
  const bucket = new TokenBucket({ [DEFAULT_GROUP]: { ratePerSecond: w.rps, burst: w.burst } });
  const deps = {
    market,
    limiter: { tryConsume: (now: number) => bucket.tryConsume(DEFAULT_GROUP, 1, now) },
    retryDelayMs: (attempt: number) => attempt * 100,
  };
  const settings = { STAGE7_RETRY_MAX_ATTEMPTS: w.maxAttempts };
  let state = EMPTY_STAGE7_OMS_STATE;
  let nowMs = T0;
  return w.passes.map((p, i) => {
    nowMs += p.gapMs;
    const result =
      p.kind === 'intents'
        ? processIntents(
            { state, nowMs, intents: [...(intentsOf[i] ?? []), ...((p.repeat && intentsOf[i - 1]) || [])] },
            deps,
            settings,
          )
        : reconcileOpenOrders({ state, nowMs }, deps, settings);
    state = applyStage7Writes(state, result);
    return { state, written: result.orders, account: market.account, passId: result.passId };
  });
}

/** A reconcile pass can fill a throttled BUY and SELL of one symbol at one time: the ledger's order differs */
const crossesInOnePass = (step: Step): boolean => {
  const sides = new Map<string, Set<string>>();
  for (const o of step.written) {
    const filled = step.state.events.get(o.clientOrderId)?.find((e) => e.type === 'FILLED');
    if (filled?.passId !== step.passId) continue;
    sides.set(o.symbol, (sides.get(o.symbol) ?? new Set()).add(o.side));
  }
  return [...sides.values()].some((s) => s.size > 1);
};

describe('stage 7 fills over random OMS runs', () => {
  it('never charges a negative fee or slippage, and follows the spec 4.13 formulas', () => {
    fc.assert(
      fc.property(world, (w) => {
        const steps = run(w);
        const last = steps.at(-1);
        if (last === undefined) return;
        const batch = stage7Fills(
          { account: ACCOUNT, orders: last.state.orders.values(), events: last.state.events },
          w.feesBps,
        );
        for (const f of batch.fills) {
          expect(f.feeTry.gte(0) && f.slippageTry.gte(0)).toBe(true);
          expect(f.feeTry.eq(f.price.mul(f.qty).mul(w.feesBps).div(10_000))).toBe(true);
          expect(f.slippageTry.eq(f.price.sub(f.limitPrice).abs().mul(f.qty))).toBe(true);
          expect(f.events.map((e) => e.type)).toEqual(f.feeTry.gt(0) ? ['FILL', 'FEE'] : ['FILL']);
        }
        const filled = [...last.state.orders.values()].filter((o) => o.status === 'FILLED');
        expect(batch.fills.map((f) => f.clientOrderId)).toEqual(filled.map((o) => o.clientOrderId).sort());
        expect(batch.feesTry.gte(0) && batch.slippageTry.gte(0)).toBe(true);
      }),
      RUNS,
    );
  });

  it('materializes an order again with the same event ids and bytes; the ledger keeps each event once', () => {
    fc.assert(
      fc.property(world, (w) => {
        const appended = new Map<string, LedgerEvent>();
        const stream: LedgerEvent[] = [];
        for (const step of run(w)) {
          // what each cycle does (the rows its pass wrote), and a re-run over every order so far
          const input = { account: ACCOUNT, orders: step.written, events: step.state.events };
          const everything = { ...input, orders: step.state.orders.values() };
          for (const e of [...stage7Fills(input, w.feesBps).events, ...stage7Fills(everything, w.feesBps).events]) {
            const known = appended.get(e.eventId);
            if (known !== undefined) expect(bytes(e)).toBe(bytes(known));
            appended.set(e.eventId, e);
            stream.push(e);
          }
        }
        expect(bytes(replayLedger(stream))).toBe(bytes(replayLedger([...appended.values()])));
        expect(new Set([...appended.values()].map((e) => e.tradeId)).size).toBe(appended.size);
      }),
      RUNS,
    );
  });

  it('keeps the simulated account and the ledger in agreement on cash and quantities after every pass', () => {
    let [checked, sells] = [0, 0];
    fc.assert(
      fc.property(world, (w) => {
        const steps = run(w);
        fc.pre(!steps.some(crossesInOnePass));
        const appended = new Map<string, LedgerEvent>();
        for (const step of steps) {
          const batch = stage7Fills({ account: ACCOUNT, orders: step.written, events: step.state.events }, w.feesBps);
          for (const e of batch.events) appended.set(e.eventId, e);
          const ledger = replayLedger([...appended.values()]);
          const differences = stage7BookDifferences(step.account, ledger, { TRY: w.openingTry });
          expect(differences.map((d) => `${d.asset}: ${toPlain(d.account)} vs ${toPlain(d.ledger)}`)).toEqual([]);
          for (const book of ledger.symbols.values()) expect(book.oversells).toBe(0);
        }
        checked += steps.filter((s) => s.written.some((o) => o.status === 'FILLED')).length;
        const final = [...(steps.at(-1)?.state.orders.values() ?? [])];
        sells += final.filter((o) => o.status === 'FILLED' && o.side === 'SELL').length;
      }),
      RUNS,
    );
    // the property met real fills, SELLs among them, not only empty or rejected runs
    expect(checked).toBeGreaterThan(RUNS.numRuns);
    expect(sells).toBeGreaterThan(RUNS.numRuns / 6);
  });

  it('gives the same bytes for the same world', () => {
    fc.assert(
      fc.property(world, (w) => {
        const once = run(w).map((s) =>
          stage7Fills({ account: ACCOUNT, orders: s.written, events: s.state.events }, w.feesBps),
        );
        const twice = run(w).map((s) =>
          stage7Fills({ account: ACCOUNT, orders: s.written, events: s.state.events }, w.feesBps),
        );
        expect(bytes(twice)).toBe(bytes(once));
      }),
      { numRuns: 40 },
    );
  });
});

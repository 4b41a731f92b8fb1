// Invariants of the stage 7 market simulator over random submit sequences: every answer follows spec 4.11,
// fills conserve cash and quantity in the account, and the same inputs give byte-identical answers
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SIM_REJECT_INSUFFICIENT_BALANCE,
  SIM_REJECT_INVALID,
  SIM_REJECT_SEEDED,
  Stage7MarketSimulator,
} from '../../../../shared/domain/market/stage7-market-simulator';
import { type Dec, dec, ONE, toPlain, ZERO } from '../../../../shared/domain/money';
import {
  SIMULATED_FAILURES,
  type SimulatedFailure,
  type Stage7Intent,
} from '../../../../shared/domain/oms/stage7-intent';
import { SimulatedAccount } from '../../../../shared/domain/portfolio/simulated-account';

const units = (min: number, max: number, places: string) =>
  fc.integer({ min, max }).map((n) => dec(String(n)).mul(dec(places)));

const SYMBOLS = ['BTCTRY', 'ETHTRY', 'XRPTRY'] as const;

const intentArb: fc.Arbitrary<Stage7Intent> = fc
  .record({
    symbol: fc.constantFrom(...SYMBOLS),
    side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
    // mostly valid sizes, sometimes 0 to meet the invalid reject; some near the 0.0001 slicing bound
    qty: fc.oneof(units(1, 400, '0.005'), units(1, 20_000, '0.00000001'), fc.constant(ZERO)),
    price: fc.oneof({ weight: 9, arbitrary: units(1, 30_000, '0.01') }, { weight: 1, arbitrary: fc.constant(ZERO) }),
    tail: fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(4, '0')),
    n: fc.integer({ min: 0, max: 9 }),
  })
  .map(({ symbol, side, qty, price, tail, n }) => ({
    cycleId: 'c1',
    symbol,
    side,
    orderType: 'LIMIT' as const,
    price,
    qty,
    notionalTry: qty.mul(price),
    clientOrderId: `s7:c1:${symbol}:${side}:0000000${n}${tail}`,
    reason: 'rebalance',
    skipped: false,
  }));

const scenario = fc.record({
  rejectBps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 })),
  slippageBps: units(0, 500, '0.1'),
  feesBps: units(0, 100, '0.5'),
  // XRPTRY has no mark, and a BTCTRY mark of 0 is no mark: both fill from the intent price
  marks: fc.record({ BTCTRY: fc.oneof(units(1, 30_000, '0.01'), fc.constant(ZERO)), ETHTRY: units(1, 30_000, '0.01') }),
  tryBalance: units(0, 500_000, '0.01'),
  btcBalance: units(0, 300, '0.01'),
  intents: fc.array(intentArb, { maxLength: 30 }),
  failures: fc.array(fc.constantFrom<SimulatedFailure>(...SIMULATED_FAILURES), { maxLength: 3 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The first two client ids get the scenario's injected failures */
function build(s: Scenario) {
  const marks = new Map<string, Dec>(Object.entries(s.marks));
  const failures = new Map(s.intents.slice(0, 2).map((i) => [i.clientOrderId, s.failures] as const));
  return new Stage7MarketSimulator(
    { STAGE7_SIM_REJECT_PROB_BPS: s.rejectBps, STAGE7_SLIPPAGE_BPS: s.slippageBps, STAGE7_FEES_BPS: s.feesBps },
    {
      markPrice: (symbol) => marks.get(symbol),
      account: SimulatedAccount.open({ TRY: s.tryBalance, BTC: s.btcBalance }),
      failures,
    },
  );
}

/** Submits like the OMS retry loop: again after each injected failure, up to 5 attempts */
function submitWithRetries(market: Stage7MarketSimulator, intent: Stage7Intent) {
  const answers: ReturnType<Stage7MarketSimulator['submit']>[] = [];
  for (let attempt = 1; attempt <= 5; attempt++) {
    const answer = market.submit(intent, attempt);
    answers.push(answer);
    if (!('failure' in answer)) break;
  }
  return answers;
}

function simulate(s: Scenario) {
  const market = build(s);
  return { market, answers: s.intents.flatMap((intent) => submitWithRetries(market, intent)) };
}

const total = (a: SimulatedAccount, asset: string) => a.balance(asset).free.add(a.balance(asset).locked);

describe('stage 7 market simulator invariants', () => {
  it('every answer follows spec 4.11 and the account changes by exactly the fills', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const marks = new Map<string, Dec>(Object.entries(s.marks));
        const market = build(s);
        const start = market.account;
        let account = start;
        let tryChange = ZERO;
        const qtyChange = new Map<string, Dec>();
        for (const intent of s.intents) {
          const before = market.account;
          const expectedFailures = market.remainingFailures(intent.clientOrderId);
          const answers = submitWithRetries(market, intent);
          expect(before).toBe(account);
          // each injected failure is met once, in order, then the market answers
          expect(answers.slice(0, -1)).toEqual(expectedFailures.map((failure) => ({ failure })));
          expect(market.remainingFailures(intent.clientOrderId)).toEqual([]);
          const answer = answers[answers.length - 1];
          if (answer === undefined || !('outcome' in answer)) throw new Error('expected an outcome after the failures');
          const o = answer.outcome;
          const tail = Number.parseInt(intent.clientOrderId.slice(-4), 16);
          const invalid = intent.qty.lte(0) || intent.price.lte(0);
          const seeded = !invalid && s.rejectBps > 0 && tail % 10_000 < s.rejectBps;
          const mark = marks.get(intent.symbol);
          const reference = mark?.gt(0) ? mark : intent.price;
          const sign = intent.side === 'BUY' ? ONE : ONE.neg();
          const price = reference.mul(ONE.add(sign.mul(s.slippageBps).div(10_000)));
          const gross = intent.qty.mul(price);
          const fee = gross.mul(s.feesBps).div(10_000);
          const base = intent.symbol.slice(0, -3);
          const short =
            intent.side === 'BUY'
              ? before.balance('TRY').free.lt(gross.add(fee))
              : before.balance(base).free.lt(intent.qty) || before.balance('TRY').free.add(gross).lt(fee);
          if (invalid) expect(o).toEqual({ kind: 'rejected', reason: SIM_REJECT_INVALID });
          else if (seeded) expect(o).toEqual({ kind: 'rejected', reason: SIM_REJECT_SEEDED });
          else if (short) expect(o).toEqual({ kind: 'rejected', reason: SIM_REJECT_INSUFFICIENT_BALANCE });
          if (o.kind === 'rejected') {
            expect(market.account).toBe(before);
            continue;
          }
          expect(invalid || seeded || short).toBe(false);
          const even = Number.parseInt(intent.clientOrderId.slice(-1), 16) % 2 === 0;
          expect(o.slices).toHaveLength(even && intent.qty.gt(dec('0.0001')) ? 2 : 1);
          for (const slice of o.slices) {
            expect(slice.qty.gt(0)).toBe(true);
            expect(slice.price.eq(price)).toBe(true);
          }
          expect(o.slices.reduce((a, x) => a.add(x.qty), ZERO).eq(intent.qty)).toBe(true);
          account = market.account;
          tryChange = intent.side === 'BUY' ? tryChange.sub(gross).sub(fee) : tryChange.add(gross).sub(fee);
          const signedQty = intent.side === 'BUY' ? intent.qty : intent.qty.neg();
          qtyChange.set(base, (qtyChange.get(base) ?? ZERO).add(signedQty));
        }
        for (const b of Object.values(market.account.balances())) expect(b.free.gte(0) && b.locked.gte(0)).toBe(true);
        expect(total(market.account, 'TRY').sub(total(start, 'TRY')).eq(tryChange)).toBe(true);
        for (const base of ['BTC', 'ETH', 'XRP']) {
          expect(
            total(market.account, base)
              .sub(total(start, base))
              .eq(qtyChange.get(base) ?? ZERO),
          ).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the same settings, marks, failures, account and submits give byte-identical answers and balances', () => {
    const transcript = (s: Scenario) => {
      const { market, answers } = simulate(s);
      const plain = answers.map((a) =>
        'failure' in a
          ? a
          : a.outcome.kind === 'rejected'
            ? a.outcome
            : { kind: 'filled', slices: a.outcome.slices.map((x) => [toPlain(x.qty), toPlain(x.price)]) },
      );
      return JSON.stringify({ plain, account: market.account.snapshot() });
    };
    fc.assert(
      fc.property(scenario, (s) => {
        expect(transcript(s)).toBe(transcript(s));
      }),
      { numRuns: 100 },
    );
  });
});

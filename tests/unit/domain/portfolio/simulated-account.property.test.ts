// Invariants of the stage 7 simulated account over any sequence of fills, locks and releases (issue 15 tests:
// "cash and quantity are conserved across any sequence of simulated fills")
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsufficientBalanceError, ValidationError } from '../../../../shared/domain/errors';
import { type Dec, dec, ZERO } from '../../../../shared/domain/money';
import { SimulatedAccount, type SimulatedFill } from '../../../../shared/domain/portfolio/simulated-account';

const units = (max: number, places: string) => fc.integer({ min: 1, max }).map((n) => dec(String(n)).mul(dec(places)));

type Op =
  | { readonly kind: 'fill'; readonly fill: SimulatedFill }
  | { readonly kind: 'lock' | 'release'; readonly asset: string; readonly amount: Dec };

const fillOp: fc.Arbitrary<Op> = fc
  .record({
    symbol: fc.constantFrom('BTCTRY', 'ETHTRY'),
    side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
    qty: units(300, '0.01'),
    price: units(20_000, '0.01'),
    feeBps: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ symbol, side, qty, price, feeBps }) => ({
    kind: 'fill',
    fill: { symbol, side, qty, price, feeTry: qty.mul(price).mul(feeBps).div(10_000) },
  }));

const lockOp: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<'lock' | 'release'>('lock', 'release'),
  asset: fc.constantFrom('TRY', 'BTC', 'ETH'),
  amount: units(50_000, '0.01'),
});

const ops = fc.array(fc.oneof({ arbitrary: fillOp, weight: 4 }, { arbitrary: lockOp, weight: 1 }), { maxLength: 40 });
const initial = fc.record({ TRY: units(100_000, '0.01'), BTC: units(300, '0.01') });

const total = (a: SimulatedAccount, asset: string) => a.balance(asset).free.add(a.balance(asset).locked);

/** Whether the fill must be refused: a free balance would go below zero */
function mustRefuse(a: SimulatedAccount, f: SimulatedFill): boolean {
  const base = f.symbol.slice(0, -3);
  const gross = f.qty.mul(f.price);
  if (f.side === 'BUY') return a.balance('TRY').free.lt(gross.add(f.feeTry));
  return a.balance(base).free.lt(f.qty) || a.balance('TRY').free.add(gross).sub(f.feeTry).lt(0);
}

function run(start: SimulatedAccount, sequence: readonly Op[]) {
  let account = start;
  let tryChange = ZERO;
  const qtyChange = new Map<string, Dec>();
  for (const op of sequence) {
    const before = account;
    try {
      if (op.kind === 'fill') {
        const { side, qty, price, feeTry, symbol } = op.fill;
        expect(account.shortfall(op.fill) !== undefined).toBe(mustRefuse(account, op.fill));
        account = account.applyFill(op.fill);
        const gross = qty.mul(price);
        tryChange = side === 'BUY' ? tryChange.sub(gross).sub(feeTry) : tryChange.add(gross).sub(feeTry);
        const base = symbol.slice(0, -3);
        qtyChange.set(base, (qtyChange.get(base) ?? ZERO).add(side === 'BUY' ? qty : qty.neg()));
      } else {
        account = op.kind === 'lock' ? account.lock(op.asset, op.amount) : account.release(op.asset, op.amount);
        for (const asset of ['TRY', 'BTC', 'ETH']) expect(total(account, asset).eq(total(before, asset))).toBe(true);
      }
    } catch (e) {
      // a refusal is typed and leaves the account as it was
      expect(e instanceof InsufficientBalanceError || (op.kind === 'release' && e instanceof ValidationError)).toBe(
        true,
      );
      expect(account).toBe(before);
    }
    for (const b of Object.values(account.balances())) {
      expect(b.free.gte(0) && b.locked.gte(0)).toBe(true);
    }
  }
  return { account, tryChange, qtyChange };
}

describe('simulated account invariants', () => {
  it('TRY changes by -(buy costs + fees) + sell proceeds, each base by bought - sold, nothing goes negative', () => {
    fc.assert(
      fc.property(initial, ops, (init, sequence) => {
        const start = SimulatedAccount.open(init);
        const { account, tryChange, qtyChange } = run(start, sequence);
        expect(total(account, 'TRY').sub(total(start, 'TRY')).eq(tryChange)).toBe(true);
        for (const asset of ['BTC', 'ETH']) {
          const change = total(account, asset).sub(total(start, asset));
          expect(change.eq(qtyChange.get(asset) ?? ZERO)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('cash never grows from buying: with no sells, TRY only falls, by at most what it held', () => {
    const buys = fc
      .array(fillOp, { maxLength: 30 })
      .map((xs) => xs.map((op): Op => (op.kind === 'fill' ? { ...op, fill: { ...op.fill, side: 'BUY' } } : op)));
    fc.assert(
      fc.property(initial, buys, (init, sequence) => {
        const start = SimulatedAccount.open(init);
        const { account } = run(start, sequence);
        expect(account.balance('TRY').free.lte(start.balance('TRY').free)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('the same sequence gives byte-identical balances', () => {
    fc.assert(
      fc.property(initial, ops, (init, sequence) => {
        const a = run(SimulatedAccount.open(init), sequence).account;
        const b = run(SimulatedAccount.open(init), sequence).account;
        expect(JSON.stringify(b.snapshot())).toBe(JSON.stringify(a.snapshot()));
      }),
      { numRuns: 50 },
    );
  });
});

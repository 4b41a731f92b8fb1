// The stage 7 simulated account (issue 15 point 3, a section 9 style fix): TRY and base-asset balances, free
// and locked, that simulated fills really move. The reference's simulated exchange never debits cash, so its
// equity grows without bound; that quirk is not kept. Invariants: no balance is ever negative (a change that
// would make one negative is refused whole); lock and release move amounts, fills are the only transfers.
// Immutable: every change returns a new account.
import { InsufficientBalanceError, ValidationError, type ValidationIssue } from '../errors';
import type { Side } from '../exchange-rules';
import { type Dec, toPlain, ZERO } from '../money';
import { splitSymbol } from '../symbols';

/** Stage 7 trades TRY pairs only (STAGE7_UNIVERSE_QUOTE_CCY); fees are charged in TRY (spec 4.13) */
export const CASH_ASSET = 'TRY';

export interface AssetBalance {
  readonly free: Dec;
  readonly locked: Dec;
}

/** One simulated fill: qty of the base bought or sold at price (TRY per unit), fee in TRY */
export interface SimulatedFill {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: Dec;
  readonly price: Dec;
  readonly feeTry: Dec;
}

const ASSET = /^[A-Z0-9]+$/;
const EMPTY: AssetBalance = { free: ZERO, locked: ZERO };

export class SimulatedAccount {
  readonly #balances: ReadonlyMap<string, AssetBalance>;

  private constructor(balances: ReadonlyMap<string, AssetBalance>) {
    this.#balances = balances;
  }

  /** An account holding `free` of each asset and nothing locked, e.g. `{ TRY: DRY_RUN_TRY_BALANCE }` */
  static open(free: Readonly<Record<string, Dec>>): SimulatedAccount {
    return SimulatedAccount.restore(
      Object.fromEntries(Object.entries(free).map(([asset, amount]) => [asset, { free: amount, locked: ZERO }])),
    );
  }

  /** An account from stored balances (the inverse of `balances()`) */
  static restore(balances: Readonly<Record<string, AssetBalance>>): SimulatedAccount {
    const issues: ValidationIssue[] = [];
    for (const [asset, b] of Object.entries(balances)) {
      if (!ASSET.test(asset)) issues.push({ path: asset, message: 'expected an upper-case asset code' });
      for (const [field, amount] of [
        ['free', b.free],
        ['locked', b.locked],
      ] as const) {
        if (!amount.isFinite() || amount.lt(0)) {
          issues.push({ path: `${asset}.${field}`, message: `expected a finite amount >= 0, was ${amount.toFixed()}` });
        }
      }
    }
    if (issues.length > 0) throw new ValidationError('simulated account balances', issues);
    return new SimulatedAccount(new Map(Object.entries(balances)));
  }

  balance(asset: string): AssetBalance {
    return this.#balances.get(asset) ?? EMPTY;
  }

  /** Every asset ever held, sorted by code (zero balances stay listed) */
  balances(): Readonly<Record<string, AssetBalance>> {
    return Object.fromEntries([...this.#balances.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The balances as plain decimal strings, sorted: what a cycle trace records */
  snapshot(): Readonly<Record<string, { readonly free: string; readonly locked: string }>> {
    return Object.fromEntries(
      Object.entries(this.balances()).map(([asset, b]) => [
        asset,
        { free: toPlain(b.free), locked: toPlain(b.locked) },
      ]),
    );
  }

  /** The shortfall that refuses this fill, or undefined when the free balances cover it */
  shortfall(fill: SimulatedFill): InsufficientBalanceError | undefined {
    const next = this.#afterFill(fill);
    return next instanceof InsufficientBalanceError ? next : undefined;
  }

  /**
   * A BUY spends qty x price + fee TRY and adds qty of the base; a SELL spends qty of the base and adds
   * qty x price - fee TRY. Both spend free balances only (a resting order releases its lock first).
   * @throws InsufficientBalanceError when a free balance would go negative
   * @throws ValidationError for a non-TRY pair, qty or price <= 0, or a negative fee
   */
  applyFill(fill: SimulatedFill): SimulatedAccount {
    const next = this.#afterFill(fill);
    if (next instanceof InsufficientBalanceError) throw next;
    return next;
  }

  /** Moves `amount` from free to locked (a resting order's reserve) */
  lock(asset: string, amount: Dec): SimulatedAccount {
    assertPositive('simulated account lock', amount);
    const b = this.balance(asset);
    if (b.free.lt(amount)) throw new InsufficientBalanceError(asset, toPlain(amount), toPlain(b.free));
    return this.#with(asset, { free: b.free.sub(amount), locked: b.locked.add(amount) });
  }

  /** Moves `amount` from locked back to free (cancel, or before filling a resting order) */
  release(asset: string, amount: Dec): SimulatedAccount {
    assertPositive('simulated account release', amount);
    const b = this.balance(asset);
    if (b.locked.lt(amount)) {
      throw new ValidationError('simulated account release', [
        {
          path: 'amount',
          message: `expected at most the locked ${toPlain(b.locked)} ${asset}, was ${toPlain(amount)}`,
        },
      ]);
    }
    return this.#with(asset, { free: b.free.add(amount), locked: b.locked.sub(amount) });
  }

  #afterFill(fill: SimulatedFill): SimulatedAccount | InsufficientBalanceError {
    const base = validFillBase(fill);
    const gross = fill.qty.mul(fill.price);
    // Signed changes of the free balances; a SELL whose fee exceeds its proceeds also spends TRY
    const deltas: [string, Dec][] =
      fill.side === 'BUY'
        ? [
            [CASH_ASSET, gross.add(fill.feeTry).neg()],
            [base, fill.qty],
          ]
        : [
            [base, fill.qty.neg()],
            [CASH_ASSET, gross.sub(fill.feeTry)],
          ];
    let next: SimulatedAccount = this;
    for (const [asset, delta] of deltas) {
      const b = next.balance(asset);
      const free = b.free.add(delta);
      if (free.lt(0)) return new InsufficientBalanceError(asset, toPlain(delta.neg()), toPlain(b.free));
      next = next.#with(asset, { free, locked: b.locked });
    }
    return next;
  }

  #with(asset: string, balance: AssetBalance): SimulatedAccount {
    return new SimulatedAccount(new Map(this.#balances).set(asset, balance));
  }
}

/** The base asset of a valid fill */
function validFillBase(fill: SimulatedFill): string {
  const { base, quote } = splitSymbol(fill.symbol);
  const issues: ValidationIssue[] = [];
  if (quote !== CASH_ASSET || base === CASH_ASSET) {
    issues.push({ path: 'symbol', message: `expected a <base>${CASH_ASSET} pair, was ${fill.symbol}` });
  }
  if (!fill.qty.isFinite() || fill.qty.lte(0))
    issues.push({ path: 'qty', message: `expected > 0, was ${fill.qty.toFixed()}` });
  if (!fill.price.isFinite() || fill.price.lte(0)) {
    issues.push({ path: 'price', message: `expected > 0, was ${fill.price.toFixed()}` });
  }
  if (!fill.feeTry.isFinite() || fill.feeTry.lt(0)) {
    issues.push({ path: 'feeTry', message: `expected >= 0, was ${fill.feeTry.toFixed()}` });
  }
  if (issues.length > 0) throw new ValidationError('simulated fill', issues);
  return base;
}

function assertPositive(source: string, amount: Dec): void {
  if (!amount.isFinite() || amount.lte(0)) {
    throw new ValidationError(source, [{ path: 'amount', message: `expected > 0, was ${amount.toFixed()}` }]);
  }
}

// The stage 7 simulated account: fills move cash and the base asset, and nothing goes negative (issue 15 point 3)
import { describe, expect, it } from 'vitest';
import { InsufficientBalanceError, SymbolFormatError, ValidationError } from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import { SimulatedAccount, type SimulatedFill } from '../../../../shared/domain/portfolio/simulated-account';

const fill = (side: 'BUY' | 'SELL', qty: string, price: string, feeTry: string, symbol = 'BTCTRY'): SimulatedFill => ({
  symbol,
  side,
  qty: dec(qty),
  price: dec(price),
  feeTry: dec(feeTry),
});

const open = (free: Record<string, string>) =>
  SimulatedAccount.open(Object.fromEntries(Object.entries(free).map(([a, v]) => [a, dec(v)])));

describe('fills move cash and the base asset', () => {
  it('spec 4.13 example: "buy 1 @100, sell 1 @110 → gross 10, fees 0.21, net 9.79" is the change in TRY', () => {
    // fees 10 bps: 0.10 on the buy, 0.11 on the sell
    const after = open({ TRY: '1000' })
      .applyFill(fill('BUY', '1', '100', '0.1'))
      .applyFill(fill('SELL', '1', '110', '0.11'));
    expect(after.snapshot()).toEqual({ BTC: { free: '0', locked: '0' }, TRY: { free: '1009.79', locked: '0' } });
  });

  it('a BUY spends qty x price + fee TRY and adds qty of the base', () => {
    const after = open({ TRY: '1000' }).applyFill(fill('BUY', '0.5', '100.25', '0.10025'));
    expect(after.snapshot()).toEqual({ BTC: { free: '0.5', locked: '0' }, TRY: { free: '949.77475', locked: '0' } });
  });

  it('a SELL spends qty of the base and adds qty x price - fee TRY', () => {
    const after = open({ TRY: '0', ETH: '2' }).applyFill(fill('SELL', '1.5', '99.75', '0.299', 'ETHTRY'));
    expect(after.snapshot()).toEqual({ ETH: { free: '0.5', locked: '0' }, TRY: { free: '149.326', locked: '0' } });
  });

  it('a BUY that spends exactly the free TRY leaves 0, not a refusal', () => {
    const after = open({ TRY: '100.2' }).applyFill(fill('BUY', '1', '100', '0.2'));
    expect(after.balance('TRY').free.toFixed()).toBe('0');
  });

  it('accepts the exchange spelling of a pair', () => {
    expect(
      open({ TRY: '10' })
        .applyFill(fill('BUY', '1', '1', '0', 'BTC_TRY'))
        .balance('BTC')
        .free.toFixed(),
    ).toBe('1');
  });

  it('leaves the account it was called on unchanged (every change is a new account)', () => {
    const before = open({ TRY: '1000' });
    before.applyFill(fill('BUY', '1', '100', '0'));
    expect(before.snapshot()).toEqual({ TRY: { free: '1000', locked: '0' } });
  });
});

describe('refusals: a change that would make a balance negative is refused whole', () => {
  it('refuses a BUY whose cost plus fee exceeds the free TRY, naming the asset and amounts', () => {
    const account = open({ TRY: '100' });
    const buy = fill('BUY', '1', '100', '0.2');
    expect(() => account.applyFill(buy)).toThrow(InsufficientBalanceError);
    expect(() => account.applyFill(buy)).toThrow('TRY: expected a free balance >= 100.2, was 100');
    expect(account.shortfall(buy)).toMatchObject({ asset: 'TRY', required: '100.2', available: '100' });
  });

  it('refuses a SELL of a base asset the account does not hold (the reference sells what it never bought)', () => {
    const account = open({ TRY: '1000' });
    expect(account.shortfall(fill('SELL', '1', '100', '0'))).toMatchObject({
      asset: 'BTC',
      required: '1',
      available: '0',
    });
    expect(() => account.applyFill(fill('SELL', '1', '100', '0'))).toThrow(InsufficientBalanceError);
  });

  it('refuses a SELL whose fee exceeds its proceeds when TRY cannot pay the difference', () => {
    const account = open({ BTC: '1' });
    expect(account.shortfall(fill('SELL', '1', '1', '3'))).toMatchObject({
      asset: 'TRY',
      required: '2',
      available: '0',
    });
    expect(
      open({ BTC: '1', TRY: '2' })
        .applyFill(fill('SELL', '1', '1', '3'))
        .balance('TRY')
        .free.toFixed(),
    ).toBe('0');
  });

  it('reports no shortfall for a fill it can cover', () => {
    expect(open({ TRY: '100' }).shortfall(fill('BUY', '1', '99', '1'))).toBeUndefined();
  });

  it.each([
    ['a non-TRY pair', fill('BUY', '1', '1', '0', 'BTCUSDT'), 'symbol'],
    ['TRY as its own base', fill('BUY', '1', '1', '0', 'TRY_TRY'), 'symbol'],
    ['qty 0', fill('BUY', '0', '1', '0'), 'qty'],
    ['a negative price', fill('SELL', '1', '-1', '0'), 'price'],
    ['a negative fee', fill('BUY', '1', '1', '-0.01'), 'feeTry'],
  ])('refuses %s with a ValidationError naming the field', (_, bad, path) => {
    const account = open({ TRY: '1000', BTC: '10' });
    const thrown = (() => {
      try {
        account.applyFill(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues.map((i) => i.path)).toEqual([path]);
    expect(() => account.shortfall(bad)).toThrow(ValidationError);
  });

  it('refuses a symbol it cannot split', () => {
    expect(() => open({ TRY: '1' }).applyFill(fill('BUY', '1', '1', '0', 'btc-try'))).toThrow(SymbolFormatError);
  });
});

describe('locked balances are reserved, not spendable', () => {
  it('a lock moves free to locked and a fill cannot spend it', () => {
    const locked = open({ TRY: '100' }).lock('TRY', dec('60'));
    expect(locked.snapshot()).toEqual({ TRY: { free: '40', locked: '60' } });
    expect(locked.shortfall(fill('BUY', '1', '50', '0'))).toMatchObject({ asset: 'TRY', available: '40' });
  });

  it('a release moves it back and the fill goes through', () => {
    const after = open({ TRY: '100' })
      .lock('TRY', dec('60'))
      .release('TRY', dec('60'))
      .applyFill(fill('BUY', '1', '50', '0'));
    expect(after.snapshot()).toEqual({ BTC: { free: '1', locked: '0' }, TRY: { free: '50', locked: '0' } });
  });

  it('refuses a lock larger than the free balance', () => {
    expect(() => open({ TRY: '100' }).lock('TRY', dec('100.01'))).toThrow(InsufficientBalanceError);
  });

  it('refuses a release larger than the locked balance', () => {
    expect(() => open({ TRY: '100' }).lock('TRY', dec('10')).release('TRY', dec('10.5'))).toThrow(
      'expected at most the locked 10 TRY, was 10.5',
    );
  });

  it.each(['0', '-1'])('refuses a lock or release of %s', (amount) => {
    expect(() => open({ TRY: '100' }).lock('TRY', dec(amount))).toThrow(ValidationError);
    expect(() => open({ TRY: '100' }).release('TRY', dec(amount))).toThrow(ValidationError);
  });
});

describe('opening and restoring', () => {
  it('an unknown asset has zero balances', () => {
    expect(open({ TRY: '1' }).balance('XRP')).toEqual({ free: dec('0'), locked: dec('0') });
  });

  it('restores what balances() lists, sorted by asset', () => {
    const account = open({ TRY: '1000' })
      .applyFill(fill('BUY', '1', '100', '0.2'))
      .lock('BTC', dec('0.25'));
    const restored = SimulatedAccount.restore(account.balances());
    expect(Object.keys(restored.balances())).toEqual(['BTC', 'TRY']);
    expect(JSON.stringify(restored.snapshot())).toBe(
      '{"BTC":{"free":"0.75","locked":"0.25"},"TRY":{"free":"899.8","locked":"0"}}',
    );
  });

  it('refuses negative amounts and lower-case asset codes, naming each', () => {
    expect(() =>
      SimulatedAccount.restore({
        TRY: { free: dec('-1'), locked: dec('0') },
        btc: { free: dec('1'), locked: dec('-2') },
      }),
    ).toThrow('invalid simulated account balances: TRY.free: expected a finite amount >= 0, was -1; btc: expected');
    expect(() => open({ TRY: '-0.01' })).toThrow(ValidationError);
  });
});

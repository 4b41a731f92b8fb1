// The stage 7 market simulator: the rules of spec 4.11, injected failures, and a fill the account must cover
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import {
  SIM_REJECT_INSUFFICIENT_BALANCE,
  SIM_REJECT_INVALID,
  SIM_REJECT_SEEDED,
  type Stage7MarketSettings,
  Stage7MarketSimulator,
  simulatedSlices,
} from '../../../../shared/domain/market/stage7-market-simulator';
import { type Dec, dec } from '../../../../shared/domain/money';
import type { SimulatedFailure, Stage7Intent } from '../../../../shared/domain/oms/stage7-intent';
import { SimulatedAccount } from '../../../../shared/domain/portfolio/simulated-account';

// the knobs' defaults: no seeded rejects, 25 bps slippage, 20 bps fees
const settings = (overrides: Partial<Stage7MarketSettings> = {}): Stage7MarketSettings => ({
  STAGE7_SIM_REJECT_PROB_BPS: 0,
  STAGE7_SLIPPAGE_BPS: dec('25'),
  STAGE7_FEES_BPS: dec('20'),
  ...overrides,
});

/** A client id in the order builder's shape; its last 4 hex digits drive the rejects and the slicing */
const coid = (tail: string, side = 'BUY') => `s7:c1:BTCTRY:${side}:abcdef01${tail}`;

const intent = (overrides: Partial<Stage7Intent> = {}): Stage7Intent => ({
  cycleId: 'c1',
  symbol: 'BTCTRY',
  side: 'BUY',
  orderType: 'LIMIT',
  price: dec('100'),
  qty: dec('1'),
  notionalTry: dec('100'),
  clientOrderId: coid('0001'),
  reason: 'rebalance',
  skipped: false,
  ...overrides,
});

interface Setup {
  readonly settings?: Partial<Stage7MarketSettings>;
  readonly marks?: Record<string, string>;
  readonly balances?: Record<string, string>;
  readonly failures?: ReadonlyMap<string, readonly SimulatedFailure[]>;
}

function market(setup: Setup = {}) {
  const marks = new Map(Object.entries(setup.marks ?? { BTCTRY: '100' }).map(([s, p]) => [s, dec(p)]));
  const balances = Object.entries(setup.balances ?? { TRY: '100000' }).map(([a, v]): [string, Dec] => [a, dec(v)]);
  return new Stage7MarketSimulator(settings(setup.settings), {
    markPrice: (symbol) => marks.get(symbol),
    account: SimulatedAccount.open(Object.fromEntries(balances)),
    ...(setup.failures ? { failures: setup.failures } : {}),
  });
}

const outcome = (answer: ReturnType<Stage7MarketSimulator['submit']>) => {
  if (!('outcome' in answer)) throw new Error(`expected an outcome, was failure ${answer.failure}`);
  return answer.outcome;
};
const reason = (answer: ReturnType<Stage7MarketSimulator['submit']>) => {
  const o = outcome(answer);
  return o.kind === 'rejected' ? o.reason : 'filled';
};
const slices = (answer: ReturnType<Stage7MarketSimulator['submit']>) => {
  const o = outcome(answer);
  if (o.kind !== 'filled') throw new Error(`expected a fill, was rejected ${o.reason}`);
  return o.slices.map((s) => [s.qty.toFixed(), s.price.toFixed()]);
};

describe('spec 4.11 "Reject: qty <= 0 or price <= 0 → reject"', () => {
  it.each([
    ['qty 0', { qty: dec('0') }],
    ['a negative qty', { qty: dec('-1') }],
    ['price 0', { price: dec('0') }],
  ])('rejects %s as invalid_price_or_qty', (_, overrides) => {
    expect(reason(market().submit(intent(overrides), 1))).toBe(SIM_REJECT_INVALID);
  });
});

describe('spec 4.11 "int(last 4 hex chars of client_order_id, 16) mod 10000 < reject_bps → reject"', () => {
  it('rejects 0x0063 = 99 under 100 bps and fills 0x0064 = 100', () => {
    const m = market({ settings: { STAGE7_SIM_REJECT_PROB_BPS: 100 } });
    expect(reason(m.submit(intent({ clientOrderId: coid('0063') }), 1))).toBe(SIM_REJECT_SEEDED);
    expect(reason(m.submit(intent({ clientOrderId: coid('0064') }), 1))).toBe('filled');
  });

  it('takes the value mod 10000: 0xffff = 65535 → 5535', () => {
    const id = intent({ clientOrderId: coid('ffff') });
    expect(reason(market({ settings: { STAGE7_SIM_REJECT_PROB_BPS: 5536 } }).submit(id, 1))).toBe(SIM_REJECT_SEEDED);
    expect(reason(market({ settings: { STAGE7_SIM_REJECT_PROB_BPS: 5535 } }).submit(id, 1))).toBe('filled');
  });

  it('reads upper-case hex the same way', () => {
    const m = market({ settings: { STAGE7_SIM_REJECT_PROB_BPS: 5536 } });
    expect(reason(m.submit(intent({ clientOrderId: coid('FFFF') }), 1))).toBe(SIM_REJECT_SEEDED);
  });

  it('"if STAGE7_SIM_REJECT_PROB_BPS > 0": with 0 even 0x0000 fills', () => {
    expect(reason(market().submit(intent({ clientOrderId: coid('0000') }), 1))).toBe('filled');
  });

  it('with 10000 every id is rejected', () => {
    const m = market({ settings: { STAGE7_SIM_REJECT_PROB_BPS: 10_000 } });
    expect(reason(m.submit(intent({ clientOrderId: coid('270f') }), 1))).toBe(SIM_REJECT_SEEDED); // 9999
  });
});

describe('spec 4.11 "Fill price = (mark or intent price) × (1 + sign × STAGE7_SLIPPAGE_BPS/10000)"', () => {
  it('a BUY fills 25 bps above the mark: 100 → 100.25', () => {
    expect(slices(market().submit(intent(), 1))).toEqual([['1', '100.25']]);
  });

  it('a SELL fills 25 bps below the mark: 100 → 99.75', () => {
    const m = market({ balances: { BTC: '1' } });
    expect(slices(m.submit(intent({ side: 'SELL', clientOrderId: coid('0001', 'SELL') }), 1))).toEqual([
      ['1', '99.75'],
    ]);
  });

  it('without a mark the intent price is the reference: 101 → 101.2525', () => {
    expect(slices(market({ marks: {} }).submit(intent({ price: dec('101') }), 1))).toEqual([['1', '101.2525']]);
  });

  it("a mark of 0 is no mark (the reference's `mark or price`)", () => {
    expect(slices(market({ marks: { BTCTRY: '0' } }).submit(intent({ price: dec('101') }), 1))).toEqual([
      ['1', '101.2525'],
    ]);
  });

  it('keeps the price exact, off the tick: 123.45 → 123.758625', () => {
    expect(slices(market({ marks: { BTCTRY: '123.45' } }).submit(intent(), 1))).toEqual([['1', '123.758625']]);
  });
});

describe('spec 4.11 "Partial fill when the LAST hex char of the client id is even and qty > 0.0001"', () => {
  it('slices qty 1 into 0.6 then 0.4, at the same price', () => {
    expect(slices(market().submit(intent({ clientOrderId: coid('0002') }), 1))).toEqual([
      ['0.6', '100.25'],
      ['0.4', '100.25'],
    ]);
  });

  it('fills an odd last hex digit in one slice', () => {
    expect(slices(market().submit(intent({ clientOrderId: coid('000b') }), 1))).toEqual([['1', '100.25']]);
  });

  it('fills qty 0.0001 in one slice (not > 0.0001)', () => {
    expect(simulatedSlices(coid('000a'), dec('0.0001'), dec('1')).map((s) => s.qty.toFixed())).toEqual(['0.0001']);
  });

  it('"first slice = qty × 0.6 rounded to 8 dp, second = remainder": 0.00010001 → 0.00006001 + 0.00004', () => {
    expect(simulatedSlices(coid('000a'), dec('0.00010001'), dec('1')).map((s) => s.qty.toFixed())).toEqual([
      '0.00006001',
      '0.00004',
    ]);
  });

  it('rounds a tie half to even: 0.000100075 x 0.6 = 0.000060045 → 0.00006004', () => {
    expect(simulatedSlices(coid('000e'), dec('0.000100075'), dec('1')).map((s) => s.qty.toFixed())).toEqual([
      '0.00006004',
      '0.000040035',
    ]);
  });
});

describe('the account is consulted at submit (the reference never debits cash)', () => {
  // a BUY of 1 at mark 100: 100.25 + 20 bps fee 0.2005 = 100.4505 TRY
  it('debits qty x fill price + fee and credits the base', () => {
    const m = market({ balances: { TRY: '1000' } });
    m.submit(intent({ clientOrderId: coid('0002') }), 1);
    expect(m.account.snapshot()).toEqual({ BTC: { free: '1', locked: '0' }, TRY: { free: '899.5495', locked: '0' } });
  });

  it('charges the fee the ledger will book for the fill (spec 4.13: avg price x filled qty x fees bps)', () => {
    const m = market({ balances: { TRY: '1000' } });
    const fill = outcome(m.submit(intent({ clientOrderId: coid('0002') }), 1));
    if (fill.kind !== 'filled') throw new Error('expected a fill');
    const qty = fill.slices.reduce((a, s) => a.add(s.qty), dec('0'));
    const avg = fill.slices.reduce((a, s) => a.add(s.qty.mul(s.price)), dec('0')).div(qty);
    const ledgerFee = avg.mul(qty).mul(dec('20')).div(dec('10000'));
    expect(dec('1000').sub(m.account.balance('TRY').free).toFixed()).toBe(avg.mul(qty).add(ledgerFee).toFixed());
  });

  it('rejects insufficient_balance when TRY cannot cover cost and fee, and leaves the account as it was', () => {
    const m = market({ balances: { TRY: '100.4504' } });
    expect(reason(m.submit(intent(), 1))).toBe(SIM_REJECT_INSUFFICIENT_BALANCE);
    expect(m.account.snapshot()).toEqual({ TRY: { free: '100.4504', locked: '0' } });
  });

  it('fills a BUY that spends exactly the free TRY', () => {
    const m = market({ balances: { TRY: '100.4505' } });
    expect(reason(m.submit(intent(), 1))).toBe('filled');
    expect(m.account.balance('TRY').free.toFixed()).toBe('0');
  });

  it('rejects a SELL of a base the account does not hold, then fills it once a BUY brought the base', () => {
    const m = market({ balances: { TRY: '1000' } });
    const sell = intent({ side: 'SELL', clientOrderId: coid('0003', 'SELL') });
    expect(reason(m.submit(sell, 1))).toBe(SIM_REJECT_INSUFFICIENT_BALANCE);
    m.submit(intent(), 1);
    expect(reason(m.submit(sell, 1))).toBe('filled');
    // 899.5495 + 99.75 - 0.1995
    expect(m.account.snapshot()).toEqual({ BTC: { free: '0', locked: '0' }, TRY: { free: '999.1', locked: '0' } });
  });

  it('cash bounds what a run can buy: ten BUYs of 100 TRY on 500 TRY fill four', () => {
    const m = market({ balances: { TRY: '500' } });
    const answers = Array.from({ length: 10 }, (_, i) =>
      reason(m.submit(intent({ clientOrderId: coid(`00${i}1`) }), 1)),
    );
    expect(answers.filter((a) => a === 'filled')).toHaveLength(4);
    expect(answers.slice(4).every((a) => a === SIM_REJECT_INSUFFICIENT_BALANCE)).toBe(true);
  });

  it("applies the seeded reject before the balance check (the spec's outcome is kept where it decides)", () => {
    const m = market({ settings: { STAGE7_SIM_REJECT_PROB_BPS: 100 }, balances: {} });
    expect(reason(m.submit(intent({ clientOrderId: coid('0063') }), 1))).toBe(SIM_REJECT_SEEDED);
  });
});

describe('injected failures (spec 4.11: RATE_LIMIT, TIMEOUT, UNAVAILABLE retryable, NON_RETRYABLE)', () => {
  const id = coid('0001');

  it('consumes one failure per submit call, in order, then answers normally', () => {
    const m = market({ failures: new Map([[id, ['TIMEOUT', 'RATE_LIMIT', 'UNAVAILABLE', 'NON_RETRYABLE']]]) });
    const answers = [1, 2, 3, 4, 5].map((attempt) => m.submit(intent(), attempt));
    expect(answers.slice(0, 4)).toEqual([
      { failure: 'TIMEOUT' },
      { failure: 'RATE_LIMIT' },
      { failure: 'UNAVAILABLE' },
      { failure: 'NON_RETRYABLE' },
    ]);
    expect(reason(answers[4] ?? { failure: 'TIMEOUT' })).toBe('filled');
  });

  it('a later pass (a reconcile) continues the list where the last one stopped', () => {
    const m = market({ failures: new Map([[id, ['TIMEOUT', 'TIMEOUT', 'TIMEOUT']]]) });
    expect([m.submit(intent(), 1), m.submit(intent(), 2)]).toEqual([{ failure: 'TIMEOUT' }, { failure: 'TIMEOUT' }]);
    expect(m.remainingFailures(id)).toEqual(['TIMEOUT']);
    expect(m.submit(intent(), 1)).toEqual({ failure: 'TIMEOUT' });
    expect(m.remainingFailures(id)).toEqual([]);
    expect(reason(m.submit(intent(), 2))).toBe('filled');
  });

  it('touches only the listed client id', () => {
    const m = market({ failures: new Map([[id, ['TIMEOUT']]]) });
    expect(reason(m.submit(intent({ clientOrderId: coid('0003') }), 1))).toBe('filled');
    expect(m.remainingFailures(id)).toEqual(['TIMEOUT']);
  });

  it('a failure comes before any reject: the request never reached the venue', () => {
    const m = market({ failures: new Map([[id, ['UNAVAILABLE']]]) });
    expect(m.submit(intent({ qty: dec('0') }), 1)).toEqual({ failure: 'UNAVAILABLE' });
    expect(reason(m.submit(intent({ qty: dec('0') }), 2))).toBe(SIM_REJECT_INVALID);
  });

  it('keeps its own copy of the list given', () => {
    const list: SimulatedFailure[] = ['TIMEOUT'];
    const m = market({ failures: new Map([[id, list]]) });
    list.push('TIMEOUT');
    expect(m.remainingFailures(id)).toEqual(['TIMEOUT']);
  });
});

describe('refusals', () => {
  it('refuses a skipped intent (skipped intents are never sent)', () => {
    expect(() => market().submit(intent({ skipped: true, skipReason: 'risk_cap' }), 1)).toThrow(
      'invalid stage 7 submit: skipped: expected an intent that is not skipped',
    );
  });

  it.each(['', 'abc', 's7:c1:BTCTRY:BUY:abcdef01zz12', 's7:c1:BTCTRY:BUY:12 4'])(
    'refuses client id %j: its last 4 characters are not hex',
    (clientOrderId) => {
      expect(() => market().submit(intent({ clientOrderId }), 1)).toThrow(ValidationError);
    },
  );

  it.each([
    ['STAGE7_SIM_REJECT_PROB_BPS', { STAGE7_SIM_REJECT_PROB_BPS: 10_001 }],
    ['STAGE7_SIM_REJECT_PROB_BPS', { STAGE7_SIM_REJECT_PROB_BPS: -1 }],
    ['STAGE7_SIM_REJECT_PROB_BPS', { STAGE7_SIM_REJECT_PROB_BPS: 2.5 }],
    ['STAGE7_SLIPPAGE_BPS', { STAGE7_SLIPPAGE_BPS: dec('10000') }],
    ['STAGE7_SLIPPAGE_BPS', { STAGE7_SLIPPAGE_BPS: dec('-1') }],
    ['STAGE7_FEES_BPS', { STAGE7_FEES_BPS: dec('-0.5') }],
  ])('refuses settings with a bad %s', (path, overrides) => {
    expect(() => market({ settings: overrides })).toThrow(`invalid stage 7 market settings: ${path}: expected`);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { dec, toPlain } from '../../../../shared/domain/money';
import {
  type AllocationInput,
  type AllocationIntent,
  type AllocationSettings,
  allocate,
  cycleBudget,
} from '../../../../shared/domain/portfolio/allocation';

// every cap off and no fee buffer, as in the reference's tests of these examples
const settings = (overrides: Partial<AllocationSettings> = {}): AllocationSettings => ({
  TRY_CASH_TARGET: dec('300'),
  TRY_CASH_MAX: dec('0'),
  INVESTABLE_USAGE_MODE: 'use_all',
  INVESTABLE_USAGE_FRACTION: dec('1'),
  MAX_TRY_PER_CYCLE: dec('0'),
  ALLOCATION_FEE_BUFFER_BPS: dec('0'),
  FEE_BUFFER_RATIO: dec('0'),
  MIN_ORDER_NOTIONAL_TRY: dec('10'),
  STAGE5_MAX_INTENT_NOTIONAL_TRY: dec('0'),
  MAX_POSITION_TRY_PER_SYMBOL: dec('0'),
  NOTIONAL_CAP_TRY_PER_CYCLE: dec('0'),
  ...overrides,
});

const intent = (side: 'BUY' | 'SELL', notional: string, symbol = 'BTCTRY'): AllocationIntent => ({
  symbol,
  side,
  intentType: 'place',
  requestedNotionalTry: dec(notional),
  strategyId: 's1',
  rationale: 'test',
});

const input = (overrides: Partial<AllocationInput> = {}): AllocationInput => ({
  intents: [intent('BUY', '50')],
  cashTry: dec('1000'),
  positions: new Map(),
  marks: new Map([['BTCTRY', dec('100')]]),
  multiplier: dec('1'),
  ...overrides,
});

const first = (i: AllocationInput, s: AllocationSettings) => {
  const r = allocate(i, s);
  const d = r.decisions[0];
  return [d?.status, d?.reason, d?.allocatedNotionalTry && toPlain(d.allocatedNotionalTry)];
};

describe('allocation: the worked examples of spec 3.13.1', () => {
  it('TRY 305, target 300, request 50: rejected cash_target', () => {
    expect(first(input({ cashTry: dec('305') }), settings())).toEqual(['rejected', 'cash_target', undefined]);
  });

  it('TRY 500, request 9: rejected min_notional', () => {
    expect(first(input({ cashTry: dec('500'), intents: [intent('BUY', '9')] }), settings())).toEqual([
      'rejected',
      'min_notional',
      undefined,
    ]);
  });

  it('TRY 200, target 180, intent cap 90, position cap 150 with 1 held at 100, cycle cap 70, request 100: scaled to 20 by cash_target', () => {
    const s = settings({
      TRY_CASH_TARGET: dec('180'),
      STAGE5_MAX_INTENT_NOTIONAL_TRY: dec('90'),
      MAX_POSITION_TRY_PER_SYMBOL: dec('150'),
      NOTIONAL_CAP_TRY_PER_CYCLE: dec('70'),
    });
    const i = input({
      cashTry: dec('200'),
      intents: [intent('BUY', '100')],
      positions: new Map([['BTCTRY', dec('1')]]),
    });
    expect(first(i, s)).toEqual(['scaled', 'cash_target', '20']);
    expect(allocate(i, s).actions.map((a) => [a.rationale, toPlain(a.qty)])).toEqual([
      ['allocation:cash_target', '0.2'],
    ]);
  });

  it('SELL 500 with 1.2 held at 100: scaled to 120 by position_value_cap', () => {
    const i = input({ intents: [intent('SELL', '500')], positions: new Map([['BTCTRY', dec('1.2')]]) });
    expect(first(i, settings({ TRY_CASH_TARGET: dec('0') }))).toEqual(['scaled', 'position_value_cap', '120']);
    expect(allocate(i, settings()).actions.map((a) => toPlain(a.qty))).toEqual(['1.2']);
  });

  it('SELL 50 with TRY 0 and target 300: accepted 50', () => {
    const i = input({ cashTry: dec('0'), intents: [intent('SELL', '50')], positions: new Map([['BTCTRY', dec('1')]]) });
    expect(first(i, settings())).toEqual(['accepted', 'ok', '50']);
  });
});

describe('allocation rules', () => {
  it('rejects non-place intents, a missing request, a SELL without a position before its mark, a missing mark', () => {
    const r = allocate(
      input({
        cashTry: dec('1000'),
        marks: new Map(),
        intents: [
          { ...intent('BUY', '50'), intentType: 'cancel' },
          { ...intent('BUY', '50'), requestedNotionalTry: undefined },
          intent('SELL', '50'),
          intent('BUY', '50'),
        ],
      }),
      settings(),
    );
    expect(r.decisions.map((d) => d.reason)).toEqual([
      'not_implemented_in_pr3',
      'min_notional',
      'no_position',
      'no_mark_price',
    ]);
    expect(r.counters).toEqual({
      rejected: 4,
      rejected_not_implemented_in_pr3: 1,
      rejected_min_notional: 1,
      rejected_no_position: 1,
      rejected_no_mark_price: 1,
    });
    expect(r.actions).toEqual([]);
  });

  it('names the first binding limit in precedence order and consumes the deploy budget and cycle cap in intent order', () => {
    const s = settings({
      TRY_CASH_TARGET: dec('0'),
      MAX_POSITION_TRY_PER_SYMBOL: dec('120'),
      NOTIONAL_CAP_TRY_PER_CYCLE: dec('90'),
    });
    const r = allocate(
      input({
        cashTry: dec('1000'),
        positions: new Map([
          ['BTCTRY', dec('1')],
          ['ETHTRY', dec('1')],
        ]),
        marks: new Map([
          ['BTCTRY', dec('100')],
          ['ETHTRY', dec('200')],
        ]),
        intents: [intent('BUY', '50'), intent('SELL', '100', 'ETHTRY'), intent('BUY', '30', 'ETHTRY')],
      }),
      s,
    );
    expect(
      r.decisions.map((d) => [d.status, d.reason, d.allocatedNotionalTry && toPlain(d.allocatedNotionalTry)]),
    ).toEqual([
      ['scaled', 'max_position_exposure_cap', '20'],
      ['scaled', 'cycle_notional_cap', '70'],
      ['rejected', 'min_notional', undefined],
    ]);
    expect(r.counters).toMatchObject({ scaled: 2, rejected: 1, scaled_cycle_notional_cap: 1 });
    expect([r.plannedTotalTry, r.unusedBudgetTry].map(toPlain)).toEqual(['20', '980']);
  });

  it('raises a small request to the minimum when every limit but the intent cap allows it', () => {
    const s = settings({
      TRY_CASH_TARGET: dec('0'),
      MIN_ORDER_NOTIONAL_TRY: dec('50'),
      NOTIONAL_CAP_TRY_PER_CYCLE: dec('100'),
    });
    expect(first(input({ intents: [intent('BUY', '20')] }), s)).toEqual(['accepted', 'ok', '50']);
    expect(
      first(input({ intents: [intent('BUY', '20')] }), { ...s, STAGE5_MAX_INTENT_NOTIONAL_TRY: dec('15') }),
    ).toEqual(['scaled', 'max_intent_cap', '50']);
    expect(first(input({ intents: [intent('BUY', '20')] }), { ...s, NOTIONAL_CAP_TRY_PER_CYCLE: dec('30') })).toEqual([
      'rejected',
      'min_notional',
      undefined,
    ]);
  });

  it('scales the BUY caps by the multiplier; a cap scaled to 0 stays a cap (no BUY), SELLs keep the full caps', () => {
    const s = settings({
      TRY_CASH_TARGET: dec('0'),
      STAGE5_MAX_INTENT_NOTIONAL_TRY: dec('100'),
      NOTIONAL_CAP_TRY_PER_CYCLE: dec('500'),
    });
    const i = input({
      intents: [intent('BUY', '100'), intent('SELL', '100')],
      positions: new Map([['BTCTRY', dec('5')]]),
    });
    const half = allocate({ ...i, multiplier: dec('0.5') }, s);
    expect(half.decisions.map((d) => [d.reason, d.allocatedNotionalTry && toPlain(d.allocatedNotionalTry)])).toEqual([
      ['max_intent_cap', '50'],
      ['ok', '100'],
    ]);
    const zero = allocate({ ...i, multiplier: dec('0') }, s);
    expect(zero.decisions.map((d) => [d.status, d.reason])).toEqual([
      ['rejected', 'cash_target'],
      ['accepted', 'ok'],
    ]);
  });
});

describe('cycle budget', () => {
  const budget = (cash: string, overrides: Partial<AllocationSettings>, multiplier = '1') => {
    const b = cycleBudget(dec(cash), dec(multiplier), settings(overrides));
    return [b.investableTotalTry, b.investableThisCycleTry, b.deployBudgetTry].map(toPlain).concat(b.usageReason);
  };

  it('applies the usage mode, TRY_CASH_MAX, the multiplier and the fee buffer (ratio over bps)', () => {
    expect(budget('1000', {})).toEqual(['700', '700', '700', 'use_all']);
    expect(budget('1000', { INVESTABLE_USAGE_MODE: 'fraction', INVESTABLE_USAGE_FRACTION: dec('0.5') })).toEqual([
      '700',
      '350',
      '350',
      'fraction:0.5',
    ]);
    expect(
      budget('1000', { INVESTABLE_USAGE_MODE: 'cap', MAX_TRY_PER_CYCLE: dec('100'), TRY_CASH_MAX: dec('600') }),
    ).toEqual(['700', '100', '100', 'cap:100']);
    expect(budget('1000', { TRY_CASH_MAX: dec('350') }, '0.5')).toEqual([
      '700',
      '25',
      '25',
      'use_all,try_cash_max:350,multiplier:0.5',
    ]);
    expect(budget('400', { ALLOCATION_FEE_BUFFER_BPS: dec('100') })[2]).toBe(toPlain(dec('100').div(dec('1.01'))));
    expect(budget('400', { ALLOCATION_FEE_BUFFER_BPS: dec('100'), FEE_BUFFER_RATIO: dec('0.25') })[2]).toBe('80');
    expect(budget('100', {})).toEqual(['0', '0', '0', 'use_all']);
  });

  it('refuses a negative balance and a multiplier outside [0, 1]', () => {
    expect(() => cycleBudget(dec('-1'), dec('1'), settings())).toThrow(ValidationError);
    expect(() => cycleBudget(dec('1'), dec('1.5'), settings())).toThrow(/multiplier: expected 0..1, was 1.5/);
  });
});

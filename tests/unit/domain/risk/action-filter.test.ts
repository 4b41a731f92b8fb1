import { describe, expect, it } from 'vitest';
import type { Side } from '../../../../shared/domain/exchange-rules';
import { dec } from '../../../../shared/domain/money';
import type { CancelAction, OpenOrderView, SubmitAction } from '../../../../shared/domain/oms/stage4-action';
import {
  type ActionFilterSettings,
  type ActionFilterSnapshot,
  filterActions,
} from '../../../../shared/domain/risk/action-filter';

/** The knob defaults of spec 1.8 / 1.9 */
const DEFAULTS: ActionFilterSettings = {
  MAX_OPEN_ORDERS: 5,
  RISK_MAX_ORDER_NOTIONAL_TRY: dec('3000'),
  MAX_POSITION_NOTIONAL_TRY: dec('5000'),
  MAX_DAILY_LOSS_TRY: dec('1000'),
  MAX_DRAWDOWN_PCT: dec('10'),
  FEE_BPS_TAKER: dec('15'),
  SLIPPAGE_BPS_BUFFER: dec('10'),
  MIN_PROFIT_BPS: dec('30'),
  REPLACE_INFLIGHT_BUDGET_PER_SYMBOL_TRY: dec('5000'),
  RISK_MAX_GROSS_EXPOSURE_TRY: dec('10000'),
};

type Opts = Partial<{ symbol: string; side: Side; qty: string; reason: string; replaces: string }>;
const submit = (id: string, price: string, o: Opts = {}): SubmitAction => ({
  kind: 'SUBMIT',
  symbol: o.symbol ?? 'BTCTRY',
  side: o.side ?? 'BUY',
  price: dec(price),
  qty: dec(o.qty ?? '1'),
  clientOrderId: id,
  reason: o.reason ?? 'new_intent',
  ...(o.replaces ? { replaceForClientOrderId: o.replaces } : {}),
});
const cancel = (id: string, reason = 'stale'): CancelAction => ({
  kind: 'CANCEL',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('100'),
  qty: dec('1'),
  clientOrderId: id,
  reason,
});
const open = (id: string, price = '100', qty = '1'): OpenOrderView => ({
  clientOrderId: id,
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec(price),
  qty: dec(qty),
  updatedAtMs: 0,
});
const opens = (n: number) => Array.from({ length: n }, (_, i) => open(`o-${i}`));

const filter = (s: Partial<ActionFilterSnapshot>, settings: Partial<ActionFilterSettings> = {}) =>
  filterActions(
    {
      actions: [],
      openOrders: [],
      positions: new Map(),
      marks: new Map(),
      realizedTodayTry: dec('0'),
      drawdownPct: dec('0'),
      ...s,
    },
    { ...DEFAULTS, ...settings },
  );
/** `id:code` per action, in order */
const verdicts = (s: Partial<ActionFilterSnapshot>, settings: Partial<ActionFilterSettings> = {}) =>
  filter(s, settings).decisions.map((d) => `${d.clientOrderId}:${d.code}`);

const held = (symbol: string, qty: string, avgCost: string) =>
  new Map([[symbol, { qty: dec(qty), avgCost: dec(avgCost) }]]);

describe('risk filter: global blocks (spec 3.15 steps 1-2)', () => {
  const actions = [cancel('o-0'), submit('s-1', '100'), submit('s-2', '200', { side: 'SELL' })];

  it('rejects every SUBMIT with max_daily_loss once realized today reaches -MAX_DAILY_LOSS_TRY, keeps CANCELs', () => {
    const r = filter({ actions, openOrders: opens(1), realizedTodayTry: dec('-1000') });
    expect(r.accepted.map((a) => a.clientOrderId)).toEqual(['o-0']);
    expect(r.decisions.map((d) => [d.clientOrderId, d.code, d.action])).toEqual([
      ['o-0', 'accepted', 'ACCEPT'],
      ['s-1', 'max_daily_loss', 'REJECT'],
      ['s-2', 'max_daily_loss', 'REJECT'],
    ]);
    expect(verdicts({ actions, openOrders: opens(1), realizedTodayTry: dec('-999.99') })).toEqual([
      'o-0:accepted',
      's-1:accepted',
      's-2:accepted',
    ]);
  });

  it('rejects every SUBMIT with max_drawdown once the drawdown reaches MAX_DRAWDOWN_PCT (percent)', () => {
    expect(verdicts({ actions, openOrders: opens(1), drawdownPct: dec('10') })).toEqual([
      'o-0:accepted',
      's-1:max_drawdown',
      's-2:max_drawdown',
    ]);
    expect(verdicts({ actions, openOrders: opens(1), drawdownPct: dec('9.99') })).toContain('s-1:accepted');
  });

  it('names the daily loss first when both limits are hit', () => {
    const both = { actions: [submit('s-1', '100')], realizedTodayTry: dec('-5000'), drawdownPct: dec('50') };
    expect(verdicts(both)).toEqual(['s-1:max_daily_loss']);
  });
});

describe('risk filter: the walk over actions (spec 3.15 step 3)', () => {
  it('rejects a SUBMIT past MAX_OPEN_ORDERS and counts a rejected SUBMIT as no open order', () => {
    const actions = [submit('s-1', '100'), submit('s-2', '100'), submit('s-3', '100')];
    expect(verdicts({ actions, openOrders: opens(3) })).toEqual([
      's-1:accepted',
      's-2:accepted',
      's-3:max_open_orders',
    ]);
    expect(verdicts({ actions: [submit('s-1', '100')] }, { MAX_OPEN_ORDERS: 0 })).toEqual(['s-1:max_open_orders']);
  });

  it('frees a slot for each resting order a CANCEL names, once, and none for an unknown id', () => {
    const actions = [cancel('o-0'), cancel('o-0'), cancel('nope'), submit('s-1', '100'), submit('s-2', '100')];
    expect(verdicts({ actions, openOrders: opens(5) })).toEqual([
      'o-0:accepted',
      'o-0:accepted',
      'nope:accepted',
      's-1:accepted',
      's-2:max_open_orders',
    ]);
  });

  it('rejects a SUBMIT whose notional exceeds RISK_MAX_ORDER_NOTIONAL_TRY with max_order_notional_try', () => {
    const actions = [
      submit('s-1', '3000.01'),
      submit('s-2', '1500', { qty: '2' }),
      submit('s-3', '3001', { side: 'SELL' }),
    ];
    expect(verdicts({ actions })).toEqual(['s-1:max_order_notional_try', 's-2:accepted', 's-3:max_order_notional_try']);
  });

  it('blocks a BUY replace whose old + new notional exceeds the replace budget', () => {
    // old 30 x 100 = 3000; new 2001 -> 5001 > 5000
    const openOrders = [open('old', '100', '30')];
    const replace = (price: string) => [
      cancel('old', 'replace_cancel'),
      submit('new', price, { reason: 'replace_submit', replaces: 'old' }),
    ];
    expect(verdicts({ actions: replace('2001'), openOrders })).toEqual([
      'old:accepted',
      'new:replace_worst_case_exposure_blocked',
    ]);
    expect(verdicts({ actions: replace('2000'), openOrders })).toEqual(['old:accepted', 'new:accepted']);
  });

  it('blocks a BUY replace that would take exposure plus both halves past RISK_MAX_GROSS_EXPOSURE_TRY', () => {
    // held 3 ETH at mark 2000 = 6000; old 2000 + new 2001 = 4001 within the budget; 6000 + 4001 > 10000
    const s = {
      openOrders: [open('old', '2000')],
      positions: held('ETHTRY', '3', '1500'),
      marks: new Map([['ETHTRY', dec('2000')]]),
    };
    const replace = (price: string) => [submit('new', price, { replaces: 'old' })];
    const loose = { MAX_POSITION_NOTIONAL_TRY: dec('20000') };
    expect(verdicts({ ...s, actions: replace('2001') }, loose)).toEqual(['new:replace_worst_case_exposure_blocked']);
    expect(verdicts({ ...s, actions: replace('2000') }, loose)).toEqual(['new:accepted']);
  });

  it('counts a replaced order that is no longer open as 0 and leaves a SELL replace to the SELL rules', () => {
    const actions = [
      submit('new', '3000', { reason: 'replace_submit', replaces: 'gone' }),
      submit('sell', '3000', { reason: 'replace_submit', replaces: 'old', side: 'SELL' }),
    ];
    expect(verdicts({ actions, openOrders: [open('old', '3000', '1')] })).toEqual(['new:accepted', 'sell:accepted']);
  });

  it('rejects a BUY taking projected exposure past MAX_POSITION_NOTIONAL_TRY, and undoes it for the next', () => {
    // held 49 at mark 100 = 4900; +101 = 5001 > 5000; then +100 = 5000 fits
    const s = { positions: held('BTCTRY', '49', '90'), marks: new Map([['BTCTRY', dec('100')]]) };
    const actions = [submit('s-1', '101'), submit('s-2', '100')];
    expect(verdicts({ ...s, actions })).toEqual(['s-1:max_position_notional_try', 's-2:accepted']);
  });

  it('values a held symbol without a mark at its average cost', () => {
    const actions = [submit('s-1', '101')];
    expect(verdicts({ actions, positions: held('BTCTRY', '49', '100') })).toEqual(['s-1:max_position_notional_try']);
  });

  it('lets an accepted SELL lower the projected exposure, but not a rejected one', () => {
    // held 50 at 100 = 5000; SELL 1 at 100.55 (accepted) -> 4899.45, so a BUY of 100 fits
    const s = { positions: held('BTCTRY', '50', '100'), marks: new Map([['BTCTRY', dec('100')]]) };
    const buy = submit('buy', '100');
    expect(verdicts({ ...s, actions: [submit('sell', '100.55', { side: 'SELL' }), buy] })).toEqual([
      'sell:accepted',
      'buy:accepted',
    ]);
    expect(verdicts({ ...s, actions: [submit('sell', '100.54', { side: 'SELL' }), buy] })).toEqual([
      'sell:min_profit_threshold',
      'buy:max_position_notional_try',
    ]);
  });

  it('rejects a SELL below avg cost x (1 + (FEE_BPS_TAKER + SLIPPAGE_BPS_BUFFER + MIN_PROFIT_BPS) / 10000)', () => {
    // avg cost 200: the floor is 200 x 1.0055 = 201.1
    const positions = held('ETHTRY', '2', '200');
    const sell = (price: string) => [submit('sell', price, { side: 'SELL', symbol: 'ETHTRY' })];
    expect(verdicts({ positions, actions: sell('201.09') })).toEqual(['sell:min_profit_threshold']);
    expect(verdicts({ positions, actions: sell('201.1') })).toEqual(['sell:accepted']);
    expect(verdicts({ positions, actions: sell('201.09') }, { MIN_PROFIT_BPS: dec('29') })).toEqual(['sell:accepted']);
  });

  it('does not hold a SELL to the floor without a held position', () => {
    const sell = [submit('sell', '1', { side: 'SELL', symbol: 'ETHTRY' })];
    expect(verdicts({ actions: sell })).toEqual(['sell:accepted']);
    expect(verdicts({ actions: sell, positions: held('ETHTRY', '0', '200') })).toEqual(['sell:accepted']);
  });

  it('returns the accepted actions in their order with one decision each', () => {
    const actions = [submit('s-1', '100'), cancel('o-0'), submit('s-2', '9999')];
    const r = filter({ actions, openOrders: opens(1) });
    expect(r.accepted).toEqual([actions[0], actions[1]]);
    expect(r.decisions[2]).toEqual({
      layer: 'risk_filter',
      code: 'max_order_notional_try',
      action: 'REJECT',
      scope: 'action',
      symbol: 'BTCTRY',
      side: 'BUY',
      clientOrderId: 's-2',
    });
  });
});

describe('risk filter: insane snapshots', () => {
  it.each([
    ['a negative holding', { positions: held('BTCTRY', '-1', '100') }, 'positions.BTCTRY.qty: expected >= 0, was -1'],
    ['a zero mark', { marks: new Map([['BTCTRY', dec('0')]]) }, 'marks.BTCTRY: expected > 0, was 0'],
    ['a negative drawdown', { drawdownPct: dec('-1') }, 'drawdownPct: expected >= 0'],
    ['a zero-price action', { actions: [submit('s-1', '0')] }, 'actions.s-1.price: expected > 0, was 0'],
    ['two open orders under one id', { openOrders: [open('o'), open('o')] }, 'openOrders.o: expected one open order'],
  ])('refuses %s with a ValidationError naming it', (_, snapshot, message) => {
    expect(() => filter(snapshot)).toThrow(message);
    expect(() => filter(snapshot)).toThrow(expect.objectContaining({ name: 'ValidationError' }));
  });

  it('refuses a MAX_OPEN_ORDERS that is no non-negative integer', () => {
    expect(() => filter({}, { MAX_OPEN_ORDERS: -1 })).toThrow('MAX_OPEN_ORDERS: expected a non-negative integer');
  });
});

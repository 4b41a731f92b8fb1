import { describe, expect, it } from 'vitest';
import type { Side } from '../../../../shared/domain/exchange-rules';
import { dec, toPlain } from '../../../../shared/domain/money';
import { type LifecycleSnapshot, planLifecycle } from '../../../../shared/domain/oms/lifecycle-plan';
import type { OpenOrderView, Stage4Action, SubmitAction } from '../../../../shared/domain/oms/stage4-action';

const NOW = 1_750_000_000_000;
const SETTINGS = { TTL_SECONDS: 120 };

const order = (
  id: string,
  price: string,
  o: Partial<{ symbol: string; side: Side; qty: string; ageMs: number }> = {},
) =>
  ({
    clientOrderId: id,
    symbol: o.symbol ?? 'BTCTRY',
    side: o.side ?? 'BUY',
    price: dec(price),
    qty: dec(o.qty ?? '1'),
    updatedAtMs: NOW - (o.ageMs ?? 1_000),
  }) satisfies OpenOrderView;

const intent = (id: string, price: string, o: Partial<{ symbol: string; side: Side; qty: string }> = {}) =>
  ({
    kind: 'SUBMIT',
    symbol: o.symbol ?? 'BTCTRY',
    side: o.side ?? 'BUY',
    price: dec(price),
    qty: dec(o.qty ?? '1'),
    clientOrderId: id,
    reason: 'bootstrap_position',
  }) satisfies SubmitAction;

const plan = (s: Partial<LifecycleSnapshot>) =>
  planLifecycle({ intents: [], openOrders: [], mids: new Map([['BTCTRY', dec('100')]]), nowMs: NOW, ...s }, SETTINGS);

/** `KIND reason id@price` plus the replaced id, readable in a failure */
const show = (actions: readonly Stage4Action[]) =>
  actions.map((a) =>
    [a.kind, a.symbol, a.side, a.reason, `${a.clientOrderId}@${toPlain(a.price)}`]
      .concat(a.kind === 'SUBMIT' && a.replaceForClientOrderId ? [`for:${a.replaceForClientOrderId}`] : [])
      .join(' '),
  );
const codes = (s: Partial<LifecycleSnapshot>) => plan(s).decisions.map((d) => `${d.code}:${d.clientOrderId}`);

describe('lifecycle planning: staleness (spec 3.14 step 1)', () => {
  it('cancels an order whose age reaches TTL_SECONDS, keeps one a millisecond younger', () => {
    const old = order('o-old', '100', { ageMs: 120_000 });
    const young = order('o-young', '100', { ageMs: 119_999, side: 'SELL' });
    expect(show(plan({ openOrders: [old, young] }).actions)).toEqual(['CANCEL BTCTRY BUY stale o-old@100']);
  });

  it('cancels an order 25 bps or more from its mid, keeps one just inside', () => {
    const drifted = [order('o-up', '100.25'), order('o-down', '99.75', { side: 'SELL' })];
    const inside = [order('o-in', '100.2499', { side: 'SELL' })];
    expect(show(plan({ openOrders: [...inside, ...drifted] }).actions)).toEqual([
      'CANCEL BTCTRY BUY stale o-up@100.25',
      'CANCEL BTCTRY SELL stale o-down@99.75',
    ]);
  });

  it('checks each order against its own symbol mid, not the first mid of the map (9.2.15)', () => {
    // The reference compared every order with the first mark: here that would cancel the fresh USDTTRY
    // order (35 vs 2,000,000) and keep the drifted BTCTRY one (2,000,000 vs 2,000,000)
    const mids = new Map([
      ['BTCTRY', dec('2000000')],
      ['USDTTRY', dec('35')],
    ]);
    const openOrders = [order('o-usdt', '35.01', { symbol: 'USDTTRY' }), order('o-btc', '1990000')];
    expect(show(plan({ openOrders, mids }).actions)).toEqual(['CANCEL BTCTRY BUY stale o-btc@1990000']);
  });

  it('checks an order of a symbol without a mid by age only', () => {
    const openOrders = [
      order('o-eth', '1', { symbol: 'ETHTRY' }),
      order('o-eth-old', '1', { symbol: 'ETHTRY', ageMs: 120_000 }),
    ];
    expect(show(plan({ openOrders }).actions)).toEqual(['CANCEL ETHTRY BUY stale o-eth-old@1']);
  });
});

describe('lifecycle planning: intents (spec 3.14 steps 2-4)', () => {
  it('submits an intent as new_intent beside a fresh order it does not duplicate', () => {
    const p = plan({ intents: [intent('i-1', '100.06')], openOrders: [order('o-1', '100')] });
    expect(show(p.actions)).toEqual(['SUBMIT BTCTRY BUY new_intent i-1@100.06']);
    expect(p.decisions).toEqual([]);
  });

  it('dedupes an intent within 5 bps and 1 % (of the intent) of a fresh order of its symbol and side', () => {
    const openOrders = [order('o-1', '100', { qty: '1.01' })];
    const dedupes = (i: SubmitAction) => codes({ intents: [i], openOrders }).length === 1;
    // 0.05 is within 5 bps of 100.05 (0.050025) but not of 99.95 (0.049975); 0.01 is 1 % of 1
    expect(dedupes(intent('i-1', '100.05'))).toBe(true);
    expect(dedupes(intent('i-1', '99.95'))).toBe(false);
    expect(dedupes(intent('i-1', '100', { qty: '0.9999' }))).toBe(false);
    expect(dedupes(intent('i-1', '100', { side: 'SELL' }))).toBe(false);
    expect(dedupes(intent('i-1', '100', { symbol: 'ETHTRY' }))).toBe(false);
    expect(codes({ intents: [intent('i-1', '100.05')], openOrders })).toEqual(['deduped:i-1']);
  });

  it('dedupes the second of two matching intents and an intent reusing a resting order id', () => {
    const p = plan({
      intents: [intent('i-2', '100.01'), intent('i-1', '100'), intent('o-1', '90')],
      openOrders: [order('o-1', '100', { side: 'SELL' })],
    });
    expect(show(p.actions)).toEqual(['SUBMIT BTCTRY BUY new_intent i-1@100']);
    expect(p.decisions).toEqual([
      {
        layer: 'lifecycle',
        code: 'deduped',
        action: 'DROP',
        scope: 'action',
        symbol: 'BTCTRY',
        side: 'BUY',
        clientOrderId: 'i-2',
      },
      {
        layer: 'lifecycle',
        code: 'deduped',
        action: 'DROP',
        scope: 'action',
        symbol: 'BTCTRY',
        side: 'BUY',
        clientOrderId: 'o-1',
      },
    ]);
  });

  it('audits an intent with a non-positive price or quantity as invalid_intent and plans nothing for it', () => {
    const p = plan({ intents: [intent('i-zero', '0'), intent('i-neg', '100', { qty: '-1' })] });
    expect(p.actions).toEqual([]);
    expect(p.decisions.map((d) => [d.code, d.action, d.clientOrderId])).toEqual([
      ['invalid_intent', 'REJECT', 'i-neg'],
      ['invalid_intent', 'REJECT', 'i-zero'],
    ]);
  });

  it('replaces every stale order of the symbol and side: replace_cancel each, one replace_submit naming the first', () => {
    const openOrders = [
      order('o-b', '101', { ageMs: 200_000 }),
      order('o-a', '99', { ageMs: 200_000 }),
      order('o-sell', '101', { side: 'SELL', ageMs: 200_000 }),
      order('o-eth', '5', { symbol: 'ETHTRY', ageMs: 200_000 }),
    ];
    const p = plan({ intents: [intent('i-1', '100'), intent('i-2', '100.5')], openOrders });
    expect(show(p.actions)).toEqual([
      'CANCEL BTCTRY BUY replace_cancel o-a@99',
      'CANCEL BTCTRY BUY replace_cancel o-b@101',
      'SUBMIT BTCTRY BUY replace_submit i-1@100 for:o-a',
      'SUBMIT BTCTRY BUY new_intent i-2@100.5',
      'CANCEL BTCTRY SELL stale o-sell@101',
      'CANCEL ETHTRY BUY stale o-eth@5',
    ]);
  });

  it('replaces a stale order even when the intent matches it (a stale order dedupes nothing)', () => {
    const p = plan({ intents: [intent('i-1', '100')], openOrders: [order('o-1', '100', { ageMs: 120_000 })] });
    expect(show(p.actions)).toEqual([
      'CANCEL BTCTRY BUY replace_cancel o-1@100',
      'SUBMIT BTCTRY BUY replace_submit i-1@100 for:o-1',
    ]);
  });

  it('keeps the intent fields it plans from and drops a replace target the intent brought itself', () => {
    const own = { ...intent('i-1', '100'), strategyId: 'baseline_mean_reversion_v1', replaceForClientOrderId: 'x' };
    expect(plan({ intents: [own] }).actions).toEqual([
      { ...intent('i-1', '100'), reason: 'new_intent', strategyId: 'baseline_mean_reversion_v1' },
    ]);
  });
});

describe('lifecycle planning: insane snapshots', () => {
  it.each([
    [
      'a non-positive open order price',
      { openOrders: [order('o-1', '0')] },
      'openOrders.o-1.price: expected > 0, was 0',
    ],
    [
      'two open orders under one id',
      { openOrders: [order('o-1', '1'), order('o-1', '2')] },
      'openOrders.o-1: expected one open order per client order id',
    ],
    [
      'two intents under one id',
      { intents: [intent('i-1', '1'), intent('i-1', '2')] },
      'intents.i-1: expected one intent per client order id',
    ],
    ['a zero mid', { mids: new Map([['BTCTRY', dec('0')]]) }, 'mids.BTCTRY: expected > 0, was 0'],
    ['a fractional clock', { nowMs: 1.5 }, 'nowMs: expected an integer, was 1.5'],
  ])('refuses %s with a ValidationError naming it', (_, snapshot, message) => {
    expect(() => plan(snapshot)).toThrow(message);
    expect(() => plan(snapshot)).toThrow(expect.objectContaining({ name: 'ValidationError' }));
  });

  it('refuses a TTL that is not a positive integer', () => {
    const snapshot = { intents: [], openOrders: [], mids: new Map(), nowMs: NOW };
    expect(() => planLifecycle(snapshot, { TTL_SECONDS: 0 })).toThrow(
      'TTL_SECONDS: expected a positive integer, was 0',
    );
  });
});

// Invariants of the stage 4 risk filter (spec 3.15) over random action lists, open orders and limits
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Side } from '../../../../shared/domain/exchange-rules';
import { dec } from '../../../../shared/domain/money';
import type { OpenOrderView, Stage4Action } from '../../../../shared/domain/oms/stage4-action';
import { type ActionFilterSnapshot, filterActions } from '../../../../shared/domain/risk/action-filter';

const side = fc.constantFrom<Side>('BUY', 'SELL');
const amount = (max: number) => fc.integer({ min: 1, max }).map((n) => dec(String(n)));

const openOrders = fc.integer({ min: 0, max: 8 }).map((n) =>
  Array.from(
    { length: n },
    (_, i): OpenOrderView => ({
      clientOrderId: `o-${i}`,
      symbol: 'BTCTRY',
      side: 'BUY',
      price: dec('100'),
      qty: dec('1'),
      updatedAtMs: 0,
    }),
  ),
);

// CANCELs name resting orders (sometimes twice) or unknown ids; SUBMITs are sometimes replaces
const action: fc.Arbitrary<Stage4Action> = fc.oneof(
  fc.record({ id: fc.constantFrom('o-0', 'o-1', 'o-2', 'o-5', 'o-9', 'x'), side }).map(
    ({ id, side }): Stage4Action => ({
      kind: 'CANCEL',
      symbol: 'BTCTRY',
      side,
      price: dec('100'),
      qty: dec('1'),
      clientOrderId: id,
      reason: 'stale',
    }),
  ),
  fc
    .record({
      id: fc.integer({ min: 0, max: 99 }),
      side,
      price: amount(400),
      replaces: fc.constantFrom(undefined, 'o-0'),
    })
    .map(
      ({ id, side, price, replaces }): Stage4Action => ({
        kind: 'SUBMIT',
        symbol: 'BTCTRY',
        side,
        price,
        qty: dec('1'),
        clientOrderId: `s-${id}`,
        reason: replaces ? 'replace_submit' : 'new_intent',
        ...(replaces ? { replaceForClientOrderId: replaces } : {}),
      }),
    ),
);

const snapshot: fc.Arbitrary<ActionFilterSnapshot> = fc.record({
  actions: fc.array(action, { maxLength: 14 }),
  openOrders,
  positions: fc
    .option(fc.record({ qty: amount(10), avgCost: amount(300) }), { nil: undefined })
    .map((p) => new Map(p ? [['BTCTRY', p]] : [])),
  marks: fc.constant(new Map([['BTCTRY', dec('150')]])),
  realizedTodayTry: fc.integer({ min: -1100, max: 500 }).map((n) => dec(String(n))),
  drawdownPct: fc.integer({ min: 0, max: 11 }).map((n) => dec(String(n))),
});

const settings = fc.record({
  MAX_OPEN_ORDERS: fc.integer({ min: 0, max: 6 }),
  RISK_MAX_ORDER_NOTIONAL_TRY: fc.integer({ min: 100, max: 400 }).map((n) => dec(String(n))),
  MAX_POSITION_NOTIONAL_TRY: amount(3000),
  MAX_DAILY_LOSS_TRY: amount(1000),
  MAX_DRAWDOWN_PCT: fc.integer({ min: 5, max: 10 }).map((n) => dec(String(n))),
  FEE_BPS_TAKER: fc.constant(dec('15')),
  SLIPPAGE_BPS_BUFFER: fc.constant(dec('10')),
  MIN_PROFIT_BPS: fc.constant(dec('30')),
  REPLACE_INFLIGHT_BUDGET_PER_SYMBOL_TRY: amount(600),
  RISK_MAX_GROSS_EXPOSURE_TRY: amount(4000),
});

describe('risk filter invariants', () => {
  it('never accepts a SUBMIT that takes the projected open orders above MAX_OPEN_ORDERS', () => {
    fc.assert(
      fc.property(snapshot, settings, (s, limits) => {
        const resting = new Set(s.openOrders.map((o) => o.clientOrderId));
        let projected = resting.size;
        for (const a of filterActions(s, limits).accepted) {
          if (a.kind === 'CANCEL') {
            if (resting.delete(a.clientOrderId)) projected -= 1;
            continue;
          }
          projected += 1;
          expect(projected).toBeLessThanOrEqual(limits.MAX_OPEN_ORDERS);
        }
      }),
    );
  });

  it('accepts every CANCEL, whatever the limits and signals say', () => {
    fc.assert(
      fc.property(snapshot, settings, (s, limits) => {
        const { accepted, decisions } = filterActions(s, limits);
        expect(accepted.filter((a) => a.kind === 'CANCEL')).toEqual(s.actions.filter((a) => a.kind === 'CANCEL'));
        expect(decisions.length).toBe(s.actions.length);
      }),
    );
  });
});

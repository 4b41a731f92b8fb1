// Dry-run execution on simulated rows (spec 3.18 step 9): what each action does to the rows, the simulated
// fill when the market crosses a row, and the invariants over any sequence of cycles (never two open rows for
// one symbol and side, a cancel never opens a row, the rows stay bounded).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applySimulated,
  MAX_CLOSED_SIMULATED_ORDERS,
  type SimulatedOrder,
  type SimulatedQuote,
  simulatedOpenViews,
} from '../../../../../shared/application/stage4/dry-run/simulated-orders';
import type { Side } from '../../../../../shared/domain/exchange-rules';
import { dec } from '../../../../../shared/domain/money';
import type { CancelAction, Stage4Action, SubmitAction } from '../../../../../shared/domain/oms/stage4-action';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

const submit = (id: string, fields: Partial<SubmitAction> = {}): SubmitAction => ({
  kind: 'SUBMIT',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('1000'),
  qty: dec('0.5'),
  clientOrderId: id,
  reason: 'new_intent',
  ...fields,
});
const cancel = (row: Pick<SimulatedOrder, 'clientOrderId' | 'symbol' | 'side'>, reason = 'stale'): CancelAction => ({
  kind: 'CANCEL',
  symbol: row.symbol,
  side: row.side,
  price: dec('1000'),
  qty: dec('0.5'),
  clientOrderId: row.clientOrderId,
  reason,
});
/** BTCTRY quoted 990 / 1010 unless told: a 1000 BUY rests */
const market = (quotes: Record<string, readonly [string, string]> = {}): ReadonlyMap<string, SimulatedQuote> =>
  new Map(
    Object.entries({ BTCTRY: ['990', '1010'] as const, ...quotes }).map(([symbol, [bid, ask]]) => [
      symbol,
      { bid: dec(bid), ask: dec(ask) },
    ]),
  );
const codes = (r: ReturnType<typeof applySimulated>) =>
  r.decisions.map((d) => `${d.clientOrderId}:${d.action}:${d.code}`);
const statuses = (rows: readonly SimulatedOrder[]) => rows.map((r) => `${r.clientOrderId}:${r.status}`);

describe('applySimulated: one action at a time', () => {
  it('a SUBMIT opens a dry-run row under a sim- exchange id, counted as simulated', () => {
    const r = applySimulated([submit('a')], [], T0, market());
    expect(r.rows).toEqual([
      {
        clientOrderId: 'a',
        exchangeOrderId: 'sim-a',
        symbol: 'BTCTRY',
        side: 'BUY',
        price: dec('1000'),
        qty: dec('0.5'),
        status: 'open',
        createdAtMs: T0,
        mode: 'dry_run',
      },
    ]);
    expect(codes(r)).toEqual(['a:ACCEPT:simulated']);
    expect(r.counters).toEqual({ simulated: 1, simulatedFilled: 0 });
  });

  it('dedupes as live does: no second open row for a symbol and side, nor for a client id', () => {
    const first = applySimulated([submit('a')], [], T0, market());
    const r = applySimulated(
      [submit('b', { price: dec('995') }), submit('a'), submit('c', { side: 'SELL', price: dec('1020') })],
      first.rows,
      T0 + 1,
      market(),
    );
    expect(statuses(r.rows)).toEqual(['a:open', 'c:open']);
    expect(codes(r)).toEqual(['b:DROP:open_order_exists', 'a:DROP:open_order_exists', 'c:ACCEPT:simulated']);
    expect(r.counters.simulated).toBe(1);
  });

  it('a CANCEL closes its open row; an unknown or closed row is dropped with live reason codes', () => {
    const open = applySimulated([submit('a')], [], T0, market()).rows;
    const r = applySimulated([cancel(open[0] as SimulatedOrder)], open, T0 + 5, market());
    expect(r.rows.map((x) => [x.status, x.closedAtMs])).toEqual([['canceled', T0 + 5]]);
    expect(codes(r)).toEqual(['a:ACCEPT:simulated']);
    const again = applySimulated(
      [cancel(open[0] as SimulatedOrder), cancel({ clientOrderId: 'zz', symbol: 'BTCTRY', side: 'BUY' })],
      r.rows,
      T0 + 6,
      market(),
    );
    expect(codes(again)).toEqual(['a:DROP:cancel_order_not_resting', 'zz:DROP:cancel_order_not_found']);
    expect(again.rows).toEqual(r.rows);
    expect(again.counters.simulated).toBe(0);
  });

  it('a replace group cancels its old rows, then opens the replacement, grouped exactly as live groups it', () => {
    const open = applySimulated([submit('old')], [], T0, market()).rows;
    const replace = [
      cancel(open[0] as SimulatedOrder, 'replace_cancel'),
      submit('new-1', { reason: 'replace_submit', price: dec('1001') }),
      submit('new-2', { reason: 'replace_submit', price: dec('1002') }),
    ];
    const r = applySimulated(replace, open, T0 + 60_000, market());
    expect(statuses(r.rows)).toEqual(['new-2:open', 'old:canceled']);
    expect(codes(r)).toEqual([
      'new-1:DROP:replace_multiple_submits_coalesced',
      'old:ACCEPT:simulated',
      'new-2:ACCEPT:replace_simulated',
    ]);
    expect(r.counters.simulated).toBe(2);
  });
});

describe('applySimulated: simulated fills, which never reach the ledger', () => {
  it('a resting BUY fills once the ask reaches its price, a SELL once the bid does, before this cycle acts', () => {
    const rows = applySimulated(
      [submit('buy'), submit('sell', { side: 'SELL', price: dec('1020') }), submit('eth', { symbol: 'ETHTRY' })],
      [],
      T0,
      market(),
    ).rows;
    const r = applySimulated(
      [cancel(rows[0] as SimulatedOrder)],
      rows,
      T0 + 60_000,
      market({ BTCTRY: ['1020', '1000'] }),
    );
    expect(statuses(r.rows)).toEqual(['eth:open', 'buy:filled', 'sell:filled']);
    // filled while the cycle was away: its cancel finds it closed
    expect(codes(r)).toEqual([
      'buy:ACCEPT:simulated_filled',
      'sell:ACCEPT:simulated_filled',
      'buy:DROP:cancel_order_not_resting',
    ]);
    expect(r.counters).toEqual({ simulated: 0, simulatedFilled: 2 });
  });

  it('a row the market does not cross rests; a new marketable row fills at once', () => {
    const r = applySimulated(
      [submit('rests', { price: dec('1009.99') }), submit('taker', { side: 'SELL', price: dec('990') })],
      [],
      T0,
      market(),
    );
    expect(statuses(r.rows)).toEqual(['rests:open', 'taker:filled']);
    expect(r.counters).toEqual({ simulated: 2, simulatedFilled: 1 });
  });

  it('a symbol without a quote never fills', () => {
    const rows = applySimulated([submit('eth', { symbol: 'ETHTRY', price: dec('99999') })], [], T0, market()).rows;
    expect(statuses(rows)).toEqual(['eth:open']);
  });
});

describe('simulatedOpenViews', () => {
  it('shows the open rows as resting orders aged from their creation', () => {
    const rows = applySimulated(
      [submit('a'), submit('b', { side: 'SELL', price: dec('2000') })],
      [],
      T0,
      market(),
    ).rows;
    const closed = applySimulated([cancel(rows[1] as SimulatedOrder)], rows, T0 + 9, market()).rows;
    expect(simulatedOpenViews(closed)).toEqual([
      { clientOrderId: 'a', symbol: 'BTCTRY', side: 'BUY', price: dec('1000'), qty: dec('0.5'), updatedAtMs: T0 },
    ]);
  });
});

// ---------------------------------------------------------------- properties over many cycles

const SYMBOLS = ['BTCTRY', 'ETHTRY'] as const;
const SIDES: readonly Side[] = ['BUY', 'SELL'];

interface GeneratedAction {
  readonly kind: 'SUBMIT' | 'CANCEL';
  readonly id: number;
  readonly symbol: string;
  readonly side: Side;
  readonly price: number;
  readonly replace: boolean;
}

/** One cycle: submits and cancels over a small pool of ids (reused across cycles, so cancels hit open, closed
 * and unknown rows and submits reuse closed ids), and a market quote that sometimes crosses the rows */
const cycle = fc.record({
  actions: fc.array(
    fc.record({
      kind: fc.constantFrom<'SUBMIT' | 'CANCEL'>('SUBMIT', 'CANCEL'),
      id: fc.integer({ min: 0, max: 30 }),
      symbol: fc.constantFrom(...SYMBOLS),
      side: fc.constantFrom(...SIDES),
      price: fc.integer({ min: 95, max: 105 }),
      replace: fc.boolean(),
    }),
    { maxLength: 8 },
  ),
  bid: fc.integer({ min: 90, max: 110 }),
});

const actionOf = (a: GeneratedAction): Stage4Action =>
  a.kind === 'SUBMIT'
    ? submit(`id-${a.id}`, {
        symbol: a.symbol,
        side: a.side,
        price: dec(String(a.price)),
        reason: a.replace ? 'replace_submit' : 'new_intent',
      })
    : cancel({ clientOrderId: `id-${a.id}`, symbol: a.symbol, side: a.side }, a.replace ? 'replace_cancel' : 'stale');

const quotes = (bid: number) =>
  new Map(SYMBOLS.map((symbol) => [symbol, { bid: dec(String(bid)), ask: dec(String(bid + 2)) }]));

const openIds = (rows: readonly SimulatedOrder[]) =>
  new Set(rows.filter((r) => r.status === 'open').map((r) => r.clientOrderId));

describe('applySimulated properties over any sequence of cycles', () => {
  it('never two open rows for one symbol and side, and one row per client id', () => {
    fc.assert(
      fc.property(fc.array(cycle, { maxLength: 25 }), (cycles) => {
        let rows: readonly SimulatedOrder[] = [];
        for (const [n, c] of cycles.entries()) {
          rows = applySimulated(c.actions.map(actionOf), rows, T0 + n * 60_000, quotes(c.bid)).rows;
          const open = rows.filter((r) => r.status === 'open').map((r) => `${r.symbol}|${r.side}`);
          expect(new Set(open).size).toBe(open.length);
          expect(new Set(rows.map((r) => r.clientOrderId)).size).toBe(rows.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a cancel never opens a row: every open row after a cycle was open before it or submitted in it', () => {
    fc.assert(
      fc.property(fc.array(cycle, { minLength: 1, maxLength: 15 }), (cycles) => {
        let rows: readonly SimulatedOrder[] = [];
        for (const [n, c] of cycles.entries()) {
          const before = openIds(rows);
          const submitted = new Set(c.actions.filter((a) => a.kind === 'SUBMIT').map((a) => `id-${a.id}`));
          const cancelsOnly = c.actions.filter((a) => a.kind === 'CANCEL').map(actionOf);
          const afterCancels = applySimulated(cancelsOnly, rows, T0 + n * 60_000, quotes(c.bid)).rows;
          for (const id of openIds(afterCancels)) expect(before.has(id)).toBe(true);
          rows = applySimulated(c.actions.map(actionOf), rows, T0 + n * 60_000, quotes(c.bid)).rows;
          for (const id of openIds(rows)) expect(before.has(id) || submitted.has(id)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the newest MAX_CLOSED_SIMULATED_ORDERS closed rows and every open one', () => {
    const closed: SimulatedOrder[] = Array.from({ length: 150 }, (_, i) => ({
      clientOrderId: `c-${i}`,
      exchangeOrderId: `sim-c-${i}`,
      symbol: 'BTCTRY',
      side: 'BUY',
      price: dec('1000'),
      qty: dec('1'),
      status: 'canceled',
      createdAtMs: T0,
      closedAtMs: T0 + i,
      mode: 'dry_run',
    }));
    const r = applySimulated([submit('fresh')], closed, T0 + 1000, market());
    expect(r.rows).toHaveLength(1 + MAX_CLOSED_SIMULATED_ORDERS);
    expect(r.rows[0]?.clientOrderId).toBe('fresh');
    expect(r.rows[1]?.clientOrderId).toBe('c-149');
    expect(r.rows.at(-1)?.clientOrderId).toBe(`c-${150 - MAX_CLOSED_SIMULATED_ORDERS}`);
  });
});

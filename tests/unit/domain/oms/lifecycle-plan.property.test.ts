// Invariants of lifecycle planning (spec 3.14, 9.2.15) over random snapshots of three symbols whose mids
// differ by orders of magnitude, so an order checked against another symbol's mid would look stale
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Side } from '../../../../shared/domain/exchange-rules';
import { type Dec, dec, toPlain } from '../../../../shared/domain/money';
import { type LifecycleSnapshot, planLifecycle } from '../../../../shared/domain/oms/lifecycle-plan';
import type { OpenOrderView, Stage4Action, SubmitAction } from '../../../../shared/domain/oms/stage4-action';

const NOW = 1_750_000_000_000;
const TTL_SECONDS = 120;
const MIDS = new Map([
  ['BTCTRY', dec('2000000')],
  ['USDTTRY', dec('35.12')],
  ['ETHTRY', dec('120000')],
]);
// A symbol without a mid: its orders are stale by age only
const REFERENCE_PRICE = new Map([...MIDS, ['XRPTRY', dec('20')]]);

const id = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', '2'), minLength: 1, maxLength: 3 });
const symbol = fc.constantFrom(...REFERENCE_PRICE.keys());
const side = fc.constantFrom<Side>('BUY', 'SELL');
/** Within 40 bps of the symbol's reference price, so drift (25 bps) and duplicates (5 bps) both occur */
const near = (sym: string, bps: number): Dec => (REFERENCE_PRICE.get(sym) ?? dec('1')).mul(10_000 + bps).div(10_000);
const qty = fc.integer({ min: 98, max: 103 }).map((n) => dec(String(n)).div(100));

const openOrder = fc
  .record({
    id,
    symbol,
    side,
    bps: fc.integer({ min: -40, max: 40 }),
    qty,
    ageMs: fc.integer({ min: -5_000, max: 240_000 }),
  })
  .map(
    (o): OpenOrderView => ({
      clientOrderId: o.id,
      symbol: o.symbol,
      side: o.side,
      price: near(o.symbol, o.bps),
      qty: o.qty,
      updatedAtMs: NOW - o.ageMs,
    }),
  );

const intent = fc.record({ id, symbol, side, bps: fc.integer({ min: -40, max: 40 }), qty, invalid: fc.boolean() }).map(
  (i): SubmitAction => ({
    kind: 'SUBMIT',
    symbol: i.symbol,
    side: i.side,
    price: i.invalid && i.bps % 4 === 0 ? dec('0') : near(i.symbol, i.bps),
    qty: i.qty,
    clientOrderId: i.id,
    reason: 'new_intent',
  }),
);

const snapshot: fc.Arbitrary<LifecycleSnapshot> = fc
  .record({
    intents: fc.uniqueArray(intent, { selector: (i) => i.clientOrderId, maxLength: 8 }),
    openOrders: fc.uniqueArray(openOrder, { selector: (o) => o.clientOrderId, maxLength: 10 }),
  })
  .map((s) => ({ ...s, mids: MIDS, nowMs: NOW }));

const plan = (s: LifecycleSnapshot) => planLifecycle(s, { TTL_SECONDS });

const show = (actions: readonly Stage4Action[]) =>
  actions.map((a) =>
    [a.kind, a.symbol, a.side, a.reason, a.clientOrderId, toPlain(a.price), toPlain(a.qty)]
      .concat(a.kind === 'SUBMIT' ? [a.replaceForClientOrderId ?? '-'] : [])
      .join(' '),
  );

const permutation = <T>(xs: readonly T[]) =>
  fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });
const keyOf = (a: { symbol: string; side: Side }) => `${a.symbol}|${a.side}`;

describe('lifecycle planning invariants', () => {
  it('is deterministic for a snapshot: the order of intents, open orders and mids does not matter', () => {
    const twoOrders = snapshot.chain((s) =>
      fc.tuple(fc.constant(s), permutation(s.intents), permutation(s.openOrders), permutation([...s.mids])),
    );
    fc.assert(
      fc.property(twoOrders, ([s, intents, openOrders, mids]) => {
        const a = plan(s);
        const b = plan({ ...s, intents, openOrders, mids: new Map(mids) });
        expect(show(b.actions)).toEqual(show(a.actions));
        expect(b.decisions).toEqual(a.decisions);
      }),
    );
  });

  it('gives a (symbol, side) at most one replace_submit, naming an order of that group that gets a replace_cancel', () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        const { actions } = plan(s);
        const replaceCancels = actions.filter((a) => a.reason === 'replace_cancel');
        const replaceSubmits = actions.filter((a) => a.kind === 'SUBMIT' && a.reason === 'replace_submit');
        expect(new Set(replaceSubmits.map(keyOf)).size).toBe(replaceSubmits.length);
        for (const submit of replaceSubmits) {
          const target = submit.kind === 'SUBMIT' ? submit.replaceForClientOrderId : undefined;
          const cancel = replaceCancels.find((c) => c.clientOrderId === target);
          expect(cancel && keyOf(cancel)).toBe(keyOf(submit));
        }
        for (const cancel of replaceCancels) expect(replaceSubmits.some((r) => keyOf(r) === keyOf(cancel))).toBe(true);
      }),
    );
  });

  it('cancels exactly the orders stale by age or by drift from their own symbol mid, each once', () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        const cancelled = plan(s)
          .actions.filter((a) => a.kind === 'CANCEL')
          .map((a) => a.clientOrderId);
        const stale = s.openOrders.filter((o) => {
          const mid = MIDS.get(o.symbol);
          const drifted = mid !== undefined && o.price.sub(mid).abs().div(mid).mul(10_000).gte(25);
          return NOW - o.updatedAtMs >= TTL_SECONDS * 1000 || drifted;
        });
        expect([...cancelled].sort()).toEqual(stale.map((o) => o.clientOrderId).sort());
      }),
    );
  });

  it('accounts for every intent once: one SUBMIT under its id, or one decision saying why not', () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        const p = plan(s);
        const submitted = p.actions.filter((a) => a.kind === 'SUBMIT').map((a) => a.clientOrderId);
        const decided = p.decisions.map((d) => d.clientOrderId ?? '');
        expect([...submitted, ...decided].sort()).toEqual(s.intents.map((i) => i.clientOrderId).sort());
      }),
    );
  });
});

// Stage 7 risk policy over lifecycle actions and order intents (spec 4.9): every reason, the intent
// conversion and marking, refusals, and invariants over random action lists and caps
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import type { Side } from '../../../../shared/domain/exchange-rules';
import { canonicalJson } from '../../../../shared/domain/hashing';
import { type Dec, dec, ZERO } from '../../../../shared/domain/money';
import type { CancelAction, Stage4Action, SubmitAction } from '../../../../shared/domain/oms/stage4-action';
import type { Stage7Intent } from '../../../../shared/domain/oms/stage7-intent';
import type { Mode } from '../../../../shared/domain/risk/mode';
import {
  applyStage7RiskPolicy,
  filterStage7Actions,
  type Stage7CycleRisk,
  stage7SubmitAction,
} from '../../../../shared/domain/risk/stage7-risk-policy';

/** Risk budget v2's start (spec 4.4) with the knob defaults: min(3000, 1000), 2 orders, 8000 exposure */
const NORMAL: Stage7CycleRisk = {
  mode: 'NORMAL',
  allowSubmit: true,
  allowCancel: true,
  maxOrdersPerCycle: 2,
  maxOrderNotionalTry: dec('1000'),
  maxSymbolExposureTry: dec('8000'),
};

const submit = (id: string, side: Side, price: string, qty = '1', symbol = 'BTCTRY'): SubmitAction => ({
  kind: 'SUBMIT',
  symbol,
  side,
  price: dec(price),
  qty: dec(qty),
  clientOrderId: id,
  reason: 'stage7_dry_run_simulation',
});
const cancel = (id: string): CancelAction => ({
  kind: 'CANCEL',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('100'),
  qty: dec('1'),
  clientOrderId: id,
  reason: 'stale',
});
const positions = (p: Record<string, string> = {}) => new Map(Object.entries(p).map(([k, v]) => [k, dec(v)]));
const filter = (actions: Stage4Action[], risk: Partial<Stage7CycleRisk> = {}, pos: Record<string, string> = {}) =>
  filterStage7Actions(actions, positions(pos), { ...NORMAL, ...risk });
const codes = (r: ReturnType<typeof filter>) => r.decisions.map((d) => `${d.clientOrderId}:${d.code}`);

describe('spec 4.9 rules', () => {
  it('accepts a SUBMIT within every cap and a CANCEL while cancels are allowed', () => {
    const r = filter([submit('a', 'BUY', '100'), cancel('x')]);
    expect(codes(r)).toEqual(['a:accepted', 'x:accepted']);
    expect(r.accepted).toHaveLength(2);
    expect(r.skipped).toEqual([]);
    expect(r.decisions[0]).toMatchObject({ layer: 'stage7_risk_policy', action: 'ACCEPT', scope: 'action' });
  });

  it('CANCEL: allow_cancel false -> RISK_CANCEL_DISABLED (a SUBMIT is unaffected)', () => {
    const r = filter([cancel('x'), submit('a', 'BUY', '100')], { allowCancel: false });
    expect(codes(r)).toEqual(['x:RISK_CANCEL_DISABLED', 'a:accepted']);
    expect(r.skipped).toEqual([{ action: cancel('x'), reason: 'RISK_CANCEL_DISABLED' }]);
  });

  it('SUBMIT: allow_submit false -> RISK_SUBMIT_DISABLED, CANCELs still pass', () => {
    const r = filter([submit('a', 'SELL', '100'), cancel('x')], { allowSubmit: false }, { BTCTRY: '5' });
    expect(codes(r)).toEqual(['a:RISK_SUBMIT_DISABLED', 'x:accepted']);
  });

  it('OBSERVE_ONLY disables submits even when allow_submit says otherwise (the stricter wins)', () => {
    expect(codes(filter([submit('a', 'SELL', '100')], { mode: 'OBSERVE_ONLY' }, { BTCTRY: '5' }))).toEqual([
      'a:RISK_SUBMIT_DISABLED',
    ]);
  });

  it('REDUCE_RISK_ONLY passes only reducing submits: a SELL with a position > 0 (or a BUY with one < 0)', () => {
    const risk = { mode: 'REDUCE_RISK_ONLY' as Mode };
    const r = filter([submit('s', 'SELL', '100'), submit('b', 'BUY', '100')], risk, { BTCTRY: '5' });
    expect(codes(r)).toEqual(['s:accepted', 'b:RISK_REDUCE_ONLY_BLOCKED']);
    expect(codes(filter([submit('s', 'SELL', '100')], risk))).toEqual(['s:RISK_REDUCE_ONLY_BLOCKED']);
    expect(codes(filter([submit('b', 'BUY', '100')], risk, { BTCTRY: '-2' }))).toEqual(['b:accepted']);
  });

  it('more accepted submits than max_orders_per_cycle -> RISK_CAP_MAX_ORDERS; a rejected one takes no slot', () => {
    const r = filter([
      submit('a', 'BUY', '100'),
      submit('big', 'BUY', '5000'),
      submit('b', 'BUY', '100'),
      submit('c', 'BUY', '100'),
    ]);
    expect(codes(r)).toEqual(['a:accepted', 'big:RISK_CAP_MAX_NOTIONAL', 'b:accepted', 'c:RISK_CAP_MAX_ORDERS']);
    expect(codes(filter([submit('a', 'BUY', '1')], { maxOrdersPerCycle: 0 }))).toEqual(['a:RISK_CAP_MAX_ORDERS']);
  });

  it('notional > max_order_notional_try -> RISK_CAP_MAX_NOTIONAL (equal passes)', () => {
    expect(codes(filter([submit('a', 'BUY', '500', '2'), submit('b', 'BUY', '1000.01')]))).toEqual([
      'a:accepted',
      'b:RISK_CAP_MAX_NOTIONAL',
    ]);
  });

  it('|position +/- qty| x price > max_symbol_exposure_try -> RISK_CAP_MAX_EXPOSURE', () => {
    const risk = { maxSymbolExposureTry: dec('1000'), maxOrdersPerCycle: 9 };
    expect(codes(filter([submit('a', 'BUY', '100', '2')], risk, { BTCTRY: '8' }))).toEqual(['a:accepted']); // 10 x 100
    expect(codes(filter([submit('a', 'BUY', '100', '3')], risk, { BTCTRY: '8' }))).toEqual(['a:RISK_CAP_MAX_EXPOSURE']);
    expect(codes(filter([submit('a', 'SELL', '100', '1')], risk, { BTCTRY: '12' }))).toEqual([
      'a:RISK_CAP_MAX_EXPOSURE',
    ]);
    expect(codes(filter([submit('a', 'SELL', '100', '3')], risk, { BTCTRY: '12' }))).toEqual(['a:accepted']);
  });

  it('the exposure check sees the submits already accepted on the same symbol this cycle', () => {
    const risk = { maxSymbolExposureTry: dec('1000'), maxOrdersPerCycle: 9, maxOrderNotionalTry: dec('1000') };
    const r = filter(
      [submit('a', 'BUY', '100', '6'), submit('b', 'BUY', '100', '6'), submit('c', 'BUY', '100', '6', 'ETHTRY')],
      risk,
    );
    expect(codes(r)).toEqual(['a:accepted', 'b:RISK_CAP_MAX_EXPOSURE', 'c:accepted']);
  });

  it('applies the rules in the spec order (the first that fails names the reason)', () => {
    const strict = { mode: 'REDUCE_RISK_ONLY' as Mode, maxOrdersPerCycle: 0, maxOrderNotionalTry: ZERO };
    expect(codes(filter([submit('a', 'BUY', '100')], { ...strict, allowSubmit: false }))).toEqual([
      'a:RISK_SUBMIT_DISABLED',
    ]);
    expect(codes(filter([submit('a', 'BUY', '100')], strict))).toEqual(['a:RISK_REDUCE_ONLY_BLOCKED']);
    expect(codes(filter([submit('a', 'BUY', '100')], { ...strict, mode: 'NORMAL' }))).toEqual([
      'a:RISK_CAP_MAX_ORDERS',
    ]);
  });
});

const intent = (
  id: string,
  side: Side,
  price: string,
  qty: string,
  skipReason?: string,
): Stage7Intent & { extra: number } => ({
  cycleId: 'c1',
  symbol: 'BTCTRY',
  side,
  orderType: 'LIMIT',
  price: dec(price),
  qty: dec(qty),
  notionalTry: dec(price).mul(dec(qty)),
  clientOrderId: id,
  reason: 'underweight: x',
  skipped: skipReason !== undefined,
  ...(skipReason === undefined ? {} : { skipReason }),
  extra: 7,
});

describe('intents through the policy', () => {
  it('converts intents to SUBMITs after the lifecycle actions, marks the rejected ones skipped, keeps the rest', () => {
    const given = [
      intent('i1', 'BUY', '100', '1'),
      intent('i0', 'BUY', '0', '0', 'missing_mark_price'),
      intent('i2', 'BUY', '100', '1'),
    ];
    const r = applyStage7RiskPolicy({
      actions: [submit('life', 'BUY', '100')],
      intents: given,
      positions: positions(),
      risk: NORMAL,
    });
    // the lifecycle SUBMIT takes the first of the two slots
    expect(r.intents.map((i) => [i.clientOrderId, i.skipped, i.skipReason])).toEqual([
      ['i1', false, undefined],
      ['i0', true, 'missing_mark_price'],
      ['i2', true, 'RISK_CAP_MAX_ORDERS'],
    ]);
    expect(r.intents[2]).toMatchObject({ extra: 7, price: dec('100'), qty: dec('1') }); // fields kept
    expect(r.intents[0]).toBe(given[0]); // accepted and builder-skipped ones are passed through as given
    expect(r.intents[1]).toBe(given[1]);
    expect(r.accepted.map((a) => a.clientOrderId)).toEqual(['life', 'i1']);
    expect(r.skipped).toEqual([
      { action: stage7SubmitAction(intent('i2', 'BUY', '100', '1')), reason: 'RISK_CAP_MAX_ORDERS' },
    ]);
    expect(r.decisions.map((d) => d.clientOrderId)).toEqual(['life', 'i1', 'i2']); // builder skips are not re-decided
    const forTheOms: readonly Stage7Intent[] = r.intents; // still the shared vocabulary (type-checked)
    expect(forTheOms).toHaveLength(3);
  });

  it('an intent becomes a SUBMIT action with its id, side, price, qty and reason', () => {
    expect(stage7SubmitAction(intent('i1', 'SELL', '101.2', '9.88'))).toEqual({
      kind: 'SUBMIT',
      symbol: 'BTCTRY',
      side: 'SELL',
      price: dec('101.2'),
      qty: dec('9.88'),
      clientOrderId: 'i1',
      reason: 'underweight: x',
    });
  });
});

describe('refusals', () => {
  const refuses = (actions: Stage4Action[], risk: Partial<Stage7CycleRisk>, pos: Map<string, Dec>, path: string) => {
    try {
      filterStage7Actions(actions, pos, { ...NORMAL, ...risk });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toContain(path);
      return;
    }
    throw new Error('expected a ValidationError');
  };
  const inf = dec('1').div(0);
  it('bad caps, a non-finite price, qty or position', () => {
    refuses([], { maxOrdersPerCycle: -1 }, new Map(), 'risk.maxOrdersPerCycle');
    refuses([], { maxOrdersPerCycle: 0.5 }, new Map(), 'risk.maxOrdersPerCycle');
    refuses([], { maxOrderNotionalTry: dec('-1') }, new Map(), 'risk.maxOrderNotionalTry');
    refuses([], { maxSymbolExposureTry: inf }, new Map(), 'risk.maxSymbolExposureTry');
    refuses([{ ...submit('a', 'BUY', '1'), price: inf }], {}, new Map(), 'actions.a.price');
    refuses([{ ...submit('a', 'BUY', '1'), qty: dec('0').div(0) }], {}, new Map(), 'actions.a.qty');
    refuses([], {}, new Map([['BTCTRY', inf]]), 'positions.BTCTRY');
  });
});

// ---- properties ----
const arbSubmit = fc
  .record({
    id: fc.integer({ min: 0, max: 999 }),
    side: fc.constantFrom<Side>('BUY', 'SELL'),
    price: fc.integer({ min: 1, max: 2000 }),
    qty: fc.integer({ min: 1, max: 20 }),
    symbol: fc.constantFrom('BTCTRY', 'ETHTRY'),
  })
  .map((a) => submit(`s${a.id}`, a.side, String(a.price), String(a.qty), a.symbol));
const arbAction: fc.Arbitrary<Stage4Action> = fc.oneof(
  arbSubmit,
  fc.integer({ min: 0, max: 9 }).map((n) => cancel(`x${n}`)),
);
const arbRisk = fc.record({
  mode: fc.constantFrom<Mode>('NORMAL', 'REDUCE_RISK_ONLY', 'OBSERVE_ONLY'),
  allowSubmit: fc.boolean(),
  allowCancel: fc.boolean(),
  maxOrdersPerCycle: fc.integer({ min: 0, max: 6 }),
  maxOrderNotionalTry: fc.integer({ min: 0, max: 20_000 }).map((n) => dec(String(n))),
  maxSymbolExposureTry: fc.integer({ min: 0, max: 40_000 }).map((n) => dec(String(n))),
});
const arbPositions = fc
  .record({ BTCTRY: fc.integer({ min: -5, max: 20 }), ETHTRY: fc.integer({ min: -5, max: 20 }) })
  .map((p) => positions({ BTCTRY: String(p.BTCTRY), ETHTRY: String(p.ETHTRY) }));

describe('invariants (fast-check)', () => {
  it('accepted SUBMITs respect every cap and the mode; CANCELs follow allow_cancel; one decision per action', () => {
    fc.assert(
      fc.property(fc.array(arbAction, { maxLength: 12 }), arbRisk, arbPositions, (actions, risk, pos) => {
        const r = filterStage7Actions(actions, pos, risk);
        expect(r.decisions).toHaveLength(actions.length);
        expect(r.accepted.length + r.skipped.length).toBe(actions.length);
        const submits = r.accepted.filter((a): a is SubmitAction => a.kind === 'SUBMIT');
        expect(submits.length).toBeLessThanOrEqual(risk.maxOrdersPerCycle);
        if (!risk.allowSubmit || risk.mode === 'OBSERVE_ONLY') expect(submits).toEqual([]);
        if (!risk.allowCancel) expect(r.accepted.every((a) => a.kind === 'SUBMIT')).toBe(true);
        else expect(r.skipped.every((s) => s.action.kind === 'SUBMIT')).toBe(true);
        const projected = new Map(pos);
        for (const a of submits) {
          expect(a.price.mul(a.qty).lte(risk.maxOrderNotionalTry)).toBe(true);
          const before = projected.get(a.symbol) ?? ZERO;
          if (risk.mode === 'REDUCE_RISK_ONLY') expect(a.side === 'SELL' ? before.gt(0) : before.lt(0)).toBe(true);
          const after = a.side === 'BUY' ? before.add(a.qty) : before.sub(a.qty);
          expect(after.abs().mul(a.price).lte(risk.maxSymbolExposureTry)).toBe(true);
          projected.set(a.symbol, after);
        }
      }),
    );
  });

  it('intents keep their order and ids; only live ones can become skipped; deterministic', () => {
    const arbIntent = fc
      .record({ n: fc.integer({ min: 0, max: 99 }), side: fc.constantFrom<Side>('BUY', 'SELL'), skip: fc.boolean() })
      .map((x) => intent(`i${x.n}`, x.side, '100', '2', x.skip ? 'qty_rounds_to_zero' : undefined));
    fc.assert(
      fc.property(fc.array(arbIntent, { maxLength: 8 }), arbRisk, arbPositions, (intents, risk, pos) => {
        const run = () => applyStage7RiskPolicy({ actions: [], intents, positions: pos, risk });
        const r = run();
        expect(r.intents.map((i) => i.clientOrderId)).toEqual(intents.map((i) => i.clientOrderId));
        r.intents.forEach((out, k) => {
          const given = intents[k] as Stage7Intent;
          if (given.skipped) expect(out).toBe(given);
          else if (out.skipped) expect(out.skipReason).toMatch(/^RISK_/);
        });
        expect(r.intents.filter((i) => !i.skipped).length).toBe(r.accepted.length);
        expect(canonicalJson(JSON.parse(JSON.stringify(run())))).toBe(canonicalJson(JSON.parse(JSON.stringify(r))));
      }),
    );
  });
});

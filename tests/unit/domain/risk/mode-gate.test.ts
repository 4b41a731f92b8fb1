import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ExchangeRules, fallbackRules, rulesLookup } from '../../../../shared/domain/exchange-rules';
import { type Dec, dec, toPlain } from '../../../../shared/domain/money';
import type { CancelAction, Stage4Action, SubmitAction } from '../../../../shared/domain/oms/stage4-action';
import { MODES, type Mode } from '../../../../shared/domain/risk/mode';
import { applyModeGate, type ModeGateInput, type ModeGateSettings } from '../../../../shared/domain/risk/mode-gate';

const rules: ExchangeRules = fallbackRules({
  symbol: 'BTCTRY',
  base: 'BTC',
  quote: 'TRY',
  tickSize: dec('1'),
  qtyStep: dec('0.001'),
  minNotional: dec('100'),
});
const ethRules: ExchangeRules = { ...rules, symbol: 'ETHTRY', base: 'ETH' };
const settings: ModeGateSettings = { MIN_ORDER_NOTIONAL_TRY: dec('10'), KILL_SWITCH_FREEZE_ALL: false };

const submit = (side: 'BUY' | 'SELL', qty: string, extra: Partial<SubmitAction> = {}): SubmitAction => ({
  kind: 'SUBMIT',
  symbol: 'BTCTRY',
  side,
  price: dec('1000'),
  qty: dec(qty),
  clientOrderId: `s-${side}-${qty}`,
  reason: 'new_intent',
  ...extra,
});
const cancel = (side: 'BUY' | 'SELL', id = `c-${side}`): CancelAction => ({
  kind: 'CANCEL',
  symbol: 'BTCTRY',
  side,
  price: dec('1000'),
  qty: dec('0.5'),
  clientOrderId: id,
  reason: 'stale',
});

const gate = (actions: Stage4Action[], over: Partial<ModeGateInput> = {}, s = settings) =>
  applyModeGate(
    {
      actions,
      mode: 'NORMAL',
      degrade: { buyQtyShrinkFactor: dec('1') },
      rankedSymbols: ['BTCTRY', 'ETHTRY'],
      rulesFor: rulesLookup([rules, ethRules]),
      ...over,
    },
    s,
  );
const ids = (r: { actions: readonly Stage4Action[] }) => r.actions.map((a) => a.clientOrderId);
const codes = (r: ReturnType<typeof gate>) => r.decisions.map((d) => `${d.clientOrderId}:${d.action}:${d.code}`);

describe('mode gate (spec 3.17)', () => {
  const all = [submit('BUY', '0.5'), submit('SELL', '0.5'), cancel('BUY'), cancel('SELL')];

  it('NORMAL lets every action through unchanged, with no decision', () => {
    const r = gate(all);
    expect(r.actions).toEqual(all);
    expect(r.decisions).toEqual([]);
  });

  it('REDUCE_RISK_ONLY keeps cancels and SELL submits; the BUY submit is blocked with the mode as reason', () => {
    const r = gate(all, { mode: 'REDUCE_RISK_ONLY' });
    expect(ids(r)).toEqual(['s-SELL-0.5', 'c-BUY', 'c-SELL']);
    expect(codes(r)).toEqual(['s-BUY-0.5:BLOCK:mode_reduce_risk_only']);
  });

  it('OBSERVE_ONLY lets only cancels through (a cancel never raises exposure)', () => {
    const r = gate(all, { mode: 'OBSERVE_ONLY' });
    expect(ids(r)).toEqual(['c-BUY', 'c-SELL']);
    expect(codes(r)).toEqual(['s-BUY-0.5:BLOCK:mode_observe_only', 's-SELL-0.5:BLOCK:mode_observe_only']);
  });

  it('OBSERVE_ONLY with KILL_SWITCH_FREEZE_ALL and the kill switch on lets nothing through', () => {
    const r = gate(
      all,
      { mode: 'OBSERVE_ONLY', killSwitch: { source: 'parameter' } },
      { ...settings, KILL_SWITCH_FREEZE_ALL: true },
    );
    expect(r.actions).toEqual([]);
  });
});

describe('degrade universe cap and BUY shrink (spec 3.16 levels, 3.17)', () => {
  it('drops submits of symbols outside the capped ranked universe, never a cancel', () => {
    const eth = submit('BUY', '0.5', { symbol: 'ETHTRY', clientOrderId: 'eth' });
    const ethCancel = { ...cancel('BUY', 'eth-cancel'), symbol: 'ETHTRY' };
    const r = gate([submit('BUY', '0.5'), eth, ethCancel], {
      degrade: { buyQtyShrinkFactor: dec('1'), universeCap: 1 },
    });
    expect(ids(r)).toEqual(['s-BUY-0.5', 'eth-cancel']);
    expect(codes(r)).toEqual(['eth:DROP:degrade_universe_cap']);
  });

  it('shrinks a BUY by the factor, floored to the step; a SELL keeps its size', () => {
    const r = gate([submit('BUY', '0.5'), submit('SELL', '0.5')], { degrade: { buyQtyShrinkFactor: dec('0.25') } });
    expect(r.actions.map((a) => toPlain(a.qty))).toEqual(['0.125', '0.5']);
    expect(codes(r)).toEqual(['s-BUY-0.5:SCALE:degrade_buy_shrink']);
    const odd = gate([submit('BUY', '0.333')], { degrade: { buyQtyShrinkFactor: dec('0.5') } });
    expect(toPlain(odd.actions[0]?.qty as Dec)).toBe('0.166');
  });

  it('drops a shrunk BUY below the minimum instead of raising it back (factor 0 drops every BUY)', () => {
    // 0.15 x 0.5 = 0.075 BTC at 1000 = 75 TRY < the venue minimum 100
    const r = gate([submit('BUY', '0.15')], { degrade: { buyQtyShrinkFactor: dec('0.5') } });
    expect(r.actions).toEqual([]);
    expect(codes(r)).toEqual(['s-BUY-0.15:DROP:degrade_buy_shrink_below_min']);
    expect(gate([submit('BUY', '5')], { degrade: { buyQtyShrinkFactor: dec('0') } }).actions).toEqual([]);
  });
});

describe('min-notional prefilter (spec 3.17)', () => {
  it('requires the higher of MIN_ORDER_NOTIONAL_TRY and the venue minimum', () => {
    // 0.15 BTC at 1000 = 150 TRY: above the venue's 100, below our own 200
    const r = gate([submit('SELL', '0.15')], {}, { ...settings, MIN_ORDER_NOTIONAL_TRY: dec('200') });
    expect(codes(r)).toEqual(['s-SELL-0.15:DROP:rejected_min_notional']);
    expect(gate([submit('SELL', '0.15')]).actions).toHaveLength(1);
  });

  it('raises a floored SUBMIT to the smallest step reaching the minimum when the intent reached it', () => {
    // intent 0.1004 BTC at 999.5 = 100.35 TRY; floored to 0.1 it is 99.95 TRY
    const floored = submit('BUY', '0.1', { price: dec('999.5'), intentNotional: dec('100.3498') });
    const r = gate([floored]);
    expect(toPlain(r.actions[0]?.qty as Dec)).toBe('0.101');
    expect(codes(r)).toEqual(['s-BUY-0.1:SCALE:min_notional_raised']);
  });

  it('drops a SUBMIT whose intent itself was below the minimum, and one without exchange rules', () => {
    const small = submit('BUY', '0.09', { intentNotional: dec('95') });
    const unknown = submit('BUY', '1', { symbol: 'XYZTRY', clientOrderId: 'xyz' });
    const r = gate([small, unknown]);
    expect(r.actions).toEqual([]);
    expect(codes(r)).toEqual(['s-BUY-0.09:DROP:rejected_min_notional', 'xyz:DROP:missing_exchange_rules']);
  });
});

describe('kill switch and freeze suppression (spec 3.17)', () => {
  const plan = [submit('BUY', '0.5'), submit('SELL', '0.5'), cancel('BUY')];

  it('suppresses every SUBMIT with the switch source; cancels still pass', () => {
    const r = gate(plan, { killSwitch: { source: 'KILL_SWITCH' } });
    expect(ids(r)).toEqual(['c-BUY']);
    expect(codes(r)).toEqual([
      's-BUY-0.5:SUPPRESS:kill_switch_suppressed:KILL_SWITCH',
      's-SELL-0.5:SUPPRESS:kill_switch_suppressed:KILL_SWITCH',
    ]);
  });

  it('with KILL_SWITCH_FREEZE_ALL also suppresses cancels', () => {
    const r = gate(plan, { killSwitch: { source: 'parameter' } }, { ...settings, KILL_SWITCH_FREEZE_ALL: true });
    expect(r.actions).toEqual([]);
    expect(r.decisions.at(-1)?.code).toBe('kill_switch_suppressed:parameter');
  });

  it('an active freeze suppresses the same way, naming the freeze reason', () => {
    const r = gate(plan, { freeze: { reason: 'unknown_open_order' } });
    expect(ids(r)).toEqual(['c-BUY']);
    expect(r.decisions.map((d) => d.code)).toEqual(Array(2).fill('freeze_suppressed:unknown_open_order'));
    const all = gate(plan, { freeze: { reason: 'x' } }, { ...settings, KILL_SWITCH_FREEZE_ALL: true });
    expect(all.actions).toEqual([]);
  });
});

describe('mode gate invariants (properties)', () => {
  const arbAction: fc.Arbitrary<Stage4Action> = fc
    .record({
      kind: fc.constantFrom('SUBMIT' as const, 'CANCEL' as const),
      symbol: fc.constantFrom('BTCTRY', 'ETHTRY', 'XYZTRY'),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      price: fc.integer({ min: 1, max: 5000 }),
      qtyMilli: fc.integer({ min: 0, max: 2000 }),
      intentExtraMilli: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      id: fc.uuid(),
    })
    .map((r) => {
      const base = {
        symbol: r.symbol,
        side: r.side,
        price: dec(String(r.price)),
        qty: dec(String(r.qtyMilli)).div(1000),
        clientOrderId: r.id,
      };
      if (r.kind === 'CANCEL') return { ...base, kind: 'CANCEL', reason: 'stale' };
      const intent =
        r.intentExtraMilli === undefined
          ? {}
          : { intentNotional: base.price.mul(dec(String(r.qtyMilli + r.intentExtraMilli)).div(1000)) };
      return { ...base, kind: 'SUBMIT', reason: 'new_intent', ...intent };
    });
  const arbInput = fc.record({
    actions: fc.uniqueArray(arbAction, { selector: (a) => a.clientOrderId, maxLength: 12 }),
    mode: fc.constantFrom<Mode>(...MODES),
    factor: fc.constantFrom('0', '0.25', '0.5', '1'),
    cap: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    kill: fc.boolean(),
    freezeAll: fc.boolean(),
  });
  type GateCase = typeof arbInput extends fc.Arbitrary<infer T> ? T : never;
  const run = (i: GateCase) =>
    gate(
      i.actions,
      {
        mode: i.mode,
        degrade: { buyQtyShrinkFactor: dec(i.factor), ...(i.cap === undefined ? {} : { universeCap: i.cap }) },
        ...(i.kill ? { killSwitch: { source: 'KILL_SWITCH' } } : {}),
      },
      { ...settings, KILL_SWITCH_FREEZE_ALL: i.freezeAll },
    );

  it('OBSERVE_ONLY yields no SUBMIT', () => {
    fc.assert(
      fc.property(arbInput, (i) => run({ ...i, mode: 'OBSERVE_ONLY' }).actions.every((a) => a.kind === 'CANCEL')),
    );
  });

  it('REDUCE_RISK_ONLY never yields a BUY SUBMIT', () => {
    fc.assert(
      fc.property(arbInput, (i) =>
        run({ ...i, mode: 'REDUCE_RISK_ONLY' }).actions.every((a) => a.kind === 'CANCEL' || a.side === 'SELL'),
      ),
    );
  });

  it('never adds an action: the output is an ordered subset of the input, same kind, symbol, side and price', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const out = run(i).actions;
        const byId = new Map(i.actions.map((a, n) => [a.clientOrderId, { a, n }]));
        let last = -1;
        for (const o of out) {
          const src = byId.get(o.clientOrderId);
          if (!src || src.n <= last) return false;
          last = src.n;
          const same = src.a.kind === o.kind && src.a.symbol === o.symbol && src.a.side === o.side;
          if (!same || !src.a.price.eq(o.price)) return false;
        }
        return true;
      }),
    );
  });

  it('every SUBMIT it passes meets the minimum, and an action it drops or resizes has a decision', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const r = run(i);
        const decided = new Set(r.decisions.map((d) => d.clientOrderId));
        const kept = new Map(r.actions.map((a) => [a.clientOrderId, a]));
        const submitsOk = r.actions.every((a) => a.kind === 'CANCEL' || a.price.mul(a.qty).gte(dec('100')));
        const explained = i.actions.every((a) => {
          const unchanged = kept.get(a.clientOrderId)?.qty.eq(a.qty) === true;
          return unchanged || decided.has(a.clientOrderId);
        });
        return submitsOk && explained;
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fallbackRules, rulesLookup } from '../../../../shared/domain/exchange-rules';
import { type Dec, dec, toPlain } from '../../../../shared/domain/money';
import type { CancelAction, Stage4Action, SubmitAction } from '../../../../shared/domain/oms/stage4-action';
import {
  type AgentPolicyInput,
  type AgentPolicySettings,
  applyAgentPolicy,
} from '../../../../shared/domain/risk/agent-policy';

const rulesFor = rulesLookup(
  ['BTCTRY', 'ETHTRY', 'SOLTRY'].map((symbol) =>
    fallbackRules({
      symbol,
      base: symbol.slice(0, 3),
      quote: 'TRY',
      tickSize: dec('1'),
      qtyStep: dec('0.01'),
      minNotional: dec('10'),
    }),
  ),
);
const on: AgentPolicySettings = {
  AGENT_POLICY_ENABLED: true,
  AGENT_OBSERVE_ONLY: false,
  AGENT_SYMBOL_ALLOWLIST: undefined,
  AGENT_MAX_ORDER_NOTIONAL_TRY: dec('0'),
  AGENT_MAX_SPREAD_BPS: dec('120'),
};
const submit = (symbol: string, qty: string, id = `${symbol}-${qty}`): SubmitAction => ({
  kind: 'SUBMIT',
  symbol,
  side: 'BUY',
  price: dec('1000'),
  qty: dec(qty),
  clientOrderId: id,
  reason: 'new_intent',
});
const cancel: CancelAction = { ...submit('BTCTRY', '1', 'cancel-1'), kind: 'CANCEL', reason: 'stale' };
const spreads = { BTCTRY: dec('10'), ETHTRY: dec('150'), SOLTRY: dec('20') };
const run = (actions: Stage4Action[], s: Partial<AgentPolicySettings> = {}, over: Partial<AgentPolicyInput> = {}) =>
  applyAgentPolicy({ cycleId: 'cycle-1', actions, spreadBps: spreads, rulesFor, ...over }, { ...on, ...s });
const codes = (r: ReturnType<typeof run>) => r.decisions.map((d) => `${d.clientOrderId}:${d.action}:${d.code}`);

describe('agent policy, rule-based (spec 3.22)', () => {
  const plan = [submit('BTCTRY', '0.5'), submit('ETHTRY', '0.5'), submit('SOLTRY', '0.5'), cancel];

  it('disabled: the plan passes unchanged and nothing is audited', () => {
    const r = run(plan, { AGENT_POLICY_ENABLED: false, AGENT_OBSERVE_ONLY: true });
    expect(r.actions).toBe(plan);
    expect(r.audit).toBeUndefined();
  });

  it('drops the submits of a symbol whose spread exceeds AGENT_MAX_SPREAD_BPS, or whose spread is unknown', () => {
    const r = run([...plan, submit('ADATRY', '1')]);
    expect(r.actions.map((a) => a.clientOrderId)).toEqual(['BTCTRY-0.5', 'SOLTRY-0.5', 'cancel-1']);
    expect(codes(r)).toEqual(['ETHTRY-0.5:DROP:agent_max_spread_bps', 'ADATRY-1:DROP:agent_spread_unknown']);
  });

  it('drops symbols outside AGENT_SYMBOL_ALLOWLIST; AGENT_OBSERVE_ONLY drops every submit but keeps cancels', () => {
    expect(
      codes(run(plan, { AGENT_SYMBOL_ALLOWLIST: ['BTCTRY', 'ETHTRY'], AGENT_MAX_SPREAD_BPS: dec('1000') })),
    ).toEqual(['SOLTRY-0.5:DROP:agent_symbol_not_allowed']);
    const observe = run(plan, { AGENT_OBSERVE_ONLY: true });
    expect(observe.actions).toEqual([cancel]);
    expect(observe.decisions.map((d) => d.code)).toEqual(Array(3).fill('agent_observe_only'));
  });

  it('trims a submit above AGENT_MAX_ORDER_NOTIONAL_TRY to the step below the cap; 0 disables the cap', () => {
    const r = run([submit('BTCTRY', '0.5')], { AGENT_MAX_ORDER_NOTIONAL_TRY: dec('333') });
    expect(toPlain(r.actions[0]?.qty as Dec)).toBe('0.33');
    expect(toPlain((r.actions[0] as SubmitAction).intentNotional as Dec)).toBe('330');
    expect(codes(r)).toEqual(['BTCTRY-0.5:SCALE:agent_max_order_notional_try']);
    expect(codes(run([submit('BTCTRY', '0.5')], { AGENT_MAX_ORDER_NOTIONAL_TRY: dec('5') }))).toEqual([
      'BTCTRY-0.5:DROP:agent_max_order_notional_try',
    ]);
    expect(run([submit('BTCTRY', '50')]).decisions).toEqual([]);
  });

  it('audits context, decision, safe decision and diff with a deterministic hash', () => {
    const a = run(plan, { AGENT_MAX_ORDER_NOTIONAL_TRY: dec('333') }).audit;
    const b = run(plan, { AGENT_MAX_ORDER_NOTIONAL_TRY: dec('333') }).audit;
    expect(a?.context.plan).toEqual(plan);
    expect(a?.safeDecision.map((x) => x.clientOrderId)).toEqual(['BTCTRY-0.5', 'SOLTRY-0.5', 'cancel-1']);
    expect(a?.decision.map((d) => d.code)).toEqual([
      'agent_max_order_notional_try',
      'agent_max_spread_bps',
      'agent_max_order_notional_try',
    ]);
    expect(a?.diff.map((d) => [d.clientOrderId, d.change, toPlain(d.qtyAfter)])).toEqual([
      ['BTCTRY-0.5', 'trimmed', '0.33'],
      ['ETHTRY-0.5', 'dropped', '0'],
      ['SOLTRY-0.5', 'trimmed', '0.33'],
    ]);
    expect(a?.diffHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a?.diffHash).toBe(b?.diffHash);
    expect(run(plan, { AGENT_MAX_ORDER_NOTIONAL_TRY: dec('350') }).audit?.diffHash).not.toBe(a?.diffHash);
  });

  it('only ever drops or trims: the output is a subset of the input with quantities no larger (property)', () => {
    const arbSubmit = fc
      .record({
        symbol: fc.constantFrom('BTCTRY', 'ETHTRY', 'SOLTRY', 'ADATRY'),
        centi: fc.integer({ min: 1, max: 500 }),
        id: fc.uuid(),
        cancel: fc.boolean(),
      })
      .map((r): Stage4Action => {
        const s = submit(r.symbol, dec(String(r.centi)).div(100).toFixed(), r.id);
        return r.cancel ? { ...s, kind: 'CANCEL', reason: 'stale' } : s;
      });
    const arbSettings = fc.record({
      AGENT_POLICY_ENABLED: fc.boolean(),
      AGENT_OBSERVE_ONLY: fc.boolean(),
      AGENT_SYMBOL_ALLOWLIST: fc.option(fc.subarray(['BTCTRY', 'ETHTRY', 'SOLTRY']), { nil: undefined }),
      AGENT_MAX_ORDER_NOTIONAL_TRY: fc.integer({ min: 0, max: 3000 }).map((n) => dec(String(n))),
      AGENT_MAX_SPREAD_BPS: fc.integer({ min: 0, max: 200 }).map((n) => dec(String(n))),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbSubmit, { selector: (a) => a.clientOrderId, maxLength: 10 }),
        arbSettings,
        (plan, s) => {
          const byId = new Map(plan.map((a) => [a.clientOrderId, a]));
          return run(plan, s).actions.every((o) => {
            const src = byId.get(o.clientOrderId);
            return src !== undefined && src.kind === o.kind && src.symbol === o.symbol && o.qty.lte(src.qty);
          });
        },
      ),
    );
  });
});

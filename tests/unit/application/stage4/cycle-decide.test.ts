// The decision half of a stage 4 cycle around its two optional layers: the dynamic universe (spec 3.2 step 6,
// 3.3), whose selection decides the symbols and the path the pipeline plans on and whose state comes back to
// be saved; and the agent policy (3.22), which sits between planning and lifecycle and only ever removes or
// trims SUBMITs.
import { describe, expect, it } from 'vitest';
import {
  type CycleSnapshot,
  type CycleUniverseInput,
  decideCycle,
} from '../../../../shared/application/stage4/cycle-decide';
import type { Stage4Settings } from '../../../../shared/application/stage4/stage4-settings';
import { INITIAL_UNIVERSE_STATE } from '../../../../shared/application/stage4/state/universe-state';
import { loadConfig } from '../../../../shared/config/load-config';
import type { Decision } from '../../../../shared/domain/decision';
import { fallbackRules } from '../../../../shared/domain/exchange-rules';
import { dec } from '../../../../shared/domain/money';
import type { OpenOrderView } from '../../../../shared/domain/oms/stage4-action';
import { AGGRESSIVE_STRATEGY_ID } from '../../../../shared/domain/portfolio/decision-pipeline';
import { book, DAY, dayAgo, MINUTE, tryPair } from '../../domain/market/universe-fixtures';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const SYMBOLS = ['BTCTRY', 'ETHTRY'];
const settings: Stage4Settings = loadConfig({});
const rulesOf = (symbol: string) =>
  fallbackRules({
    symbol,
    base: symbol.slice(0, -3),
    quote: 'TRY',
    tickSize: dec('1'),
    qtyStep: dec('0.00001'),
    minNotional: dec('10'),
  });

/** BTCTRY bid 1,000,000 / ask 1,000,200 (2 bps); ETHTRY bid 100,000 / ask 100,020 (2 bps) */
function snapshot(over: Partial<CycleSnapshot> = {}): CycleSnapshot {
  return {
    account: 'default',
    cycleId: 'cycle-1',
    nowMs: NOW,
    symbols: SYMBOLS,
    rules: new Map(SYMBOLS.map((s) => [s, rulesOf(s)])),
    marks: new Map([
      ['BTCTRY', dec('1000000')],
      ['ETHTRY', dec('100000')],
    ]),
    mids: new Map([
      ['BTCTRY', dec('1000100')],
      ['ETHTRY', dec('100010')],
    ]),
    positions: new Map(),
    cashTry: dec('10000'),
    ownOpen: [],
    allOpen: [],
    realizedTodayTry: dec('0'),
    drawdownPct: dec('0'),
    multiplier: dec('1'),
    mode: 'NORMAL',
    degrade: { buyQtyShrinkFactor: dec('1') },
    ...over,
  };
}

const submits = (d: ReturnType<typeof decideCycle>) =>
  d.actions.filter((a) => a.kind === 'SUBMIT').map((a) => `${a.symbol}:${a.side}`);
const coded = (decisions: readonly Decision[], layer: string) =>
  decisions.filter((d) => d.layer === layer).map((d) => (d.symbol ? `${d.symbol}:${d.code}` : d.code));

/** A BUY of ours resting far below BTCTRY's mid: lifecycle pulls it as drifted */
const drifted: OpenOrderView = {
  clientOrderId: 'bb4-BTCTRY-b-old',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('900000'),
  qty: dec('0.00005'),
  updatedAtMs: NOW - 10_000,
};

describe('decideCycle: the baseline strategy anchors a held symbol at its average entry', () => {
  const held = (avgCost: string) =>
    new Map([
      [
        'BTCTRY',
        { symbol: 'BTCTRY', qty: dec('0.001'), avgCost: dec(avgCost), realizedPnl: dec('0'), feesPaid: dec('0') },
      ],
    ]);
  const btc = (d: ReturnType<typeof decideCycle>) => submits(d).filter((x) => x.startsWith('BTCTRY'));

  it('buys more when the mark sits 50 bps or more below the entry, sells when far enough above it', () => {
    // mark 1,000,000: 0.5 % below an entry of 1,005,026 (-50.0 bps), 1 % above an entry of 990,000
    const cashTry = dec('1000000');
    expect(btc(decideCycle(snapshot({ positions: held('1005026'), cashTry }), settings))).toEqual(['BTCTRY:BUY']);
    expect(btc(decideCycle(snapshot({ positions: held('990000'), cashTry }), settings))).toEqual(['BTCTRY:SELL']);
  });

  it('stays quiet within 50 bps of the entry', () => {
    const cashTry = dec('1000000');
    expect(btc(decideCycle(snapshot({ positions: held('1000000'), cashTry }), settings))).toEqual([]);
    expect(btc(decideCycle(snapshot({ positions: held('1004000'), cashTry }), settings))).toEqual([]);
  });
});

describe('decideCycle without the optional layers', () => {
  it('plans the baseline bootstrap BUY of every configured symbol, and returns no state or audit', () => {
    const d = decideCycle(snapshot(), settings);
    expect(submits(d)).toEqual(['BTCTRY:BUY', 'ETHTRY:BUY']);
    expect(d.universe).toBeUndefined();
    expect(d.agentAudit).toBeUndefined();
    expect(coded(d.decisions, 'agent')).toEqual([]);
  });
});

describe('decideCycle: the agent policy (spec 3.22) between planning and lifecycle', () => {
  const agent = (over: Partial<Stage4Settings>): Stage4Settings => ({
    ...settings,
    AGENT_POLICY_ENABLED: true,
    ...over,
  });

  it('AGENT_OBSERVE_ONLY drops every SUBMIT with its reason and audit, and lets lifecycle cancels through', () => {
    const d = decideCycle(snapshot({ ownOpen: [drifted], allOpen: [drifted] }), agent({ AGENT_OBSERVE_ONLY: true }));
    expect(submits(d)).toEqual([]);
    expect(coded(d.decisions, 'agent')).toEqual(['BTCTRY:agent_observe_only', 'ETHTRY:agent_observe_only']);
    // with its replacement dropped before lifecycle, the drifted order is pulled as a plain stale cancel
    expect(d.actions.map((a) => `${a.kind}:${a.clientOrderId}:${a.reason}`)).toEqual([
      `CANCEL:${drifted.clientOrderId}:stale`,
    ]);
    expect(d.agentAudit?.diff.map((e) => e.change)).toEqual(['dropped', 'dropped']);
    expect(d.agentAudit?.diffHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('AGENT_SYMBOL_ALLOWLIST keeps the allowed symbols only', () => {
    const d = decideCycle(snapshot(), agent({ AGENT_SYMBOL_ALLOWLIST: ['ETHTRY'] }));
    expect(submits(d)).toEqual(['ETHTRY:BUY']);
    expect(coded(d.decisions, 'agent')).toEqual(['BTCTRY:agent_symbol_not_allowed']);
  });

  it('AGENT_MAX_SPREAD_BPS reads the spread the snapshot quotes: ask - bid = 2 (mid - bid)', () => {
    // ETHTRY bid 100,000 and mid 100,700: ask 101,400, 139.0 bps of the mid
    const mids = new Map([
      ['BTCTRY', dec('1000100')],
      ['ETHTRY', dec('100700')],
    ]);
    expect(submits(decideCycle(snapshot({ mids }), agent({ AGENT_MAX_SPREAD_BPS: dec('140') })))).toEqual([
      'BTCTRY:BUY',
      'ETHTRY:BUY',
    ]);
    const d = decideCycle(snapshot({ mids }), agent({ AGENT_MAX_SPREAD_BPS: dec('139') }));
    expect(submits(d)).toEqual(['BTCTRY:BUY']);
    expect(coded(d.decisions, 'agent')).toEqual(['ETHTRY:agent_max_spread_bps']);
  });

  it('AGENT_MAX_ORDER_NOTIONAL_TRY trims a SUBMIT, never enlarges it', () => {
    const plain = decideCycle(snapshot(), settings);
    const d = decideCycle(snapshot(), agent({ AGENT_MAX_ORDER_NOTIONAL_TRY: dec('20') }));
    const notionals = (x: typeof d) =>
      x.actions.filter((a) => a.kind === 'SUBMIT').map((a) => `${a.symbol}:${a.price.mul(a.qty).toFixed()}`);
    // 50 TRY bootstrap BUYs at the bid, trimmed to what 20 TRY buys on the 0.00001 step
    expect(notionals(plain)).toEqual(['BTCTRY:50', 'ETHTRY:50']);
    expect(notionals(d)).toEqual(['BTCTRY:20', 'ETHTRY:20']);
    expect(coded(d.decisions, 'agent')).toEqual([
      'BTCTRY:agent_max_order_notional_try',
      'ETHTRY:agent_max_order_notional_try',
    ]);
  });
});

describe('decideCycle: the dynamic universe (spec 3.2 step 6, 3.3)', () => {
  const pairs = [tryPair('BTCTRY'), tryPair('ETHTRY')];
  // deep, tight books: both pass every filter once a mid of 24 h ago is stored
  const books = [
    book('BTCTRY', '1000000', '1000200', { nowMs: NOW }),
    book('ETHTRY', '100000', '100020', { nowMs: NOW }),
  ];
  const universe = (over: Partial<CycleUniverseInput> = {}): CycleUniverseInput => ({
    state: INITIAL_UNIVERSE_STATE,
    nowMs: NOW,
    pairs,
    books,
    emptyFallback: 'dry_run',
    ...over,
  });
  // BTCTRY rose 10 % in a day, ETHTRY fell 10 %
  const history = [dayAgo('BTCTRY', '909000', 0, NOW), dayAgo('ETHTRY', '111000', 0, NOW)];

  it('a first refresh has no history: the selection is empty, dry-run falls back to the configured symbols, and the mids are kept', () => {
    const d = decideCycle(snapshot({ universe: universe() }), settings);
    expect(submits(d)).toEqual(['BTCTRY:BUY', 'ETHTRY:BUY']);
    expect(coded(d.decisions, 'universe')).toEqual([
      'BTCTRY:insufficient_history',
      'ETHTRY:insufficient_history',
      'dry_run_empty_selection',
    ]);
    expect(d.universe?.previous).toEqual({
      symbols: [],
      refreshedAtMs: NOW,
      changesDayStartMs: NOW - (NOW % DAY),
      changesToday: 0,
    });
    expect(d.universe?.midHistory.map((p) => `${p.symbol}@${p.atMs}:${p.mid}`)).toEqual([
      `BTCTRY@${NOW}:1000100`,
      `ETHTRY@${NOW}:100010`,
    ]);
  });

  it('live without DYNAMIC_UNIVERSE_LIVE_FALLBACK_ENABLED trades nothing on an empty selection', () => {
    const d = decideCycle(snapshot({ universe: universe({ emptyFallback: 'none' }) }), settings);
    expect(submits(d)).toEqual([]);
    expect(coded(d.decisions, 'universe')).toContain('live_empty_selection_no_fallback');
  });

  it('a refresh with history selects the top N by score and plans the aggressive path on them only', () => {
    const state = { ...INITIAL_UNIVERSE_STATE, midHistory: history };
    const d = decideCycle(snapshot({ universe: universe({ state }) }), { ...settings, UNIVERSE_TOP_N: 1 });
    expect(coded(d.decisions, 'universe')).toEqual(['BTCTRY:selected', 'ETHTRY:not_in_top_n']);
    const orders = d.actions.filter((a) => a.kind === 'SUBMIT');
    expect(orders.map((a) => `${a.symbol}:${a.side}:${a.kind === 'SUBMIT' ? a.strategyId : ''}`)).toEqual([
      `BTCTRY:BUY:${AGGRESSIVE_STRATEGY_ID}`,
    ]);
    expect(d.universe?.previous?.symbols).toEqual(['BTCTRY']);
    expect(d.universe?.symbolStates.map((s) => s.symbol)).toEqual(['BTCTRY']);
  });

  it('a young selection is reused without books: no scores, so the baseline path plans on the selected symbols', () => {
    const previous = {
      symbols: ['ETHTRY'],
      refreshedAtMs: NOW - 10 * MINUTE,
      changesDayStartMs: NOW - (NOW % DAY),
      changesToday: 1,
    };
    const state = { ...INITIAL_UNIVERSE_STATE, previous };
    const d = decideCycle(snapshot({ universe: universe({ state, books: [] }) }), settings);
    expect(coded(d.decisions, 'universe')).toEqual(['selection_reused', 'ETHTRY:selected']);
    expect(submits(d)).toEqual(['ETHTRY:BUY']);
    expect(d.universe?.previous).toEqual(previous);
  });

  it('the degrade universe cap keeps a prefix of the selection in rank order', () => {
    // ETHTRY doubled in a day: its momentum outweighs BTCTRY's deeper book
    const state = {
      ...INITIAL_UNIVERSE_STATE,
      midHistory: [dayAgo('BTCTRY', '1000000', 0, NOW), dayAgo('ETHTRY', '50000', 0, NOW)],
    };
    const d = decideCycle(
      snapshot({ universe: universe({ state }), degrade: { buyQtyShrinkFactor: dec('1'), universeCap: 1 } }),
      settings,
    );
    expect(d.universe?.previous?.symbols).toEqual(['ETHTRY', 'BTCTRY']);
    expect(submits(d)).toEqual(['ETHTRY:BUY']);
    expect(coded(d.decisions, 'mode_gate')).toEqual(['BTCTRY:degrade_universe_cap']);
  });

  it('without exchange info nothing is selected or saved, and the empty-selection fallback applies', () => {
    const d = decideCycle(snapshot({ universe: universe({ pairs: undefined, emptyFallback: 'live' }) }), settings);
    expect(coded(d.decisions, 'universe')).toEqual(['exchange_info_unavailable', 'live_empty_selection']);
    expect(submits(d)).toEqual(['BTCTRY:BUY', 'ETHTRY:BUY']);
    expect(d.universe).toBeUndefined();
  });
});

// Stage 7 fills into the ledger (spec 4.13): the worked example through the real OMS, market simulator,
// ledger and report; the fill id, fee and slippage formulas; the live ledger's event shape; which orders are
// materialized and at what time; every refusal; the books' conservation check.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryStateStores } from '../../../../shared/adapters/memory/state-stores';
import { ingestFills } from '../../../../shared/application/ingest-fills';
import { CorruptStateError, ValidationError } from '../../../../shared/domain/errors';
import { type CanonicalValue, canonicalJson } from '../../../../shared/domain/hashing';
import { ledgerReport } from '../../../../shared/domain/ledger/ledger-report';
import { averageCostPositions, heldQty, replayLedger } from '../../../../shared/domain/ledger/ledger-state';
import {
  STAGE7_FILL_SOURCE,
  type Stage7FillsInput,
  stage7BookDifferences,
  stage7FillId,
  stage7Fills,
} from '../../../../shared/domain/ledger/stage7-fills';
import { Stage7MarketSimulator } from '../../../../shared/domain/market/stage7-market-simulator';
import { Dec, dec, toPlain } from '../../../../shared/domain/money';
import type { Stage7Intent, Stage7Market } from '../../../../shared/domain/oms/stage7-intent';
import { processIntents } from '../../../../shared/domain/oms/stage7-oms';
import {
  applyStage7Writes,
  EMPTY_STAGE7_OMS_STATE,
  type Stage7OmsState,
  type Stage7Order,
  type Stage7OrderEvent,
  stage7EventId,
  stage7OrderId,
} from '../../../../shared/domain/oms/stage7-oms-state';
import { SimulatedAccount } from '../../../../shared/domain/portfolio/simulated-account';

const T0 = 1_700_000_000_000;
const ACCOUNT = 'stage7';
const plain = (x: Dec) => toPlain(x);
const bytes = (x: unknown) => canonicalJson(x as CanonicalValue);

/** A LIMIT intent; the client id's last hex digit decides one slice (odd) or two (even) in the simulator */
function intent(
  cycleId: string,
  symbol: string,
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  hex = '00000000000b',
) {
  const [q, p] = [dec(qty), dec(price)];
  return {
    cycleId,
    symbol,
    side,
    orderType: 'LIMIT',
    price: p,
    qty: q,
    notionalTry: q.mul(p),
    clientOrderId: `s7:${cycleId}:${symbol}:${side}:${hex}`,
    reason: 'rebalance',
    skipped: false,
  } satisfies Stage7Intent;
}

/** Fills every submit at the limit price in one slice */
const atLimit: Stage7Market = {
  submit: (i) => ({ outcome: { kind: 'filled', slices: [{ qty: i.qty, price: i.price }] } }),
};

/** One OMS intents pass at `nowMs`, its writes applied */
function pass(state: Stage7OmsState, intents: readonly Stage7Intent[], nowMs: number, market: Stage7Market = atLimit) {
  const result = processIntents(
    { state, nowMs, intents },
    { market, limiter: { tryConsume: () => ({ ok: true }) }, retryDelayMs: () => 0 },
    { STAGE7_RETRY_MAX_ATTEMPTS: 1 },
  );
  return { result, state: applyStage7Writes(state, result) };
}

const all = (state: Stage7OmsState): Stage7FillsInput => ({
  account: ACCOUNT,
  orders: state.orders.values(),
  events: state.events,
});

const simulator = (account: SimulatedAccount, feesBps: string, slippageBps = '0', mark?: string) =>
  new Stage7MarketSimulator(
    { STAGE7_SIM_REJECT_PROB_BPS: 0, STAGE7_SLIPPAGE_BPS: dec(slippageBps), STAGE7_FEES_BPS: dec(feesBps) },
    { markPrice: () => (mark === undefined ? undefined : dec(mark)), account },
  );

describe('stage 7 fills (spec 4.13)', () => {
  it('books the spec example: buy 1 @100, sell 1 @110, fees 10 bps -> gross 10, fees 0.21, net 9.79', () => {
    const market = simulator(SimulatedAccount.open({ TRY: dec('1000') }), '10');
    const first = pass(EMPTY_STAGE7_OMS_STATE, [intent('c1', 'BTCTRY', 'BUY', '1', '100')], T0, market);
    const second = pass(first.state, [intent('c2', 'BTCTRY', 'SELL', '1', '110')], T0 + 60_000, market);
    const batch = stage7Fills(all(second.state), dec('10'));
    expect(batch.fills.map((f) => [f.side, plain(f.price), plain(f.feeTry)])).toEqual([
      ['BUY', '100', '0.1'],
      ['SELL', '110', '0.11'],
    ]);
    const ledger = replayLedger(batch.events);
    const report = ledgerReport(ledger, new Map([['BTCTRY', dec('110')]]), market.account.balance('TRY').free, T0);
    expect([report.realizedTry, report.grossTry, report.feesTry, report.netTry].map(plain)).toEqual([
      '10',
      '10',
      '0.21',
      '9.79',
    ]);
    // positions come from the same ledger: flat, the average-cost view agreeing on the net
    expect(heldQty(ledger.symbols.get('BTCTRY') ?? expect.fail('no BTCTRY book'))).toEqual(dec('0'));
    expect(plain(averageCostPositions(ledger).get('BTCTRY')?.realizedPnl ?? dec('-1'))).toBe('9.79');
    // and the simulated account spent and received exactly that: 1000 - 100.1 + 109.89
    expect(plain(market.account.balance('TRY').free)).toBe('1009.79');
    expect(stage7BookDifferences(market.account, ledger, { TRY: dec('1000') })).toEqual([]);
  });

  it('derives the fill id as s7f: + sha256("{cycle}|{coid}|{SYMBOL}|{SIDE}")[:16], the symbol canonical', () => {
    const coid = 's7:c1:BTCTRY:BUY:00000000000b';
    const hex = createHash('sha256').update(`c1|${coid}|BTCTRY|BUY`).digest('hex').slice(0, 16);
    expect(stage7FillId('c1', coid, 'btc_try', 'BUY')).toBe(`s7f:${hex}`);
    expect(stage7FillId('c1', coid, 'BTCTRY', 'SELL')).not.toBe(`s7f:${hex}`);
    const { state } = pass(EMPTY_STAGE7_OMS_STATE, [intent('c1', 'BTCTRY', 'BUY', '1', '100')], T0);
    const [fill] = stage7Fills(all(state), dec('10')).fills;
    expect([fill?.fillId, fill?.source, fill?.cycleId]).toEqual([`s7f:${hex}`, STAGE7_FILL_SOURCE, 'c1']);
  });

  it('charges avg x qty x bps / 10000 and counts |avg - limit| x qty of slippage, one fill per order', () => {
    // mark 100, slippage 10 bps: a BUY fills at 100.1 and a SELL at 99.9; the BUY's id ends in an even
    // digit, so it fills in two slices (1.2 then 0.8) and is still one fill of 2 at their average
    const market = simulator(SimulatedAccount.open({ TRY: dec('1000'), ETH: dec('5') }), '20', '10', '100');
    const { state, result } = pass(
      EMPTY_STAGE7_OMS_STATE,
      [
        intent('c1', 'BTCTRY', 'BUY', '2', '99', '00000000000a'),
        intent('c1', 'ETHTRY', 'SELL', '3', '101', '000000000001'),
      ],
      T0,
      market,
    );
    expect(result.eventCounts.PARTIAL_FILL).toBe(1);
    const batch = stage7Fills(all(state), dec('20'));
    expect(
      batch.fills.map((f) => [f.symbol, plain(f.qty), plain(f.price), plain(f.feeTry), plain(f.slippageTry)]),
    ).toEqual([
      ['BTCTRY', '2', '100.1', '0.4004', '2.2'], // 200.2 x 20 bps; |100.1 - 99| x 2
      ['ETHTRY', '3', '99.9', '0.5994', '3.3'], // 299.7 x 20 bps; |99.9 - 101| x 3
    ]);
    expect([plain(batch.feesTry), plain(batch.slippageTry)]).toEqual(['0.9998', '5.5']);
  });

  it('writes the events ingest-fills writes for the same fill in TRY, the FEE trade id namespaced', async () => {
    const { state } = pass(EMPTY_STAGE7_OMS_STATE, [intent('c1', 'BTCTRY', 'BUY', '0.5', '2000')], T0);
    const [fill] = stage7Fills(all(state), dec('15')).fills;
    if (fill === undefined) return expect.fail('no fill');
    const stores = createMemoryStateStores();
    const venueFill = {
      tradeId: fill.fillId,
      orderId: fill.orderId,
      clientOrderId: fill.clientOrderId,
      symbol: fill.symbol,
      side: fill.side,
      price: fill.price,
      qty: fill.qty,
      fee: fill.feeTry,
      tax: dec('0'),
      feeAsset: 'TRY',
      timestampMs: fill.timestampMs,
    };
    await ingestFills({ exchange: { userTrades: async () => [venueFill] }, ...stores }, ACCOUNT, ['BTCTRY'], {
      nowMs: T0 + 1,
      lookbackMs: 60_000,
      marks: new Map(),
    });
    const live = await stores.ledger.list(ACCOUNT);
    const [fillEvent, feeEvent] = fill.events;
    expect(live.map((e) => e.eventId)).toEqual([`fee#BTCTRY#${fill.fillId}`, `fill#BTCTRY#${fill.fillId}`]);
    expect(bytes(fillEvent)).toBe(bytes(live.find((e) => e.type === 'FILL')));
    expect(feeEvent?.tradeId).toBe(`fee:${fill.fillId}`);
    expect(bytes({ ...feeEvent, tradeId: fill.fillId })).toBe(bytes(live.find((e) => e.type === 'FEE')));
    expect([plain(fill.feeTry), fillEvent?.feeAsset, feeEvent?.feeAsset]).toEqual(['1.5', 'TRY', 'TRY']);
  });

  it('writes no FEE event when the fee rate is 0, as ingest-fills for a fill without fee', () => {
    const { state } = pass(EMPTY_STAGE7_OMS_STATE, [intent('c1', 'BTCTRY', 'BUY', '1', '100')], T0);
    const batch = stage7Fills(all(state), dec('0'));
    expect(batch.events.map((e) => [e.type, plain(e.fee)])).toEqual([['FILL', '0']]);
  });

  it('materializes FILLED orders only, once each, in client id order, whatever order they are given in', () => {
    const rejecting: Stage7Market = {
      submit: (i) =>
        i.side === 'SELL' ? { outcome: { kind: 'rejected', reason: 'sim_reject' } } : atLimit.submit(i, 1),
    };
    const intents = [
      intent('c1', 'ETHTRY', 'BUY', '1', '50', '000000000003'),
      intent('c1', 'BTCTRY', 'SELL', '1', '100', '000000000005'),
      intent('c1', 'BTCTRY', 'BUY', '1', '100', '000000000007'),
    ];
    const { state } = pass(EMPTY_STAGE7_OMS_STATE, intents, T0, rejecting);
    const canceled = processIntents(
      {
        state,
        nowMs: T0 + 1,
        intents: [intent('c1', 'XRPTRY', 'BUY', '1', '5')],
        cancelRequested: new Set(['s7:c1:XRPTRY:BUY:00000000000b']),
      },
      { market: atLimit, limiter: { tryConsume: () => ({ ok: true }) }, retryDelayMs: () => 0 },
      { STAGE7_RETRY_MAX_ATTEMPTS: 1 },
    );
    const after = applyStage7Writes(state, canceled);
    expect([...after.orders.values()].map((o) => o.status).sort()).toEqual([
      'CANCELED',
      'FILLED',
      'FILLED',
      'REJECTED',
    ]);
    const forward = stage7Fills(all(after), dec('10'));
    const backward = stage7Fills(
      { ...all(after), orders: [...after.orders.values(), ...after.orders.values()].reverse() },
      dec('10'),
    );
    expect(forward.fills.map((f) => f.clientOrderId)).toEqual([
      's7:c1:BTCTRY:BUY:000000000007',
      's7:c1:ETHTRY:BUY:000000000003',
    ]);
    expect(bytes(backward)).toBe(bytes(forward));
  });

  it('trusts the events over a stale row, and keeps the FILLED time when a later pass touches the order', () => {
    const first = pass(EMPTY_STAGE7_OMS_STATE, [intent('c1', 'BTCTRY', 'BUY', '1', '100')], T0);
    const once = stage7Fills(all(first.state), dec('10'));
    // a later pass meets the terminal order again: DUPLICATE_IGNORED moves the row's updatedAtMs, not the fill
    const later = pass(first.state, [intent('c1', 'BTCTRY', 'BUY', '1', '100')], T0 + 5_000);
    expect(later.result.eventCounts.DUPLICATE_IGNORED).toBe(1);
    const [row] = later.result.orders;
    expect(row?.updatedAtMs).toBe(T0 + 5_000);
    const again = stage7Fills({ account: ACCOUNT, orders: later.result.orders, events: later.state.events }, dec('10'));
    expect(bytes(again)).toBe(bytes(once));
    expect(again.fills[0]?.timestampMs).toBe(T0);
    // a row whose projection was not rewritten still reads ACKED: its events say FILLED
    const stale = { ...(row as Stage7Order), status: 'ACKED' as const };
    expect(bytes(stage7Fills({ ...all(later.state), orders: [stale] }, dec('10')))).toBe(bytes(once));
  });

  it('leaves out a FILLED order whose filled qty or average price is not > 0 (spec 4.13)', () => {
    const { state } = pass(EMPTY_STAGE7_OMS_STATE, [intent('c1', 'BTCTRY', 'BUY', '1', '100')], T0);
    const [order] = state.orders.values();
    if (order === undefined) return expect.fail('no order');
    const id = order.clientOrderId;
    const events = (state.events.get(id) ?? []).map(
      (e): Stage7OrderEvent => (e.type === 'FILLED' ? { ...e, qty: dec('0') } : e),
    );
    const batch = stage7Fills({ account: ACCOUNT, orders: [order], events: new Map([[id, events]]) }, dec('10'));
    expect(batch.fills).toEqual([]);
    expect(batch.events).toEqual([]);
  });

  describe('refuses', () => {
    const { state } = pass(EMPTY_STAGE7_OMS_STATE, [intent('c1', 'BTCTRY', 'BUY', '1', '100')], T0);
    const issuesOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof ValidationError) return [e.constructor.name, e.issues.map((i) => i.path)];
        throw e;
      }
      return expect.fail('expected a ValidationError');
    };

    it('an empty ledger account and a fee rate that is negative or not finite', () => {
      expect(issuesOf(() => stage7Fills({ ...all(state), account: '' }, dec('-1')))).toEqual([
        'ValidationError',
        ['account', 'feesBps'],
      ]);
      expect(issuesOf(() => stage7Fills(all(state), new Dec('NaN')))).toEqual(['ValidationError', ['feesBps']]);
    });

    it('a filled order on a pair not quoted in TRY: its fee could not be charged in TRY', () => {
      const usdt = pass(EMPTY_STAGE7_OMS_STATE, [intent('c1', 'BTCUSDT', 'BUY', '1', '100')], T0).state;
      expect(issuesOf(() => stage7Fills(all(usdt), dec('10')))).toEqual(['ValidationError', ['symbol']]);
    });

    it('a row saying FILLED whose events never reached FILLED (CorruptStateError)', () => {
      const [order] = state.orders.values();
      const noEvents = { account: ACCOUNT, orders: [order as Stage7Order], events: new Map() };
      expect(() => stage7Fills(noEvents, dec('10'))).toThrow(CorruptStateError);
      expect(issuesOf(() => stage7Fills(noEvents, dec('10')))).toEqual(['CorruptStateError', ['status']]);
    });
  });

  it('gives the same bytes for the same inputs', () => {
    const build = () => {
      const market = simulator(SimulatedAccount.open({ TRY: dec('5000') }), '7.5', '3', '101');
      const { state } = pass(
        EMPTY_STAGE7_OMS_STATE,
        [
          intent('c9', 'BTCTRY', 'BUY', '1.23456789', '100', '00000000000c'),
          intent('c9', 'ETHTRY', 'BUY', '2', '50', '00000000000d'),
        ],
        T0,
        market,
      );
      return bytes(stage7Fills(all(state), dec('7.5')));
    };
    expect(build()).toBe(build());
  });
});

describe('stage 7 books: the simulated account against the ledger', () => {
  /** An order FILLED at `tsMs` (events as the OMS writes them), without going through a market */
  function filledOrder(coid: string, side: 'BUY' | 'SELL', qty: string, price: string, tsMs: number) {
    const order: Stage7Order = {
      orderId: stage7OrderId(coid),
      clientOrderId: coid,
      cycleId: 'c1',
      symbol: 'BTCTRY',
      side,
      orderType: 'LIMIT',
      price: dec(price),
      qty: dec(qty),
      notionalTry: dec(qty).mul(dec(price)),
      intentHash: 'h',
      intentReason: 'rebalance',
      status: 'FILLED',
      filledQty: dec(qty),
      avgFillPrice: dec(price),
      statusReason: undefined,
      createdAtMs: tsMs,
      updatedAtMs: tsMs,
    };
    const identity = (seq: number, type: Stage7OrderEvent['type']) => ({
      eventId: stage7EventId(coid, seq, type),
      orderId: order.orderId,
      clientOrderId: coid,
      seq,
      tsMs,
      passId: `intents:${tsMs}`,
    });
    const events: Stage7OrderEvent[] = [
      { type: 'SUBMIT_REQUESTED', ...identity(1, 'SUBMIT_REQUESTED') },
      { type: 'ACKED', ...identity(2, 'ACKED') },
      { type: 'FILLED', qty: dec(qty), avgPrice: dec(price), ...identity(3, 'FILLED') },
    ];
    return { order, events };
  }

  it('reports opening base holdings the ledger has no lots for: quantities agree, the proceeds do not', () => {
    const sell = filledOrder('s7:c1:BTCTRY:SELL:000000000001', 'SELL', '1', '100', T0);
    const account = SimulatedAccount.open({ TRY: dec('0'), BTC: dec('1') }).applyFill({
      symbol: 'BTCTRY',
      side: 'SELL',
      qty: dec('1'),
      price: dec('100'),
      feeTry: dec('0'),
    });
    const batch = stage7Fills(
      { account: ACCOUNT, orders: [sell.order], events: new Map([[sell.order.clientOrderId, sell.events]]) },
      dec('0'),
    );
    const differences = stage7BookDifferences(account, replayLedger(batch.events), { BTC: dec('1') });
    expect(differences.map((d) => [d.asset, plain(d.account), plain(d.ledger)])).toEqual([['TRY', '100', '0']]);
  });

  it('reports a SELL the ledger replays before the same-pass BUY it needed (same time: fill id order)', () => {
    // one pass fills a BUY then a SELL of one symbol (client id order) at one time; the ledger orders them
    // by event id, and for these ids the SELL's sorts first, so the ledger sees an oversell
    const buy = filledOrder('s7:c1:BTCTRY:BUY:000000000001', 'BUY', '1', '100', T0);
    const sell = filledOrder('s7:c1:BTCTRY:SELL:000000000003', 'SELL', '1', '110', T0);
    const batch = stage7Fills(
      {
        account: ACCOUNT,
        orders: [buy.order, sell.order],
        events: new Map([
          [buy.order.clientOrderId, buy.events],
          [sell.order.clientOrderId, sell.events],
        ]),
      },
      dec('0'),
    );
    const [buyId, sellId] = batch.fills.map((f) => f.events[0]?.eventId ?? '');
    expect((sellId ?? '') < (buyId ?? '')).toBe(true);
    let account = SimulatedAccount.open({ TRY: dec('100') });
    for (const f of batch.fills) {
      account = account.applyFill({ symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, feeTry: f.feeTry });
    }
    const ledger = replayLedger(batch.events);
    expect(plain(ledger.symbols.get('BTCTRY')?.oversold ?? dec('0'))).toBe('1');
    const differences = stage7BookDifferences(account, ledger, { TRY: dec('100') });
    expect(differences.map((d) => [d.asset, plain(d.account), plain(d.ledger)])).toEqual([['TRY', '110', '0']]);
  });
});

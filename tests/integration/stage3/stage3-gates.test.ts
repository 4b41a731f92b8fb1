// The pre-trade gates of the spec in a live cycle on the simulator (issue 11): balance precheck (2.8 step 3),
// venue rules (5.4, 3.19), observe-only without a mark price (2.5), sell-only when a private read fails
// (9.1.8), observe-only under a read 429 (2.3 step 15). Each blocked intent is checked against the venue's
// own books: no exchange write, no journal row, and the gate's reason code in the cycle's decisions.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BALANCES } from '../../../local/btcturk-sim/options';
import { ExchangeRateLimitedError, ExchangeUnavailableError } from '../../../shared/domain/errors';
import { dec } from '../../../shared/domain/money';
import type { Exchange } from '../../../shared/ports/exchange';
import {
  failingReads,
  restingBuy,
  type Stage3Harness,
  seedPosition,
  stage3Harness,
  unknownBuy,
} from '../../support/stage3-harness';

let h: Stage3Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Sides of the orders the venue holds for `symbol`, read from the simulator through the real gateway */
async function venueSides(harness: Stage3Harness, symbol: string): Promise<string[]> {
  return (await harness.exchange.allOrders(symbol, 0)).map((o) => o.side);
}

/** The decisions of the cycle's audit record, where an operator reads why nothing was sent */
async function audited(harness: Stage3Harness): Promise<readonly string[]> {
  const [audit] = await harness.stores.audits.latest('stage3', 'default', 1);
  return audit?.decisions ?? [];
}

async function journalRows(harness: Stage3Harness): Promise<number> {
  const counts = await harness.stores.journal.countByStatus('default');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

const unavailable = () => new ExchangeUnavailableError('injected: read failed');
const rateLimited = () => new ExchangeRateLimitedError('injected: HTTP 429', 1_000);

describe('balance precheck (spec 2.8 step 3), live', () => {
  it('a BUY needs notional plus fee and buffer in free quote, counted across the cycle: the second is not sent', async () => {
    // 250 TRY, two BUYs of about 100 TRY: risk approves both, but with a 30 % buffer each needs ~130 TRY
    h = await stage3Harness({
      env: { TRY_CASH_TARGET: '0', EXECUTION_BALANCE_SAFETY_BUFFER_RATIO: '0.3' },
      sim: { balances: { ...DEFAULT_BALANCES, TRY: '250' } },
    });
    const result = await h.cycle();
    expect(result.counters.approved).toBe(2);
    expect(result.counters.submitted).toBe(1);
    expect(result.counters.rejectedPrecheck).toBe(1);
    expect(await audited(h)).toContain('execution_reject:insufficient_balance_precheck');
    expect(h.exchange.writes.submits).toBe(1);
    expect(h.sim.control.state().orders.total).toBe(1);
    expect(await journalRows(h)).toBe(1);
  });

  it('a SELL needs the base free on the venue, whatever the ledger says: nothing is sent', async () => {
    h = await stage3Harness({ env: { SYMBOLS: 'ETHTRY' }, sim: { balances: { ...DEFAULT_BALANCES, ETH: '0.001' } } });
    await seedPosition(h, 'ETHTRY', '0.02', '1000');
    const result = await h.cycle();
    expect(result.counters.approved).toBe(1);
    expect(await audited(h)).toContain('execution_reject:insufficient_balance_precheck');
    expect(h.exchange.writes.submits).toBe(0);
    expect(await venueSides(h, 'ETHTRY')).toEqual([]);
    expect(await journalRows(h)).toBe(0);
  });
});

/** exchangeinfo as the venue would publish it after `change` to one pair */
function withPairMetadata(
  inner: Exchange,
  symbol: string,
  change: Partial<Awaited<ReturnType<Exchange['exchangeInfo']>>[number]>,
): Exchange {
  return {
    ...inner,
    exchangeInfo: async () => (await inner.exchangeInfo()).map((m) => (m.symbol === symbol ? { ...m, ...change } : m)),
  };
}

describe('venue rules (spec 5.4, 3.19): status, price band, quantity limits', () => {
  it('live: a halted pair gets no order; the other pair trades', async () => {
    h = await stage3Harness();
    await h.cycle(undefined, { exchange: withPairMetadata(h.exchange, 'ETHTRY', { status: 'HALTED' }) });
    expect(await audited(h)).toContain('risk_block:violates_rules:not_tradable');
    expect(await venueSides(h, 'ETHTRY')).toEqual([]);
    expect(await venueSides(h, 'BTCTRY')).toEqual(['BUY']);
    expect(h.exchange.writes.submits).toBe(1);
  });

  it('live: a price above the published band and a quantity above the maximum are not sent', async () => {
    h = await stage3Harness();
    const banded = withPairMetadata(h.exchange, 'BTCTRY', { maxLimitPrice: '1000' });
    const capped = withPairMetadata(banded, 'ETHTRY', { maxQty: '0.0001' });
    await h.cycle(undefined, { exchange: capped });
    expect(await audited(h)).toEqual(
      expect.arrayContaining(['risk_block:violates_rules:max_price', 'risk_block:violates_rules:max_qty']),
    );
    expect(h.exchange.writes.submits).toBe(0);
    expect(h.sim.control.state().orders.total).toBe(0);
  });

  it('dry-run: the rules apply too; a halted pair is not simulated', async () => {
    h = await stage3Harness({ env: { DRY_RUN: 'true', LIVE_TRADING: 'false' } });
    const result = await h.cycle(undefined, { exchange: withPairMetadata(h.exchange, 'ETHTRY', { status: 'HALTED' }) });
    expect(result.counters.simulated).toBe(1);
    expect(await audited(h)).toContain('risk_block:violates_rules:not_tradable');
  });
});

describe('observe-only when a configured symbol has no mark price (spec 2.5 step 2)', () => {
  // marks come from one ticker read for every pair: a pair it leaves out (an insane quote) has no mark
  const noEthBook = (inner: Exchange): Exchange => ({
    ...inner,
    tickers: async () => (await inner.tickers()).filter((q) => q.symbol !== 'ETHTRY'),
  });
  const zeroEthBid = (inner: Exchange): Exchange => ({
    ...inner,
    tickers: async () => (await inner.tickers()).map((q) => (q.symbol === 'ETHTRY' ? { ...q, bid: dec('0') } : q)),
  });

  it.each([
    ['the ticker leaves it out', noEthBook],
    ['its best bid is zero', zeroEthBid],
  ])('live, %s: nothing is sent for any symbol', async (_case, broken) => {
    h = await stage3Harness();
    const result = await h.cycle(undefined, { exchange: broken(h.exchange) });
    expect(result.status).toBe('completed');
    expect(await audited(h)).toContain('observe_only:missing_mark_prices');
    expect(h.exchange.writes).toEqual({ submits: 0, cancels: 0 });
    expect(h.sim.control.state().orders.total).toBe(0);
  });

  it('fills are not ingested while a mark is missing; the next full cycle ingests them', async () => {
    h = await stage3Harness();
    await h.cycle();
    h.sim.control.advanceMarket(60_000);
    expect(h.sim.control.state().fills).toBeGreaterThan(0);
    const blind = await h.cycle(undefined, { exchange: noEthBook(h.exchange) });
    expect(blind.counters.fillsInserted).toBe(0);
    expect(await h.stores.ledger.list('default')).toEqual([]);
    const next = await h.cycle();
    expect(next.counters.fillsInserted).toBeGreaterThan(0);
  });

  it('dry-run: nothing is simulated either', async () => {
    h = await stage3Harness({ env: { DRY_RUN: 'true', LIVE_TRADING: 'false' } });
    const result = await h.cycle(undefined, { exchange: noEthBook(h.exchange) });
    expect(result.counters.simulated).toBe(0);
    expect(await audited(h)).toContain('observe_only:missing_mark_prices');
  });
});

describe('sell-only when any private read fails (spec 9.1.8)', () => {
  // SOLTRY holds a position worth taking profit on: the cycle wants a SELL there and BUYs on BTCTRY and ETHTRY
  const threeSymbols = {
    env: { SYMBOLS: 'BTCTRY,ETHTRY,SOLTRY', MAX_ORDERS_PER_CYCLE: '3', MAX_OPEN_ORDERS_PER_SYMBOL: '2' },
    sim: { symbols: ['BTCTRY', 'ETHTRY', 'SOLTRY'] },
  };

  it.each([
    ['open orders', 'openOrders', async () => {}],
    ['user trades', 'userTrades', async () => {}],
    [
      'all orders',
      'allOrders',
      async (harness: Stage3Harness) => {
        const order = await restingBuy(harness, 'BTCTRY');
        harness.sim.control.vanishOrder(Number(order.exchangeOrderId));
      },
    ],
    [
      'an order lookup',
      'findOrderByClientId',
      async (harness: Stage3Harness) => {
        await unknownBuy(harness, 'BTCTRY');
      },
    ],
  ] as const)('a failed %s read on BTCTRY: no BUY is sent anywhere, the SELL is', async (_name, read, setup) => {
    h = await stage3Harness(threeSymbols);
    await setup(h);
    await seedPosition(h, 'SOLTRY', '0.4', '10');
    const ordersBefore = h.sim.control.state().orders.total;
    const broken = failingReads(h.exchange, (r, symbol) =>
      r === read && symbol === 'BTCTRY' ? unavailable() : undefined,
    );
    await h.cycle(undefined, { exchange: broken });
    expect(await audited(h)).toContain('degrade:private_data_unavailable');
    expect(h.sim.control.state().orders.total).toBe(ordersBefore + 1);
    expect(await venueSides(h, 'SOLTRY')).toEqual(['SELL']);
    expect(await venueSides(h, 'ETHTRY')).toEqual([]);
  });

  it('balances unreadable: no BUY, and a SELL fails closed without the base balance to check', async () => {
    h = await stage3Harness();
    await seedPosition(h, 'ETHTRY', '0.02', '1000');
    await h.cycle(undefined, {
      exchange: failingReads(h.exchange, (read) => (read === 'balances' ? unavailable() : undefined)),
    });
    expect(await audited(h)).toEqual(
      expect.arrayContaining(['degrade:private_data_unavailable', 'execution_reject:balances_missing_fail_closed']),
    );
    expect(h.exchange.writes.submits).toBe(0);
    expect(h.sim.control.state().orders.total).toBe(0);
  });
});

describe('observe-only under a read 429 (spec 2.3 step 15, EXCHANGE_429_BACKOFF)', () => {
  it('live: a rate-limited read stops every submit and cancel of the cycle, SELLs included', async () => {
    h = await stage3Harness({ env: { TTL_SECONDS: '30', MAX_OPEN_ORDERS_PER_SYMBOL: '2' } });
    const stale = await restingBuy(h, 'BTCTRY');
    await seedPosition(h, 'ETHTRY', '0.02', '1000');
    h.clock.advance(31_000);
    await h.cycle(undefined, {
      exchange: failingReads(h.exchange, (read, symbol) =>
        read === 'userTrades' && symbol === 'BTCTRY' ? rateLimited() : undefined,
      ),
    });
    expect(await audited(h)).toContain('EXCHANGE_429_BACKOFF');
    expect(h.exchange.writes).toEqual({ submits: 1, cancels: 0 }); // the resting BUY only
    expect(h.sim.control.state().orders.open).toBe(1);
    expect((await h.stores.journal.get('default', stale.clientOrderId))?.status).toBe('OPEN');
    const warned = h.log.lines.find((l) => l.message.includes('429'));
    expect(warned?.fields).toMatchObject({ endpoints: ['userTrades'] });
  });

  it('end to end: the venue answers a private read 429 until the retries run out; the next cycle trades', async () => {
    h = await stage3Harness();
    const retries = h.config.BTCTURK_REST_MAX_RETRIES;
    for (let i = 0; i < retries; i += 1) {
      h.sim.control.injectNext({ kind: 'rate-limit', method: 'GET', path: '/api/v1/users/transactions/trade' });
    }
    await h.cycle();
    expect(await audited(h)).toContain('EXCHANGE_429_BACKOFF');
    expect(h.exchange.writes.submits).toBe(0);
    expect(h.sim.control.state().orders.total).toBe(0);
    const next = await h.cycle();
    expect(next.decisions).not.toContain('EXCHANGE_429_BACKOFF');
    expect(h.sim.control.state().orders.total).toBe(2);
  });

  it('dry-run: a rate-limited public read simulates nothing', async () => {
    h = await stage3Harness({ env: { DRY_RUN: 'true', LIVE_TRADING: 'false' } });
    const result = await h.cycle(undefined, {
      exchange: failingReads(h.exchange, (read) => (read === 'exchangeInfo' ? rateLimited() : undefined)),
    });
    expect(await audited(h)).toContain('EXCHANGE_429_BACKOFF');
    expect(result.counters.simulated).toBe(0);
  });
});

// The Exchange port's behaviour, run against every implementation (STYLE.md 11): a MockAgent replay of
// recorded BTCTurk payloads today, the local simulator later. Harnesses seed venue state through
// `VenueScenario` (domain values plus where they were recorded) and report the requests they received.
import { describe, expect, it } from 'vitest';
import { LOOKUP_WINDOW_MARGIN_MS } from '../../shared/adapters/btcturk/btcturk-gateway';
import { signStamp } from '../../shared/adapters/btcturk/sign-request';
import { dec } from '../../shared/domain/money';
import type { Exchange, VenueFill, VenueOrder } from '../../shared/ports/exchange';

export interface RecordedRequest {
  readonly method: string;
  readonly pathname: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** How a recorded file holds the state: a whole body, the `data` part, one `data[]` item, or a WS 423 frame */
export type RecordedShape = 'body' | 'data' | 'data-item' | 'ws-423';

export interface Recorded {
  readonly file: string;
  readonly shape: RecordedShape;
}

type OrderState = Omit<VenueOrder, 'price' | 'qty' | 'leftQty'> & { price: string; qty: string; leftQty: string };
type FillState = Omit<VenueFill, 'price' | 'qty' | 'fee' | 'tax'> & {
  price: string;
  qty: string;
  fee: string;
  tax: string;
};

/** Venue state a harness sets up; a replaying harness serves `recorded`, a simulator creates the state */
export type VenueScenario =
  | { readonly kind: 'serverTime'; readonly serverTimeMs: number; readonly recorded: Recorded }
  | {
      readonly kind: 'orderBook';
      readonly symbol: string;
      readonly bid: readonly [string, string];
      readonly ask: readonly [string, string];
      readonly recorded: Recorded;
    }
  | {
      readonly kind: 'balances';
      readonly balances: readonly { asset: string; free: string; locked: string; total: string }[];
      readonly decimalSeparator: ',' | '.';
      readonly recorded: Recorded;
    }
  | {
      readonly kind: 'openOrders' | 'allOrders';
      readonly symbol: string;
      readonly orders: readonly OrderState[];
      readonly recorded: Recorded;
    }
  | {
      readonly kind: 'userTrades';
      readonly symbol: string;
      readonly fills: readonly FillState[];
      readonly recorded: Recorded;
    }
  | { readonly kind: 'acceptOrders'; readonly recorded: Recorded }
  | { readonly kind: 'acceptCancels'; readonly recorded: Recorded };

export interface ExchangeHarness {
  readonly exchange: Exchange;
  readonly apiKey: string;
  readonly apiSecret: string;
  seed(scenario: VenueScenario): Promise<void>;
  requests(): readonly RecordedRequest[];
}

export const OPEN_ORDERS_BTCTRY: VenueScenario = {
  kind: 'openOrders',
  symbol: 'BTCTRY',
  recorded: { file: 'docs_example_open_orders_btctry.json', shape: 'body' },
  orders: [
    {
      orderId: '16060235',
      clientOrderId: 'da593000-6eb3-4a1c-ba26-c616122a0210',
      symbol: 'BTCTRY',
      side: 'SELL',
      price: '66800.00',
      qty: '0.09733687',
      leftQty: '0.09733687',
      status: 'OPEN',
      updatedAtMs: 1591286401373,
    },
    {
      orderId: '16060237',
      clientOrderId: 'da593000-6eb3-4a1c-ba26-c616122a0210',
      symbol: 'BTCTRY',
      side: 'SELL',
      price: '66867.00',
      qty: '0.04971904',
      leftQty: '0.0412345',
      status: 'PARTIAL',
      updatedAtMs: 1591286411913,
    },
    {
      orderId: '16071095',
      clientOrderId: 'da593000-6eb3-4a1c-ba26-c616122a0210',
      symbol: 'BTCTRY',
      side: 'BUY',
      price: '65817.00',
      qty: '0.08956055',
      leftQty: '0.08956055',
      status: 'OPEN',
      updatedAtMs: 1591352311273,
    },
  ],
};

export const ALL_ORDERS_BTCUSDT: VenueScenario = {
  kind: 'allOrders',
  symbol: 'BTCUSDT',
  recorded: { file: 'ccxt_comment_all_orders_item.json', shape: 'data-item' },
  orders: [
    {
      orderId: '2605984008',
      clientOrderId: 'f479bdb6-0965-4f03-95b5-daeb7aa5a3a5',
      symbol: 'BTCUSDT',
      side: 'BUY',
      price: '55000',
      qty: '0.00050000',
      leftQty: '0.00050000',
      status: 'OPEN',
      updatedAtMs: 1618913083543,
    },
  ],
};

export const BIG_ID_FILL_APEUSDT: VenueScenario = {
  kind: 'userTrades',
  symbol: 'APEUSDT',
  recorded: { file: 'captured_ws_423_user_trade_apeusdt_sell.json', shape: 'ws-423' },
  fills: [
    {
      tradeId: '1149163839863900657',
      orderId: '25327923517',
      clientOrderId: 'xxxxxx',
      symbol: 'APEUSDT',
      side: 'SELL',
      price: '1.020',
      qty: '205.24',
      fee: '0.10467240',
      tax: '0.02093448',
      feeAsset: 'USDT',
      timestampMs: 1729396570700,
    },
  ],
};

const plainOrder = (o: VenueOrder) => ({
  ...o,
  price: o.price.toFixed(),
  qty: o.qty.toFixed(),
  leftQty: o.leftQty.toFixed(),
});
const plainFill = (f: VenueFill) => ({
  ...f,
  price: f.price.toFixed(),
  qty: f.qty.toFixed(),
  fee: f.fee.toFixed(),
  tax: f.tax.toFixed(),
});
const decPlain = (s: string) => dec(s).toFixed();
const ordersOf = (s: VenueScenario) =>
  s.kind === 'openOrders' || s.kind === 'allOrders'
    ? s.orders.map((o) => ({ ...o, price: decPlain(o.price), qty: decPlain(o.qty), leftQty: decPlain(o.leftQty) }))
    : [];
const fillsOf = (s: VenueScenario) =>
  s.kind === 'userTrades'
    ? s.fills.map((f) => ({
        ...f,
        price: decPlain(f.price),
        qty: decPlain(f.qty),
        fee: decPlain(f.fee),
        tax: decPlain(f.tax),
      }))
    : [];

export function exchangeContract(label: string, makeHarness: () => Promise<ExchangeHarness>): void {
  describe(`Exchange (${label})`, () => {
    it('reads the unenveloped server time', async () => {
      const h = await makeHarness();
      await h.seed({
        kind: 'serverTime',
        serverTimeMs: 1613313462021,
        recorded: { file: 'captured_rest_server_time_2021.json', shape: 'body' },
      });
      expect(await h.exchange.serverTime()).toBe(1613313462021);
    });

    it('reads the best bid and ask with their quantities as exact decimals', async () => {
      const h = await makeHarness();
      await h.seed({
        kind: 'orderBook',
        symbol: 'BTCTRY',
        bid: ['33245.00', '2.10695265'],
        ask: ['33490.00', '0.03681877'],
        recorded: { file: 'docs_example_orderbook_btctry.json', shape: 'body' },
      });
      const top = await h.exchange.orderBookTop('btc_try');
      expect([top.symbol, top.bid.toFixed(), top.bidQty.toFixed(), top.ask.toFixed(), top.askQty.toFixed()]).toEqual([
        'BTCTRY',
        '33245',
        '2.10695265',
        '33490',
        '0.03681877',
      ]);
      const sent = h.requests().at(-1);
      expect(sent?.query.pairSymbol).toBe('BTCTRY');
    });

    it('reads an orderbook whose timestamp is a float', async () => {
      const h = await makeHarness();
      await h.seed({
        kind: 'orderBook',
        symbol: 'BTCUSDT',
        bid: ['41177', '0.03715247'],
        ask: ['41231', '0.01968886'],
        recorded: { file: 'captured_rest_orderbook_btcusdt_limit3_hb.json', shape: 'body' },
      });
      const top = await h.exchange.orderBookTop('BTCUSDT');
      expect([top.bid.toFixed(), top.ask.toFixed()]).toEqual(['41177', '41231']);
    });

    it('reads balances written with comma decimals exactly', async () => {
      const h = await makeHarness();
      await h.seed({
        kind: 'balances',
        decimalSeparator: ',',
        recorded: { file: 'docs_example_balances_comma_decimals.json', shape: 'body' },
        balances: [
          {
            asset: 'TRY',
            total: '27223.7283250757643288',
            locked: '4874.3628685722294523',
            free: '22349.3654565035348765',
          },
          { asset: 'BTC', total: '9.7502186644553258', locked: '3.3109771999999998', free: '6.439241464455326' },
        ],
      });
      const balances = await h.exchange.balances();
      expect(balances.map((b) => [b.asset, b.total.toFixed(), b.locked.toFixed(), b.free.toFixed()])).toEqual([
        ['TRY', '27223.7283250757643288', '4874.3628685722294523', '22349.3654565035348765'],
        ['BTC', '9.7502186644553258', '3.3109771999999998', '6.439241464455326'],
      ]);
    });

    it('reads balances written with dot decimals', async () => {
      const h = await makeHarness();
      await h.seed({
        kind: 'balances',
        decimalSeparator: '.',
        recorded: { file: 'captured_data_balances_dot_decimals_2021.json', shape: 'data' },
        balances: [
          { asset: 'BTC', total: '0.0003670154826363', locked: '0', free: '0.0003670154826363' },
          { asset: 'ETH', total: '0', locked: '0', free: '0' },
        ],
      });
      const [btc] = await h.exchange.balances();
      expect(btc?.free.toFixed()).toBe('0.0003670154826363');
    });

    it('maps open orders (asks and bids) with Untouched -> OPEN and Partial -> PARTIAL', async () => {
      const h = await makeHarness();
      await h.seed(OPEN_ORDERS_BTCTRY);
      expect((await h.exchange.openOrders('BTCTRY')).map(plainOrder)).toEqual(ordersOf(OPEN_ORDERS_BTCTRY));
    });

    // The harness's clock equals the venue's (offset 0, instant round trip): the window opens at the local
    // time asked for, less the margin the gateway adds for the offset's uncertainty
    it('asks allOrders with startTime in ms, not startDate', async () => {
      const h = await makeHarness();
      await h.seed(ALL_ORDERS_BTCUSDT);
      const orders = await h.exchange.allOrders('BTCUSDT', 1618900000000);
      expect(orders.map(plainOrder)).toEqual(ordersOf(ALL_ORDERS_BTCUSDT));
      const sent = h.requests().find((r) => r.pathname === '/api/v1/allOrders');
      expect(sent?.query.startTime).toBe(String(1618900000000 - LOOKUP_WINDOW_MARGIN_MS));
      expect(sent?.query.startDate).toBeUndefined();
    });

    it('keeps trade ids above 2^53 exact and reports sells, fees and taxes as positive amounts', async () => {
      const h = await makeHarness();
      await h.seed(BIG_ID_FILL_APEUSDT);
      expect((await h.exchange.userTrades('APEUSDT', 1729396000000)).map(plainFill)).toEqual(
        fillsOf(BIG_ID_FILL_APEUSDT),
      );
    });

    it('signs private calls with X-PCK, a millisecond X-Stamp and the HMAC of key + stamp', async () => {
      const h = await makeHarness();
      await h.seed(OPEN_ORDERS_BTCTRY);
      await h.exchange.openOrders('BTCTRY');
      const sent = h.requests().find((r) => r.pathname === '/api/v1/openOrders');
      const stamp = sent?.headers['x-stamp'] ?? '';
      expect(sent?.headers['x-pck']).toBe(h.apiKey);
      expect(stamp).toMatch(/^\d{13}$/);
      expect(sent?.headers['x-signature']).toBe(signStamp(h.apiKey, h.apiSecret, stamp));
    });

    it('places a LIMIT order with the joined symbol, fixed-notation decimals and newOrderClientId', async () => {
      const h = await makeHarness();
      await h.seed({
        kind: 'acceptOrders',
        recorded: { file: 'docs_example_submit_order_response.json', shape: 'body' },
      });
      const ack = await h.exchange.placeLimitOrder({
        clientOrderId: 'test',
        symbol: 'btc_try',
        side: 'BUY',
        price: dec('20000.00'),
        qty: dec('0.00000001'),
      });
      expect(ack.clientOrderId).toBe('test');
      expect(ack.orderId).toMatch(/^\d+$/);
      const sent = h.requests().find((r) => r.method === 'POST');
      expect(JSON.parse(sent?.body ?? '{}')).toEqual({
        pairSymbol: 'BTCTRY',
        orderType: 'buy',
        orderMethod: 'limit',
        price: '20000',
        quantity: '0.00000001',
        newOrderClientId: 'test',
      });
    });

    it('cancels by DELETE /api/v1/order?id=<id>', async () => {
      const h = await makeHarness();
      await h.seed({
        kind: 'acceptCancels',
        recorded: { file: 'docs_example_cancel_order_response.json', shape: 'body' },
      });
      await h.exchange.cancelOrder('BTCTRY', '16060235');
      const sent = h.requests().find((r) => r.method === 'DELETE');
      expect([sent?.pathname, sent?.query.id]).toEqual(['/api/v1/order', '16060235']);
    });

    describe('findOrderByClientId looks in openOrders, then allOrders, then user trades', () => {
      const lookups = (h: ExchangeHarness) =>
        h
          .requests()
          .map((r) => r.pathname)
          .filter((p) => p !== '/api/v2/server/time');

      it('stops at openOrders when the order is open', async () => {
        const h = await makeHarness();
        await h.seed(OPEN_ORDERS_BTCTRY);
        const found = await h.exchange.findOrderByClientId(
          'BTCTRY',
          'da593000-6eb3-4a1c-ba26-c616122a0210',
          1591286400000,
        );
        expect(found.found && found.source).toBe('openOrders');
        expect(lookups(h)).toEqual(['/api/v1/openOrders']);
      });

      it('finds an order only allOrders lists, asking from submit time - 10 s (less the window margin)', async () => {
        const h = await makeHarness();
        await h.seed(ALL_ORDERS_BTCUSDT);
        const found = await h.exchange.findOrderByClientId(
          'BTCUSDT',
          'f479bdb6-0965-4f03-95b5-daeb7aa5a3a5',
          1618913080000,
        );
        expect(found.found && found.source === 'allOrders' && found.order.orderId).toBe('2605984008');
        expect(lookups(h)).toEqual(['/api/v1/openOrders', '/api/v1/allOrders']);
        expect(h.requests().find((r) => r.pathname === '/api/v1/allOrders')?.query.startTime).toBe(
          String(1618913070000 - LOOKUP_WINDOW_MARGIN_MS),
        );
      });

      it('falls back to fills carrying the client id', async () => {
        const h = await makeHarness();
        await h.seed(BIG_ID_FILL_APEUSDT);
        const found = await h.exchange.findOrderByClientId('APEUSDT', 'xxxxxx', 1729396570000);
        expect(
          found.found && found.source === 'userTrades' && [found.orderId, found.fills.map((f) => f.tradeId)],
        ).toEqual(['25327923517', ['1149163839863900657']]);
        expect(lookups(h)).toEqual(['/api/v1/openOrders', '/api/v1/allOrders', '/api/v1/users/transactions/trade']);
      });

      it('reports not found after all three looks', async () => {
        const h = await makeHarness();
        expect(await h.exchange.findOrderByClientId('BTCTRY', 'never-sent', 1591286400000)).toEqual({ found: false });
        expect(lookups(h)).toHaveLength(3);
      });
    });
  });
}

// Venue payloads through the real gateway (undici MockAgent, production settings): for each read endpoint,
// bodies that are no JSON, any JSON, envelopes around any JSON, truncated recordings, and recorded payloads
// with well-formed but insane values (negative or zero amounts, leftAmount > amount, timestamps in seconds
// or past 2^53, 1e20, crossed and hour-old books, odd symbols, scales and ids). Invariants, per input:
// - a read ends in ValidationError, ExchangeUnavailableError or ExchangeRejectedError (the venue's own
//   error code), or in domain values: prices and quantities > 0, 0 <= leftQty <= qty, fees >= 0, every
//   time a plausible epoch in ms, only the pair asked for, bid <= ask, and a book no younger than the
//   venue's own stamp (the freshness gate must be able to see its age); a ticker row with a last, range and
//   volume >= 0, low <= high and a daily change >= -100 %;
// - exchange info ends, through deriveRules, in a typed error or rules with positive tick, step and minimum;
// - a write whose answer is not a clean acknowledgement (any 2xx or 5xx body) is OutcomeUnknownError,
//   never rejected and never unavailable: the order may be live.
import fc from 'fast-check';
import { parse, stringify } from 'lossless-json';
import { afterAll, describe, it } from 'vitest';
import { loadConfig } from '../../shared/config/load-config';
import {
  ExchangeRejectedError,
  ExchangeUnavailableError,
  InvalidExchangeRulesError,
  OutcomeUnknownError,
  type TradingError,
  ValidationError,
} from '../../shared/domain/errors';
import { deriveRules } from '../../shared/domain/exchange-rules';
import { type Dec, dec } from '../../shared/domain/money';
import type { Exchange, NewLimitOrder } from '../../shared/ports/exchange';
import { anyJson, mutatedRecord, oddEpochText, oddNumberText, oddText } from '../support/arbitraries';
import { fixtureText } from '../support/fixtures';
import { Boundary, fuzz, judge, oneOf, runsOr, settle, type Verdict } from './support/fuzz-runner';
import { envelope, fuzzVenue, isJsonNumber, type Reply, rawNumber, SERVER_TIME_MS } from './support/fuzz-venue';

const boundary = new Boundary('venue-payloads');
afterAll(() => console.log(boundary.line()));

const SYMBOL = 'BTCTRY';
const PLAUSIBLE_MS = { min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) };
const ORDER: NewLimitOrder = {
  clientOrderId: 'bb3-BTCTRY-b-0123456789abcdef0123',
  symbol: SYMBOL,
  side: 'BUY',
  price: dec('350000'),
  qty: dec('0.001'),
};
const readErrors = oneOf(ValidationError, ExchangeUnavailableError, ExchangeRejectedError);

// ------------------------------------------------------------------------------------------ invariants

type Problems = string[];
const isDec = (x: unknown): x is Dec => typeof x === 'object' && x !== null && 'isFinite' in x && 'gt' in x;
function positive(where: string, x: unknown): Problems {
  return isDec(x) && x.isFinite() && x.gt(0) ? [] : [`${where} expected > 0, was ${isDec(x) ? x.toFixed() : x}`];
}
function nonNegative(where: string, x: unknown): Problems {
  return isDec(x) && x.isFinite() && x.gte(0) ? [] : [`${where} expected >= 0, was ${isDec(x) ? x.toFixed() : x}`];
}
/** Every `...Ms` field of a domain value is a safe integer epoch in 2000..2100 */
function plausibleTimes(where: string, value: object): Problems {
  return Object.entries(value).flatMap(([k, v]) =>
    k.endsWith('Ms') && !(Number.isSafeInteger(v) && v >= PLAUSIBLE_MS.min && v <= PLAUSIBLE_MS.max)
      ? [`${where}.${k} expected epoch ms in 2000..2100, was ${v}`]
      : [],
  );
}
const each = <T>(items: unknown, f: (item: T, where: string) => Problems): Problems =>
  Array.isArray(items) ? items.flatMap((item, i) => f(item as T, `[${i}]`)) : [`expected a list, was ${typeof items}`];

const orderProblems = (o: Record<string, unknown>, at: string): Problems => [
  ...(o.symbol === SYMBOL ? [] : [`${at}.symbol ${String(o.symbol)} (asked ${SYMBOL})`]),
  ...(typeof o.orderId === 'string' && /^\d+$/.test(o.orderId) ? [] : [`${at}.orderId ${String(o.orderId)}`]),
  ...positive(`${at}.price`, o.price),
  ...positive(`${at}.qty`, o.qty),
  ...nonNegative(`${at}.leftQty`, o.leftQty),
  ...(isDec(o.leftQty) && isDec(o.qty) && o.leftQty.gt(o.qty) ? [`${at}.leftQty ${o.leftQty} > qty ${o.qty}`] : []),
  ...plausibleTimes(at, o),
];

const fillProblems = (f: Record<string, unknown>, at: string): Problems => [
  ...(f.symbol === SYMBOL ? [] : [`${at}.symbol ${String(f.symbol)} (asked ${SYMBOL})`]),
  ...(typeof f.tradeId === 'string' && /^\d+$/.test(f.tradeId) ? [] : [`${at}.tradeId ${String(f.tradeId)}`]),
  ...positive(`${at}.price`, f.price),
  ...positive(`${at}.qty`, f.qty),
  ...nonNegative(`${at}.fee`, f.fee),
  ...nonNegative(`${at}.tax`, f.tax),
  ...(typeof f.feeAsset === 'string' && /^[A-Z0-9]+$/.test(f.feeAsset) ? [] : [`${at}.feeAsset ${String(f.feeAsset)}`]),
  ...plausibleTimes(at, f),
];

/**
 * A negative free or total balance stays a value: spec 2.5 makes it a cycle invariant (observe-only), which
 * is stricter than the sell-only a refused balances read would give. A negative locked amount means nothing.
 */
const balanceProblems = (b: Record<string, unknown>, at: string): Problems => [
  ...(typeof b.asset === 'string' && /^[A-Z0-9]+$/.test(b.asset) ? [] : [`${at}.asset ${String(b.asset)}`]),
  ...nonNegative(`${at}.locked`, b.locked),
];

/** The venue's stamp of the book in the body, when it is a plausible epoch (the local clock starts at server time) */
function bookStamp(text: string): number | undefined {
  try {
    const stamp = Number(String((parse(text) as { data?: { timestamp?: unknown } }).data?.timestamp));
    return Number.isSafeInteger(stamp) && stamp >= PLAUSIBLE_MS.min ? stamp : undefined;
  } catch {
    return undefined;
  }
}

function bookProblems(top: Record<string, unknown>, text: string): Problems {
  const out = [
    ...(top.symbol === SYMBOL ? [] : [`symbol ${String(top.symbol)}`]),
    ...positive('bid', top.bid),
    ...positive('ask', top.ask),
    ...positive('bidQty', top.bidQty),
    ...positive('askQty', top.askQty),
    ...(isDec(top.bid) && isDec(top.ask) && top.bid.gt(top.ask)
      ? [`crossed book: bid ${top.bid} > ask ${top.ask}`]
      : []),
    ...plausibleTimes('book', top),
  ];
  const stamp = bookStamp(text);
  const times = Object.entries(top).flatMap(([k, v]) => (k.endsWith('Ms') && typeof v === 'number' ? [v] : []));
  // one second of slack for the measured clock offset and its uncertainty
  if (stamp !== undefined && times.length > 0 && Math.min(...times) > stamp + 1_000) {
    out.push(`the book stamped at ${stamp} is timed ${Math.min(...times)}: its age is hidden from the freshness gate`);
  }
  return out;
}

function tickerProblems(t: Record<string, unknown>, at: string): Problems {
  const { bid, ask, low, high, dailyPercent } = t;
  return [
    ...(typeof t.symbol === 'string' && /^[A-Z0-9]+$/.test(t.symbol) ? [] : [`${at}.symbol ${String(t.symbol)}`]),
    ...positive(`${at}.bid`, bid),
    ...positive(`${at}.ask`, ask),
    ...(isDec(bid) && isDec(ask) && bid.gt(ask) ? [`${at} crossed: bid ${bid} > ask ${ask}`] : []),
    ...nonNegative(`${at}.last`, t.last),
    ...nonNegative(`${at}.high`, high),
    ...nonNegative(`${at}.low`, low),
    ...nonNegative(`${at}.volume`, t.volume),
    ...(isDec(low) && isDec(high) && low.gt(high) ? [`${at} low ${low} > high ${high}`] : []),
    ...(dailyPercent === undefined || (isDec(dailyPercent) && dailyPercent.isFinite() && dailyPercent.gte(-100))
      ? []
      : [`${at}.dailyPercent expected >= -100, was ${String(dailyPercent)}`]),
    ...plausibleTimes(at, t),
  ];
}

const rulesDefaults = (() => {
  const c = loadConfig({});
  return { safeMinNotional: c.STAGE7_RULES_SAFE_MIN_NOTIONAL_TRY, internalMinNotional: c.MIN_ORDER_NOTIONAL_TRY };
})();

// ------------------------------------------------------------------------------------------ endpoints

interface Endpoint {
  readonly name: string;
  readonly route: string;
  call(exchange: Exchange): Promise<unknown>;
  /** Invariants of the value; `text` is the body the venue sent */
  valueProblems(value: unknown, text: string): Problems;
  readonly errorProblems: (e: TradingError) => Problems;
}

const read = (
  name: string,
  route: string,
  call: (exchange: Exchange) => Promise<unknown>,
  valueProblems: (value: unknown, text: string) => Problems,
): Endpoint => ({ name, route, call, valueProblems, errorProblems: readErrors });

const ENDPOINTS = {
  serverTime: read(
    'serverTime',
    'GET /api/v2/server/time',
    (x) => x.serverTime(),
    (t) => plausibleTimes('server', { timeMs: t }),
  ),
  orderBook: read(
    'orderBookTop',
    'GET /api/v2/orderbook',
    (x) => x.orderBookTop(SYMBOL),
    (v, text) => bookProblems(v as Record<string, unknown>, text),
  ),
  balances: read(
    'balances',
    'GET /api/v1/users/balances',
    (x) => x.balances(),
    (v) => each(v, balanceProblems),
  ),
  openOrders: read(
    'openOrders',
    'GET /api/v1/openOrders',
    (x) => x.openOrders(SYMBOL),
    (v) => each(v, orderProblems),
  ),
  allOrders: read(
    'allOrders',
    'GET /api/v1/allOrders',
    (x) => x.allOrders(SYMBOL, SERVER_TIME_MS - 60_000),
    (v) => each(v, orderProblems),
  ),
  userTrades: read(
    'userTrades',
    'GET /api/v1/users/transactions/trade',
    (x) => x.userTrades(SYMBOL, SERVER_TIME_MS - 60_000),
    (v) => each(v, fillProblems),
  ),
  tickers: read(
    'tickers',
    'GET /api/v2/ticker',
    (x) => x.tickers(),
    (v) => each(v, tickerProblems),
  ),
  // the rules a cycle uses: metadata the domain cannot use is its own typed error (InvalidExchangeRulesError)
  exchangeInfo: {
    ...read(
      'exchangeInfo',
      'GET /api/v2/server/exchangeinfo',
      async (x) => (await x.exchangeInfo()).map((m) => deriveRules(m, rulesDefaults)),
      (v) =>
        each(v, (r: Record<string, unknown>, at) => [
          ...positive(`${at}.priceTick`, r.priceTick),
          ...positive(`${at}.qtyStep`, r.qtyStep),
          ...positive(`${at}.minNotional`, r.minNotional),
          ...[r.priceScale, r.qtyScale].flatMap((s) =>
            Number.isSafeInteger(s) && (s as number) >= 0 && (s as number) <= 18 ? [] : [`${at} scale ${s}`],
          ),
        ]),
    ),
    errorProblems: oneOf(ValidationError, ExchangeUnavailableError, ExchangeRejectedError, InvalidExchangeRulesError),
  },
  submit: {
    name: 'placeLimitOrder',
    route: 'POST /api/v1/order',
    call: (x) => x.placeLimitOrder(ORDER),
    valueProblems: (v) => {
      const ack = v as Record<string, unknown>;
      return [
        ...(typeof ack.orderId === 'string' && /^\d+$/.test(ack.orderId) ? [] : [`orderId ${String(ack.orderId)}`]),
        ...(ack.clientOrderId === ORDER.clientOrderId ? [] : [`clientOrderId ${String(ack.clientOrderId)}`]),
      ];
    },
    errorProblems: oneOf(OutcomeUnknownError),
  },
  cancel: {
    name: 'cancelOrder',
    route: 'DELETE /api/v1/order',
    call: (x) => x.cancelOrder(SYMBOL, '9932534'),
    valueProblems: () => [],
    errorProblems: oneOf(OutcomeUnknownError),
  },
} satisfies Record<string, Endpoint>;

async function check(endpoint: Endpoint, reply: Reply): Promise<Verdict> {
  const venue = fuzzVenue(endpoint.route, reply);
  try {
    const settled = await settle(() => endpoint.call(venue.exchange));
    return judge(settled, (v) => endpoint.valueProblems(v, reply.text), endpoint.errorProblems);
  } finally {
    await venue.close();
  }
}

// ------------------------------------------------------------------------------------------ bodies

const body = (name: string): Record<string, unknown> => parse(fixtureText(name)) as Record<string, unknown>;
const dataOf = (name: string): unknown => body(name).data;

/** An insane amount: as text (how amounts arrive), as a bare JSON number, or any JSON */
const oddAmount = fc.oneof(
  { arbitrary: oddNumberText, weight: 3 },
  { arbitrary: oddNumberText.filter(isJsonNumber).map(rawNumber), weight: 2 },
  { arbitrary: anyJson, weight: 1 },
);
/** An insane epoch: a bare JSON number (how times arrive), as text, or any JSON */
const oddEpoch = fc.oneof(
  { arbitrary: oddEpochText.map(rawNumber), weight: 3 },
  { arbitrary: oddEpochText, weight: 1 },
  { arbitrary: anyJson, weight: 1 },
);
const oddId = fc.oneof(oddNumberText.filter(isJsonNumber).map(rawNumber), oddText, anyJson);
const oddSymbol = fc.oneof(oddText, fc.constantFrom('BTC_TRY', 'btctry', 'BTC/TRY', 'ETHTRY', 'BTC-TRY', ''));

/** The list with one item replaced by a mutation of it */
const withMutatedItem = (
  items: readonly Record<string, unknown>[],
  mutate: (item: Record<string, unknown>) => fc.Arbitrary<unknown>,
) =>
  fc
    .integer({ min: 0, max: items.length - 1 })
    .chain((i) => mutate(items[i] as Record<string, unknown>).map((m) => items.map((x, j) => (j === i ? m : x))));

/** leftAmount above amount, by as little as 1e-8 */
const overfilled = (item: Record<string, unknown>) =>
  fc.constantFrom('0.00000001', '1', '1000').map((extra) => ({
    ...item,
    leftAmount: dec(String(item.amount)).add(extra).toFixed(),
  }));

const orderItem = (item: Record<string, unknown>) =>
  fc.oneof(
    mutatedRecord(item, {
      id: oddId,
      price: oddAmount,
      amount: oddAmount,
      leftAmount: oddAmount,
      updateTime: oddEpoch,
      pairSymbol: oddSymbol,
      type: fc.oneof(oddText, fc.constantFrom('Buy', 'SELL', 'market')),
      status: fc.oneof(oddText, fc.constantFrom('Closed', 'Canceled', 'partial', 'Untouched ')),
    }),
    overfilled(item),
  );

const tradeItem = (item: Record<string, unknown>) =>
  mutatedRecord(item, {
    id: oddId,
    orderId: oddId,
    price: oddAmount,
    amount: oddAmount,
    fee: oddAmount,
    tax: oddAmount,
    timestamp: oddEpoch,
    orderType: fc.oneof(oddText, fc.constantFrom('Buy', 'SELL')),
    numeratorSymbol: oddSymbol,
    denominatorSymbol: oddSymbol,
  });

const OPEN = dataOf('docs_example_open_orders_btctry.json') as {
  asks: Record<string, unknown>[];
  bids: Record<string, unknown>[];
};
const ALL = [{ ...(parse(fixtureText('ccxt_comment_all_orders_item.json')) as object), pairSymbol: SYMBOL }];
const TRADES = dataOf('docs_example_user_transactions_trade_2021.json') as Record<string, unknown>[];
const BALANCES = parse(fixtureText('captured_data_balances_dot_decimals_2021.json')) as Record<string, unknown>[];
const COMMA_BALANCES = dataOf('docs_example_balances_comma_decimals.json') as Record<string, unknown>[];
const BOOK: Record<string, unknown> = {
  ...(dataOf('docs_example_orderbook_btctry.json') as object),
  timestamp: rawNumber(String(SERVER_TIME_MS)),
};
const TICKER_ROW = (dataOf('captured_rest_ticker_btctry_2026.json') as Record<string, unknown>[])[0] as Record<
  string,
  unknown
>;
const TICKERS = [TICKER_ROW, { ...TICKER_ROW, pair: 'ETHTRY', pairNormalized: 'ETH_TRY', numeratorSymbol: 'ETH' }];
const INFO = body('captured_rest_exchangeinfo_btctry_2022-03-23.json') as {
  data: { symbols: Record<string, unknown>[] };
};
const INFO_PAIR = INFO.data.symbols[0] as Record<string, unknown> & { filters: Record<string, unknown>[] };
const ACK: Record<string, unknown> = {
  ...(dataOf('docs_example_submit_order_response.json') as object),
  newOrderClientId: ORDER.clientOrderId,
};

const level = (price: unknown, qty: unknown) => [price, qty];
const oddLevels = fc.oneof(
  fc.constant([]),
  fc.tuple(oddAmount, fc.constant('0.5')).map(([p, q]) => [level(p, q)]),
  fc.tuple(fc.constant('350000.00'), oddAmount).map(([p, q]) => [level(p, q)]),
  fc.array(anyJson, { maxLength: 3 }),
);

const targeted: { readonly [K in keyof typeof ENDPOINTS]: fc.Arbitrary<string> } = {
  serverTime: mutatedRecord(
    { serverTime: rawNumber(String(SERVER_TIME_MS)), serverTime2: '2021-02-14T14:37:42Z' },
    {
      serverTime: oddEpoch,
    },
  ).map((b) => stringify(b) ?? ''),
  orderBook: fc
    .oneof(
      mutatedRecord(BOOK, { timestamp: oddEpoch, bids: oddLevels, asks: oddLevels }),
      // crossed: the best bid above the best ask
      fc.integer({ min: 1, max: 100_000 }).map((d) => ({ ...BOOK, bids: [[String(33490 + d), '0.1']] })),
      // stamped by the venue up to a day before it was served
      fc
        .integer({ min: 10_000, max: 86_400_000 })
        .map((age) => ({ ...BOOK, timestamp: rawNumber(String(SERVER_TIME_MS - age)) })),
    )
    .map((d) => envelope(stringify(d) ?? '')),
  balances: fc
    .oneof(
      withMutatedItem(BALANCES, (b) =>
        mutatedRecord(b, { asset: oddSymbol, balance: oddAmount, locked: oddAmount, free: oddAmount }),
      ),
      withMutatedItem(COMMA_BALANCES, (b) =>
        mutatedRecord(b, { balance: oddAmount, locked: oddAmount, free: oddAmount }),
      ),
    )
    .map((d) => envelope(stringify(d) ?? '')),
  openOrders: fc
    .oneof(
      withMutatedItem(OPEN.asks, orderItem).map((asks) => ({ ...OPEN, asks })),
      withMutatedItem(OPEN.bids, orderItem).map((bids) => ({ ...OPEN, bids })),
    )
    .map((d) => envelope(stringify(d) ?? '')),
  allOrders: withMutatedItem(ALL, orderItem).map((d) => envelope(stringify(d) ?? '')),
  userTrades: withMutatedItem(TRADES, tradeItem).map((d) => envelope(stringify(d) ?? '')),
  tickers: fc
    .oneof(
      withMutatedItem(TICKERS, (row) =>
        mutatedRecord(row, {
          pair: oddSymbol,
          timestamp: oddEpoch,
          bid: oddAmount,
          ask: oddAmount,
          last: oddAmount,
          high: oddAmount,
          low: oddAmount,
          volume: oddAmount,
          dailyPercent: oddAmount,
        }),
      ),
      // a range upside down by as little as one unit
      fc
        .constantFrom('1', '1000', '100000')
        .map((extra) => [{ ...TICKER_ROW, low: rawNumber(dec(String(TICKER_ROW.high)).add(extra).toFixed()) }]),
    )
    .map((d) => envelope(stringify(d) ?? '')),
  exchangeInfo: fc
    .oneof(
      mutatedRecord(INFO_PAIR, {
        name: oddSymbol,
        numeratorScale: fc.oneof(fc.constantFrom('-1', '19', '1.5', '100', '1e3').map(rawNumber), oddText),
        denominatorScale: fc.oneof(fc.constantFrom('-1', '19', '1.5', '100').map(rawNumber), oddText),
        minimumLimitOrderPrice: oddAmount,
        maximumLimitOrderPrice: oddAmount,
        status: oddText,
      }),
      mutatedRecord(INFO_PAIR.filters[0] as Record<string, unknown>, {
        tickSize: oddAmount,
        minPrice: oddAmount,
        maxPrice: oddAmount,
        minExchangeValue: oddAmount,
        minAmount: oddAmount,
        maxAmount: oddAmount,
      }).map((filter) => ({ ...INFO_PAIR, filters: [filter] })),
    )
    .map((pair) => stringify({ ...INFO, data: { ...INFO.data, symbols: [pair] } }) ?? ''),
  submit: fc.oneof(
    mutatedRecord(ACK, {
      id: oddId,
      newOrderClientId: fc.oneof(oddText, fc.constant('bb3-BTCTRY-b-ffffffffffffffffffff')),
    }).map((d) => envelope(stringify(d) ?? '')),
    mutatedRecord(
      { success: true, message: 'OK', code: 0, data: ACK },
      {
        success: fc.constantFrom(false, 'true', null, 1),
        code: fc.constantFrom('1', '1126', 1126, null, 'FAILED', -1),
        message: fc.oneof(oddText, fc.constantFrom('FAILED_INVALID_PRICE_SCALE', 'SUCCESS')),
      },
    ).map((b) => stringify(b) ?? ''),
  ),
  cancel: mutatedRecord(
    { success: true, message: 'SUCCESS', code: 0 },
    {
      success: fc.constantFrom(false, 'true', null, 1),
      code: fc.constantFrom('1', '1052', 1052, null, 'FAILED'),
      message: fc.oneof(oddText, fc.constantFrom('NO_ORDER_MATCHES_YOUR_REQUEST', 'FAILED')),
    },
  ).map((b) => stringify(b) ?? ''),
};

/** Bodies that are no JSON, any JSON, an envelope around any JSON, or a recording cut short */
const generic = (valid: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    anyJson.map((j) => JSON.stringify(j)),
    anyJson.map((j) => envelope(JSON.stringify(j))),
    valid.chain((text) => fc.nat({ max: text.length }).map((cut) => text.slice(0, cut))),
  );

const WRITE_STATUSES = [200, 201, 202, 429, 500, 502, 503, 504];

describe('fuzz: venue payloads through the gateway', () => {
  for (const [key, endpoint] of Object.entries(ENDPOINTS) as [keyof typeof ENDPOINTS, Endpoint][]) {
    const write = endpoint.route.startsWith('POST') || endpoint.route.startsWith('DELETE');
    const text = fc.oneof({ arbitrary: targeted[key], weight: 3 }, { arbitrary: generic(targeted[key]), weight: 1 });
    const reply = write
      ? fc.record({ status: fc.constantFrom(...WRITE_STATUSES), text })
      : text.map((t) => ({ status: 200, text: t }));
    it(`${endpoint.name}: ${write ? 'OutcomeUnknownError or a clean acknowledgement' : 'a typed error or sane domain values'}`, async () => {
      await fuzz(boundary, reply, (r) => check(endpoint, r), runsOr(4000));
    });
  }
});

// Wrong-but-well-formed venue values (issue 11) never reach the port's domain types: each is a
// ValidationError naming the field on a read, and an unknown outcome on a write. Every case here was
// accepted before (a negative filled quantity, a fill timestamp of 1e20, a crossed book, ...).
import { describe, expect, it } from 'vitest';
import { ExchangeUnavailableError, OutcomeUnknownError, ValidationError } from '../../../../shared/domain/errors';
import { dec } from '../../../../shared/domain/money';
import { MockVenue, RECORDED_SERVER_TIME_MS } from '../../../contract/exchange-mockagent-harness';
import { fixtureText } from '../../../support/fixtures';

/** A value written as a bare JSON number with exactly these digits (ids > 2^53, huge timestamps) */
const num = (digits: string) => `@num:${digits}`;
const text = (value: unknown): string => JSON.stringify(value).replace(/"@num:([^"]+)"/g, '$1');
const enveloped = (data: unknown) => ({ status: 200, text: text({ success: true, message: null, code: 0, data }) });

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

/** The error is a ValidationError whose message names `field` and carries `words` */
async function expectInvalid(p: Promise<unknown>, field: string, words: string): Promise<void> {
  const error = await caught(p);
  expect(error).toBeInstanceOf(ValidationError);
  const issues = (error as ValidationError).issues;
  expect(issues.some((i) => i.path.split('.').at(-1) === field && i.message.includes(words))).toBe(true);
}

const ORDER = {
  id: num('16060235'),
  price: '66800.00',
  amount: '0.09733687',
  quantity: '0.09733687',
  pairSymbol: 'BTCTRY',
  type: 'sell',
  method: 'limit',
  orderClientId: 'c-1',
  time: 0,
  updateTime: num('1591286401373'),
  status: 'Partial',
  leftAmount: '0.0412345',
};

describe('orders (openOrders, allOrders)', () => {
  const openOrders = (over: Record<string, unknown>) => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/openOrders', enveloped({ asks: [{ ...ORDER, ...over }], bids: [] }));
    return venue.exchange.openOrders('BTCTRY');
  };

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a zero price', { price: '0.00' }, 'price', 'expected positive'],
    ['a negative price', { price: '-66800.00' }, 'price', 'expected positive'],
    ['a zero amount', { amount: '0' }, 'amount', 'expected positive'],
    ['a negative amount', { amount: '-0.1' }, 'amount', 'expected positive'],
    ['a negative leftAmount', { leftAmount: '-0.0412345' }, 'leftAmount', 'expected non-negative'],
    ['a leftAmount above the amount', { leftAmount: '0.09733688' }, 'leftAmount', 'expected at most amount'],
    ['an updateTime in seconds', { updateTime: num('1591286401') }, 'updateTime', 'expected epoch milliseconds in'],
    ['an updateTime of 1e20', { updateTime: num('100000000000000000000') }, 'updateTime', 'was 100000000000000000000'],
    ['an updateTime beyond 2^53', { updateTime: num('9007199254740993') }, 'updateTime', 'expected epoch'],
    ['an id of 21 digits', { id: num('123456789012345678901') }, 'id', 'at most 20 digits'],
    ['a negative id', { id: num('-5') }, 'id', 'expected an integer id'],
    ['a pair symbol with a slash', { pairSymbol: 'BTC/TRY' }, 'pairSymbol', 'expected a pair symbol'],
    ['an amount that is no decimal', { amount: 'NaN' }, 'amount', 'expected a plain decimal'],
    ['a leftAmount in hexadecimal', { leftAmount: '0x10' }, 'leftAmount', 'expected a plain decimal'],
  ])('refuses %s', async (_name, over, field, words) => {
    await expectInvalid(openOrders(over), field, words);
  });

  it('accepts the edges: nothing left, all left, a 20-digit id, a float-looking updateTime', async () => {
    const orders = [
      { ...ORDER, leftAmount: '0' },
      { ...ORDER, leftAmount: ORDER.amount },
      { ...ORDER, id: num('18446744073709551615'), updateTime: num('1591286401373.0') },
    ];
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/openOrders', enveloped({ asks: orders, bids: [] }));
    const read = await venue.exchange.openOrders('BTCTRY');
    expect(read.map((o) => [o.orderId, o.leftQty.toFixed(), o.updatedAtMs])).toEqual([
      ['16060235', '0', 1591286401373],
      ['16060235', '0.09733687', 1591286401373],
      ['18446744073709551615', '0.0412345', 1591286401373],
    ]);
  });

  it('refuses an insane order in allOrders too (one schema for every order list)', async () => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/allOrders', enveloped([{ ...ORDER, leftAmount: '1' }]));
    await expectInvalid(venue.exchange.allOrders('BTCTRY', RECORDED_SERVER_TIME_MS), 'leftAmount', 'at most');
  });
});

const FILL = {
  price: '313000.00',
  numeratorSymbol: 'BTC',
  denominatorSymbol: 'TRY',
  orderType: 'sell',
  orderId: num('22632304'),
  id: num('5758565'),
  timestamp: num('1628690323897'),
  amount: '-0.00040000',
  fee: '-0.19098258',
  tax: '-0.03437687',
};

describe('fills (userTrades)', () => {
  const userTrades = (fill: Record<string, unknown>) => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v1/users/transactions/trade', enveloped([fill]));
    return venue.exchange.userTrades('BTCTRY', RECORDED_SERVER_TIME_MS);
  };

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a zero price', { price: '0' }, 'price', 'expected positive'],
    ['a zero amount', { amount: '0.00000000' }, 'amount', 'expected non-zero'],
    ['a SELL with a positive amount', { amount: '0.0004' }, 'amount', 'expected negative for a SELL'],
    ['a BUY with a negative amount', { orderType: 'buy' }, 'amount', 'expected positive for a BUY'],
    ['a positive fee', { fee: '0.19098258' }, 'fee', 'expected non-positive'],
    ['a positive tax', { tax: '0.03437687' }, 'tax', 'expected non-positive'],
    ['a timestamp in seconds', { timestamp: num('1628690323') }, 'timestamp', 'expected epoch milliseconds in'],
    ['a timestamp of 1e20', { timestamp: num('100000000000000000000') }, 'timestamp', 'expected epoch'],
    ['a timestamp beyond 2^53', { timestamp: num('9007199254740993') }, 'timestamp', 'expected epoch'],
    ['a trade id of 21 digits', { id: num('114916383986390065700') }, 'id', 'at most 20 digits'],
  ])('refuses %s', async (_name, over, field, words) => {
    await expectInvalid(userTrades({ ...FILL, ...over }), field, words);
  });

  it('accepts a fee-free fill and the 19-digit trade ids of live data, made positive', async () => {
    const fills = await userTrades({ ...FILL, id: num('1149163839863900657'), fee: '0', tax: '-0.00000000' });
    expect(fills.map((f) => [f.tradeId, f.qty.toFixed(), f.fee.toFixed(), f.tax.toFixed()])).toEqual([
      ['1149163839863900657', '0.0004', '0', '0'],
    ]);
  });
});

describe('orderbook', () => {
  const book = (bids: unknown[], asks: unknown[], timestamp = num(String(RECORDED_SERVER_TIME_MS))) => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/orderbook', enveloped({ timestamp, bids, asks }));
    return venue.exchange.orderBookTop('BTCTRY');
  };

  it('refuses a crossed book with an error naming the symbol', async () => {
    const error = await caught(book([['349900.00', '0.1']], [['349830.00', '0.2']]));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('orderbook BTCTRY');
    expect((error as Error).message).toContain('crossed book: bid 349900.00 ask 349830.00');
  });

  it.each<[string, unknown[], unknown[], string]>([
    ['a zero bid', [['0', '0.1']], [['349830.00', '0.2']], '0'],
    ['a negative ask', [['349600.00', '0.1']], [['-349830.00', '0.2']], '0'],
    ['a zero quantity', [['349600.00', '0.00000000']], [['349830.00', '0.2']], '1'],
  ])('refuses a level with %s', async (_name, bids, asks, index) => {
    await expectInvalid(book(bids, asks), index, 'expected positive');
  });

  it('refuses an empty side and a timestamp in seconds', async () => {
    expect(await caught(book([], [['349830.00', '0.2']]))).toBeInstanceOf(ValidationError);
    await expectInvalid(
      book([['349600.00', '0.1']], [['349830.00', '0.2']], num('1613315997')),
      'timestamp',
      'expected epoch milliseconds in',
    );
  });

  it('accepts a locked book (bid equal to ask)', async () => {
    const top = await book([['349830.00', '0.1']], [['349830.00', '0.2']]);
    expect([top.bid.toFixed(), top.ask.toFixed()]).toEqual(['349830', '349830']);
  });
});

describe('balances', () => {
  const balances = (item: Record<string, unknown>) => {
    const venue = new MockVenue();
    const row = { asset: 'TRY', balance: '100,5', locked: '0', free: '100,5', ...item };
    venue.inject('GET', '/api/v1/users/balances', enveloped([row]));
    return venue.exchange.balances();
  };

  it('keeps a negative free balance readable: the cycle turns it into observe-only (spec 2.5)', async () => {
    const [row] = await balances({ balance: '-5', free: '-5,25', locked: '0,25' });
    expect([row?.free.toFixed(), row?.locked.toFixed(), row?.total.toFixed()]).toEqual(['-5.25', '0.25', '-5']);
  });

  it('refuses a negative locked amount, non-decimal junk and an empty asset', async () => {
    await expectInvalid(balances({ locked: '-0,25' }), 'locked', 'expected non-negative');
    await expectInvalid(balances({ free: '1.000,5' }), 'free', 'expected a decimal');
    await expectInvalid(balances({ asset: '' }), 'asset', 'expected an asset code');
  });
});

describe('server time', () => {
  it.each([
    ['in seconds', '1613313462'],
    ['of 1e20', '100000000000000000000'],
  ])('refuses a server time %s', async (_name, digits) => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/server/time', { status: 200, text: `{"serverTime":${digits}}` });
    await expectInvalid(venue.exchange.serverTime(), 'serverTime', 'expected epoch milliseconds in');
  });
});

describe('exchange info', () => {
  const capture = JSON.parse(fixtureText('captured_rest_exchangeinfo_btctry_aavetry_2022-03.json')) as {
    data: { symbols: Record<string, unknown>[] };
  };
  const [BTC, AAVE] = capture.data.symbols;
  const exchangeInfo = (symbols: unknown[]) => {
    const venue = new MockVenue();
    venue.inject('GET', '/api/v2/server/exchangeinfo', enveloped({ timeZone: 'UTC', symbols }));
    return venue.exchange.exchangeInfo();
  };

  it.each<[string, Record<string, unknown>]>([
    ['a fractional scale', { numeratorScale: num('8.5') }],
    ['a negative scale', { denominatorScale: num('-2') }],
    ['a huge scale', { numeratorScale: num('100') }],
    ['a tick size that is not a number', { filters: [{ filterType: 'PRICE_FILTER', tickSize: 'ten' }] }],
    ['a negative price band', { minimumLimitOrderPrice: num('-58387.9') }],
    ['a name that is a number', { name: num('-1.7976931348623157e+308') }],
    ['a base asset with a space', { numerator: 'B TC' }],
  ])('leaves out a pair with %s and keeps the others', async (_name, over) => {
    const pairs = await exchangeInfo([{ ...BTC, ...over }, AAVE]);
    expect(pairs.map((p) => p.symbol)).toEqual(['AAVETRY']);
  });

  it('reads a price band in exponent notation exactly (a double serialized by the venue)', async () => {
    const [pair] = await exchangeInfo([{ ...AAVE, minimumLimitOrderPrice: num('6E-05') }]);
    expect(pair?.minLimitPrice).toBe('0.00006');
  });

  it('fails as a whole only when no listed pair is well-formed', async () => {
    const error = await caught(exchangeInfo([{ ...BTC, numeratorScale: num('8.5') }]));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('exchangeinfo pair "BTCTRY": numeratorScale');
  });
});

describe('writes', () => {
  it('reports a submit ack with an impossible order id as OutcomeUnknownError, never a rejection', async () => {
    const venue = new MockVenue();
    venue.inject('POST', '/api/v1/order', enveloped({ id: num('123456789012345678901'), newOrderClientId: 'c-1' }));
    const order = {
      clientOrderId: 'c-1',
      symbol: 'BTCTRY',
      side: 'BUY',
      price: dec('20000'),
      qty: dec('0.001'),
    } as const;
    const error = await caught(venue.exchange.placeLimitOrder(order));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).not.toBeInstanceOf(ExchangeUnavailableError);
    expect((error as Error).message).toContain('id: expected an integer id of at most 20 digits');
  });
});

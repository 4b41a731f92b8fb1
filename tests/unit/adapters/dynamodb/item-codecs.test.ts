// The DynamoDB item codecs without a table: what a journal entry, a fill and a ledger event must be to be
// written or read (the same schema both ways), and the field rules every codec shares.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { epochMs, parseItem } from '../../../../shared/adapters/dynamodb/attributes';
import { orderItem, parseOrder } from '../../../../shared/adapters/dynamodb/journal-codec';
import { fillItem, ledgerItem, parseFill } from '../../../../shared/adapters/dynamodb/record-codecs';
import { clientOrderId } from '../../../../shared/domain/ids';
import { dec } from '../../../../shared/domain/money';
import { isCanonicalPair } from '../../../../shared/domain/symbols';
import type { JournalOrder } from '../../../../shared/ports/state-store';
import { aFill, aLedgerEvent, aNewOrder, T0 } from '../../../contract/state-store-builders';

const anEntry = (overrides: Partial<JournalOrder> = {}): JournalOrder => ({
  ...aNewOrder({ qty: dec('1'), price: dec('2500000') }),
  status: 'OPEN',
  version: 2,
  updatedAtMs: T0 + 1,
  exchangeOrderId: '9001',
  filledQty: dec('0.25'),
  notFoundChecks: 0,
  ...overrides,
});

describe('journal entries', () => {
  it('round-trips an entry of the bot (its real client id) and an imported one', () => {
    const id = clientOrderId({ ...aNewOrder(), bucket: 'cycle-1', attempt: 0 });
    const ours = anEntry({ clientOrderId: id });
    expect(parseOrder(orderItem(ours))).toEqual(ours);
    const imported = anEntry({ clientOrderId: 'ext-9001', intentKey: 'external:9001', stage: 'stage4' });
    expect(parseOrder(orderItem(imported))).toEqual(imported);
  });

  it('reads the symbol in a bot id as its first 12 characters, as clientOrderId writes it', () => {
    const symbol = 'ABCDEFGHIJKLMTRY';
    const id = clientOrderId({ ...aNewOrder({ symbol }), bucket: 'b', attempt: 0 });
    expect(id.startsWith('bb3-ABCDEFGHIJKL-b-')).toBe(true);
    expect(parseOrder(orderItem(anEntry({ clientOrderId: id, symbol })))).toMatchObject({ symbol });
  });

  it.each<[string, Partial<JournalOrder>, RegExp]>([
    ['filledQty above qty', { filledQty: dec('1.5') }, /filledQty: expected <= qty 1, was 1\.5/],
    ['a negative filledQty', { filledQty: dec('-0.1') }, /filledQty: expected a decimal >= 0, was -0\.1/],
    ['a zero qty', { qty: dec('0'), filledQty: dec('0') }, /qty: expected a decimal > 0, was 0/],
    ['a stage the id contradicts', { stage: 'stage4' }, /stage: expected stage3 as bb3-BTCTRY-b-\S+ names, was stage4/],
    ['a side the id contradicts', { side: 'SELL' }, /side: expected the side bb3-\S+ names \(b\), was SELL/],
    ['a non-canonical symbol', { symbol: 'BTC_TRY' }, /symbol: expected a canonical pair symbol such as BTCTRY/],
    [
      'an id over 50 characters',
      { clientOrderId: `bb3-BTCTRY-b-${'a'.repeat(40)}` },
      /clientOrderId: expected a bot id/,
    ],
    [
      'an imported id with our intent',
      { clientOrderId: 'ext-9001' },
      /intentKey: expected external:9001, was intent-1/,
    ],
    [
      'an imported id naming another venue order',
      { clientOrderId: 'ext-9002', intentKey: 'external:9002' },
      /exchangeOrderId: expected 9002, was 9001/,
    ],
    ['a version of 0', { version: 0 }, /version: expected a version >= 1, was 0/],
    ['an update time in seconds', { updatedAtMs: T0 / 1000 }, /updatedAtMs: expected epoch milliseconds/],
    ['an account with a space', { account: 'my account' }, /account: expected an account of 1 to 64/],
  ])('refuses to write %s, naming the entry and the field', (_name, overrides, message) => {
    const entry = anEntry(overrides);
    expect(() => orderItem(entry)).toThrow(`invalid DynamoDB item ACCT#`);
    expect(() => orderItem(entry)).toThrow(message);
  });
});

describe('fills and ledger events', () => {
  it('stores a fill under its canonical symbol, the form it is keyed and read back by', () => {
    const item = fillItem(aFill({ symbol: 'btc_try' }));
    expect(item.symbol).toEqual({ S: 'BTCTRY' });
    expect(parseFill(item)).toEqual(aFill());
  });

  it.each([
    ['a zero price', aFill({ price: dec('0') }), /price: expected a decimal > 0, was 0/],
    ['a negative fee', aFill({ fee: dec('-0.01') }), /fee: expected a decimal >= 0, was -0\.01/],
    ['a timestamp in seconds', aFill({ timestampMs: T0 / 1000 }), /timestampMs: expected epoch milliseconds/],
    ['a venue order id that is not digits', aFill({ orderId: 'o-1' }), /orderId: expected a venue id of digits/],
  ])('refuses to write a fill with %s', (_name, fill, message) => {
    expect(() => fillItem(fill)).toThrow(message);
  });

  it('refuses a FILL event without a side or with a zero quantity; a FEE event may have neither', () => {
    expect(() => ledgerItem(aLedgerEvent({ side: undefined }))).toThrow(/side: expected BUY or SELL on a FILL event/);
    expect(() => ledgerItem(aLedgerEvent({ qty: dec('0') }))).toThrow(/qty: expected a FILL quantity > 0, was 0/);
    const fee = aLedgerEvent({ type: 'FEE', side: undefined, qty: dec('0'), price: dec('0'), fee: dec('0.5') });
    expect(ledgerItem(fee).type).toEqual({ S: 'FEE' });
  });

  it('refuses a FEE event that carries a side, a quantity or a price (spec 3.10)', () => {
    const fee = { type: 'FEE' as const, side: undefined, qty: dec('0'), price: dec('0'), fee: dec('0.5') };
    for (const bad of [{ side: 'BUY' as const }, { qty: dec('1') }, { price: dec('100') }])
      expect(() => ledgerItem(aLedgerEvent({ ...fee, ...bad }))).toThrow(/expected a FEE event without side/);
  });
});

describe('field rules', () => {
  it.each([
    ['BTCTRY', true],
    ['USDTTRY', true],
    ['btctry', false],
    ['BTC_TRY', false],
    [' BTCTRY', false],
    ['BTC', false],
    ['', false],
  ])('%j is a canonical pair: %s', (symbol, expected) => {
    expect(isCanonicalPair(symbol)).toBe(expected);
  });

  it('takes epoch milliseconds from 2010 to 2100 only: seconds and 2^53 are refused', () => {
    const schema = z.object({ at: epochMs });
    const at = (n: string) => ({ pk: { S: 'P' }, sk: { S: 'S' }, at: { N: n } });
    expect(parseItem(schema, at('1262304000000')).at).toBe(1_262_304_000_000);
    expect(parseItem(schema, at('4102444800000')).at).toBe(4_102_444_800_000);
    expect(() => parseItem(schema, at('1700000000'))).toThrow('P / S: at: expected epoch milliseconds in 2010..2100');
    expect(() => parseItem(schema, at('4102444800001'))).toThrow(/at: expected epoch milliseconds/);
    expect(() => parseItem(schema, at('9007199254740993'))).toThrow(/at: expected a safe integer/);
  });
});

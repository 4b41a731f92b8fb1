import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../../shared/domain/hashing';
import {
  backtestCycleId,
  CLIENT_ORDER_ID_MAX_LENGTH,
  clientOrderId,
  fillId,
  type OrderIdentity,
} from '../../../shared/domain/ids';
import { dec } from '../../../shared/domain/money';

const base: OrderIdentity = {
  account: 'default',
  stage: 'stage3',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('600120'),
  qty: dec('0.00123456'),
  bucket: '0f3c2a1b9d8e7f6a5b4c3d2e1f0a9b8c',
  attempt: 0,
};

describe('clientOrderId', () => {
  it('is deterministic: the same intent gives the same id', () => {
    expect(clientOrderId(base)).toBe(clientOrderId({ ...base, price: dec('600120.000') }));
    expect(clientOrderId(base)).toMatch(/^bb3-BTCTRY-b-[0-9a-f]{20}$/);
  });

  it('changes with every identity field, including the attempt', () => {
    const variants: OrderIdentity[] = [
      { ...base, account: 'other' },
      { ...base, stage: 'stage4' },
      { ...base, symbol: 'ETHTRY' },
      { ...base, side: 'SELL' },
      { ...base, price: dec('600130') },
      { ...base, qty: dec('0.00123457') },
      { ...base, bucket: 'next' },
      { ...base, attempt: 1 },
    ];
    const ids = new Set([clientOrderId(base), ...variants.map(clientOrderId)]);
    expect(ids.size).toBe(variants.length + 1);
  });

  it('never exceeds the BTCTurk limit of 50 characters and uses only safe characters', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{1,20}TRY$/),
        fc.string({ maxLength: 200 }),
        fc.nat(),
        fc.constantFrom('stage3', 'stage4', 'stage7'),
        (symbol, bucket, attempt, stage) => {
          const id = clientOrderId({ ...base, symbol, bucket, attempt, stage: stage as OrderIdentity['stage'] });
          expect(id.length).toBeLessThanOrEqual(CLIENT_ORDER_ID_MAX_LENGTH);
          expect(id).toMatch(/^[a-zA-Z0-9-]+$/);
        },
      ),
    );
  });

  it('refuses a negative or fractional attempt', () => {
    expect(() => clientOrderId({ ...base, attempt: -1 })).toThrow(RangeError);
    expect(() => clientOrderId({ ...base, attempt: 0.5 })).toThrow(RangeError);
  });
});

describe('other identifiers', () => {
  it('formats backtest cycle ids as bt:{YYYYmmddHHMMSS}:{counter:06d} in UTC', () => {
    expect(backtestCycleId(new Date('2024-03-05T07:08:09Z'), 42)).toBe('bt:20240305070809:000042');
  });

  it('keys fills by pair and venue trade id, keeping ids above 2^53 exact', () => {
    expect(fillId('btc_try', '1181163798924649598')).toBe('BTCTRY#1181163798924649598');
  });
});

describe('hashing', () => {
  it('matches the SHA-256 known answer', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('renders canonical JSON with sorted keys, no spaces, decimals as plain strings', () => {
    expect(
      canonicalJson({ b: 1, a: [true, null, dec('0.00000001')], c: undefined, d: new Date('2024-01-01T00:00:00Z') }),
    ).toBe('{"a":[true,null,"0.00000001"],"b":1,"d":"2024-01-01T00:00:00.000Z"}');
  });

  it('refuses non-integer numbers (amounts must be decimals)', () => {
    expect(() => canonicalJson({ price: 0.1 })).toThrow(/integers only/);
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });
});

// Deterministic hashing (spec 0.5): SHA-256 hex of UTF-8 text and canonical JSON. Ids and payload hashes are
// built from these, so their output is pinned: published SHA-256 vectors, and canonical JSON against an
// independent construction (JSON.stringify of a copy with its keys sorted).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashCanonical, sha256Hex } from '../../../shared/domain/hashing';
import { dec } from '../../../shared/domain/money';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The canonical form built another way: keys sorted as Array.prototype.sort sorts, then JSON.stringify */
function sortedCopy(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== 'object') return value;
  // no prototype: a `__proto__` key is then a member like any other
  const out: { [key: string]: Json } = Object.create(null);
  for (const key of Object.keys(value).sort()) out[key] = sortedCopy(value[key] as Json);
  return out;
}

const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value')),
    // up to 40 members: records both below and above the size where sorting changes method
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 40 }),
  ),
})).value;

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('hashes %j as the published SHA-256 vector', (text, digest) => {
    expect(sha256Hex(text)).toBe(digest);
  });

  it('hashes the UTF-8 bytes: a non-ASCII text as its encoding, a lone surrogate as U+FFFD', () => {
    expect(sha256Hex('ğüşİöç ₺')).toBe('1c7b0e54517b0702a00ee4ba16657cda26005a4fdeb8badc589fb041ab5c525b');
    expect(sha256Hex('\ud800')).toBe('83d544ccc223c057d2bf80d3f2a32982c32c3c0db8e2674820da5064783fb097');
  });
});

describe('canonicalJson', () => {
  it('is JSON.stringify of the value with every record sorted by key', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(JSON.stringify(sortedCopy(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('is a fixed point: the canonical JSON of parsed canonical JSON is the same text', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('writes decimals as plain strings and dates as UTC ISO text, drops undefined members, keeps array holes as null', () => {
    const value = {
      z: [dec('1.50'), undefined, dec('-0'), dec('0.00000001')],
      a: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
      m: undefined,
      '10': 1,
      '9': 2,
    };
    expect(canonicalJson(value)).toBe(
      '{"10":1,"9":2,"a":"2024-01-02T03:04:05.006Z","z":["1.5",null,"0","0.00000001"]}',
    );
    expect(hashCanonical(value)).toBe(sha256Hex(canonicalJson(value)));
  });

  it('refuses a number that is not a safe integer', () => {
    expect(() => canonicalJson({ a: [1.5] })).toThrow(RangeError);
    expect(() => canonicalJson(2 ** 53)).toThrow(/integers only/);
  });
});

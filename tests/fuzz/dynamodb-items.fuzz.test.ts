// Stored items through the DynamoDB stores' read paths (each store over a client that returns the fuzzed
// item for every read) and stored document text through its readers (op-state, cooldowns): items written
// by the codecs and then corrupted (a field deleted, of the wrong attribute type, a negative or exponent
// decimal, 1e20, a time in seconds, a version 0, a symbol not canonical, filledQty above qty), and any JSON.
// Invariants, per input: a typed error (the store's CorruptStateError/ValidationError) or domain values
// whose decimals are finite and >= 0, whose integers (versions, counts, times) are safe and >= 0, versions
// and lease epochs >= 1, ids non-empty, symbols canonical, filledQty <= qty; and a value read back can be
// written again by the same codec and reads back equal (no store returns what it would refuse to write).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { type Item, S } from '../../shared/adapters/dynamodb/attributes';
import { orderItem, parseOrder } from '../../shared/adapters/dynamodb/journal-codec';
import { keys } from '../../shared/adapters/dynamodb/keys';
import { fillItem, ledgerItem, parseFill, parseLedgerEvent } from '../../shared/adapters/dynamodb/record-codecs';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { MemoryDocumentStore } from '../../shared/adapters/memory/memory-document-store';
import { loadOpState } from '../../shared/application/op-state';
import { loadCooldowns } from '../../shared/application/stage3/cooldowns';
import { type Dec, dec } from '../../shared/domain/money';
import { canonicalSymbol } from '../../shared/domain/symbols';
import type { Fill, JournalOrder, LedgerEvent, StateStores } from '../../shared/ports/state-store';
import { anyJson, mutatedRecord, oddNumberText, oddText } from '../support/arbitraries';
import { Boundary, describeError, fuzz, judge, runsOr, settle, type Verdict } from './support/fuzz-runner';

const boundary = new Boundary('dynamodb-items');
afterAll(() => console.log(boundary.line()));

const T = Date.UTC(2026, 10, 21, 12, 0, 0);
const ACCOUNT = 'default';
const COID = 'bb3-BTCTRY-b-0123456789abcdef0123';

// ------------------------------------------------------------------------------------------ invariants

const isDec = (x: unknown): x is Dec => typeof x === 'object' && x !== null && 'isFinite' in x && 'gte' in x;
const AT_LEAST_ONE = new Set(['version', 'epoch']);
const IDS = new Set(['account', 'clientOrderId', 'tradeId', 'orderId', 'eventId', 'name', 'holder', 'cycleId']);

function isCanonical(symbol: unknown): boolean {
  try {
    return typeof symbol === 'string' && canonicalSymbol(symbol) === symbol;
  } catch {
    return false;
  }
}

/** The invariants every domain value read from the table keeps, field by field */
function valueProblems(value: unknown, at: string): string[] {
  if (typeof value !== 'object' || value === null) return [`${at}: expected an object, was ${String(value)}`];
  const v = value as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (isDec(x) && !(x.isFinite() && x.gte(0))) out.push(`${at}.${k} expected a decimal >= 0, was ${x.toFixed()}`);
    if (typeof x === 'number') {
      const min = AT_LEAST_ONE.has(k) ? 1 : 0;
      if (!(Number.isSafeInteger(x) && x >= min)) out.push(`${at}.${k} expected a safe integer >= ${min}, was ${x}`);
    }
    if (IDS.has(k) && !(typeof x === 'string' && x.length > 0)) out.push(`${at}.${k} expected an id, was ${x}`);
  }
  if ('symbol' in v && !isCanonical(v.symbol)) out.push(`${at}.symbol ${JSON.stringify(v.symbol)} is not canonical`);
  if (isDec(v.filledQty) && isDec(v.qty) && v.filledQty.gt(v.qty)) {
    out.push(`${at}.filledQty ${v.filledQty.toFixed()} > qty ${v.qty.toFixed()}`);
  }
  if (typeof v.counts === 'object' && v.counts !== null) {
    for (const [k, n] of Object.entries(v.counts)) {
      if (!(Number.isSafeInteger(n) && (n as number) >= 0)) out.push(`${at}.counts.${k} expected a count, was ${n}`);
    }
  }
  return out;
}

const canonicalJson = (v: unknown) => JSON.stringify(v, (_k, x) => (isDec(x) ? `dec:${x.toFixed()}` : x));

/** A value read back must be writable by the same codec and read back equal */
function writeBack<T>(value: T, encode: (v: T) => Item, decode: (i: Item) => T, at: string): string[] {
  let again: T;
  try {
    again = decode(encode(value));
  } catch (e) {
    return [`${at}: read, but its codec refuses to write it back: ${describeError(e)}`];
  }
  return canonicalJson(again) === canonicalJson(value) ? [] : [`${at}: reads back as ${canonicalJson(again)}`];
}

// ------------------------------------------------------------------------------------------ the stores

/** A client whose every read returns `item` (a query, one page holding it) */
function storesReading(item: unknown): StateStores {
  const send = async (command: { constructor: { name: string } }) => {
    switch (command.constructor.name) {
      case 'GetItemCommand':
        return { Item: item };
      case 'QueryCommand':
        return { Items: [item], Count: 1 };
      default:
        throw new Error(`the fuzz client serves reads only, was asked ${command.constructor.name}`);
    }
  };
  return createDynamoStateStores({ send } as unknown as DynamoDBClient, 'fuzz-table');
}

interface Read {
  readonly name: string;
  readonly base: Item;
  read(stores: StateStores): Promise<unknown>;
  problems(value: unknown): string[];
}

const list = (value: unknown, f: (v: unknown, at: string) => string[]) =>
  Array.isArray(value) ? value.flatMap((v, i) => f(v, `[${i}]`)) : [`expected a list, was ${String(value)}`];
const optional = (value: unknown, f: (v: unknown) => string[]) => (value === undefined ? [] : f(value));

const ORDER: JournalOrder = {
  account: ACCOUNT,
  clientOrderId: COID,
  stage: 'stage3',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('3000000'),
  qty: dec('0.0001'),
  status: 'PARTIAL',
  version: 3,
  intentKey: 'intent-1',
  attempt: 0,
  cycleId: 'cycle-1',
  createdAtMs: T,
  updatedAtMs: T + 5_000,
  submittedAtMs: T + 100,
  exchangeOrderId: '22632304',
  filledQty: dec('0.00005'),
  notFoundChecks: 0,
};
const FILL: Fill = {
  account: ACCOUNT,
  symbol: 'BTCTRY',
  tradeId: '5758565',
  orderId: '22632304',
  clientOrderId: COID,
  side: 'BUY',
  price: dec('3000000'),
  qty: dec('0.00005'),
  fee: dec('0.15226792'),
  feeAsset: 'TRY',
  timestampMs: T + 4_000,
};
const LEDGER: LedgerEvent = {
  account: ACCOUNT,
  eventId: 'fill-BTCTRY-5758565',
  type: 'FILL',
  symbol: 'BTCTRY',
  side: 'BUY',
  qty: dec('0.00005'),
  price: dec('3000000'),
  fee: dec('0.15226792'),
  feeAsset: 'TRY',
  timestampMs: T + 4_000,
  tradeId: '5758565',
  clientOrderId: COID,
};
const N = (n: number) => ({ N: String(n) });
const key = (k: { pk: string; sk: string }): Item => ({ pk: S(k.pk), sk: S(k.sk) });

const READS: readonly Read[] = [
  {
    name: 'journal.get',
    base: orderItem(ORDER),
    read: (s) => s.journal.get(ACCOUNT, COID),
    problems: (v) =>
      optional(v, (o) => [
        ...valueProblems(o, 'order'),
        ...writeBack(o as JournalOrder, orderItem, parseOrder, 'order'),
      ]),
  },
  {
    name: 'journal.listByStatus',
    base: orderItem(ORDER),
    read: (s) => s.journal.listByStatus(ACCOUNT, ['PARTIAL']),
    problems: (v) => list(v, valueProblems),
  },
  {
    name: 'fills.list',
    base: fillItem(FILL),
    read: (s) => s.fills.list(ACCOUNT, 'BTCTRY', 0),
    problems: (v) => list(v, (f, at) => [...valueProblems(f, at), ...writeBack(f as Fill, fillItem, parseFill, at)]),
  },
  {
    name: 'ledger.list',
    base: ledgerItem(LEDGER),
    read: (s) => s.ledger.list(ACCOUNT, 0),
    problems: (v) =>
      list(v, (e, at) => [...valueProblems(e, at), ...writeBack(e as LedgerEvent, ledgerItem, parseLedgerEvent, at)]),
  },
  {
    name: 'cursors.get',
    base: { ...key(keys.cursor('fills#default#BTCTRY')), key: S('fills#default#BTCTRY'), value: N(T) },
    read: (s) => s.cursors.get('fills#default#BTCTRY'),
    problems: (v) => optional(v, (n) => valueProblems({ cursor: n }, 'cursor')),
  },
  {
    name: 'leases.read',
    base: {
      ...key(keys.lease('stage3#default')),
      name: S('stage3#default'),
      holder: S('invocation-1'),
      epoch: N(7),
      expiresAtMs: N(T + 60_000),
    },
    read: (s) => s.leases.read('stage3#default'),
    problems: (v) => optional(v, (l) => valueProblems(l, 'lease')),
  },
  {
    name: 'documents.get',
    base: {
      ...key(keys.document('opstate#default')),
      key: S('opstate#default'),
      value: S('{"symbols":{}}'),
      version: N(4),
    },
    read: (s) => s.documents.get('opstate#default'),
    problems: (v) =>
      optional(v, (d) => [
        ...valueProblems(d, 'document'),
        ...(typeof (d as { value?: unknown }).value === 'string' ? [] : ['document.value is not text']),
      ]),
  },
  {
    name: 'audits.latest',
    base: {
      ...key(keys.cycleAudit('cycle-1')),
      gsi1pk: S(keys.cycleAuditIndex('stage3', ACCOUNT)),
      gsi1sk: S(keys.cycleAuditSort(T, 'cycle-1')),
      stage: S('stage3'),
      account: S(ACCOUNT),
      cycleId: S('cycle-1'),
      runId: S('run-1'),
      startedAtMs: N(T),
      finishedAtMs: N(T + 900),
      mode: S('LIVE'),
      counts: { M: { placed: N(1), OPEN: N(2) } },
      decisions: { L: [S('risk:min_notional')] },
      summary: S('{"status":"completed"}'),
    },
    read: (s) => s.audits.latest('stage3', ACCOUNT, 5),
    problems: (v) => list(v, valueProblems),
  },
  {
    name: 'cooldowns.active',
    base: {
      ...key(keys.cooldown('BTCTRY')),
      gsi1pk: S(keys.cooldownIndex),
      gsi1sk: S(keys.cooldownSort(T / 1000 + 600, 'BTCTRY')),
      symbol: S('BTCTRY'),
      windowStartSec: N(T / 1000),
      rollingCount: N(3),
      cooldownUntilSec: N(T / 1000 + 600),
      version: N(2),
    },
    read: (s) => s.cooldowns.active(T / 1000),
    problems: (v) => list(v, valueProblems),
  },
];

async function checkRead(r: Read, item: unknown): Promise<Verdict> {
  const settled = await settle(() => r.read(storesReading(item)));
  return judge(settled, (v) => r.problems(v));
}

// ------------------------------------------------------------------------------------------ items

const DECIMALS = new Set(['price', 'qty', 'filledQty', 'fee']);
const INTEGERS = new Set([
  'version',
  'attempt',
  'createdAtMs',
  'updatedAtMs',
  'submittedAtMs',
  'notFoundChecks',
  'timestampMs',
  'value',
  'epoch',
  'expiresAtMs',
  'startedAtMs',
  'finishedAtMs',
  'windowStartSec',
  'rollingCount',
  'cooldownUntilSec',
]);
const ENUMS = new Set(['stage', 'side', 'status', 'type', 'mode']);

/** Attribute values DynamoDB can hold that no field here takes: other types, empty shapes, both S and N */
const oddAttribute = fc.oneof(
  anyJson,
  fc.constantFrom({ NULL: true }, { BOOL: true }, { L: [] }, { M: {} }, {}, { S: '1', N: '1' }, { SS: ['a'] }),
);
const oddInteger = fc.constantFrom(
  '-1',
  '0',
  '1.5',
  '1e3',
  '1613313462',
  '9007199254740993',
  '100000000000000000000',
  ' 1',
);

function oddFor(field: string): fc.Arbitrary<unknown> {
  if (DECIMALS.has(field)) {
    return fc.oneof(
      oddNumberText.map((s) => ({ S: s })),
      oddNumberText.map((s) => ({ N: s })),
      oddAttribute,
    );
  }
  if (INTEGERS.has(field)) {
    return fc.oneof(
      oddInteger.map((n) => ({ N: n })),
      oddNumberText.map((n) => ({ N: n })),
      oddAttribute,
    );
  }
  if (field === 'symbol') {
    return fc.oneof(
      fc.constantFrom('btctry', 'BTC_TRY', 'BTC/TRY', 'TRY', '', ' BTCTRY').map(S),
      oddText.map(S),
      oddAttribute,
    );
  }
  if (ENUMS.has(field)) return fc.oneof(fc.constantFrom('buy', 'open', 'STAGE3', '', 'X').map(S), oddAttribute);
  if (field === 'counts')
    return fc.oneof(
      oddInteger.map((n) => ({ M: { placed: { N: n } } })),
      oddAttribute,
    );
  return fc.oneof(oddText.map(S), oddAttribute);
}

const corrupted = (base: Item) =>
  mutatedRecord(base as Record<string, unknown>, Object.fromEntries(Object.keys(base).map((f) => [f, oddFor(f)])));

/** A journal entry that filled more than it ordered (every other field as written) */
const overfilled = fc
  .constantFrom('0.00000001', '0.0001', '5')
  .map((extra) => ({ ...orderItem(ORDER), filledQty: S(ORDER.qty.add(extra).toFixed()) }));

// ------------------------------------------------------------------------------------------ documents

async function checkDocument(text: string): Promise<Verdict> {
  const documents = new MemoryDocumentStore();
  await documents.put('stage3#default#cooldowns', text, 0);
  await documents.put('opstate#default', text, 0);
  const cooldowns = await settle(() => loadCooldowns(documents, ACCOUNT));
  const verdict = judge(cooldowns, (c) =>
    [...c.lastApprovedAtMs].flatMap(([k, ms]) =>
      Number.isSafeInteger(ms) && ms >= 0 ? [] : [`cooldown ${k} at ${ms}: not epoch ms`],
    ),
  );
  const op = await settle(() => loadOpState(documents, ACCOUNT));
  if (!op.ok) return { outcome: 'untyped_crash', problems: [`loadOpState threw ${describeError(op.error)}`] };
  const { killSwitchOn, unreadable, observeOnlySymbols } = op.value;
  const problems = [
    ...(unreadable !== undefined && !killSwitchOn ? ['an unreadable op-state with the kill switch off'] : []),
    ...observeOnlySymbols
      .filter((s) => !isCanonical(s))
      .map((s) => `observe-only symbol ${JSON.stringify(s)} not canonical`),
  ];
  return { ...verdict, problems: [...verdict.problems, ...problems] };
}

const documentText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  anyJson.map((j) => JSON.stringify(j)),
  fc
    .dictionary(
      fc.oneof(fc.constantFrom('BTCTRY:BUY', 'ETHTRY:SELL'), oddText),
      fc.oneof(fc.constant(T), fc.constantFrom(-1, 1.5, 1e20, Number.MAX_SAFE_INTEGER + 2), anyJson),
      { maxKeys: 3 },
    )
    .map((m) => JSON.stringify(m)),
  fc
    .record({
      symbols: fc.dictionary(
        fc.oneof(fc.constantFrom('BTCTRY', 'btc_try', 'BTC/TRY'), oddText),
        fc.record({ consecutiveFailures: fc.oneof(fc.nat(5), fc.constantFrom(-1, 1.5)) }),
        { maxKeys: 2 },
      ),
    })
    .map((d) => JSON.stringify(d)),
);

describe('fuzz: stored items through the DynamoDB stores', () => {
  for (const r of READS) {
    it(`${r.name}: a typed error or values that keep their invariants`, async () => {
      const item = fc.oneof(
        { arbitrary: corrupted(r.base), weight: 6 },
        { arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 4 }), weight: 1 },
        ...(r.name.startsWith('journal') ? [{ arbitrary: overfilled, weight: 1 }] : []),
      );
      await fuzz(boundary, item, (i) => checkRead(r, i), runsOr(4000));
    });
  }

  it('document text (cooldowns, op-state): a typed error, or values; an unreadable op-state reads as kill switch on', async () => {
    await fuzz(boundary, documentText, checkDocument, runsOr(8000));
  });
});

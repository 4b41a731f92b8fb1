// Fill ingestion (spec 3.8, 3.9, 3.10) on the in-memory stores: the first import window, fills already
// ingested costing no write, FILL and FEE ledger events, fees converted to the quote or surfaced.
import { describe, expect, it } from 'vitest';
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import { ingestFills } from '../../../shared/application/ingest-fills';
import { ExchangeUnavailableError } from '../../../shared/domain/errors';
import { averageCostPositions, replayLedger } from '../../../shared/domain/ledger/ledger-state';
import { type Dec, dec } from '../../../shared/domain/money';
import type { Exchange, VenueFill } from '../../../shared/ports/exchange';
import type { Fill, LedgerEvent, StateStores } from '../../../shared/ports/state-store';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const MINUTE = 60_000;
const LOOKBACK = 30 * MINUTE;
const CURSOR = 'fills#default#BTCTRY';

const aTrade = (overrides: Partial<VenueFill> = {}): VenueFill => ({
  tradeId: '1001',
  orderId: '5001',
  clientOrderId: 'bb3-BTCTRY-b-0123456789abcdef0123',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('100'),
  qty: dec('1'),
  fee: dec('0.8'),
  tax: dec('0.2'),
  feeAsset: 'TRY',
  timestampMs: NOW - 10 * MINUTE,
  ...overrides,
});

/** A venue answering userTrades from a script, recording each `sinceMs` asked for */
function venue(trades: Record<string, readonly VenueFill[] | Error>) {
  const asked: [string, number][] = [];
  const exchange: Pick<Exchange, 'userTrades'> = {
    userTrades: async (symbol, sinceMs) => {
      asked.push([symbol, sinceMs]);
      const answer = trades[symbol] ?? [];
      if (answer instanceof Error) throw answer;
      return [...answer];
    },
  };
  return { exchange, asked };
}

/** In-memory stores whose writes are counted (and can be made to fail once) */
function countedStores(failOnce: { fillAdd?: boolean; ledgerAppend?: boolean } = {}) {
  const stores = createMemoryStateStores();
  const writes = { fillAdds: 0, ledgerAppends: 0, cursorAdvances: 0 };
  const appended: LedgerEvent[] = [];
  const fail = { ...failOnce };
  const counted: Pick<StateStores, 'fills' | 'ledger' | 'cursors'> = {
    fills: {
      add: async (fill: Fill) => {
        writes.fillAdds += 1;
        if (fail.fillAdd) {
          fail.fillAdd = false;
          throw new Error('crash before the fill was stored');
        }
        return stores.fills.add(fill);
      },
      list: (account, symbol, sinceMs) => stores.fills.list(account, symbol, sinceMs),
    },
    ledger: {
      append: async (events: readonly LedgerEvent[]) => {
        writes.ledgerAppends += 1;
        if (fail.ledgerAppend) {
          fail.ledgerAppend = false;
          throw new Error('crash before the ledger events were stored');
        }
        appended.push(...events);
        return stores.ledger.append(events);
      },
      list: (account, sinceMs) => stores.ledger.list(account, sinceMs),
      size: (account) => stores.ledger.size(account),
    },
    cursors: {
      get: (key) => stores.cursors.get(key),
      advance: async (key, value) => {
        writes.cursorAdvances += 1;
        return stores.cursors.advance(key, value);
      },
    },
  };
  return { stores, counted, writes, appended };
}

const options = (marks: ReadonlyMap<string, Dec> = new Map()) => ({ nowMs: NOW, lookbackMs: LOOKBACK, marks });

async function ingest(
  v: ReturnType<typeof venue>,
  s: ReturnType<typeof countedStores>,
  symbols: readonly string[] = ['BTCTRY'],
  marks?: ReadonlyMap<string, Dec>,
) {
  return ingestFills({ exchange: v.exchange, ...s.counted }, 'default', symbols, options(marks));
}

/** The ledger state the stage 3 cycle's positions come from (its average-cost view) */
const ledgerStateOf = async (stores: StateStores) => replayLedger(await stores.ledger.list('default'));
const positionsOf = async (stores: StateStores) => averageCostPositions(await ledgerStateOf(stores));

describe('ingestFills: the window asked for (spec 3.8)', () => {
  it('asks since now - lookback on the first import and ingests nothing older, never the whole history', async () => {
    const old = aTrade({ tradeId: '1', timestampMs: NOW - 120 * MINUTE });
    const recent = aTrade({ tradeId: '2', timestampMs: NOW - 10 * MINUTE });
    const v = venue({ BTCTRY: [old, recent] });
    const s = countedStores();
    const summary = await ingest(v, s);
    expect(v.asked).toEqual([['BTCTRY', NOW - LOOKBACK]]);
    expect(summary.inserted).toBe(1);
    expect((await s.stores.fills.list('default', 'BTCTRY', 0)).map((f) => f.tradeId)).toEqual(['2']);
    expect(await s.stores.cursors.get(CURSOR)).toBe(NOW - 10 * MINUTE);
  });

  it('asks since cursor - lookback once a cursor exists', async () => {
    const v = venue({ BTCTRY: [] });
    const s = countedStores();
    await s.stores.cursors.advance(CURSOR, NOW - 60 * MINUTE);
    await ingest(v, s);
    expect(v.asked).toEqual([['BTCTRY', NOW - 60 * MINUTE - LOOKBACK]]);
  });

  it('records where a first window without fills looked, so fills made during a long stop are found', async () => {
    const s = countedStores();
    await ingest(venue({ BTCTRY: [] }), s);
    expect(await s.stores.cursors.get(CURSOR)).toBe(NOW);
    const during = aTrade({ timestampMs: NOW + 5 * MINUTE });
    const later = venue({ BTCTRY: [during] });
    const summary = await ingestFills({ exchange: later.exchange, ...s.counted }, 'default', ['BTCTRY'], {
      ...options(),
      nowMs: NOW + 120 * MINUTE,
    });
    expect(later.asked).toEqual([['BTCTRY', NOW - LOOKBACK]]);
    expect(summary.inserted).toBe(1);
    expect(await s.stores.cursors.get(CURSOR)).toBe(during.timestampMs);
  });

  it('stores a trade the venue repeats in one answer once, in (time, trade id) order', async () => {
    const a = aTrade({ tradeId: '9', timestampMs: NOW - 5 * MINUTE });
    const b = aTrade({ tradeId: '10', timestampMs: NOW - 5 * MINUTE });
    const c = aTrade({ tradeId: '3', timestampMs: NOW - 20 * MINUTE });
    const s = countedStores();
    const summary = await ingest(venue({ BTCTRY: [b, a, c, a] }), s);
    expect(summary.inserted).toBe(3);
    expect(s.writes.fillAdds).toBe(3);
    const fills = s.appended.filter((e) => e.type === 'FILL');
    expect(fills.map((e) => e.tradeId)).toEqual(['3', '9', '10']);
    expect(await s.stores.cursors.get(CURSOR)).toBe(NOW - 5 * MINUTE);
  });
});

describe('ingestFills: fills already ingested cost no write', () => {
  it('a second ingest of the same trades makes no write at all', async () => {
    const trades = [aTrade({ tradeId: '1' }), aTrade({ tradeId: '2', timestampMs: NOW - 9 * MINUTE })];
    const s = countedStores();
    expect((await ingest(venue({ BTCTRY: trades }), s)).inserted).toBe(2);
    const writes = { ...s.writes };
    expect(writes.fillAdds).toBe(2);
    expect(writes.cursorAdvances).toBe(1);
    const again = await ingest(venue({ BTCTRY: trades }), s);
    expect(again).toEqual({ inserted: 0, failedSymbols: [], feeConversionMissing: [] });
    expect(s.writes).toEqual(writes);
  });

  it('writes only the fill that is new in a window holding stored ones', async () => {
    const first = aTrade({ tradeId: '1' });
    const s = countedStores();
    await ingest(venue({ BTCTRY: [first] }), s);
    const before = { ...s.writes };
    const next = aTrade({ tradeId: '2', timestampMs: NOW - MINUTE });
    expect((await ingest(venue({ BTCTRY: [first, next] }), s)).inserted).toBe(1);
    expect(s.writes.fillAdds - before.fillAdds).toBe(1);
    expect(s.writes.cursorAdvances - before.cursorAdvances).toBe(1);
    expect(await s.stores.cursors.get(CURSOR)).toBe(NOW - MINUTE);
  });

  it('ingests a fill again when its ledger append failed: the fill record is written last', async () => {
    const trade = aTrade();
    const s = countedStores({ ledgerAppend: true });
    await expect(ingest(venue({ BTCTRY: [trade] }), s)).rejects.toThrow('crash before the ledger events');
    expect(await s.stores.cursors.get(CURSOR)).toBeUndefined();
    expect((await ingest(venue({ BTCTRY: [trade] }), s)).inserted).toBe(1);
    expect((await s.stores.ledger.list('default')).map((e) => e.eventId)).toEqual([
      'fee#BTCTRY#1001',
      'fill#BTCTRY#1001',
    ]);
  });

  it('completes a fill whose ledger events were appended before a crash, without appending them twice', async () => {
    const trade = aTrade();
    const s = countedStores({ fillAdd: true });
    await expect(ingest(venue({ BTCTRY: [trade] }), s)).rejects.toThrow('crash before the fill');
    expect((await ingest(venue({ BTCTRY: [trade] }), s)).inserted).toBe(1);
    expect(await s.stores.fills.list('default', 'BTCTRY', 0)).toHaveLength(1);
    expect(await s.stores.ledger.list('default')).toHaveLength(2);
  });
});

describe('ingestFills: FILL and FEE ledger events (spec 3.10)', () => {
  it('appends a FILL event per fill and a FEE event when fee + tax > 0', async () => {
    const paid = aTrade({ tradeId: '1' });
    const free = aTrade({ tradeId: '2', side: 'SELL', fee: dec('0'), tax: dec('0'), timestampMs: NOW - MINUTE });
    const s = countedStores();
    await ingest(venue({ BTCTRY: [paid, free] }), s);
    const common = { account: 'default', symbol: 'BTCTRY', clientOrderId: paid.clientOrderId };
    expect(await s.stores.ledger.list('default')).toEqual([
      {
        ...common,
        eventId: 'fee#BTCTRY#1',
        type: 'FEE',
        side: undefined,
        qty: dec('0'),
        price: dec('0'),
        fee: dec('1'),
        feeAsset: 'TRY',
        timestampMs: paid.timestampMs,
        tradeId: '1',
      },
      {
        ...common,
        eventId: 'fill#BTCTRY#1',
        type: 'FILL',
        side: 'BUY',
        qty: dec('1'),
        price: dec('100'),
        fee: dec('1'),
        feeAsset: 'TRY',
        timestampMs: paid.timestampMs,
        tradeId: '1',
      },
      {
        ...common,
        eventId: 'fill#BTCTRY#2',
        type: 'FILL',
        side: 'SELL',
        qty: dec('1'),
        price: dec('100'),
        fee: dec('0'),
        feeAsset: 'TRY',
        timestampMs: free.timestampMs,
        tradeId: '2',
      },
    ]);
  });

  it('counts the fee once in the average cost: positions read FILL events, FEE events only record it', async () => {
    const s = countedStores();
    await ingest(venue({ BTCTRY: [aTrade({ fee: dec('0.8'), tax: dec('0.2') })] }), s);
    const position = (await positionsOf(s.stores)).get('BTCTRY');
    expect(position?.avgCost.toFixed()).toBe('101');
    expect(position?.feesPaid.toFixed()).toBe('1');
  });
});

describe('ingestFills: a fee in another asset (spec 3.9)', () => {
  const usdtFee = aTrade({ fee: dec('2'), tax: dec('0'), feeAsset: 'USDT' });

  it('converts it to the quote with the {ASSET}TRY mark: fee 2 USDT at 35 on a BUY 1@100 gives avg 170', async () => {
    const s = countedStores();
    const summary = await ingest(venue({ BTCTRY: [usdtFee] }), s, ['BTCTRY'], new Map([['USDTTRY', dec('35')]]));
    expect(summary.feeConversionMissing).toEqual([]);
    const [fee, fill] = await s.stores.ledger.list('default');
    expect([fee?.type, fee?.fee.toFixed(), fee?.feeAsset]).toEqual(['FEE', '2', 'USDT']);
    expect([fill?.type, fill?.fee.toFixed(), fill?.feeAsset]).toEqual(['FILL', '70', 'TRY']);
    expect((await positionsOf(s.stores)).get('BTCTRY')?.avgCost.toFixed()).toBe('170');
  });

  it('uses the inverse of the TRY{ASSET} mark when only that one is known', async () => {
    const s = countedStores();
    await ingest(venue({ BTCTRY: [usdtFee] }), s, ['BTCTRY'], new Map([['TRYUSDT', dec('0.025')]]));
    const fill = (await s.stores.ledger.list('default')).find((e) => e.type === 'FILL');
    expect([fill?.fee.toFixed(), fill?.feeAsset]).toEqual(['80', 'TRY']);
  });

  it('surfaces a fee it cannot convert, and keeps it on the fill in its own asset (never zero)', async () => {
    const s = countedStores();
    const other = aTrade({ tradeId: '2', fee: dec('0.5'), tax: dec('0'), feeAsset: 'XYZ' });
    const summary = await ingest(venue({ BTCTRY: [usdtFee, other, aTrade({ tradeId: '3' })] }), s);
    expect(summary.inserted).toBe(3);
    expect(summary.feeConversionMissing).toEqual(['USDT', 'XYZ']);
    const fill = (await s.stores.ledger.list('default')).find((e) => e.eventId === 'fill#BTCTRY#1001');
    expect([fill?.fee.toFixed(), fill?.feeAsset]).toEqual(['2', 'USDT']);
    const book = (await ledgerStateOf(s.stores)).symbols.get('BTCTRY');
    expect([...(book?.unconvertedFees ?? [])].map(([asset, fee]) => [asset, fee.toFixed()]).sort()).toEqual([
      ['USDT', '2'],
      ['XYZ', '0.5'],
    ]);
  });
});

describe('ingestFills: failed reads and the cursor', () => {
  it('lists a symbol whose userTrades read failed and leaves its cursor untouched; others proceed', async () => {
    const s = countedStores();
    await s.stores.cursors.advance(CURSOR, NOW - 60 * MINUTE);
    const eth = aTrade({ symbol: 'ETHTRY', tradeId: '7' });
    const summary = await ingest(
      venue({ BTCTRY: new ExchangeUnavailableError('userTrades BTCTRY: 503'), ETHTRY: [eth] }),
      s,
      ['BTCTRY', 'ETHTRY'],
    );
    expect(summary).toEqual({ inserted: 1, failedSymbols: ['BTCTRY'], feeConversionMissing: [] });
    expect(await s.stores.cursors.get(CURSOR)).toBe(NOW - 60 * MINUTE);
    expect(await s.stores.cursors.get('fills#default#ETHTRY')).toBe(eth.timestampMs);
  });

  it('never asks the store to move the cursor back when the window holds only older new fills', async () => {
    const s = countedStores();
    await s.stores.cursors.advance(CURSOR, NOW - 5 * MINUTE);
    const late = aTrade({ timestampMs: NOW - 20 * MINUTE });
    expect((await ingest(venue({ BTCTRY: [late] }), s)).inserted).toBe(1);
    expect(s.writes.cursorAdvances).toBe(0);
    expect(await s.stores.cursors.get(CURSOR)).toBe(NOW - 5 * MINUTE);
  });

  it('lets an error that is not a venue failure through: a bug is never taken for an unavailable venue', async () => {
    const s = countedStores();
    await expect(ingest(venue({ BTCTRY: new TypeError('bug') }), s)).rejects.toThrow(TypeError);
  });
});

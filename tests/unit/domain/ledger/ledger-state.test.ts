import { describe, expect, it } from 'vitest';
import { LedgerOutOfOrderError, ValidationError } from '../../../../shared/domain/errors';
import {
  applyLedgerEvent,
  averageCostPositions,
  DAY_MS,
  emptyLedgerState,
  heldQty,
  type LedgerState,
  replayLedger,
} from '../../../../shared/domain/ledger/ledger-state';
import { ledgerStateToJson } from '../../../../shared/domain/ledger/ledger-state-json';
import { dec, toPlain } from '../../../../shared/domain/money';
import { DAY0, trade } from './ledger-events';

const book = (state: LedgerState, symbol = 'BTCTRY') => {
  const found = state.symbols.get(symbol);
  if (!found) throw new Error(`no book for ${symbol}`);
  return found;
};

describe('FIFO lots (spec 3.10)', () => {
  it('BUY 1@100, BUY 1@110, SELL 1.5@120 realizes 25 and leaves 0.5 at 110', () => {
    const state = replayLedger([
      ...trade('BUY', '1', '100'),
      ...trade('BUY', '1', '110'),
      ...trade('SELL', '1.5', '120'),
    ]);
    const b = book(state);
    expect(toPlain(b.realized)).toBe('25');
    expect(b.lots.map((l) => [toPlain(l.qty), toPlain(l.unitCost)])).toEqual([['0.5', '110']]);
    expect([toPlain(b.bought), toPlain(b.sold), toPlain(b.turnover)]).toEqual(['2', '1.5', '390']);
  });

  it('keeps fees out of the lot cost and in feesByAsset, by the asset they were paid in', () => {
    const state = replayLedger([
      ...trade('BUY', '1', '100', { fee: '1' }),
      ...trade('BUY', '1', '100', { fee: '0.001', feeAsset: 'BTC' }),
      ...trade('SELL', '1', '120', { fee: '1' }),
    ]);
    expect(book(state).lots.map((l) => toPlain(l.unitCost))).toEqual(['100']);
    expect(toPlain(book(state).realized)).toBe('20');
    expect([...state.feesByAsset].map(([a, f]) => [a, toPlain(f)])).toEqual([
      ['TRY', '2'],
      ['BTC', '0.001'],
    ]);
  });

  it('records a SELL beyond the lots as an oversell instead of refusing what the venue reported', () => {
    const state = replayLedger([
      ...trade('BUY', '1', '100'),
      ...trade('SELL', '1.5', '120'),
      ...trade('SELL', '1', '130'),
    ]);
    const b = book(state);
    expect([toPlain(b.sold), toPlain(b.oversold), b.oversells, b.lots.length]).toEqual(['1', '1.5', 2, 0]);
    // the held part realizes against its lot; the excess has no cost basis and realizes nothing
    expect(toPlain(b.realized)).toBe('20');
    // a later BUY opens a fresh lot: the oversell is not netted against it
    const after = applyLedgerEvent(state, trade('BUY', '2', '90')[0] ?? fail());
    expect(toPlain(heldQty(book(after)))).toBe('2');
  });
});

describe('average-cost view of the same events (spec 2.12)', () => {
  it('follows the spec examples, with the fee converted to the quote at ingest', () => {
    const state = replayLedger([
      ...trade('BUY', '1', '100', { fee: '1' }),
      ...trade('BUY', '1', '120', { fee: '1' }),
      ...trade('SELL', '1', '130', { fee: '2', feeAsset: 'USDT', feeInQuote: '70' }),
    ]);
    const p = averageCostPositions(state).get('BTCTRY');
    // avg (100 + 120 + 2) / 2 = 111; realized (130 - 111) * 1 - 70 = -51
    expect([p?.qty, p?.avgCost, p?.realizedPnl, p?.feesPaid].map((x) => toPlain(x ?? dec('-1')))).toEqual([
      '1',
      '111',
      '-51',
      '72',
    ]);
  });

  it('keeps an unconverted FILL fee out of the average cost and records it by asset', () => {
    const state = replayLedger(trade('BUY', '1', '100', { fee: '0.001', feeAsset: 'BTC' }));
    expect(toPlain(averageCostPositions(state).get('BTCTRY')?.avgCost ?? dec('-1'))).toBe('100');
    expect(toPlain(book(state).unconvertedFees.get('BTC') ?? dec('-1'))).toBe('0.001');
  });
});

describe('incremental apply', () => {
  const [first, second] = [trade('BUY', '1', '100')[0] ?? fail(), trade('BUY', '1', '110')[0] ?? fail()];

  it('counts events and remembers the last key', () => {
    const state = [first, second].reduce(applyLedgerEvent, emptyLedgerState());
    expect(state.eventCount).toBe(2);
    expect(state.lastEventKey).toBe(`${String(second.timestampMs).padStart(16, '0')}#${second.eventId}`);
  });

  it('returns the same state when the last event comes again', () => {
    const state = applyLedgerEvent(applyLedgerEvent(emptyLedgerState(), first), second);
    expect(applyLedgerEvent(state, second)).toBe(state);
  });

  it('refuses an event that sorts before the last one: the projection must be rebuilt', () => {
    const state = applyLedgerEvent(emptyLedgerState(), second);
    expect(() => applyLedgerEvent(state, first)).toThrow(LedgerOutOfOrderError);
    expect(() => applyLedgerEvent(state, first)).toThrow(/rebuild the projection/);
  });

  it('rejects a FILL it could not book, naming the event and the field', () => {
    const bad = { ...first, eventId: 'fill#BTCTRY#bad', side: undefined, qty: dec('0') };
    expect(() => applyLedgerEvent(emptyLedgerState(), bad)).toThrow(ValidationError);
    expect(() => applyLedgerEvent(emptyLedgerState(), bad)).toThrow(
      /ledger event fill#BTCTRY#bad: side: expected BUY or SELL.*qty: expected a FILL qty > 0, was 0/,
    );
  });

  it('counts an ADJUSTMENT without booking it', () => {
    const adjustment = { ...first, eventId: 'adj#1', type: 'ADJUSTMENT' as const, side: undefined };
    const state = applyLedgerEvent(emptyLedgerState(), adjustment);
    expect([state.eventCount, state.adjustments, state.symbols.size]).toEqual([1, 1, 0]);
  });
});

describe('UTC day', () => {
  it('starts a new day with the totals as they stood before its first event', () => {
    const events = [
      ...trade('BUY', '2', '100', { timestampMs: DAY0 + 1000, fee: '1' }),
      ...trade('SELL', '1', '110', { timestampMs: DAY0 + DAY_MS - 1, fee: '1' }),
      ...trade('SELL', '1', '130', { timestampMs: DAY0 + DAY_MS, fee: '1' }),
    ];
    const json = ledgerStateToJson(replayLedger(events));
    expect(json.day).toEqual({ startMs: DAY0 + DAY_MS, realizedAtStart: { TRY: '10' }, feesAtStart: { TRY: '2' } });
  });
});

function fail(): never {
  throw new Error('missing event');
}

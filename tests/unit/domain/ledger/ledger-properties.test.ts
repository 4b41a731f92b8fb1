// Ledger invariants (spec 9.3.23) over random histories of FILL and FEE events on three pairs and three days
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLedgerState } from '../../../../shared/application/ledger/ledger-state-codec';
import { applyFill, flatPosition, type Position, quoteFee } from '../../../../shared/domain/average-cost';
import { convert } from '../../../../shared/domain/ledger/conversion';
import { compareLedgerEvents } from '../../../../shared/domain/ledger/ledger-event';
import { ledgerReport } from '../../../../shared/domain/ledger/ledger-report';
import {
  applyLedgerEvent,
  averageCostPositions,
  DAY_MS,
  emptyLedgerState,
  heldQty,
  type LedgerState,
  replayLedger,
  utcDayStart,
} from '../../../../shared/domain/ledger/ledger-state';
import { ledgerStateToJson } from '../../../../shared/domain/ledger/ledger-state-json';
import { type Dec, dec, sumDec, toPlain, ZERO } from '../../../../shared/domain/money';
import type { LedgerEvent } from '../../../../shared/ports/state-store';
import { DAY0, historyArb } from './ledger-events';

const json = (state: LedgerState) => ledgerStateToJson(state);
const sorted = (events: readonly LedgerEvent[]) => [...events].sort(compareLedgerEvents);
const fillsOf = (events: readonly LedgerEvent[], symbol: string, side: 'BUY' | 'SELL') =>
  events.filter((e) => e.type === 'FILL' && e.symbol === symbol && e.side === side);
const total = (events: readonly LedgerEvent[]) => sumDec(events.map((e) => e.qty));

/** The oracle: spec 2.12's average cost replayed fill by fill, in (timestamp, eventId) order, FEE events aside */
function referencePositions(events: readonly LedgerEvent[]): Map<string, Position> {
  const positions = new Map<string, Position>();
  for (const e of sorted(events)) {
    if (e.type !== 'FILL' || e.side === undefined) continue;
    const fill = { ...e, side: e.side };
    positions.set(e.symbol, applyFill(positions.get(e.symbol) ?? flatPosition(e.symbol), fill, quoteFee(fill) ?? ZERO));
  }
  return positions;
}

describe('ledger invariants', () => {
  it('conserves quantity: lots hold bought - sold, sold + oversold is every SELL, no lot is empty or negative', () => {
    fc.assert(
      fc.property(historyArb(), (events) => {
        const state = replayLedger(events);
        for (const book of state.symbols.values()) {
          expect(book.bought.eq(total(fillsOf(events, book.symbol, 'BUY')))).toBe(true);
          expect(book.sold.add(book.oversold).eq(total(fillsOf(events, book.symbol, 'SELL')))).toBe(true);
          expect(heldQty(book).eq(book.bought.sub(book.sold))).toBe(true);
          for (const lot of book.lots) expect(lot.qty.gt(0) && lot.unitCost.gt(0)).toBe(true);
          expect(book.average.qty.eq(heldQty(book))).toBe(true);
        }
      }),
    );
  });

  it('books every FEE event once in feesByAsset, and converts to TRY exactly what the marks can', () => {
    const marks = new Map([['USDTTRY', dec('35')]]);
    fc.assert(
      fc.property(historyArb(), (events) => {
        const state = replayLedger(events);
        const fees = events.filter((e) => e.type === 'FEE');
        const assets = [...new Set(fees.map((e) => e.feeAsset))];
        expect(Object.keys(json(state).feesByAsset).sort()).toEqual(assets.sort());
        for (const asset of assets) {
          const paid = sumDec(fees.filter((e) => e.feeAsset === asset).map((e) => e.fee));
          expect(state.feesByAsset.get(asset)?.eq(paid)).toBe(true);
        }
        const report = ledgerReport(state, marks, ZERO, DAY0);
        const convertible = fees.flatMap((e) => convert(e.fee, e.feeAsset, 'TRY', marks) ?? []);
        expect(report.feesTry.eq(sumDec(convertible))).toBe(true);
        expect(report.feeConversionMissing).toEqual(assets.filter((a) => a !== 'TRY' && a !== 'USDT').sort());
      }),
    );
  });

  it('gives the same state for the same events, and for any order they are listed in', () => {
    fc.assert(
      fc.property(
        historyArb().chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
        ),
        ([events, shuffled]) => {
          const folded = sorted(events).reduce(applyLedgerEvent, emptyLedgerState());
          expect(json(replayLedger(events))).toEqual(json(folded));
          expect(json(replayLedger(shuffled))).toEqual(json(folded));
        },
      ),
    );
  });

  it('changes nothing when events are ingested twice', () => {
    fc.assert(
      fc.property(historyArb(), (events) => {
        const once = replayLedger(events);
        expect(json(replayLedger([...events, ...events]))).toEqual(json(once));
        const last = sorted(events).at(-1);
        if (last !== undefined) expect(applyLedgerEvent(once, last)).toBe(once);
      }),
    );
  });

  it('continues from a stored state exactly as a full replay does (the incremental projection)', () => {
    fc.assert(
      fc.property(historyArb(), fc.nat(), (events, cut) => {
        const ordered = sorted(events);
        const at = ordered.length === 0 ? 0 : cut % (ordered.length + 1);
        const stored = JSON.parse(JSON.stringify(json(replayLedger(ordered.slice(0, at)))));
        const resumed = ordered.slice(at).reduce(applyLedgerEvent, parseLedgerState(stored, 'test state'));
        expect(json(resumed)).toEqual(json(replayLedger(events)));
      }),
    );
  });

  it('round-trips through JSON text and the codec', () => {
    fc.assert(
      fc.property(historyArb(), (events) => {
        const state = replayLedger(events);
        const text = JSON.stringify(json(state));
        expect(JSON.stringify(json(parseLedgerState(JSON.parse(text), 'test state')))).toBe(text);
      }),
    );
  });

  it('gives the average-cost view of a plain fill-by-fill replay of the same events', () => {
    fc.assert(
      fc.property(historyArb(), (events) => {
        const expected = referencePositions(events);
        const actual = averageCostPositions(replayLedger(events));
        const plain = (positions: ReadonlyMap<string, { qty: Dec; avgCost: Dec; realizedPnl: Dec; feesPaid: Dec }>) =>
          [...positions]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([s, p]) => [s, ...[p.qty, p.avgCost, p.realizedPnl, p.feesPaid].map(toPlain)]);
        expect(plain(actual)).toEqual(plain(expected));
      }),
    );
  });

  it('reports realized PnL today as the total now minus the total before 00:00 UTC', () => {
    fc.assert(
      fc.property(historyArb(), fc.integer({ min: 0, max: 3 }), (events, day) => {
        const now = DAY0 + day * DAY_MS + DAY_MS / 2;
        const tryOnly = events.filter((e) => e.symbol.endsWith('TRY') && e.timestampMs <= now);
        const before = tryOnly.filter((e) => e.timestampMs < utcDayStart(now));
        const marks = new Map<string, Dec>();
        const realized = (es: LedgerEvent[]) => ledgerReport(replayLedger(es), marks, ZERO, now).realizedTry;
        const today = ledgerReport(replayLedger(tryOnly), marks, ZERO, now).today.realizedTry;
        expect(toPlain(today)).toBe(toPlain(realized(tryOnly).sub(realized(before))));
      }),
    );
  });
});

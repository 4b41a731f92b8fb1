import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unrealizedPnl } from '../../../shared/domain/average-cost';
import type { LedgerEvent } from '../../../shared/domain/ledger/ledger-event';
import { averageCostPositions, replayLedger } from '../../../shared/domain/ledger/ledger-state';
import { dec, sumDec, toPlain } from '../../../shared/domain/money';

let seq = 0;
const fill = (
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  fee = '0',
  symbol = 'BTCTRY',
  feeAsset = 'TRY',
): LedgerEvent => ({
  account: 'default',
  type: 'FILL',
  eventId: `e${String(++seq).padStart(4, '0')}`,
  symbol,
  side,
  qty: dec(qty),
  price: dec(price),
  fee: dec(fee),
  feeAsset,
  timestampMs: seq,
});

/** The stage 3 average-cost view, as the ledger reducer keeps it */
const positionsOf = (fills: readonly LedgerEvent[]) => averageCostPositions(replayLedger(fills));

const position = (fills: LedgerEvent[], symbol = 'BTCTRY') => {
  const p = positionsOf(fills).get(symbol);
  if (!p) throw new Error(`no position for ${symbol}`);
  return p;
};

describe('average-cost projection (spec 2.12 examples)', () => {
  it('two buys with fees average the cost including fees', () => {
    const p = position([fill('BUY', '1', '100', '1'), fill('BUY', '1', '120', '1')]);
    expect([toPlain(p.qty), toPlain(p.avgCost)]).toEqual(['2', '111']);
  });

  it('sells realize against the average cost net of their fee', () => {
    const p = position([fill('BUY', '2', '100'), fill('SELL', '1', '110', '1'), fill('SELL', '1', '120', '1')]);
    expect([toPlain(p.qty), toPlain(p.realizedPnl), toPlain(p.feesPaid), toPlain(p.avgCost)]).toEqual([
      '0',
      '28',
      '2',
      '0',
    ]);
  });

  it('sells no more than the position, prorating the fee', () => {
    const p = position([fill('BUY', '1', '100'), fill('SELL', '2', '120', '10')]);
    expect([toPlain(p.qty), toPlain(p.realizedPnl), toPlain(p.feesPaid)]).toEqual(['0', '15', '5']);
  });

  it('counts a quote-currency fee of a USDT pair in the cost', () => {
    const p = position([fill('BUY', '1', '100', '2', 'BTCUSDT', 'USDT')], 'BTCUSDT');
    expect(toPlain(p.avgCost)).toBe('102');
  });

  it('reports a fee in another currency instead of dropping it silently', () => {
    const f = fill('BUY', '1', '100', '0.001', 'BTCTRY', 'BTC');
    const book = replayLedger([f]).symbols.get('BTCTRY');
    expect([...(book?.unconvertedFees ?? [])].map(([asset, fee]) => [asset, toPlain(fee)])).toEqual([['BTC', '0.001']]);
    expect(toPlain(book?.average.avgCost ?? dec('0'))).toBe('100');
  });

  it('values the open position at the mark', () => {
    const p = position([fill('BUY', '2', '100')]);
    expect(toPlain(unrealizedPnl(p, dec('110')))).toBe('20');
    expect(toPlain(unrealizedPnl(p, dec('0')))).toBe('0');
  });
});

const fillArb = fc.record({
  side: fc.constantFrom('BUY', 'SELL') as fc.Arbitrary<'BUY' | 'SELL'>,
  qty: fc.integer({ min: 1, max: 10_000 }).map((n) => dec(String(n)).div(1000)),
  price: fc.integer({ min: 1, max: 1_000_000 }).map((n) => dec(String(n)).div(100)),
  fee: fc.integer({ min: 0, max: 500 }).map((n) => dec(String(n)).div(100)),
});

describe('ledger invariants (spec 9.3.23)', () => {
  const build = (
    raw: {
      side: 'BUY' | 'SELL';
      qty: ReturnType<typeof dec>;
      price: ReturnType<typeof dec>;
      fee: ReturnType<typeof dec>;
    }[],
  ) =>
    raw.map(
      (r, i): LedgerEvent => ({
        account: 'default',
        type: 'FILL',
        eventId: `e${String(i).padStart(5, '0')}`,
        symbol: 'ETHTRY',
        feeAsset: 'TRY',
        timestampMs: i,
        ...r,
      }),
    );

  it('conserves quantity and never goes negative: qty = bought - sold, sold capped by holdings', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 40 }), (raw) => {
        const fills = build(raw);
        let held = dec('0');
        for (const f of fills) held = f.side === 'BUY' ? held.add(f.qty) : held.sub(f.qty.lte(held) ? f.qty : held);
        const p = positionsOf(fills).get('ETHTRY');
        expect((p?.qty ?? dec('0')).eq(held)).toBe(true);
        expect((p?.qty ?? dec('0')).gte(0)).toBe(true);
      }),
    );
  });

  it('books fees exactly: buy fees fully, sell fees prorated to the sold part', () => {
    fc.assert(
      fc.property(
        fc.array(
          fillArb.map((f) => ({ ...f, side: 'BUY' as const })),
          { maxLength: 20 },
        ),
        (raw) => {
          const fills = build(raw);
          const p = positionsOf(fills).get('ETHTRY');
          expect((p?.feesPaid ?? dec('0')).eq(sumDec(fills.map((f) => f.fee)))).toBe(true);
        },
      ),
    );
  });

  it('is deterministic: replay order is (timestamp, eventId) whatever order the events arrive in', () => {
    fc.assert(
      fc.property(
        fc
          .array(fillArb, { maxLength: 25 })
          .chain((raw) => fc.tuple(fc.constant(raw), fc.shuffledSubarray(build(raw), { minLength: raw.length }))),
        ([raw, shuffled]) => {
          const a = positionsOf(build(raw)).get('ETHTRY');
          const b = positionsOf(shuffled).get('ETHTRY');
          expect(b?.qty.toFixed()).toBe(a?.qty.toFixed());
          expect(b?.realizedPnl.toFixed()).toBe(a?.realizedPnl.toFixed());
          expect(b?.avgCost.toFixed()).toBe(a?.avgCost.toFixed());
        },
      ),
    );
  });
});

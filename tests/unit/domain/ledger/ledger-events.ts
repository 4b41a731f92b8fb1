// Ledger events shaped as ingestFills writes them (a FILL with the fee in the pair's quote when it could be
// converted, else in its own asset; a FEE with the fee as charged, qty 0, price 0), and a fast-check
// generator of random histories for the property and rebuild tests.
import fc from 'fast-check';
import { feeEventId, fillEventId } from '../../../../shared/domain/ids';
import { dec } from '../../../../shared/domain/money';
import { splitSymbol } from '../../../../shared/domain/symbols';
import type { LedgerEvent } from '../../../../shared/ports/state-store';

/** 2023-11-14T00:00:00Z */
export const DAY0 = 1_699_920_000_000;

export interface TradeInput {
  readonly symbol: string;
  readonly tradeId: string;
  readonly side: 'BUY' | 'SELL';
  readonly qty: string;
  readonly price: string;
  readonly timestampMs: number;
  /** The fee as charged, in `feeAsset` */
  readonly fee?: string;
  readonly feeAsset?: string;
  /** The fee in the quote as ingest converted it; undefined when it could not (the FILL keeps the asset) */
  readonly feeInQuote?: string;
}

/** The FILL event, and the FEE event when a fee was paid */
export function tradeEvents(t: TradeInput): LedgerEvent[] {
  const quote = splitSymbol(t.symbol).quote;
  const fee = dec(t.fee ?? '0');
  const feeAsset = t.feeAsset ?? quote;
  const converted = feeAsset === quote ? fee : t.feeInQuote === undefined ? undefined : dec(t.feeInQuote);
  const base = { account: 'default', symbol: t.symbol, timestampMs: t.timestampMs, tradeId: t.tradeId };
  const fill: LedgerEvent = {
    ...base,
    eventId: fillEventId(t.symbol, t.tradeId),
    type: 'FILL',
    side: t.side,
    qty: dec(t.qty),
    price: dec(t.price),
    fee: converted ?? fee,
    feeAsset: converted === undefined ? feeAsset : quote,
  };
  if (fee.isZero()) return [fill];
  const feeEvent: LedgerEvent = {
    ...base,
    eventId: feeEventId(t.symbol, t.tradeId),
    type: 'FEE',
    qty: dec('0'),
    price: dec('0'),
    fee,
    feeAsset,
  };
  return [fill, feeEvent];
}

const SYMBOLS = ['BTCTRY', 'ETHTRY', 'BTCUSDT'] as const;

const tradeArb = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  side: fc.constantFrom('BUY', 'SELL') as fc.Arbitrary<'BUY' | 'SELL'>,
  qty: fc.integer({ min: 1, max: 5_000 }).map((n) => dec(String(n)).div(1000).toFixed()),
  price: fc.integer({ min: 1, max: 1_000_000 }).map((n) => dec(String(n)).div(100).toFixed()),
  // three UTC days in five-minute steps: day boundaries are crossed and timestamps repeat
  timestampMs: fc.integer({ min: 0, max: 3 * 288 }).map((n) => DAY0 + n * 300_000),
  fee: fc.integer({ min: 0, max: 300 }).map((n) => dec(String(n)).div(100).toFixed()),
  feePaidIn: fc.constantFrom('quote', 'base', 'USDT'),
  converted: fc.boolean(),
});

/** Random trades on BTCTRY, ETHTRY and BTCUSDT over three UTC days, in no particular order */
let nextTrade = 0;
/** The events of one BTCTRY trade, a second after the previous one (overrides win) */
export const trade = (side: 'BUY' | 'SELL', qty: string, price: string, more: Partial<TradeInput> = {}) =>
  tradeEvents({
    symbol: 'BTCTRY',
    tradeId: String(++nextTrade),
    side,
    qty,
    price,
    timestampMs: DAY0 + nextTrade * 1000,
    ...more,
  });

export const tradesArb = (maxLength = 40): fc.Arbitrary<TradeInput[]> =>
  fc.array(tradeArb, { maxLength }).map((raw) =>
    raw.map(({ feePaidIn, converted, ...t }, i): TradeInput => {
      const { base, quote } = splitSymbol(t.symbol);
      const feeAsset = feePaidIn === 'quote' ? quote : feePaidIn === 'base' ? base : 'USDT';
      return {
        ...t,
        tradeId: String(100_000 + i),
        feeAsset,
        // a fee in another asset converted at ingest (at a made-up rate), or left in its own asset
        ...(converted && feeAsset !== quote ? { feeInQuote: dec(t.fee).mul(3).toFixed() } : {}),
      };
    }),
  );

/** The ledger events of random trades, in no particular order */
export const historyArb = (maxLength = 40): fc.Arbitrary<LedgerEvent[]> =>
  tradesArb(maxLength).map((trades) => trades.flatMap(tradeEvents));

// Deterministic identifiers (spec 0.5; ARCHITECTURE 5.1). A client order id is a pure function of the
// intent, so a retried cycle derives the same id and the journal's create-if-absent makes it a no-op.
import type { Side } from './exchange-rules';
import { hashCanonical } from './hashing';
import type { Dec } from './money';
import { canonicalSymbol } from './symbols';

/** BTCTurk's limit for newOrderClientId */
export const CLIENT_ORDER_ID_MAX_LENGTH = 50;

export type StageName = 'stage3' | 'stage4' | 'stage7';

export interface OrderIdentity {
  readonly account: string;
  readonly stage: StageName;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Dec;
  readonly qty: Dec;
  /** The cycle bucket the intent belongs to (a cycle id, or a time window for intents that persist) */
  readonly bucket: string;
  /** 0 for the first try; incremented only after reconcile proved the previous id was never placed */
  readonly attempt: number;
}

const STAGE_PREFIX: Record<StageName, string> = { stage3: 'bb3', stage4: 'bb4', stage7: 'bb7' };

/** `bb3-BTCTRY-b-<20 hex>`: at most 39 characters, letters, digits and dashes only */
export function clientOrderId(id: OrderIdentity): string {
  if (!Number.isSafeInteger(id.attempt) || id.attempt < 0) {
    throw new RangeError(`attempt must be a non-negative integer, was ${id.attempt}`);
  }
  const symbol = canonicalSymbol(id.symbol);
  const digest = hashCanonical({
    account: id.account,
    stage: id.stage,
    symbol,
    side: id.side,
    price: id.price,
    qty: id.qty,
    bucket: id.bucket,
    attempt: id.attempt,
  });
  return `${STAGE_PREFIX[id.stage]}-${symbol.slice(0, 12)}-${id.side === 'BUY' ? 'b' : 's'}-${digest.slice(0, 20)}`;
}

const BOT_CLIENT_ID = /^bb[347]-/;

/** True for a client order id this bot derives (`bb3-`, `bb4-`, `bb7-`); anything else was placed elsewhere */
export const isBotClientOrderId = (id: string): boolean => BOT_CLIENT_ID.test(id);

/**
 * The journal key of an order someone else placed on the account (spec 2.11 step 5 import). Keyed by the
 * venue order id: foreign client ids repeat (web orders all say `advanced`) or are empty.
 */
export const externalClientOrderId = (exchangeOrderId: string): string => `ext-${exchangeOrderId}`;
/** The intent key of an imported order: it executes no intent of ours */
export const externalIntentKey = (exchangeOrderId: string): string => `external:${exchangeOrderId}`;
export const isExternalIntent = (intentKey: string): boolean => intentKey.startsWith('external:');

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Backtest cycle ids (spec 0.5): `bt:{YYYYmmddHHMMSS}:{counter:06d}` from a UTC timestamp */
export function backtestCycleId(at: Date, counter: number): string {
  const stamp =
    `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCDate(), 2)}` +
    `${pad(at.getUTCHours(), 2)}${pad(at.getUTCMinutes(), 2)}${pad(at.getUTCSeconds(), 2)}`;
  return `bt:${stamp}:${pad(counter, 6)}`;
}

/** Deterministic fill id: venue trade ids are unique per pair, so the pair is part of the key */
export const fillId = (symbol: string, tradeId: string): string => `${canonicalSymbol(symbol)}#${tradeId}`;
/** The ledger's FILL event of a fill (spec 3.10): appending it twice is a no-op */
export const fillEventId = (symbol: string, tradeId: string): string => `fill#${fillId(symbol, tradeId)}`;
/** The ledger's FEE event of a fill, namespaced apart from its FILL event (spec 3.10) */
export const feeEventId = (symbol: string, tradeId: string): string => `fee#${fillId(symbol, tradeId)}`;

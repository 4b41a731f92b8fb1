// The append-only ledger's events (spec 3.10, 9.3.20): the one accounting truth every stage projects from.
// Ids are deterministic (`fill#BTCTRY#<tradeId>`, `fee#BTCTRY#<tradeId>`, see ../ids.ts), so appending an
// event twice is a no-op, and (timestampMs, eventId) orders them the same way everywhere.
import type { Side } from '../exchange-rules';
import type { Dec } from '../money';

export type LedgerEventType = 'FILL' | 'FEE' | 'ADJUSTMENT';

export interface LedgerEvent {
  readonly account: string;
  /** Deterministic (e.g. derived from the trade id) so appending twice is a no-op */
  readonly eventId: string;
  readonly type: LedgerEventType;
  readonly symbol: string;
  readonly side?: Side | undefined;
  readonly qty: Dec;
  readonly price: Dec;
  /** FILL: the fee in the pair's quote when it could be converted at ingest; FEE: the fee as charged */
  readonly fee: Dec;
  readonly feeAsset: string;
  readonly timestampMs: number;
  readonly tradeId?: string | undefined;
  readonly clientOrderId?: string | undefined;
}

/**
 * `${timestampMs padded to 16 digits}#${eventId}`: string order is replay order. Two events with one key
 * are the same event (the id is unique in the ledger and the timestamp is part of the fill it names).
 */
export function ledgerEventKey(event: Pick<LedgerEvent, 'timestampMs' | 'eventId'>): string {
  const ms = event.timestampMs;
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`ledger event ${event.eventId}: expected a timestamp >= 0 in ms, was ${ms}`);
  }
  return `${String(ms).padStart(16, '0')}#${event.eventId}`;
}

/** Replay order (spec 3.10): by (timestampMs, eventId), whatever order the events were stored or listed in */
export const compareLedgerEvents = (a: LedgerEvent, b: LedgerEvent): number => {
  const [ka, kb] = [ledgerEventKey(a), ledgerEventKey(b)];
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

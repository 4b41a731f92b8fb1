// Builders for the state-store contract suites: valid port values with overridable fields.
import { dec } from '../../shared/domain/money';
import type { CycleAudit, Fill, LedgerEvent, NewJournalOrder } from '../../shared/ports/state-store';

export const T0 = 1_700_000_000_000;

export const aNewOrder = (overrides: Partial<NewJournalOrder> = {}): NewJournalOrder => ({
  account: 'default',
  clientOrderId: 'bb3-BTCTRY-b-0123456789abcdef0123',
  stage: 'stage3',
  symbol: 'BTCTRY',
  side: 'BUY',
  price: dec('2500000.5'),
  qty: dec('0.00000001'),
  intentKey: 'intent-1',
  attempt: 0,
  cycleId: 'cycle-1',
  createdAtMs: T0,
  ...overrides,
});

export const aFill = (overrides: Partial<Fill> = {}): Fill => ({
  account: 'default',
  symbol: 'BTCTRY',
  tradeId: '100000000000000001',
  orderId: '9007199254740993',
  clientOrderId: 'bb3-BTCTRY-b-0123456789abcdef0123',
  side: 'BUY',
  price: dec('2500000.5'),
  qty: dec('0.00000001'),
  fee: dec('0.000000000000000000000000000001'),
  feeAsset: 'TRY',
  timestampMs: T0,
  ...overrides,
});

export const aLedgerEvent = (overrides: Partial<LedgerEvent> = {}): LedgerEvent => ({
  account: 'default',
  eventId: 'fill:BTCTRY:100000000000000001',
  type: 'FILL',
  symbol: 'BTCTRY',
  side: 'BUY',
  qty: dec('0.00000001'),
  price: dec('123456789012345678901234.567891'),
  fee: dec('0'),
  feeAsset: 'TRY',
  timestampMs: T0,
  tradeId: '100000000000000001',
  ...overrides,
});

/** A FEE event as ingestion writes it (spec 3.10): no side, quantity 0, price 0, the fee in its own asset */
export const aFeeEvent = (overrides: Partial<LedgerEvent> = {}): LedgerEvent =>
  aLedgerEvent({
    eventId: 'fee#BTCTRY#1',
    type: 'FEE',
    side: undefined,
    qty: dec('0'),
    price: dec('0'),
    fee: dec('0.5'),
    ...overrides,
  });

export const anAudit = (overrides: Partial<CycleAudit> = {}): CycleAudit => ({
  stage: 'stage3',
  account: 'default',
  cycleId: 'cycle-1',
  runId: 'run-1',
  startedAtMs: T0,
  finishedAtMs: T0 + 1500,
  mode: 'dry-run',
  counts: { intents: 2, submitted: 0 },
  decisions: ['skip BTCTRY: cooldown'],
  summary: '{"ok":true}',
  ...overrides,
});

/** Settles every promise and splits results from errors */
export async function settle<T>(runs: readonly Promise<T>[]) {
  const results = await Promise.allSettled(runs);
  return {
    values: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

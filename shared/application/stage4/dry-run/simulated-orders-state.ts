// The dry run's simulated order rows (spec 3.18 step 9) as one stage 4 document, `stage4#<account>#simulated-orders`,
// apart from the order journal so no journal state, count or reconcile ever sees a simulated order. The codec
// refuses what applySimulated never makes: two rows for one client id, two open rows for one (symbol, side), a
// venue-looking exchange id, a closing time on an open row or none on a closed one, more closed rows than kept.
// Bounded: open rows by the one-per-(symbol, side) rule, closed ones by MAX_CLOSED_SIMULATED_ORDERS.
import * as z from 'zod';
import type { DocumentStore } from '../../../ports/state-store';
import { CanonicalPairSchema } from '../../parse-input';
import {
  defined,
  epochMs,
  loadDocument,
  plain,
  positiveDecimal,
  type Stage4DocumentCodec,
  saveDocument,
  shortText,
} from '../state/stage4-document';
import {
  MAX_CLOSED_SIMULATED_ORDERS,
  SIMULATED_STATUSES,
  type SimulatedOrder,
  simulatedExchangeOrderId,
} from './simulated-orders';

const row = z
  .strictObject({
    clientOrderId: shortText,
    exchangeOrderId: shortText,
    symbol: CanonicalPairSchema,
    side: z.enum(['BUY', 'SELL']),
    price: positiveDecimal,
    qty: positiveDecimal,
    status: z.enum(SIMULATED_STATUSES),
    createdAtMs: epochMs,
    closedAtMs: epochMs.optional(),
    mode: z.literal('dry_run'),
  })
  .refine((r) => r.exchangeOrderId === simulatedExchangeOrderId(r.clientOrderId), {
    error: 'expected sim-<clientOrderId>',
    path: ['exchangeOrderId'],
  })
  .refine((r) => (r.status === 'open') === (r.closedAtMs === undefined), {
    error: 'expected closedAtMs exactly on a canceled or filled row',
    path: ['closedAtMs'],
  })
  .refine((r) => r.closedAtMs === undefined || r.closedAtMs >= r.createdAtMs, {
    error: 'expected closedAtMs >= createdAtMs',
    path: ['closedAtMs'],
  });

const duplicates = (keys: readonly string[]): string[] => [
  ...new Set(keys.filter((key, at) => keys.indexOf(key) !== at)),
];

const schema = z
  .strictObject({ rows: z.array(row) })
  .superRefine(({ rows }, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: 'custom', message, path: ['rows'] });
    const ids = duplicates(rows.map((r) => r.clientOrderId));
    if (ids.length > 0) bad(`expected one row per client order id, repeated: ${ids.join(', ')}`);
    const open = duplicates(rows.filter((r) => r.status === 'open').map((r) => `${r.symbol} ${r.side}`));
    if (open.length > 0) bad(`expected at most one open row per symbol and side, repeated: ${open.join(', ')}`);
    const closed = rows.filter((r) => r.status !== 'open').length;
    if (closed > MAX_CLOSED_SIMULATED_ORDERS)
      bad(`expected at most ${MAX_CLOSED_SIMULATED_ORDERS} closed rows, was ${closed}`);
  })
  .transform((d): readonly SimulatedOrder[] => d.rows);

export const simulatedOrdersCodec: Stage4DocumentCodec<readonly SimulatedOrder[]> = {
  name: 'simulated-orders',
  schema,
  encode: (rows) => ({
    rows: rows.map((r) =>
      defined({
        clientOrderId: r.clientOrderId,
        exchangeOrderId: r.exchangeOrderId,
        symbol: r.symbol,
        side: r.side,
        price: plain(r.price),
        qty: plain(r.qty),
        status: r.status,
        createdAtMs: r.createdAtMs,
        closedAtMs: r.closedAtMs,
        mode: r.mode,
      }),
    ),
  }),
  initial: [],
};

/** @throws CorruptStateError the stored document is not valid */
export const loadSimulatedOrders = (documents: DocumentStore, account: string) =>
  loadDocument(documents, account, simulatedOrdersCodec);

/**
 * @throws ConcurrentUpdateError another writer saved since `version`; nothing was written
 * @throws ValidationError `rows` would not read back; nothing was written
 */
export const saveSimulatedOrders = (
  documents: DocumentStore,
  account: string,
  rows: readonly SimulatedOrder[],
  version: number,
) => saveDocument(documents, account, simulatedOrdersCodec, rows, version);

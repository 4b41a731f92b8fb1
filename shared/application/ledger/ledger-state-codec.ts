// Reads a stored ledger state (the JSON of ledgerStateToJson) back. A projection is trusted by every later
// cycle, so a state is read only if it means something: decimals are plain strings, amounts that cannot be
// negative are not, lots are positive, each book's lots hold exactly bought - sold and its average-cost
// quantity, the event count and last event key agree, and the day starts at a UTC midnight.
import * as z from 'zod';
import { CorruptStateError } from '../../domain/errors';
import { DAY_MS, type LedgerState, type SymbolBook } from '../../domain/ledger/ledger-state';
import { LEDGER_STATE_JSON_VERSION } from '../../domain/ledger/ledger-state-json';
import { type Dec, sumDec, toPlain } from '../../domain/money';
import {
  CanonicalPairSchema,
  DecimalTextSchema,
  NonNegativeDecimalTextSchema,
  PositiveDecimalTextSchema,
  parseInput,
} from '../parse-input';

const decimal = DecimalTextSchema;
const nonNegative = NonNegativeDecimalTextSchema;
const positive = PositiveDecimalTextSchema;
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const asset = z
  .string()
  .regex(/^[A-Z0-9]{1,20}$/, { error: (i) => `expected an asset code such as TRY, was ${JSON.stringify(i.input)}` });
const decimalMap = <T extends z.ZodType<Dec>>(amount: T) =>
  z.record(asset, amount).transform((m) => new Map(Object.entries(m)) as ReadonlyMap<string, Dec>);
const EVENT_KEY = /^\d{16}#.+$/;

const bookSchema = z
  .strictObject({
    lots: z.array(z.tuple([positive, positive])),
    bought: nonNegative,
    sold: nonNegative,
    oversold: nonNegative,
    oversells: count,
    realized: decimal,
    turnover: nonNegative,
    average: z.strictObject({ qty: nonNegative, avgCost: nonNegative, realizedPnl: decimal, feesPaid: nonNegative }),
    unconvertedFees: decimalMap(nonNegative),
  })
  .superRefine((book, ctx) => {
    const held = sumDec(book.lots.map(([qty]) => qty));
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!held.eq(book.bought.sub(book.sold))) {
      issue(
        'lots',
        `expected lots holding bought - sold = ${toPlain(book.bought.sub(book.sold))}, was ${toPlain(held)}`,
      );
    }
    if (!book.average.qty.eq(held)) {
      issue(
        'average',
        `expected the average-cost qty to equal the lots' ${toPlain(held)}, was ${toPlain(book.average.qty)}`,
      );
    }
    if (book.oversold.isZero() !== (book.oversells === 0)) {
      issue(
        'oversells',
        `expected ${book.oversold.isZero() ? '0' : '> 0'} with oversold ${toPlain(book.oversold)}, was ${book.oversells}`,
      );
    }
  });

const stateSchema = z
  .strictObject({
    version: z.literal(LEDGER_STATE_JSON_VERSION),
    eventCount: count,
    lastEventKey: z
      .string()
      .regex(EVENT_KEY, { error: (i) => `expected <16-digit ms>#<event id>, was ${JSON.stringify(i.input)}` })
      .nullable(),
    adjustments: count,
    feesByAsset: decimalMap(nonNegative),
    day: z
      .strictObject({
        startMs: count.refine((ms) => ms % DAY_MS === 0, {
          error: (i) => `expected a UTC midnight in ms, was ${i.input}`,
        }),
        realizedAtStart: decimalMap(decimal),
        feesAtStart: decimalMap(nonNegative),
      })
      .nullable(),
    symbols: z.record(CanonicalPairSchema, bookSchema),
  })
  .superRefine((state, ctx) => {
    if ((state.eventCount === 0) !== (state.lastEventKey === null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['lastEventKey'],
        message: `expected ${state.eventCount === 0 ? 'null' : 'a key'} with eventCount ${state.eventCount}, was ${JSON.stringify(state.lastEventKey)}`,
      });
    }
  });

/**
 * Parses a serialized ledger state.
 * @throws CorruptStateError naming `source` and each bad field; nothing may act on the state
 */
export function parseLedgerState(json: unknown, source: string): LedgerState {
  const parsed = parseInput(stateSchema, source, json, CorruptStateError);
  return {
    eventCount: parsed.eventCount,
    lastEventKey: parsed.lastEventKey ?? undefined,
    adjustments: parsed.adjustments,
    feesByAsset: parsed.feesByAsset,
    day: parsed.day ?? undefined,
    symbols: new Map(
      Object.entries(parsed.symbols).map(([symbol, book]): [string, SymbolBook] => [
        symbol,
        {
          ...book,
          symbol,
          lots: book.lots.map(([qty, unitCost]) => ({ qty, unitCost })),
          average: { symbol, ...book.average },
        },
      ]),
    ),
  };
}

// The fill cursor stall counters the anomaly detector reads (spec 3.16 CURSOR_STALL), carried between
// cycles. Stored per symbol as {cursor, stallCycles}, so a cursor without a count (or the reverse) cannot
// be written. Bounded by the cycle's symbols: advanceCursorStalls drops a symbol not seen this cycle.
import * as z from 'zod';
import { ValidationError } from '../../../domain/errors';
import type { CursorStallState } from '../../../domain/risk/anomalies';
import type { DocumentStore } from '../../../ports/state-store';
import { CanonicalPairSchema } from '../../parse-input';
import { count, loadDocument, type Stage4DocumentCodec, saveDocument } from './stage4-document';

const schema = z
  .strictObject({
    symbols: z.record(CanonicalPairSchema, z.strictObject({ cursor: z.string().max(200), stallCycles: count })),
  })
  .transform((s): CursorStallState => {
    const entries = Object.entries(s.symbols);
    return {
      cursors: new Map(entries.map(([symbol, e]) => [symbol, e.cursor])),
      stallCycles: new Map(entries.map(([symbol, e]) => [symbol, e.stallCycles])),
    };
  });

export const INITIAL_CURSOR_STALL_STATE: CursorStallState = { cursors: new Map(), stallCycles: new Map() };

export const cursorStallStateCodec: Stage4DocumentCodec<CursorStallState> = {
  name: 'cursor-stalls',
  schema,
  encode: (s) => {
    const symbols = [...new Set([...s.cursors.keys(), ...s.stallCycles.keys()])];
    const unpaired = symbols.filter((symbol) => !(s.cursors.has(symbol) && s.stallCycles.has(symbol)));
    if (unpaired.length > 0) {
      throw new ValidationError('cursor stall state', [
        { path: unpaired.join(','), message: 'expected a cursor and a stall count for each symbol, was one of them' },
      ]);
    }
    return {
      symbols: Object.fromEntries(
        symbols.map((symbol) => [symbol, { cursor: s.cursors.get(symbol), stallCycles: s.stallCycles.get(symbol) }]),
      ),
    };
  },
  initial: INITIAL_CURSOR_STALL_STATE,
};

export const loadCursorStallState = (documents: DocumentStore, account: string) =>
  loadDocument(documents, account, cursorStallStateCodec);

export const saveCursorStallState = (
  documents: DocumentStore,
  account: string,
  state: CursorStallState,
  version: number,
) => saveDocument(documents, account, cursorStallStateCodec, state, version);

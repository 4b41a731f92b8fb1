// The unknown-order freeze (spec 3.7) as stored: the active freeze, the mismatch streaks and the latest
// operator clear. Bounded: details are capped at MAX_FREEZE_DETAILS by the domain, and the streaks hold only
// the mismatches of the latest cycle (at most the account's open orders). Absent: not frozen.
import * as z from 'zod';
import {
  FREEZE_REASONS,
  type FreezeState,
  INITIAL_FREEZE_STATE,
  MAX_FREEZE_DETAILS,
} from '../../../domain/oms/unknown-order-freeze';
import type { DocumentStore } from '../../../ports/state-store';
import { count, epochMs, loadDocument, type Stage4DocumentCodec, saveDocument, shortText } from './stage4-document';

const reason = z.enum(FREEZE_REASONS);

const schema = z
  .strictObject({
    active: z
      .strictObject({
        reason,
        sinceMs: epochMs,
        details: z.array(z.string().min(1).max(400)).min(1).max(MAX_FREEZE_DETAILS),
      })
      .nullable(),
    mismatches: z.record(shortText, z.strictObject({ firstSeenMs: epochMs, cycles: count.min(1) })),
    lastClear: z.strictObject({ operator: shortText, atMs: epochMs, reason, note: shortText }).nullable(),
  })
  .transform(
    (s): FreezeState => ({
      active: s.active ?? undefined,
      mismatches: new Map(Object.entries(s.mismatches)),
      lastClear: s.lastClear ?? undefined,
    }),
  );

export const freezeStateCodec: Stage4DocumentCodec<FreezeState> = {
  name: 'freeze',
  schema,
  encode: (s) => ({
    active:
      s.active === undefined ? null : { reason: s.active.reason, sinceMs: s.active.sinceMs, details: s.active.details },
    mismatches: Object.fromEntries(
      [...s.mismatches].map(([key, m]) => [key, { firstSeenMs: m.firstSeenMs, cycles: m.cycles }]),
    ),
    lastClear:
      s.lastClear === undefined
        ? null
        : {
            operator: s.lastClear.operator,
            atMs: s.lastClear.atMs,
            reason: s.lastClear.reason,
            note: s.lastClear.note,
          },
  }),
  initial: INITIAL_FREEZE_STATE,
};

export const loadFreezeState = (documents: DocumentStore, account: string) =>
  loadDocument(documents, account, freezeStateCodec);

export const saveFreezeState = (documents: DocumentStore, account: string, state: FreezeState, version: number) =>
  saveDocument(documents, account, freezeStateCodec, state, version);

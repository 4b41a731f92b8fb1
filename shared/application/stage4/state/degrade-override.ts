// The operator's degrade override (`btcbot degrade override|clear`): until `untilMs` the degrade level is at
// least the mode's. Its own document, not a field of the degrade state, so an operator command never races
// the cycle's save of that state. Fixed size; `null` once cleared (documents are never deleted).
import * as z from 'zod';
import type { OperatorOverride } from '../../../domain/risk/degrade';
import { MODES } from '../../../domain/risk/mode';
import type { DocumentStore } from '../../../ports/state-store';
import { defined, epochMs, loadDocument, type Stage4DocumentCodec, saveDocument, shortText } from './stage4-document';

const schema = z.strictObject({ mode: z.enum(MODES), untilMs: epochMs, reason: shortText.optional() });

export const degradeOverrideCodec: Stage4DocumentCodec<OperatorOverride | undefined> = {
  name: 'degrade-override',
  schema: schema.nullable().transform((o) => o ?? undefined),
  encode: (o) => (o === undefined ? null : defined({ mode: o.mode, untilMs: o.untilMs, reason: o.reason })),
  initial: undefined,
};

export const loadDegradeOverride = (documents: DocumentStore, account: string) =>
  loadDocument(documents, account, degradeOverrideCodec);

/** `override` undefined clears it */
export const saveDegradeOverride = (
  documents: DocumentStore,
  account: string,
  override: OperatorOverride | undefined,
  version: number,
) => saveDocument(documents, account, degradeOverrideCodec, override, version);

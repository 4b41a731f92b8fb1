// The self-financing capital policy's state (spec 3.11 `capital_policy_state`): trading capital, treasury
// and the last ledger checkpoint applied. Fixed size. Absent before the first checkpoint, which seeds it
// (applyCapitalCheckpoint takes undefined).
import * as z from 'zod';
import type { CapitalPolicyState } from '../../../domain/portfolio/capital-policy';
import type { DocumentStore } from '../../../ports/state-store';
import {
  anyDecimal,
  count,
  loadDocument,
  nonNegativeDecimal,
  plain,
  type Stage4DocumentCodec,
  saveDocument,
} from './stage4-document';

const schema = z.strictObject({
  tradingCapitalTry: nonNegativeDecimal,
  treasuryTry: nonNegativeDecimal,
  // a loss may take the realized total below zero
  lastRealizedTotalTry: anyDecimal,
  lastEventCount: count,
  // a ledger key (`<16-digit ms>#<event id>`) or empty before any event
  lastCheckpointId: z.string().max(300),
});

export const capitalPolicyStateCodec: Stage4DocumentCodec<CapitalPolicyState | undefined> = {
  name: 'capital',
  schema: schema.nullable().transform((s) => s ?? undefined),
  encode: (s) =>
    s === undefined
      ? null
      : {
          tradingCapitalTry: plain(s.tradingCapitalTry),
          treasuryTry: plain(s.treasuryTry),
          lastRealizedTotalTry: plain(s.lastRealizedTotalTry),
          lastEventCount: s.lastEventCount,
          lastCheckpointId: s.lastCheckpointId,
        },
  initial: undefined,
};

export const loadCapitalPolicyState = (documents: DocumentStore, account: string) =>
  loadDocument(documents, account, capitalPolicyStateCodec);

export const saveCapitalPolicyState = (
  documents: DocumentStore,
  account: string,
  state: CapitalPolicyState,
  version: number,
) => saveDocument(documents, account, capitalPolicyStateCodec, state, version);

// The risk budget's singleton (spec 3.12 `risk_state_current`): peak equity and when it was reached, the
// fees of the current UTC day. Fixed size. Absent before the first cycle: computeRiskBudget takes
// undefined and starts the peak at the current equity.
import * as z from 'zod';
import { DAY_MS } from '../../../domain/ledger/ledger-state';
import type { RiskState } from '../../../domain/risk/risk-budget';
import type { DocumentStore } from '../../../ports/state-store';
import {
  epochMs,
  loadDocument,
  nonNegativeDecimal,
  plain,
  type Stage4DocumentCodec,
  saveDocument,
} from './stage4-document';

const schema = z.strictObject({
  peakEquityTry: nonNegativeDecimal,
  peakEquityAtMs: epochMs,
  feesDayStartMs: epochMs.refine((ms) => ms % DAY_MS === 0, {
    error: (i) => `expected a UTC midnight in ms, was ${i.input}`,
  }),
  feesTodayTry: nonNegativeDecimal,
});

export const riskStateCodec: Stage4DocumentCodec<RiskState | undefined> = {
  name: 'risk',
  schema: schema.nullable().transform((s) => s ?? undefined),
  encode: (s) =>
    s === undefined
      ? null
      : {
          peakEquityTry: plain(s.peakEquityTry),
          peakEquityAtMs: s.peakEquityAtMs,
          feesDayStartMs: s.feesDayStartMs,
          feesTodayTry: plain(s.feesTodayTry),
        },
  initial: undefined,
};

export const loadRiskState = (documents: DocumentStore, account: string) =>
  loadDocument(documents, account, riskStateCodec);

export const saveRiskState = (documents: DocumentStore, account: string, state: RiskState, version: number) =>
  saveDocument(documents, account, riskStateCodec, state, version);

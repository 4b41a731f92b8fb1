// The degrade decision's singleton (spec 3.16 `degrade_state_current`): level, cooldown, reasons, stability
// streak and the WARN window. Bounded: the domain keeps the window at DEGRADE_WARN_WINDOW_CYCLES entries of
// distinct anomaly codes, and reasons are distinct codes too. Absent: INITIAL_DEGRADE_STATE (level 0).
import * as z from 'zod';
import { ANOMALY_CODES } from '../../../domain/risk/anomalies';
import { type DegradeLevel, type DegradeState, INITIAL_DEGRADE_STATE } from '../../../domain/risk/degrade';
import type { DocumentStore } from '../../../ports/state-store';
import {
  count,
  defined,
  epochMs,
  loadDocument,
  type Stage4DocumentCodec,
  saveDocument,
  shortText,
} from './stage4-document';

const schema = z
  .strictObject({
    level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
    cooldownUntilMs: epochMs.optional(),
    reasons: z.array(shortText),
    stabilityStreak: count,
    warnWindow: z.array(z.array(z.enum(ANOMALY_CODES))),
  })
  .transform(
    (s): DegradeState => ({
      level: s.level as DegradeLevel,
      cooldownUntilMs: s.cooldownUntilMs,
      reasons: s.reasons,
      stabilityStreak: s.stabilityStreak,
      warnWindow: s.warnWindow,
    }),
  );

export const degradeStateCodec: Stage4DocumentCodec<DegradeState> = {
  name: 'degrade',
  schema,
  encode: (s) =>
    defined({
      level: s.level,
      cooldownUntilMs: s.cooldownUntilMs,
      reasons: s.reasons,
      stabilityStreak: s.stabilityStreak,
      warnWindow: s.warnWindow,
    }),
  initial: INITIAL_DEGRADE_STATE,
};

export const loadDegradeState = (documents: DocumentStore, account: string) =>
  loadDocument(documents, account, degradeStateCodec);

export const saveDegradeState = (documents: DocumentStore, account: string, state: DegradeState, version: number) =>
  saveDocument(documents, account, degradeStateCodec, state, version);

// The runtime document of one cycle function and account (`runtime#<role>#<account>`): the machine's current
// state (spec 9.2.11), since when, the transition that led there and the last few transitions, kept in the
// versioned DocumentStore. A Lambda process may be fresh or reused, so the state lives here, not in memory.
import * as z from 'zod';
import { EPOCH_MS_MAX, EPOCH_MS_MIN } from '../../domain/epoch';
import { CorruptStateError } from '../../domain/errors';
import type { StageName } from '../../domain/ids';
import { RUNTIME_STATES, RUNTIME_TRIGGERS } from '../../domain/runtime/runtime-machine';
import type { DocumentStore } from '../../ports/state-store';
import { parseJsonInput } from '../parse-input';

/** Transitions kept for `btcbot status`: enough to see how the machine got where it is */
export const RUNTIME_TRANSITIONS_KEPT = 10;

export const runtimeKey = (role: StageName, account: string): string => `runtime#${role}#${account}`;

const epochMs = z.number().int().min(EPOCH_MS_MIN).max(EPOCH_MS_MAX);
const state = z.enum(RUNTIME_STATES);

const RecordedTransitionSchema = z.strictObject({
  from: state,
  to: state,
  trigger: z.enum(RUNTIME_TRIGGERS),
  cycleId: z.string().min(1),
  atMs: epochMs,
});
export type RecordedTransition = z.infer<typeof RecordedTransitionSchema>;

export const RuntimeDocumentSchema = z
  .strictObject({
    state,
    /** When the machine entered `state` */
    sinceMs: epochMs,
    /** The last cycle that recorded here, and when it was due (the order cycles are recorded in) */
    lastCycleId: z.string().min(1),
    lastCycleAtMs: epochMs,
    /** Newest first */
    transitions: z.array(RecordedTransitionSchema).max(RUNTIME_TRANSITIONS_KEPT),
  })
  .refine((d) => d.transitions.length === 0 || d.transitions[0]?.to === d.state, {
    message: 'the newest transition must lead to the current state',
    path: ['state'],
  });
export type RuntimeDocument = z.infer<typeof RuntimeDocumentSchema>;

/** @throws CorruptStateError the stored text is not a runtime document */
export const parseRuntimeDocument = (key: string, text: string): RuntimeDocument =>
  parseJsonInput(RuntimeDocumentSchema, `runtime document ${key}`, text, CorruptStateError);

/** @throws CorruptStateError the stored document is not a runtime document */
export async function readRuntimeDocument(
  documents: DocumentStore,
  role: StageName,
  account: string,
): Promise<RuntimeDocument | undefined> {
  const key = runtimeKey(role, account);
  const stored = await documents.get(key);
  return stored && parseRuntimeDocument(key, stored.value);
}

// The operator's side of the stage 4 unknown-order freeze (spec 3.7): `btcbot freeze clear` is the only way
// a freeze lifts. The clear rule is the domain's clearFreeze; this writes its result over the version it
// read, so a cycle that saved the freeze in between makes the clear fail (ConcurrentUpdateError) instead of
// one overwriting the other. Nothing active: nothing is written.
import * as z from 'zod';
import { type ActiveFreeze, clearFreeze, type FreezeState } from '../../../domain/oms/unknown-order-freeze';
import type { DocumentStore } from '../../../ports/state-store';
import { parseInput } from '../../parse-input';
import { loadFreezeState, saveFreezeState } from '../state/freeze-state';
import { operatorText } from './operator-input';

export const FreezeClearRequestSchema = z.strictObject({
  reason: operatorText('why the freeze may lift (what was repaired)'),
  operator: operatorText('who clears'),
});

export type FreezeClearRequest = z.output<typeof FreezeClearRequestSchema>;

/** @throws ValidationError naming each bad option */
export const parseFreezeClearRequest = (input: {
  readonly reason?: string | undefined;
  readonly operator?: string | undefined;
}): FreezeClearRequest => parseInput(FreezeClearRequestSchema, 'freeze clear', input);

export type FreezeClearOutcome =
  | { readonly cleared: false; readonly state: FreezeState; readonly version: number }
  | {
      readonly cleared: true;
      /** The freeze that was lifted */
      readonly was: ActiveFreeze;
      readonly state: FreezeState;
      /** The document's version after the clear */
      readonly version: number;
    };

/**
 * @throws ValidationError an empty operator name or note, or a `nowMs` that is no epoch ms; nothing was written
 * @throws ConcurrentUpdateError the document changed since it was read (a cycle saved it); nothing was written
 * @throws CorruptStateError the stored document is not valid; nothing was written
 */
export async function clearStage4Freeze(
  documents: DocumentStore,
  account: string,
  operator: string,
  note: string,
  nowMs: number,
): Promise<FreezeClearOutcome> {
  const { value, version } = await loadFreezeState(documents, account);
  // validates the operator and time even when there is nothing to clear
  const state = clearFreeze(value, operator, note, nowMs);
  if (value.active === undefined) return { cleared: false, state: value, version };
  const saved = await saveFreezeState(documents, account, state, version);
  return { cleared: true, was: value.active, state, version: saved };
}

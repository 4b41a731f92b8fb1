// Spec 4.17 around a stage 7 cycle: a failed cycle counts one more consecutive error (document
// `stage7#killchain#<account>`); at KILL_CHAIN_MAX_CONSECUTIVE_ERRORS the STORED op-state kill switch is set
// (reason `kill_chain:<ErrorType>`); a successful cycle resets the count. The kill switch's expiry is not kept:
// the op-state document has no field for it, so it holds until the operator clears it.
import { type CycleOutcome, killChainStep } from '../../domain/adaptation/kill-chain';
import type { DocumentStore } from '../../ports/state-store';
import { updateOpState } from '../op-state';
import type { Stage7CycleSettings } from './stage7-settings';

export const killChainKey = (account: string): string => `stage7#killchain#${account}`;

async function readCount(documents: DocumentStore, account: string): Promise<{ count: number; version: number }> {
  const stored = await documents.get(killChainKey(account));
  if (!stored) return { count: 0, version: 0 };
  const parsed = JSON.parse(stored.value) as { consecutiveErrors?: unknown };
  const count = typeof parsed.consecutiveErrors === 'number' ? parsed.consecutiveErrors : 0;
  return { count, version: stored.version };
}

/** @returns whether the stored kill switch was set by this step */
export async function recordKillChain(
  documents: DocumentStore,
  account: string,
  outcome: CycleOutcome,
  nowMs: number,
  s: Stage7CycleSettings,
): Promise<boolean> {
  const { count, version } = await readCount(documents, account);
  const step = killChainStep(count, outcome, nowMs, s);
  if (step.consecutiveErrors !== count)
    await documents.put(killChainKey(account), JSON.stringify({ consecutiveErrors: step.consecutiveErrors }), version);
  const kill = step.killSwitch;
  if (!kill) return false;
  await updateOpState(documents, account, (state) =>
    state.killSwitch?.on ? state : { ...state, killSwitch: { on: true, reason: kill.reason, sinceMs: kill.sinceMs } },
  );
  return true;
}

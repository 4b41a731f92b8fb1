// Spec 4.17 around a stage 7 cycle, in stage 7's own document `stage7#killchain#<account>`: a failed cycle
// counts one more consecutive error; at KILL_CHAIN_MAX_CONSECUTIVE_ERRORS stage 7's kill switch is set (reason
// `kill_chain:<ErrorType>`, expiring after KILL_CHAIN_COOLDOWN_SECONDS when that is > 0); a successful cycle over
// a healthy API resets the count. The switch is the role's (spec `kill_switch:{ROLE}`): it makes stage 7 observe
// only and never touches the account's op-state kill switch, so a failing simulation cannot stop live trading.
// Only an operator (`btcbot kill-switch clear-stored --stage stage7`) or the expiry lifts it.
import * as z from 'zod';
import { type CycleOutcome, killChainStep } from '../../domain/adaptation/kill-chain';
import { EPOCH_MS_MAX, EPOCH_MS_MIN } from '../../domain/epoch';
import { CorruptStateError } from '../../domain/errors';
import type { DocumentStore } from '../../ports/state-store';
import { parseJsonInput } from '../parse-input';
import type { Stage7CycleSettings } from './stage7-settings';

export const killChainKey = (account: string): string => `stage7#killchain#${account}`;

const epochMs = z.number().int().min(EPOCH_MS_MIN).max(EPOCH_MS_MAX);

const KillChainDocumentSchema = z.strictObject({
  consecutiveErrors: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  killSwitch: z
    .strictObject({
      on: z.literal(true),
      reason: z.string().regex(/^kill_chain:[A-Za-z0-9_]{1,64}$/),
      sinceMs: epochMs,
      expiresAtMs: epochMs.optional(),
    })
    .refine((k) => k.expiresAtMs === undefined || k.expiresAtMs > k.sinceMs, 'expiresAtMs must follow sinceMs')
    .optional(),
});

export type Stage7KillChain = z.infer<typeof KillChainDocumentSchema>;

export interface StoredStage7KillChain {
  readonly chain: Stage7KillChain;
  /** The document's version; 0 when none is stored */
  readonly version: number;
}

/** @throws CorruptStateError the stored document is not valid (the cycle then fails: it never reads as cleared) */
export async function readStage7KillChain(documents: DocumentStore, account: string): Promise<StoredStage7KillChain> {
  const key = killChainKey(account);
  const stored = await documents.get(key);
  if (!stored) return { chain: { consecutiveErrors: 0 }, version: 0 };
  const chain = parseJsonInput(
    KillChainDocumentSchema,
    `stage 7 kill chain document ${key}`,
    stored.value,
    CorruptStateError,
  );
  return { chain, version: stored.version };
}

/** On from `sinceMs` until `expiresAtMs` (never, without one) */
export const stage7KillSwitchOn = (chain: Stage7KillChain, nowMs: number): boolean =>
  chain.killSwitch !== undefined &&
  (chain.killSwitch.expiresAtMs === undefined || nowMs < chain.killSwitch.expiresAtMs);

/** @returns whether stage 7's kill switch was set by this step */
export async function recordKillChain(
  documents: DocumentStore,
  account: string,
  outcome: CycleOutcome,
  nowMs: number,
  s: Stage7CycleSettings,
): Promise<boolean> {
  const { chain, version } = await readStage7KillChain(documents, account);
  const step = killChainStep(chain.consecutiveErrors, outcome, nowMs, s);
  // a switch still on is kept as it is (its reason and time say what tripped it first); an expired one is replaced
  const keep = stage7KillSwitchOn(chain, nowMs) ? chain.killSwitch : undefined;
  const killSwitch = keep ?? step.killSwitch;
  const next: Stage7KillChain = {
    consecutiveErrors: step.consecutiveErrors,
    ...(killSwitch ? { killSwitch } : {}),
  };
  if (JSON.stringify(next) !== JSON.stringify(chain))
    await documents.put(killChainKey(account), JSON.stringify(next), version);
  return keep === undefined && step.killSwitch !== undefined;
}

/**
 * The operator's clear: the kill switch and the error count.
 * @returns the switch that was stored (on or expired), if any
 */
export async function clearStage7KillChain(
  documents: DocumentStore,
  account: string,
): Promise<Stage7KillChain['killSwitch']> {
  const { chain, version } = await readStage7KillChain(documents, account);
  if (version === 0) return undefined;
  await documents.put(killChainKey(account), JSON.stringify({ consecutiveErrors: 0 }), version);
  return chain.killSwitch;
}

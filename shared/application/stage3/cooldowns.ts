// Last approved intent time per symbol and side (the cooldown source of spec 2.7), kept as one versioned
// document per account; the stored text is parsed like any other input.
//
// A corrupt document stops the cycle (CorruptStateError naming the key) instead of being skipped or reset:
// read as empty it would lift every cooldown, and saved over it would destroy what the operator must repair.
import * as z from 'zod';
import { EPOCH_MS_MAX, EPOCH_MS_MIN } from '../../domain/epoch';
import { CorruptStateError } from '../../domain/errors';
import type { DocumentStore } from '../../ports/state-store';
import { CanonicalPairSchema, parseJsonInput } from '../parse-input';

/** Plausible epoch milliseconds, 2010..2100: an approval time in seconds would read as decades ago */
const EpochMs = z.number().int().min(EPOCH_MS_MIN).max(EPOCH_MS_MAX);
const CooldownKey = z.string().refine((name) => {
  const match = /^(.+):(BUY|SELL)$/.exec(name);
  return match !== null && CanonicalPairSchema.safeParse(match[1]).success;
}, 'expected SYMBOL:SIDE such as BTCTRY:BUY');
const CooldownsSchema = z.record(CooldownKey, EpochMs);

export interface Cooldowns {
  readonly lastApprovedAtMs: ReadonlyMap<string, number>;
  readonly version: number;
}

const key = (account: string) => `stage3#${account}#cooldowns`;

/** @throws CorruptStateError the stored document is not JSON or not a map of `SYMBOL:SIDE` to epoch ms */
export async function loadCooldowns(documents: DocumentStore, account: string): Promise<Cooldowns> {
  const stored = await documents.get(key(account));
  if (!stored) return { lastApprovedAtMs: new Map(), version: 0 };
  const source = `cooldowns document ${key(account)}`;
  const parsed = parseJsonInput(CooldownsSchema, source, stored.value, CorruptStateError);
  return { lastApprovedAtMs: new Map(Object.entries(parsed)), version: stored.version };
}

export async function saveCooldowns(documents: DocumentStore, account: string, cooldowns: Cooldowns): Promise<void> {
  await documents.put(key(account), JSON.stringify(Object.fromEntries(cooldowns.lastApprovedAtMs)), cooldowns.version);
}

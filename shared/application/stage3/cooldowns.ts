// Last approved intent time per symbol and side (the cooldown source of spec 2.7), kept as one versioned
// document per account; the stored text is parsed like any other input
import { z } from 'zod';
import type { DocumentStore } from '../../ports/state-store';
import { parseInput } from '../parse-input';

const CooldownsSchema = z.record(z.string(), z.number().int().nonnegative());

export interface Cooldowns {
  readonly lastApprovedAtMs: ReadonlyMap<string, number>;
  readonly version: number;
}

const key = (account: string) => `stage3#${account}#cooldowns`;

export async function loadCooldowns(documents: DocumentStore, account: string): Promise<Cooldowns> {
  const stored = await documents.get(key(account));
  if (!stored) return { lastApprovedAtMs: new Map(), version: 0 };
  const parsed = parseInput(CooldownsSchema, `cooldowns document ${key(account)}`, JSON.parse(stored.value));
  return { lastApprovedAtMs: new Map(Object.entries(parsed)), version: stored.version };
}

export async function saveCooldowns(documents: DocumentStore, account: string, cooldowns: Cooldowns): Promise<void> {
  await documents.put(key(account), JSON.stringify(Object.fromEntries(cooldowns.lastApprovedAtMs)), cooldowns.version);
}

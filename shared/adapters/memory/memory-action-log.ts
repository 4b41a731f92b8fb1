// In-memory action log with spec 6.5 dedupe: one live action per dedupe key; ids are sequential so
// backtests and local runs are reproducible. Guards expire after the same retention as in DynamoDB.

import { actionDedupeKey } from '../../domain/store-rules';
import type { ActionLog } from '../../ports/state-store';

const DEFAULT_WINDOW_SECONDS = 300;
const RETENTION_SECONDS = 7 * 24 * 3600;

export class MemoryActionLog implements ActionLog {
  readonly #guards = new Map<string, { readonly actionId: string; readonly expiresAtSec: number }>();
  readonly #dedupeKeyOf = new Map<string, string>();
  #sequence = 0;

  async record(input: Parameters<ActionLog['record']>[0]): Promise<string | null> {
    const windowSeconds = input.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
    const dedupeKey =
      input.dedupeKey ?? actionDedupeKey(input.actionType, input.payloadHash, input.nowMs, windowSeconds);
    const nowSec = Math.floor(input.nowMs / 1000);
    const guard = this.#guards.get(dedupeKey);
    if (guard !== undefined && guard.expiresAtSec > nowSec) return null;
    this.#sequence += 1;
    const actionId = `action-${String(this.#sequence).padStart(8, '0')}`;
    this.#guards.set(dedupeKey, { actionId, expiresAtSec: nowSec + Math.max(windowSeconds, RETENTION_SECONDS) });
    this.#dedupeKeyOf.set(actionId, dedupeKey);
    return actionId;
  }

  async clearDedupeKey(actionId: string): Promise<void> {
    const dedupeKey = this.#dedupeKeyOf.get(actionId);
    if (dedupeKey === undefined) return;
    if (this.#guards.get(dedupeKey)?.actionId === actionId) this.#guards.delete(dedupeKey);
    this.#dedupeKeyOf.delete(actionId);
  }
}

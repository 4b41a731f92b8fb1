// In-memory cycle audits (put-if-absent by cycle id, newest first) and symbol 1123 cooldowns (spec 6.6).
import type { StageName } from '../../domain/ids';
import { nextSymbolCooldown } from '../../domain/store-rules';
import { canonicalSymbol } from '../../domain/symbols';
import type {
  CycleAudit,
  CycleAuditStore,
  SymbolCooldown,
  SymbolCooldownStore,
  SymbolRejectPolicy,
} from '../../ports/state-store';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class MemoryCycleAuditStore implements CycleAuditStore {
  readonly #audits = new Map<string, CycleAudit>();

  async put(audit: CycleAudit, _ttlSeconds: number): Promise<boolean> {
    if (this.#audits.has(audit.cycleId)) return false;
    this.#audits.set(audit.cycleId, Object.freeze({ ...audit }));
    return true;
  }

  async latest(stage: StageName, account: string, limit: number): Promise<CycleAudit[]> {
    return [...this.#audits.values()]
      .filter((a) => a.stage === stage && a.account === account)
      .sort((a, b) => b.startedAtMs - a.startedAtMs || compare(b.cycleId, a.cycleId))
      .slice(0, Math.max(0, limit));
  }
}

export class MemorySymbolCooldownStore implements SymbolCooldownStore {
  readonly #rows = new Map<string, SymbolCooldown>();

  /** @throws SymbolFormatError the symbol cannot be normalized */
  async recordReject(symbol: string, nowSec: number, policy: SymbolRejectPolicy): Promise<SymbolCooldown> {
    const canonical = canonicalSymbol(symbol);
    const next = Object.freeze(nextSymbolCooldown(this.#rows.get(canonical), canonical, nowSec, policy));
    this.#rows.set(canonical, next);
    return next;
  }

  async active(nowSec: number): Promise<SymbolCooldown[]> {
    return [...this.#rows.values()]
      .filter((row) => row.cooldownUntilSec !== undefined && row.cooldownUntilSec > nowSec)
      .sort((a, b) => (a.cooldownUntilSec ?? 0) - (b.cooldownUntilSec ?? 0) || compare(a.symbol, b.symbol));
  }
}

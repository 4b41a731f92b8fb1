// Builds every in-memory state store: unit tests, backtests and the embedded local mode.
import type { StateStores } from '../../ports/state-store';
import { MemoryActionLog } from './memory-action-log';
import { MemoryCycleAuditStore, MemorySymbolCooldownStore } from './memory-audit-stores';
import { MemoryCursorStore, MemoryDocumentStore } from './memory-document-store';
import { MemoryFillStore } from './memory-fill-store';
import { MemoryIdempotencyKeys } from './memory-idempotency-keys';
import { MemoryLeaseStore } from './memory-lease-store';
import { MemoryLedgerStore } from './memory-ledger-store';
import { MemoryOrderJournal } from './memory-order-journal';
import { MemoryReplaceTransactions } from './memory-replace-transactions';
import { MemoryStage7Store, type Stage7History } from './memory-stage7-store';

/** @param stage7History what the stage 7 store keeps: every record (default), or a cycle's reads only (backtests) */
export function createMemoryStateStores(stage7History: Stage7History = 'all'): StateStores {
  const leases = new MemoryLeaseStore();
  return {
    leases,
    journal: new MemoryOrderJournal(leases),
    idempotency: new MemoryIdempotencyKeys(),
    actions: new MemoryActionLog(),
    fills: new MemoryFillStore(),
    ledger: new MemoryLedgerStore(),
    documents: new MemoryDocumentStore(),
    cursors: new MemoryCursorStore(),
    audits: new MemoryCycleAuditStore(),
    cooldowns: new MemorySymbolCooldownStore(),
    replaceTransactions: new MemoryReplaceTransactions(leases),
    stage7: new MemoryStage7Store(leases, stage7History),
  };
}

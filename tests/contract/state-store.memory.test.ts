// Runs every state-store contract against the in-memory twins (unit tests, backtests, local mode).
import { createMemoryStateStores } from '../../shared/adapters/memory/state-stores';
import { cycleAuditStoreContract, symbolCooldownStoreContract } from './audit-store.contract';
import { documentStoreContract } from './document-store.contract';
import { fillStoreContract, ledgerStoreContract } from './fill-ledger-store.contract';
import { actionLogContract, idempotencyKeysContract } from './idempotency-store.contract';
import { leaseStoreContract } from './lease-store.contract';
import { orderJournalContract } from './order-journal.contract';
import { replaceTransactionContract } from './replace-transaction.contract';
import { stage7StoreContract } from './stage7-store.contract';

const makeStores = async () => createMemoryStateStores();

leaseStoreContract('memory', makeStores);
orderJournalContract('memory', makeStores);
fillStoreContract('memory', makeStores);
ledgerStoreContract('memory', makeStores);
idempotencyKeysContract('memory', makeStores);
actionLogContract('memory', makeStores);
documentStoreContract('memory', makeStores);
cycleAuditStoreContract('memory', makeStores);
symbolCooldownStoreContract('memory', makeStores);
replaceTransactionContract('memory', makeStores);
stage7StoreContract('memory', makeStores);

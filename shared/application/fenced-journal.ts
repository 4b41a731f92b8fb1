// The order journal as a cycle holding a lease writes it: every create, transition and update carries the
// lease fence, so an invocation whose epoch was superseded writes nothing (ARCHITECTURE 5.2).
import type { LeaseFence, OrderJournal } from '../ports/state-store';

export const fencedJournal = (journal: OrderJournal, fence: LeaseFence): OrderJournal => ({
  create: (order, _fence, nowMs) => journal.create(order, fence, nowMs),
  get: (account, clientOrderId) => journal.get(account, clientOrderId),
  transition: (order, event, patch, nowMs) => journal.transition(order, event, patch, nowMs, fence),
  update: (order, patch, nowMs) => journal.update(order, patch, nowMs, fence),
  listByStatus: (account, statuses) => journal.listByStatus(account, statuses),
  latestForIntent: (account, intentKey) => journal.latestForIntent(account, intentKey),
  countByStatus: (account) => journal.countByStatus(account),
});

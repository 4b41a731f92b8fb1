// An OrderJournal that forwards every call to `inner`: the base of a wrapper that fences, meters or records some
// calls (spread it, then replace those), so such a wrapper cannot drop a method the port gains.
import type { OrderJournal } from '../ports/state-store';

export const forwardingJournal = (inner: OrderJournal): OrderJournal => ({
  create: (order, fence, nowMs) => inner.create(order, fence, nowMs),
  get: (account, clientOrderId) => inner.get(account, clientOrderId),
  transition: (order, event, patch, nowMs, fence) => inner.transition(order, event, patch, nowMs, fence),
  update: (order, patch, nowMs, fence) => inner.update(order, patch, nowMs, fence),
  listByStatus: (account, statuses) => inner.listByStatus(account, statuses),
  latestForIntent: (account, intentKey) => inner.latestForIntent(account, intentKey),
  countByStatus: (account) => inner.countByStatus(account),
});

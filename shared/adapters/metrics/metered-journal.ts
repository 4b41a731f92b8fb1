// The order journal as a cycle's metrics see it: every call passes through, and the status counts a live
// cycle reads when it ends (countByStatus) set the UNKNOWN gauges. A dry-run cycle reads no counts and
// publishes no UNKNOWN gauge rather than a 0 nobody measured.
import type { MetricsRecorder } from '../../ports/metrics';
import type { OrderJournal } from '../../ports/state-store';

export const meteredJournal = (inner: OrderJournal, metrics: MetricsRecorder): OrderJournal => ({
  create: (order, fence, nowMs) => inner.create(order, fence, nowMs),
  get: (account, clientOrderId) => inner.get(account, clientOrderId),
  transition: (order, event, patch, nowMs, fence) => inner.transition(order, event, patch, nowMs, fence),
  update: (order, patch, nowMs, fence) => inner.update(order, patch, nowMs, fence),
  listByStatus: (account, statuses) => inner.listByStatus(account, statuses),
  latestForIntent: (account, intentKey) => inner.latestForIntent(account, intentKey),
  countByStatus: async (account) => {
    const counts = await inner.countByStatus(account);
    metrics.add('unknownOrders', counts.UNKNOWN);
    metrics.add('unknownOrderPresent', counts.UNKNOWN > 0 ? 1 : 0);
    return counts;
  },
});

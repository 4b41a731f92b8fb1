// The order journal as a cycle's metrics see it: every call passes through, and the status counts a live
// cycle reads when it ends (countByStatus) set the UNKNOWN gauges. A dry-run cycle reads no counts and
// publishes no UNKNOWN gauge rather than a 0 nobody measured.
import type { MetricsRecorder } from '../../ports/metrics';
import type { OrderJournal } from '../../ports/state-store';
import { forwardingJournal } from '../forwarding-journal';

export const meteredJournal = (inner: OrderJournal, metrics: MetricsRecorder): OrderJournal => ({
  ...forwardingJournal(inner),
  countByStatus: async (account) => {
    const counts = await inner.countByStatus(account);
    metrics.add('unknownOrders', counts.UNKNOWN);
    metrics.add('unknownOrderPresent', counts.UNKNOWN > 0 ? 1 : 0);
    return counts;
  },
});

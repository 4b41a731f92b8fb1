// What each function records for its invocation's metrics (shared/domain/observability/metric-catalog.ts), from the result its
// cycle or record returned; the port decorators its composition root puts around the exchange, the kill
// switch and the journal (shared/adapters/metrics) record the rest as the calls happen.
//
// | metric              | stage3                        | stage4                         | stage7                   | reconcile               |
// |---------------------|-------------------------------|--------------------------------|--------------------------|-------------------------|
// | cyclesCompleted     | 1: completed, blocked,        | as stage 3                     | 1: completed,            | -                       |
// |                     | stale_market_data; 0: locked, |                                | already_saved; 0: locked,|                         |
// |                     | expired, lease_lost; none on  |                                | expired; none on a throw |                         |
// |                     | a throw                       |                                |                          |                         |
// | cycleLatency        | every cycle, thrown or not    | as stage 3                     | as stage 3               | -                       |
// | intentsCreated      | counters.intents              | counters.planned               | counts.planned + skipped | -                       |
// | intentsExecuted     | submitted + simulated         | execution submitted + simulated| counts.omsSubmitted (sim)| -                       |
// | ordersSubmitted     | counters.submitted            | execution.submitted            | - (simulated)            | -                       |
// | ordersFailed        | counters.notPlaced            | execution.notPlaced            | - (simulated)            | settled as FAILED       |
// | rejects             | rejected + rejectedPrecheck   | execution.rejected             | - (simulated)            | -                       |
// | reject1123          | exchange decorator            | exchange decorator             | - (no writes)            | -                       |
// | apiErrors, 429      | exchange decorator            | exchange decorator             | exchange decorator       | exchange decorator      |
// | breakerOpen         | exchange decorator (gateway)  | exchange decorator (gateway)   | exchange decorator       | exchange decorator      |
// | killSwitchEnabled   | result.killSwitchOn (the      | as stage 3                     | riskReasons KILL_SWITCH  | -                       |
// |                     | parameter or the stored       |                                |                          |                         |
// |                     | escalation switch); the kill  |                                |                          |                         |
// |                     | switch decorator on a throw   |                                |                          |                         |
// | degradedMode        | -                             | degradeLevel > 0               | riskReasons              | -                       |
// |                     |                               |                                | EXCHANGE_DEGRADED        |                         |
// | unknownOrders,      | journal decorator (live only) | journal decorator (live only)  | - (no journal)           | - (not read)            |
// | unknownOrderPresent |                               |                                |                          |                         |
//
// cyclesCompleted is the heartbeat: "the bot is alive and cycling". A cycle that ran to its decision counts,
// whatever it decided (blocked by a gate, fail-closed on stale market data); one that never ran does not: a
// lease held elsewhere (a stuck lease must page), a firing too old to run, a cycle cut off by a lost lease.
// Stage 7 publishes no order counts: its orders are simulated, and the order metrics mean orders the venue
// was sent (an order alarm must never fire on a simulation); its intents are counted like a dry run's.
import type { ReconcileResult } from '../application/reconcile-batch';
import type { CycleStatus, Stage3CycleResult } from '../application/stage3/run-stage3-cycle';
import type { Stage4CycleResult } from '../application/stage4/run-stage4-cycle';
import type { Stage7CycleResult } from '../application/stage7/run-stage7-cycle';
import type { Stage7BudgetReason } from '../domain/risk/stage7-risk-budget';
import type { Clock } from '../ports/clock';
import type { MetricsRecorder } from '../ports/metrics';
import type { Metered } from './publish-metrics';

const RAN: ReadonlySet<CycleStatus> = new Set(['completed', 'blocked', 'stale_market_data']);
const STAGE7_RAN: ReadonlySet<Stage7CycleResult['status']> = new Set(['completed', 'already_saved']);
const STAGE7_KILL_SWITCH: Stage7BudgetReason = 'KILL_SWITCH';
const STAGE7_DEGRADED: Stage7BudgetReason = 'EXCHANGE_DEGRADED';

/**
 * Runs one cycle, records its latency (also when it throws) and, from its result, the rest, then publishes
 * what the invocation recorded
 */
export async function meteredCycle<R>(
  deps: Metered & { readonly clock: Clock },
  record: (metrics: MetricsRecorder, result: R) => void,
  cycle: () => Promise<R>,
): Promise<R> {
  const { metrics, clock } = deps;
  const startedAtMs = clock.nowMs();
  try {
    const result = await cycle();
    if (metrics) record(metrics, result);
    return result;
  } finally {
    metrics?.add('cycleLatency', clock.nowMs() - startedAtMs);
    metrics?.publish();
  }
}

export function recordStage3Cycle(metrics: MetricsRecorder, result: Stage3CycleResult): void {
  const c = result.counters;
  metrics.add('cyclesCompleted', RAN.has(result.status) ? 1 : 0);
  metrics.add('intentsCreated', c.intents);
  metrics.add('intentsExecuted', c.submitted + c.simulated);
  metrics.add('ordersSubmitted', c.submitted);
  metrics.add('ordersFailed', c.notPlaced);
  metrics.add('rejects', c.rejected + c.rejectedPrecheck);
  metrics.add('killSwitchEnabled', result.killSwitchOn ? 1 : 0);
}

export function recordStage4Cycle(metrics: MetricsRecorder, result: Stage4CycleResult): void {
  const e = result.execution;
  metrics.add('cyclesCompleted', RAN.has(result.status) ? 1 : 0);
  metrics.add('intentsCreated', result.counters.planned);
  metrics.add('intentsExecuted', (e?.submitted ?? 0) + (e?.simulated ?? 0));
  metrics.add('ordersSubmitted', e?.submitted ?? 0);
  metrics.add('ordersFailed', e?.notPlaced ?? 0);
  metrics.add('rejects', e?.rejected ?? 0);
  if (result.degradeLevel !== undefined) metrics.add('degradedMode', result.degradeLevel > 0 ? 1 : 0);
  metrics.add('killSwitchEnabled', result.killSwitchOn ? 1 : 0);
}

export function recordStage7Cycle(metrics: MetricsRecorder, result: Stage7CycleResult): void {
  metrics.add('cyclesCompleted', STAGE7_RAN.has(result.status) ? 1 : 0);
  if (result.status !== 'completed') return;
  const counts = result.row.counts;
  metrics.add('intentsCreated', counts.planned + counts.skipped);
  metrics.add('intentsExecuted', counts.omsSubmitted);
  metrics.add('killSwitchEnabled', result.riskReasons.includes(STAGE7_KILL_SWITCH) ? 1 : 0);
  metrics.add('degradedMode', result.riskReasons.includes(STAGE7_DEGRADED) ? 1 : 0);
}

/** One record's result: an order the reconcile proved never placed ends FAILED */
export function recordReconcileResult(metrics: MetricsRecorder, result: ReconcileResult): void {
  const failed =
    result.kind === 'done' && result.outcome.kind === 'settled' && result.outcome.order.status === 'FAILED';
  metrics.add('ordersFailed', failed ? 1 : 0);
}

// The metrics every function publishes (spec 8.4, the canonical names that apply to a Lambda deployment) and
// the one dimension set they are published under. The functions write them as CloudWatch embedded metric
// format (EMF) log lines; the stacks' alarms name exactly these metrics and dimensions, so the two read this
// one table. Spec 8.4 labels that would make one metric per value (symbol, endpoint) are left out of the
// dimensions: an alarm on a metric must name its whole dimension set.

export const METRIC_NAMESPACE = 'Btcbot';

/** Powertools Metrics always adds a `service` dimension; this is its value for every function */
export const METRIC_SERVICE = 'btcbot';

/** The functions that publish metrics (spec 8.4's process_role) */
export const PROCESS_ROLES = ['stage3', 'stage4', 'stage7', 'reconcile'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** The dimensions of every published metric: dev and prod never share a metric, nor do two roles */
export const metricDimensions = (environment: string, role: ProcessRole) =>
  ({ service: METRIC_SERVICE, environment, process_role: role }) as const;

export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export interface MetricSpec {
  readonly name: string;
  readonly unit: MetricUnit;
  /** A gauge holds a state (0 or 1, an amount); a counter counts events in the cycle or batch */
  readonly kind: 'counter' | 'gauge' | 'latency';
}

export const METRICS = {
  /**
   * 1 per cycle that ran to its decision (also when a gate blocked it or market data was stale); 0 when it never
   * ran (lease held elsewhere, firing too old, lease lost); absent when it threw. The heartbeat alarm reads it.
   */
  cyclesCompleted: { name: 'bot_cycles_completed_total', unit: 'Count', kind: 'counter' },
  cycleLatency: { name: 'bot_cycle_latency_ms', unit: 'Milliseconds', kind: 'latency' },
  apiErrors: { name: 'bot_api_errors_total', unit: 'Count', kind: 'counter' },
  api429Backoff: { name: 'bot_api_429_backoff_total', unit: 'Count', kind: 'counter' },
  ordersSubmitted: { name: 'bot_orders_submitted_total', unit: 'Count', kind: 'counter' },
  ordersFailed: { name: 'bot_orders_failed_total', unit: 'Count', kind: 'counter' },
  rejects: { name: 'bot_rejects_total', unit: 'Count', kind: 'counter' },
  reject1123: { name: 'bot_reject_1123_total', unit: 'Count', kind: 'counter' },
  intentsCreated: { name: 'bot_intents_created_total', unit: 'Count', kind: 'counter' },
  intentsExecuted: { name: 'bot_intents_executed_total', unit: 'Count', kind: 'counter' },
  killSwitchEnabled: { name: 'bot_killswitch_enabled', unit: 'None', kind: 'gauge' },
  breakerOpen: { name: 'bot_breaker_open', unit: 'None', kind: 'gauge' },
  degradedMode: { name: 'bot_degraded_mode', unit: 'None', kind: 'gauge' },
  unknownOrderPresent: { name: 'bot_unknown_order_present', unit: 'None', kind: 'gauge' },
  /** Orders the journal holds in UNKNOWN when the cycle or reconcile batch ended */
  unknownOrders: { name: 'bot_unknown_orders', unit: 'Count', kind: 'gauge' },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;

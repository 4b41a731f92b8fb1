// What a function records during one invocation, published once when it ends (the catalog of names, units and
// the dimension set: shared/domain/observability/metric-catalog.ts)
import type { MetricKey } from '../domain/observability/metric-catalog';

export interface MetricsRecorder {
  add(metric: MetricKey, value: number): void;
}

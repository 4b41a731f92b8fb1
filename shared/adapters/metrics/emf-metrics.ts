// The MetricsRecorder port over Powertools Metrics: what an invocation records is held here and written as ONE
// CloudWatch embedded metric format (EMF) line on stdout when the invocation ends (publish), under the
// contract's namespace and its one dimension set. Powertools adds `service` itself, so the service name is
// the contract's and the other two dimensions are its defaults: the line carries exactly
// [service, environment, process_role]. No cold-start metric: Powertools publishes it under an extra
// `function_name` dimension, which no alarm names. Metrics never fail an invocation: a publishing error is
// logged and what was recorded is dropped.
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  METRIC_NAMESPACE,
  METRICS,
  type MetricKey,
  metricDimensions,
  type ProcessRole,
} from '../../domain/observability/metric-catalog';
import type { Logger } from '../../ports/logger';
import type { MetricsRecorder } from '../../ports/metrics';

const text = (content: unknown[]): string => content.map(String).join(' ');

export class EmfMetrics implements MetricsRecorder {
  readonly #powertools: Metrics;
  readonly #log: Logger;
  readonly #recorded = new Map<MetricKey, number>();

  constructor(environment: string, role: ProcessRole, log: Logger) {
    const { service, ...dimensions } = metricDimensions(environment, role);
    this.#log = log;
    this.#powertools = new Metrics({
      namespace: METRIC_NAMESPACE,
      serviceName: service,
      defaultDimensions: dimensions,
      // Powertools' own warnings (a rejected dimension, say) become JSON log lines like every other line
      logger: {
        debug: (...content: unknown[]) => log.debug(text(content)),
        info: (...content: unknown[]) => log.info(text(content)),
        warn: (...content: unknown[]) => log.warn(text(content)),
        error: (...content: unknown[]) => log.error(text(content)),
      },
    });
  }

  /** A counter adds up over the invocation; a gauge or a latency keeps the value recorded last */
  add(metric: MetricKey, value: number): void {
    const before = this.#recorded.get(metric);
    const counted = METRICS[metric].kind === 'counter' && before !== undefined;
    this.#recorded.set(metric, counted ? before + value : value);
  }

  /** Writes what was recorded since the last publish as one EMF line (nothing when nothing was recorded) */
  publish(): void {
    if (this.#recorded.size === 0) return;
    try {
      for (const [metric, value] of this.#recorded) {
        this.#powertools.addMetric(METRICS[metric].name, METRICS[metric].unit, value);
      }
      this.#powertools.publishStoredMetrics();
    } catch (e) {
      this.#powertools.clearMetrics();
      this.#log.error('Metrics not published', {
        error_name: (e as Error).name,
        error_message: (e as Error).message,
        metrics: [...this.#recorded.keys()],
      });
    } finally {
      this.#recorded.clear();
    }
  }
}

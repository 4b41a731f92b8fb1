// The EMF adapter over Powertools Metrics: the one line it writes per publish, under the contract's
// namespace and exactly its one dimension set, with the contract's names and units.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics } from '../../../../shared/adapters/metrics/emf-metrics';
import { METRICS, type MetricKey } from '../../../../shared/domain/observability/metric-catalog';
import { RecordingLogger } from '../../../support/stage3-harness';
import { captureEmf, valuesOf } from './emf-lines';

let capture: ReturnType<typeof captureEmf> | undefined;
afterEach(() => {
  capture?.stop();
  capture = undefined;
  vi.restoreAllMocks();
});

const started = () => {
  capture = captureEmf();
  return capture;
};

describe('EmfMetrics', () => {
  it('writes one line under the namespace Btcbot with exactly the dimension set [service, environment, process_role]', () => {
    const out = started();
    const metrics = new EmfMetrics('dev', 'stage3', new RecordingLogger());

    metrics.add('cyclesCompleted', 1);
    metrics.publish();

    const [line, ...more] = out.lines();
    expect(more).toEqual([]);
    expect(line?.namespace).toBe('Btcbot');
    expect(line?.dimensionSets).toEqual([['service', 'environment', 'process_role']]);
    expect(line?.dimensions).toEqual({ service: 'btcbot', environment: 'dev', process_role: 'stage3' });
  });

  it('publishes every contract metric under its name and unit; counters add up, gauges and latency keep the last value', () => {
    const out = started();
    const metrics = new EmfMetrics('prod', 'stage4', new RecordingLogger());
    const keys = Object.keys(METRICS) as MetricKey[];
    for (const key of keys) metrics.add(key, 2);
    for (const key of keys) metrics.add(key, 3);

    metrics.publish();

    const [line] = out.lines();
    expect(line?.dimensions).toEqual({ service: 'btcbot', environment: 'prod', process_role: 'stage4' });
    for (const key of keys) {
      expect(line?.metrics[key]).toEqual({ unit: METRICS[key].unit, value: METRICS[key].kind === 'counter' ? 5 : 3 });
    }
  });

  it('publishes what was recorded since the last publish, and nothing when nothing was', () => {
    const out = started();
    const metrics = new EmfMetrics('dev', 'reconcile', new RecordingLogger());

    metrics.publish();
    metrics.add('apiErrors', 2);
    metrics.publish();
    metrics.publish();
    metrics.add('ordersFailed', 1);
    metrics.publish();

    expect(out.lines().map(valuesOf)).toEqual([{ apiErrors: 2 }, { ordersFailed: 1 }]);
  });

  it('never throws on a publishing error: it logs it and drops what was recorded', () => {
    const out = started();
    const log = new RecordingLogger();
    const metrics = new EmfMetrics('dev', 'stage3', log);
    vi.spyOn(Metrics.prototype, 'publishStoredMetrics').mockImplementationOnce(() => {
      throw new RangeError('EMF refused');
    });
    metrics.add('cyclesCompleted', 1);

    expect(() => metrics.publish()).not.toThrow();

    expect(log.lines).toEqual([
      {
        level: 'error',
        message: 'Metrics not published',
        fields: { error_name: 'RangeError', error_message: 'EMF refused', metrics: ['cyclesCompleted'] },
      },
    ]);
    metrics.add('apiErrors', 1);
    metrics.publish();
    expect(out.lines().map(valuesOf)).toEqual([{ apiErrors: 1 }]);
  });
});

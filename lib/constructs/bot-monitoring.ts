// Alarms and a dashboard: reconcile DLQ depth, function errors and throttles, and orders left UNKNOWN,
// read from each trading cycle's summary log line (field `unknown`) through a metric filter. A simulation
// (stage 7) has no journal orders: its summary line counts completed cycles, graphed beside every function's
// duration.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TradingFunction } from './trading-function';

/** The line a trading cycle logs when it ends */
export interface CycleSummary {
  /** e.g. `stage 4`: in alarm descriptions and dashboard labels */
  readonly label: string;
  /** Its `message` field */
  readonly message: string;
  /** Prepended to its metric names and to the construct ids of their filters and alarms */
  readonly metricPrefix: string;
}

export interface BotMonitoringProps {
  readonly dashboardName: string;
  /** Every function: errors and throttles alarm for each */
  readonly functions: readonly TradingFunction[];
  /** The trading cycles whose summary lines feed the journal-count metrics */
  readonly cycles: readonly { readonly fn: TradingFunction; readonly summary: CycleSummary }[];
  /** The simulated cycles whose summary lines count completed cycles (`<prefix>CompletedCycles`) */
  readonly simulations: readonly { readonly fn: TradingFunction; readonly summary: CycleSummary }[];
  readonly reconcileDlq: IQueue;
}

export const METRIC_NAMESPACE = 'Btcbot';

/** Summary line field -> metric name (after the cycle's prefix): the journal's counts when the cycle ended */
export const JOURNAL_COUNT_METRICS = {
  unknown: 'UnknownOrders',
  pending_submit: 'PendingSubmitOrders',
  failed: 'FailedOrders',
} as const;

/** Metric name (after the simulation's prefix): 1 per summary line, so its sum is the completed cycles */
export const COMPLETED_CYCLES_METRIC = 'CompletedCycles';

export class BotMonitoring extends Construct {
  constructor(scope: Construct, id: string, props: BotMonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    const alarm = (alarmId: string, metric: IMetric, description: string) =>
      new Alarm(this, alarmId, {
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });

    const dlqDepth = props.reconcileDlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' });
    alarm('ReconcileDlqDepthAlarm', dlqDepth, 'Reconcile messages reached the DLQ: an order needs an operator');

    // one metric per journal count of each cycle's summary line; only UNKNOWN pages an operator
    const journalCounts: IMetric[] = [];
    for (const { fn, summary } of props.cycles) {
      const count = (field: keyof typeof JOURNAL_COUNT_METRICS) => {
        const metricName = `${summary.metricPrefix}${JOURNAL_COUNT_METRICS[field]}`;
        const metric = new MetricFilter(this, `${metricName}Filter`, {
          logGroup: fn.logGroup,
          filterPattern: FilterPattern.stringValue('$.message', '=', summary.message),
          metricNamespace: METRIC_NAMESPACE,
          metricName,
          metricValue: `$.${field}`,
        }).metric({ period, statistic: 'Maximum' });
        // labelled on the dashboard only: a label would turn the alarm's metric into a metric query
        journalCounts.push(metric.with({ label: `${summary.label} ${field}` }));
        return metric;
      };
      const unknownOrders = count('unknown');
      count('pending_submit');
      count('failed');
      const description = `A ${summary.label} cycle ended with orders in UNKNOWN state`;
      alarm(`${summary.metricPrefix}UnknownOrdersAlarm`, unknownOrders, description);
    }

    // no alarm on a missing cycle: a disabled schedule (the default) completes none either
    const completedCycles = props.simulations.map(({ fn, summary }) => {
      const metricName = `${summary.metricPrefix}${COMPLETED_CYCLES_METRIC}`;
      return new MetricFilter(this, `${metricName}Filter`, {
        logGroup: fn.logGroup,
        filterPattern: FilterPattern.stringValue('$.message', '=', summary.message),
        metricNamespace: METRIC_NAMESPACE,
        metricName,
        metricValue: '1',
      })
        .metric({ period: Duration.minutes(5), statistic: 'Sum' })
        .with({ label: `${summary.label} completed cycles` });
    });

    const errors: IMetric[] = [];
    const throttles: IMetric[] = [];
    const durations: IMetric[] = [];
    for (const fn of props.functions) {
      const name = fn.node.id;
      const fnErrors = fn.fn.metricErrors({ period, statistic: 'Sum' });
      const fnThrottles = fn.fn.metricThrottles({ period, statistic: 'Sum' });
      alarm(`${name}ErrorsAlarm`, fnErrors, `${name} invocations failed`);
      alarm(`${name}ThrottlesAlarm`, fnThrottles, `${name} invocations were throttled`);
      errors.push(fnErrors.with({ label: name }));
      throttles.push(fnThrottles.with({ label: name }));
      // a timeout already counts as an error; the maximum shows how close each function runs to it
      durations.push(fn.fn.metricDuration({ period, statistic: 'Maximum' }).with({ label: name }));
    }

    new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new GraphWidget({ title: 'Function errors', left: errors }),
          new GraphWidget({ title: 'Function throttles', left: throttles }),
        ],
        [
          new GraphWidget({ title: 'Journal counts per cycle', left: journalCounts }),
          new GraphWidget({ title: 'Reconcile DLQ depth', left: [dlqDepth] }),
        ],
        [
          new GraphWidget({ title: 'Function duration (maximum)', left: durations }),
          new GraphWidget({ title: 'Completed simulated cycles', left: completedCycles }),
        ],
      ],
    });
  }
}

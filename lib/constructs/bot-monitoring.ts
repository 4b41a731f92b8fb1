// Alarms and a dashboard: reconcile DLQ depth, function errors and throttles, and orders left UNKNOWN,
// read from the stage 3 "Cycle completed" log line (field `unknown`) through a metric filter.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TradingFunction } from './trading-function';

export interface BotMonitoringProps {
  readonly dashboardName: string;
  readonly functions: readonly TradingFunction[];
  readonly cycleLogGroup: ILogGroup;
  readonly reconcileDlq: IQueue;
}

export const METRIC_NAMESPACE = 'Btcbot';

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

    // one metric per journal count of the cycle summary line; only UNKNOWN pages an operator
    const cycleCount = (field: string, metricName: string) =>
      new MetricFilter(this, `${metricName}Filter`, {
        logGroup: props.cycleLogGroup,
        filterPattern: FilterPattern.stringValue('$.message', '=', 'Cycle completed'),
        metricNamespace: METRIC_NAMESPACE,
        metricName,
        metricValue: `$.${field}`,
      }).metric({ period, statistic: 'Maximum' });
    const unknownOrders = cycleCount('unknown', 'UnknownOrders');
    const journalCounts = [
      unknownOrders,
      cycleCount('pending_submit', 'PendingSubmitOrders'),
      cycleCount('failed', 'FailedOrders'),
    ];
    alarm('UnknownOrdersAlarm', unknownOrders, 'A stage 3 cycle ended with orders in UNKNOWN state');

    const errors: IMetric[] = [];
    const throttles: IMetric[] = [];
    for (const fn of props.functions) {
      const name = fn.node.id;
      const fnErrors = fn.fn.metricErrors({ period, statistic: 'Sum' });
      const fnThrottles = fn.fn.metricThrottles({ period, statistic: 'Sum' });
      alarm(`${name}ErrorsAlarm`, fnErrors, `${name} invocations failed`);
      alarm(`${name}ThrottlesAlarm`, fnThrottles, `${name} invocations were throttled`);
      errors.push(fnErrors.with({ label: name }));
      throttles.push(fnThrottles.with({ label: name }));
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
      ],
    });
  }
}

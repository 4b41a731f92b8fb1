// Alarms and a dashboard on the metrics every function publishes (shared/domain/observability/metric-catalog.ts:
// namespace Btcbot, dimensions {service, environment, process_role}), so a dev alarm reads dev's metrics only. Every alarm
// notifies the stateful stack's topic; the paging ones (high and critical) also notify when they recover.
//
// - spec 8.5's rules that a Lambda deployment can break (ALERT_RULES), per role that publishes the metric;
//   killswitch_stuck_enabled only where the knobs arm live trading, as a dry run keeps the kill switch on.
//   ws_disconnect_burst and cursor_stall_spike do not apply: the functions poll BTCTurk's REST API once per
//   cycle and hold no WebSocket or stream cursor that could disconnect or stall.
// - spec 8.5's stuck_cycles as a heartbeat per enabled schedule: no completed cycle for N minutes pages, with
//   missing data breaching, so a disabled schedule (in the console), a stuck lease or a crashing function
//   pages. It reads bot_cycles_completed_total rather than the spec's bot_orders_submitted_total, which stays
//   0 in a healthy dry run or a quiet market.
// - the reconcile DLQ depth, orders left UNKNOWN, and each function's errors and throttles.
//
// Missing data: the cycle metrics exist only when a cycle ends, so "no data" means "no cycle". That is the
// heartbeat's business (breaching); every other cycle alarm treats missing data as not breaching, since a
// stopped cycle is already paging there. A disabled schedule gets no heartbeat: nothing is expected to run.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  METRIC_NAMESPACE,
  METRICS,
  type MetricKey,
  metricDimensions,
  type ProcessRole,
} from '../../shared/domain/observability/metric-catalog';
import type { ScheduleSettings } from '../context';
import { alarmNamePrefix } from '../stateful-stack';
import type { TradingFunction } from './trading-function';

export type Severity = 'critical' | 'high' | 'medium';

/** A high or critical alarm also notifies when it returns to OK; a medium one only when it fires */
const PAGING: readonly Severity[] = ['critical', 'high'];

export interface AlertRule {
  readonly metric: MetricKey;
  /** What is compared over one window: `Sum`, `Minimum` (the gauge held the value all window), `p95` */
  readonly statistic: 'Sum' | 'Minimum' | 'p95';
  readonly windowMinutes: number;
  /** `>` the threshold, or `>=` it (a gauge equal to 1) */
  readonly above: '>' | '>=';
  readonly threshold: number;
  readonly severity: Severity;
  /** The roles that publish the metric */
  readonly roles: readonly ProcessRole[];
  /** Only in a deployment armed for live trading */
  readonly armedOnly?: boolean;
  readonly means: string;
  readonly todo: string;
}

const CYCLE_ROLES = ['stage3', 'stage4', 'stage7'] as const;
/** Stage 7 only simulates: a kill switch, order failures or rejects of its simulated orders page nobody */
const TRADING_ROLES = ['stage3', 'stage4'] as const;

/** Spec 8.5's rules; a rate per minute over a window is the window's sum over `minutes x rate` */
export const ALERT_RULES = {
  api_error_rate_spike: {
    metric: 'apiErrors',
    statistic: 'Sum',
    windowMinutes: 5,
    above: '>',
    threshold: 10 * 5,
    severity: 'high',
    roles: [...CYCLE_ROLES, 'reconcile'],
    means: 'more than 10 BTCTurk API errors per minute over 5 minutes',
    todo: 'check BTCTurk status and the function log for the error kinds; if the venue is down the breaker stops orders, else turn the kill switch on and investigate',
  },
  cycle_latency_high: {
    metric: 'cycleLatency',
    statistic: 'p95',
    windowMinutes: 10,
    above: '>',
    threshold: 2500,
    severity: 'medium',
    roles: CYCLE_ROLES,
    means: 'the 95th percentile cycle took longer than 2500 ms over 10 minutes',
    todo: 'look at the function duration and the API latency in the log; a slow venue or a growing table query is the usual cause',
  },
  killswitch_stuck_enabled: {
    metric: 'killSwitchEnabled',
    statistic: 'Minimum',
    windowMinutes: 10,
    above: '>=',
    threshold: 1,
    severity: 'critical',
    roles: TRADING_ROLES,
    // a dry-run deployment (the default) runs with the kill switch on by design: it would fire for ever
    armedOnly: true,
    means: 'every cycle for 10 minutes found the kill switch on, so no live order is sent',
    todo: 'if nobody turned it on deliberately, find why (btcbot status; an UNKNOWN-order escalation sets the stored one), settle the cause, then btcbot kill-switch off',
  },
  order_failures_spike: {
    metric: 'ordersFailed',
    statistic: 'Sum',
    windowMinutes: 5,
    above: '>',
    threshold: 5 * 5,
    severity: 'high',
    roles: TRADING_ROLES,
    means: 'more than 5 orders per minute failed over 5 minutes',
    todo: 'read the failure reasons in the function log; turn the kill switch on if they are not venue rejects you expect',
  },
  breaker_open_persistent: {
    metric: 'breakerOpen',
    statistic: 'Minimum',
    windowMinutes: 5,
    above: '>=',
    threshold: 1,
    severity: 'high',
    // reconcile publishes it too, but runs only when a message arrives: one batch cannot show a breaker stuck open
    roles: CYCLE_ROLES,
    means: 'the BTCTurk circuit breaker stayed open for 5 minutes: the cycles cannot reach the exchange',
    todo: 'check BTCTurk status and network egress; btcbot doctor names the cause; the breaker closes by itself once calls succeed',
  },
  reject_spike_1123: {
    metric: 'reject1123',
    statistic: 'Sum',
    windowMinutes: 10,
    above: '>',
    threshold: 3 * 10,
    severity: 'medium',
    roles: TRADING_ROLES,
    means: 'more than 3 orders per minute rejected with BTCTurk code 1123 over 10 minutes',
    todo: 'the venue refused prices or quantities (1123): compare the symbol rules (btcbot doctor) with the orders in the log',
  },
  degraded_mode_stuck: {
    metric: 'degradedMode',
    statistic: 'Minimum',
    windowMinutes: 10,
    above: '>=',
    threshold: 1,
    severity: 'high',
    roles: ['stage4', 'stage7'],
    means: 'every cycle for 10 minutes ran degraded',
    todo: 'btcbot status shows the degrade level and its reason; clear the cause (stale market data, API errors) or btcbot degrade to reset it',
  },
} as const satisfies Record<string, AlertRule>;

export interface MonitoredCycle {
  readonly role: (typeof CYCLE_ROLES)[number];
  /** e.g. `stage 4`: in alarm descriptions and dashboard labels */
  readonly label: string;
  readonly fn: TradingFunction;
  readonly schedule: ScheduleSettings;
}

export interface BotMonitoringProps {
  /** The metrics' environment dimension and every alarm's name prefix */
  readonly envName: string;
  readonly dashboardName: string;
  /** Every alarm notifies it */
  readonly topic: ITopic;
  readonly cycles: readonly MonitoredCycle[];
  readonly reconcile: TradingFunction;
  readonly reconcileDlq: IQueue;
  /** The deployment's knobs arm live trading: the rules marked armedOnly apply */
  readonly armedForLive: boolean;
}

/** Longest heartbeat window CloudWatch evaluates (periods x evaluation periods) */
const MAX_HEARTBEAT_MINUTES = 24 * 60;

/**
 * The heartbeat's window for a schedule firing every `minutes`: that many minutes per period (so each period
 * holds one firing) and three empty periods in a row, but at least five minutes, so one late or retried
 * firing never pages. rate(1 minute): 5 x 1 min; rate(2 minutes): 3 x 2 min; rate(5 minutes): 3 x 5 min.
 */
export function heartbeatWindow(minutes: number): { periodMinutes: number; periods: number } {
  const periods = Math.max(3, Math.ceil(5 / minutes));
  if (minutes * periods > MAX_HEARTBEAT_MINUTES)
    throw new Error(
      `a schedule every ${minutes} minutes needs a heartbeat of ${minutes * periods} minutes, longer than CloudWatch's one day: use a faster rate`,
    );
  return { periodMinutes: minutes, periods };
}

const pascal = (kebab: string) => kebab.replace(/(^|[-_])(\w)/g, (_, _sep, c: string) => c.toUpperCase());

export class BotMonitoring extends Construct {
  private readonly props: BotMonitoringProps;

  constructor(scope: Construct, id: string, props: BotMonitoringProps) {
    super(scope, id);
    this.props = props;
    const minute = Duration.minutes(1);
    const labels = Object.fromEntries([
      ...props.cycles.map((c) => [c.role, c.label]),
      ['reconcile', 'reconcile'],
    ]) as Record<ProcessRole, string>;

    const rules = (Object.entries(ALERT_RULES) as [string, AlertRule][]).filter(
      ([, spec]) => props.armedForLive || !spec.armedOnly,
    );
    for (const [rule, spec] of rules)
      for (const role of spec.roles)
        this.alarm(`${role}-${rule}`, spec.severity, {
          metric: this.metric(role, spec.metric, spec.statistic, Duration.minutes(spec.windowMinutes)),
          threshold: spec.threshold,
          comparisonOperator:
            spec.above === '>'
              ? ComparisonOperator.GREATER_THAN_THRESHOLD
              : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
          description: `${rule} (${labels[role]}): ${spec.means}. ${spec.todo}`,
        });

    for (const cycle of props.cycles.filter((c) => c.schedule.enabled)) {
      const { periodMinutes, periods } = heartbeatWindow(cycle.schedule.minutes);
      this.alarm(`${cycle.role}-stuck_cycles`, 'high', {
        metric: this.metric(cycle.role, 'cyclesCompleted', 'Sum', Duration.minutes(periodMinutes)),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: periods,
        treatMissingData: TreatMissingData.BREACHING,
        description: `stuck_cycles (${cycle.label}): no ${cycle.label} cycle completed for ${periodMinutes * periods} minutes although its schedule (${cycle.schedule.rate}) is enabled. Check the schedule is enabled in EventBridge Scheduler, the function's errors and log, and the lease (btcbot status); the bot is not trading`,
      });
    }

    // a journal count, not an event: the alarm fires while any order stays UNKNOWN and clears once reconciled.
    // The trading cycles count the journal; reconcile does not read the count, so it publishes none
    for (const role of TRADING_ROLES)
      this.alarm(`${role}-unknown_orders`, 'high', {
        metric: this.metric(role, 'unknownOrders', 'Maximum', minute),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `unknown_orders (${labels[role]}): the order journal holds orders in UNKNOWN state: the venue may hold an order the bot cannot see. The reconcile function settles them; if it does not within minutes, keep the kill switch on and follow "The order safety protocol" in the README`,
      });

    // SQS publishes the depth of every queue that holds messages, so a missing point means an empty queue
    const dlqDepth = props.reconcileDlq.metricApproximateNumberOfMessagesVisible({
      period: minute,
      statistic: 'Maximum',
    });
    this.alarm('reconcile-dlq_depth', 'high', {
      metric: dlqDepth,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description:
        'dlq_depth: reconcile messages reached the dead-letter queue after every delivery failed: an order needs an operator. Read the message, settle the order against BTCTurk (btcbot status shows it), then delete the message',
    });

    // Lambda publishes errors and throttles only for invocations: no invocation, nothing to count
    const functions = [
      ...props.cycles.map((c) => ({ role: c.role, fn: c.fn })),
      { role: 'reconcile' as const, fn: props.reconcile },
    ];
    for (const { role, fn } of functions) {
      this.alarm(`${role}-function_errors`, 'high', {
        metric: fn.fn.metricErrors({ period: minute, statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `function_errors (${labels[role]}): ${fn.node.id} invocations failed (a thrown error or a timeout). Read the function log for the error; a cycle that failed left its lease to expire and the next firing retries`,
      });
      this.alarm(`${role}-function_throttles`, 'medium', {
        metric: fn.fn.metricThrottles({ period: minute, statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        description: `function_throttles (${labels[role]}): ${fn.node.id} invocations were throttled. A cycle function runs one at a time: a firing arrived while the previous cycle still ran, so compare its duration with the schedule rate`,
      });
    }

    this.dashboard(labels, dlqDepth, functions);
  }

  /** One of the contract's metrics of one role in this environment */
  private metric(role: ProcessRole, key: MetricKey, statistic: string, period: Duration): Metric {
    return new Metric({
      namespace: METRIC_NAMESPACE,
      metricName: METRICS[key].name,
      dimensionsMap: { ...metricDimensions(this.props.envName, role) },
      statistic,
      period,
    });
  }

  private alarm(
    name: string,
    severity: Severity,
    options: {
      metric: IMetric;
      threshold: number;
      comparisonOperator: ComparisonOperator;
      evaluationPeriods: number;
      treatMissingData: TreatMissingData;
      description: string;
    },
  ): Alarm {
    const { description, ...rest } = options;
    const alarm = new Alarm(this, `${pascal(name)}Alarm`, {
      ...rest,
      alarmName: `${alarmNamePrefix(this.props.envName)}${name}`,
      alarmDescription: `[${severity}] ${description}`,
    });
    const action = new SnsAction(this.props.topic);
    alarm.addAlarmAction(action);
    if (PAGING.includes(severity)) alarm.addOkAction(action);
    return alarm;
  }

  private dashboard(
    labels: Record<ProcessRole, string>,
    dlqDepth: Metric,
    functions: readonly { role: ProcessRole; fn: TradingFunction }[],
  ): void {
    const minute = Duration.minutes(1);
    const perRole = (roles: readonly ProcessRole[], key: MetricKey, statistic: string, suffix = '') =>
      roles.map((role) => this.metric(role, key, statistic, minute).with({ label: `${labels[role]}${suffix}` }));
    const cycles = this.props.cycles.map((c) => c.role);
    const fnMetric = (pick: (fn: TradingFunction) => Metric) =>
      functions.map(({ role, fn }) => pick(fn).with({ label: labels[role] }));
    new Dashboard(this, 'Dashboard', {
      dashboardName: this.props.dashboardName,
      widgets: [
        [
          new GraphWidget({ title: 'Completed cycles', left: perRole(cycles, 'cyclesCompleted', 'Sum') }),
          new GraphWidget({ title: 'Cycle latency p95 (ms)', left: perRole(cycles, 'cycleLatency', 'p95') }),
        ],
        [
          new GraphWidget({
            title: 'BTCTurk API errors and 429 back-offs',
            left: [
              ...perRole([...cycles, 'reconcile'], 'apiErrors', 'Sum', ' errors'),
              ...perRole([...cycles, 'reconcile'], 'api429Backoff', 'Sum', ' 429'),
            ],
          }),
          new GraphWidget({
            title: 'Orders submitted, failed, rejected (1123)',
            left: [
              ...perRole(TRADING_ROLES, 'ordersSubmitted', 'Sum', ' submitted'),
              ...perRole(TRADING_ROLES, 'ordersFailed', 'Sum', ' failed'),
              ...perRole(TRADING_ROLES, 'reject1123', 'Sum', ' 1123'),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'Kill switch, breaker, degraded (1 = on)',
            left: [
              ...perRole(TRADING_ROLES, 'killSwitchEnabled', 'Maximum', ' kill switch'),
              ...perRole(cycles, 'breakerOpen', 'Maximum', ' breaker'),
              ...perRole(['stage4', 'stage7'], 'degradedMode', 'Maximum', ' degraded'),
            ],
          }),
          new GraphWidget({
            title: 'UNKNOWN orders and reconcile DLQ depth',
            left: [...perRole(TRADING_ROLES, 'unknownOrders', 'Maximum'), dlqDepth.with({ label: 'DLQ depth' })],
          }),
        ],
        [
          new GraphWidget({
            title: 'Function errors',
            left: fnMetric((fn) => fn.fn.metricErrors({ period: minute, statistic: 'Sum' })),
          }),
          new GraphWidget({
            title: 'Function throttles',
            left: fnMetric((fn) => fn.fn.metricThrottles({ period: minute, statistic: 'Sum' })),
          }),
          // a timeout already counts as an error; the maximum shows how close each function runs to it
          new GraphWidget({
            title: 'Function duration (maximum)',
            left: fnMetric((fn) => fn.fn.metricDuration({ period: minute, statistic: 'Maximum' })),
          }),
        ],
      ],
    });
  }
}

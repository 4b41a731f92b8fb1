// Safe to destroy and redeploy: the stage 3 and stage 4 cycle functions and their EventBridge Scheduler
// schedules (disabled unless cdk.json context enables one; context refuses both), the reconcile function on
// the SQS queue, alarms and a dashboard. Function logical ids are stable: Stage3CycleFunction,
// Stage4CycleFunction and ReconcileFunction.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { STATE_TABLE } from '../shared/adapters/dynamodb/table-definition';
import { BotMonitoring, type CycleSummary } from './constructs/bot-monitoring';
import { TradingFunction } from './constructs/trading-function';
import type { ScheduleSettings } from './context';
import { RECONCILE_TIMEOUT, STAGE3_CYCLE_TIMEOUT, STAGE4_CYCLE_TIMEOUT } from './function-timeouts';
import type { StatefulStack } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulStack;
  readonly stage3Schedule: ScheduleSettings;
  readonly stage4Schedule: ScheduleSettings;
  /** Knob values from context btcbot:functionEnvironment; never secrets */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  readonly logLevel?: string;
}

/** What a cycle schedule sends: the EventBridge "Scheduled Event" shape (shared/lambda/scheduled-event.ts) */
export const SCHEDULE_INPUT = {
  version: '0',
  id: '<aws.scheduler.execution-id>',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  time: '<aws.scheduler.scheduled-time>',
  resources: ['<aws.scheduler.schedule-arn>'],
  detail: {},
};

// no cycle deletes: journal rows, ledger events and documents are never deleted, a lease is released by an update
const CYCLE_TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem', 'Query'];
// reconcile touches the order journal, which never deletes, and the op-state document (versioned puts)
const RECONCILE_TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem', 'Query'];

/** One trading stage: its function and schedule construct ids are `<id>CycleFunction`, `<id>Schedule` */
interface CycleSpec {
  readonly id: string;
  readonly entry: string;
  readonly timeout: Duration;
  /** The line its cycle logs when it ends, read by the journal-count metric filters */
  readonly summary: CycleSummary;
}

/** The trading cycles this stack deploys (tests/handlers checks each one's summary line against `summary`) */
export const CYCLES = {
  stage3: {
    id: 'Stage3',
    entry: 'functions/stage3-cycle/handler.ts',
    timeout: STAGE3_CYCLE_TIMEOUT,
    // stage 3's metrics predate stage 4 and keep their unprefixed names, so their history stays
    summary: { label: 'stage 3', message: 'Cycle completed', metricPrefix: '' },
  },
  stage4: {
    id: 'Stage4',
    entry: 'functions/stage4-cycle/handler.ts',
    timeout: STAGE4_CYCLE_TIMEOUT,
    summary: { label: 'stage 4', message: 'Stage 4 cycle completed', metricPrefix: 'Stage4' },
  },
} as const satisfies Record<string, CycleSpec>;

export class StatelessStack extends Stack {
  readonly stage3Cycle: TradingFunction;
  readonly stage4Cycle: TradingFunction;
  readonly reconcile: TradingFunction;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    const environment = {
      ...props.functionEnvironment,
      BOT_ENV: stateful.envName,
      LOG_LEVEL: props.logLevel ?? 'INFO',
    };

    this.stage3Cycle = this.cycleFunction(CYCLES.stage3, environment, stateful);
    this.stage4Cycle = this.cycleFunction(CYCLES.stage4, environment, stateful);

    this.reconcile = new TradingFunction(this, 'ReconcileFunction', {
      entry: 'functions/reconcile/handler.ts',
      description: 'btcbot reconcile: settles uncertain orders from the reconcile queue',
      timeout: RECONCILE_TIMEOUT,
      // the last delivery it escalates on is the queue's maxReceiveCount, from the one stateful value
      environment: { ...environment, RECONCILE_MAX_RECEIVES: String(stateful.reconcileMaxReceives) },
    });
    this.reconcile.bindStateTable(stateful.table, STATE_TABLE.statusIndex.name, RECONCILE_TABLE_ACTIONS);
    this.reconcile.bindCredentials(stateful.credentials, stateful.credentialsSecretName);
    this.reconcile.bindReconcileRetries(stateful.reconcileQueue);
    this.reconcile.fn.addEventSource(
      new SqsEventSource(stateful.reconcileQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.schedule(CYCLES.stage3, this.stage3Cycle, props.stage3Schedule);
    this.schedule(CYCLES.stage4, this.stage4Cycle, props.stage4Schedule);
    new BotMonitoring(this, 'Monitoring', {
      dashboardName: `btcbot-${stateful.envName}`,
      functions: [this.stage3Cycle, this.stage4Cycle, this.reconcile],
      cycles: [
        { fn: this.stage3Cycle, summary: CYCLES.stage3.summary },
        { fn: this.stage4Cycle, summary: CYCLES.stage4.summary },
      ],
      reconcileDlq: stateful.reconcileDlq,
    });
  }

  /** A cycle function with the least privilege every trading cycle needs, and no more */
  private cycleFunction(
    spec: CycleSpec,
    environment: Readonly<Record<string, string>>,
    stateful: StatefulStack,
  ): TradingFunction {
    const cycle = new TradingFunction(this, `${spec.id}CycleFunction`, {
      entry: spec.entry,
      description: `btcbot ${spec.summary.label} cycle: one scheduled event, one trading cycle`,
      timeout: spec.timeout,
      memorySize: 512,
      // one writer at a time; the lease in the table is the real guarantee, this keeps contention away
      reservedConcurrentExecutions: 1,
      // a failed or throttled firing is not run late: the next firing is a minute away (the handler also
      // refuses events older than CYCLE_MAX_EVENT_AGE_SECONDS)
      asyncInvoke: { retryAttempts: 0, maxEventAge: Duration.seconds(60) },
      // the configuration refuses a LEASE_TTL_SECONDS that is not longer than this
      environment: { ...environment, FUNCTION_TIMEOUT_SECONDS: String(spec.timeout.toSeconds()) },
    });
    cycle.bindStateTable(stateful.table, STATE_TABLE.statusIndex.name, CYCLE_TABLE_ACTIONS);
    cycle.bindKillSwitch(stateful.killSwitch);
    cycle.bindCredentials(stateful.credentials, stateful.credentialsSecretName);
    cycle.bindReconcileQueue(stateful.reconcileQueue);
    return cycle;
  }

  /** The cycle's schedule, with a role that may invoke that one function only */
  private schedule(spec: CycleSpec, cycle: TradingFunction, settings: ScheduleSettings): void {
    const role = new Role(this, `${spec.id}ScheduleRole`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `Lets EventBridge Scheduler invoke the ${spec.summary.label} cycle function`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [cycle.fn.functionArn] }),
    );
    new CfnSchedule(this, `${spec.id}Schedule`, {
      description: `Fires one ${spec.summary.label} cycle; the schedule name and scheduled time name the cycle, stable across retries`,
      scheduleExpression: settings.rate,
      state: settings.enabled ? 'ENABLED' : 'DISABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: cycle.fn.functionArn,
        roleArn: role.roleArn,
        input: JSON.stringify(SCHEDULE_INPUT),
        // a firing older than a minute is stale: the next one is due
        retryPolicy: { maximumRetryAttempts: settings.maxRetries, maximumEventAgeInSeconds: 60 },
      },
    });
  }
}

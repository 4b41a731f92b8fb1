// Safe to destroy and redeploy: the stage 3 cycle function and its EventBridge Scheduler schedule
// (disabled unless cdk.json context enables it), the reconcile function on the SQS queue, alarms and a
// dashboard. Function logical ids are stable: Stage3CycleFunction and ReconcileFunction.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { STATE_TABLE } from '../shared/adapters/dynamodb/table-definition';
import { BotMonitoring } from './constructs/bot-monitoring';
import { TradingFunction } from './constructs/trading-function';
import type { ScheduleSettings } from './context';
import { RECONCILE_TIMEOUT, STAGE3_CYCLE_TIMEOUT } from './function-timeouts';
import type { StatefulStack } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulStack;
  readonly stage3Schedule: ScheduleSettings;
  /** Knob values from context btcbot:functionEnvironment; never secrets */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  readonly logLevel?: string;
}

/** What the schedule sends: the EventBridge "Scheduled Event" shape (shared/lambda/scheduled-event.ts) */
export const STAGE3_SCHEDULE_INPUT = {
  version: '0',
  id: '<aws.scheduler.execution-id>',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  time: '<aws.scheduler.scheduled-time>',
  resources: ['<aws.scheduler.schedule-arn>'],
  detail: {},
};

const CYCLE_TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'Query'];
// reconcile touches the order journal, which never deletes, and the op-state document (versioned puts)
const RECONCILE_TABLE_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem', 'Query'];

export class StatelessStack extends Stack {
  readonly stage3Cycle: TradingFunction;
  readonly reconcile: TradingFunction;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    const environment = {
      ...props.functionEnvironment,
      BOT_ENV: stateful.envName,
      LOG_LEVEL: props.logLevel ?? 'INFO',
    };

    this.stage3Cycle = new TradingFunction(this, 'Stage3CycleFunction', {
      entry: 'functions/stage3-cycle/handler.ts',
      description: 'btcbot stage 3 cycle: one scheduled event, one trading cycle',
      timeout: STAGE3_CYCLE_TIMEOUT,
      memorySize: 512,
      // one writer at a time; the lease in the table is the real guarantee, this keeps contention away
      reservedConcurrentExecutions: 1,
      // a failed or throttled firing is not run late: the next firing is a minute away (the handler also
      // refuses events older than CYCLE_MAX_EVENT_AGE_SECONDS)
      asyncInvoke: { retryAttempts: 0, maxEventAge: Duration.seconds(60) },
      // the configuration refuses a LEASE_TTL_SECONDS that is not longer than this
      environment: { ...environment, FUNCTION_TIMEOUT_SECONDS: String(STAGE3_CYCLE_TIMEOUT.toSeconds()) },
    });
    this.stage3Cycle.bindStateTable(stateful.table, STATE_TABLE.statusIndex.name, CYCLE_TABLE_ACTIONS);
    this.stage3Cycle.bindKillSwitch(stateful.killSwitch);
    this.stage3Cycle.bindCredentials(stateful.credentials, stateful.credentialsSecretName);
    this.stage3Cycle.bindReconcileQueue(stateful.reconcileQueue);

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

    this.scheduleStage3(props.stage3Schedule);
    new BotMonitoring(this, 'Monitoring', {
      dashboardName: `btcbot-${stateful.envName}`,
      functions: [this.stage3Cycle, this.reconcile],
      cycleLogGroup: this.stage3Cycle.logGroup,
      reconcileDlq: stateful.reconcileDlq,
    });
  }

  private scheduleStage3(settings: ScheduleSettings): void {
    const role = new Role(this, 'Stage3ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the stage 3 cycle function',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.stage3Cycle.fn.functionArn] }),
    );
    new CfnSchedule(this, 'Stage3Schedule', {
      description:
        'Fires one stage 3 cycle; the schedule name and scheduled time name the cycle, stable across retries',
      scheduleExpression: settings.rate,
      state: settings.enabled ? 'ENABLED' : 'DISABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.stage3Cycle.fn.functionArn,
        roleArn: role.roleArn,
        input: JSON.stringify(STAGE3_SCHEDULE_INPUT),
        // a firing older than a minute is stale: the next one is due
        retryPolicy: { maximumRetryAttempts: settings.maxRetries, maximumEventAgeInSeconds: 60 },
      },
    });
  }
}

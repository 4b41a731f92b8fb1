// Safe to destroy and redeploy: the stage 3 and stage 4 cycle functions and their EventBridge Scheduler
// schedules (disabled unless cdk.json context enables one; context refuses both), the stage 7 simulation
// function and its schedule (disabled by default; it may run beside either), the reconcile function on the
// SQS queue, alarms on the stateful stack's topic and a dashboard. Function logical ids are stable: Stage3CycleFunction,
// Stage4CycleFunction, Stage7CycleFunction and ReconcileFunction.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { stage7Keys } from '../shared/adapters/dynamodb/dynamodb-stage7-keys';
import { STATE_TABLE } from '../shared/adapters/dynamodb/table-definition';
import { loadConfig } from '../shared/config/load-config';
import { stage7Environment } from '../shared/config/stage7-environment';
import { BotMonitoring, type MonitoredCycle } from './constructs/bot-monitoring';
import { TradingFunction } from './constructs/trading-function';
import type { ScheduleSettings } from './context';
import {
  RECONCILE_TIMEOUT,
  STAGE3_CYCLE_TIMEOUT,
  STAGE4_CYCLE_TIMEOUT,
  STAGE7_CYCLE_TIMEOUT,
} from './function-timeouts';
import type { StatefulStack } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulStack;
  readonly stage3Schedule: ScheduleSettings;
  readonly stage4Schedule: ScheduleSettings;
  readonly stage7Schedule: ScheduleSettings;
  /** Knob values from context btcbot:functionEnvironment; never secrets */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  /** functionEnvironment arms the trading cycles for live orders: the kill switch alarm applies */
  readonly armedForLive: boolean;
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
// stage 7 touches its lease (UpdateItem), documents (GetItem, PutItem), the ledger (a transaction of Update and
// Puts; Query and PutItem to create its counter) and its own records (Query, also on the open-order index;
// BatchGetItem; transactions of Put and ConditionCheck). Its one delete, of a split write's redo log, is
// granted apart, on the stage 7 partition only.
const STAGE7_TABLE_ACTIONS = ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem', 'Query'];

/** One scheduled stage: its function and schedule construct ids are `<id>CycleFunction`, `<id>Schedule` */
interface CycleSpec {
  readonly id: string;
  /** Its metrics' process_role */
  readonly role: MonitoredCycle['role'];
  /** e.g. `stage 4`: in descriptions, alarm texts and dashboard labels */
  readonly label: string;
  readonly entry: string;
  readonly timeout: Duration;
  /** What one firing does, in the function's description */
  readonly does: string;
}

/** The cycles this stack deploys */
export const CYCLES = {
  stage3: {
    id: 'Stage3',
    role: 'stage3',
    label: 'stage 3',
    entry: 'functions/stage3-cycle/handler.ts',
    timeout: STAGE3_CYCLE_TIMEOUT,
    does: 'one trading cycle',
  },
  stage4: {
    id: 'Stage4',
    role: 'stage4',
    label: 'stage 4',
    entry: 'functions/stage4-cycle/handler.ts',
    timeout: STAGE4_CYCLE_TIMEOUT,
    does: 'one trading cycle',
  },
  stage7: {
    id: 'Stage7',
    role: 'stage7',
    label: 'stage 7',
    entry: 'functions/stage7-cycle/handler.ts',
    timeout: STAGE7_CYCLE_TIMEOUT,
    does: 'one simulated cycle, never a live order',
  },
} as const satisfies Record<string, CycleSpec>;

export class StatelessStack extends Stack {
  readonly stage3Cycle: TradingFunction;
  readonly stage4Cycle: TradingFunction;
  readonly stage7Cycle: TradingFunction;
  readonly reconcile: TradingFunction;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    const environment = {
      ...props.functionEnvironment,
      BOT_ENV: stateful.envName,
      LOG_LEVEL: props.logLevel ?? 'INFO',
    };

    this.stage3Cycle = this.tradingCycle(CYCLES.stage3, environment, stateful);
    this.stage4Cycle = this.tradingCycle(CYCLES.stage4, environment, stateful);
    this.stage7Cycle = this.stage7(environment, stateful);

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
    this.schedule(CYCLES.stage7, this.stage7Cycle, props.stage7Schedule);
    new BotMonitoring(this, 'Monitoring', {
      envName: stateful.envName,
      dashboardName: `btcbot-${stateful.envName}`,
      topic: stateful.alarmTopic,
      cycles: [
        { ...CYCLES.stage3, fn: this.stage3Cycle, schedule: props.stage3Schedule },
        { ...CYCLES.stage4, fn: this.stage4Cycle, schedule: props.stage4Schedule },
        { ...CYCLES.stage7, fn: this.stage7Cycle, schedule: props.stage7Schedule },
      ],
      reconcile: this.reconcile,
      reconcileDlq: stateful.reconcileDlq,
      armedForLive: props.armedForLive,
    });
  }

  /** A trading cycle with the least privilege every trading cycle needs, and no more */
  private tradingCycle(
    spec: CycleSpec,
    environment: Readonly<Record<string, string>>,
    stateful: StatefulStack,
  ): TradingFunction {
    const cycle = this.cycleFunction(spec, environment);
    cycle.bindStateTable(stateful.table, STATE_TABLE.statusIndex.name, CYCLE_TABLE_ACTIONS);
    cycle.bindKillSwitch(stateful.killSwitch);
    cycle.bindCredentials(stateful.credentials, stateful.credentialsSecretName);
    cycle.bindReconcileQueue(stateful.reconcileQueue);
    return cycle;
  }

  /**
   * The stage 7 cycle: the state table only. It reads public market data through a gateway without
   * credentials and sends nothing to the reconcile queue, so it gets no secret, no kill-switch parameter
   * (it reads the stored kill switch) and no queue.
   */
  private stage7(environment: Readonly<Record<string, string>>, stateful: StatefulStack): TradingFunction {
    const simulation = stage7Environment(environment);
    // what the function loads at cold start, checked now (readContext checked the shared environment, not
    // stage 7's overrides); its account names the one partition it may delete in
    const account = loadConfig(simulation).BOT_ACCOUNT;
    const cycle = this.cycleFunction(CYCLES.stage7, simulation);
    cycle.bindStateTable(stateful.table, STATE_TABLE.statusIndex.name, STAGE7_TABLE_ACTIONS);
    cycle.grantStateTableDeletes(stateful.table, [stage7Keys.pk(account)]);
    return cycle;
  }

  /** A cycle function: one scheduled event, one cycle, one at a time */
  private cycleFunction(spec: CycleSpec, environment: Readonly<Record<string, string>>): TradingFunction {
    return new TradingFunction(this, `${spec.id}CycleFunction`, {
      entry: spec.entry,
      description: `btcbot ${spec.label} cycle: one scheduled event, ${spec.does}`,
      timeout: spec.timeout,
      memorySize: 512,
      // one writer at a time; the lease in the table is the real guarantee, this keeps contention away
      reservedConcurrentExecutions: 1,
      // a failed or throttled firing is not run late: the next firing is due (the handler also refuses
      // events older than CYCLE_MAX_EVENT_AGE_SECONDS)
      asyncInvoke: { retryAttempts: 0, maxEventAge: Duration.seconds(60) },
      // the configuration refuses a LEASE_TTL_SECONDS that is not longer than this
      environment: { ...environment, FUNCTION_TIMEOUT_SECONDS: String(spec.timeout.toSeconds()) },
    });
  }

  /** The cycle's schedule, with a role that may invoke that one function only */
  private schedule(spec: CycleSpec, cycle: TradingFunction, settings: ScheduleSettings): void {
    const role = new Role(this, `${spec.id}ScheduleRole`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `Lets EventBridge Scheduler invoke the ${spec.label} cycle function`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [cycle.fn.functionArn] }),
    );
    new CfnSchedule(this, `${spec.id}Schedule`, {
      description: `Fires one ${spec.label} cycle; the schedule name and scheduled time name the cycle, stable across retries`,
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

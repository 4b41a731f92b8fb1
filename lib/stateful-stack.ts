// Data we must not lose: the state table (RETAIN, point-in-time recovery, TTL), the reconcile queue and
// its DLQ, the BTCTurk credentials secret and the kill-switch parameter, created "on" so that a fresh
// deployment can never trade by accident.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { STATE_TABLE } from '../shared/adapters/dynamodb/table-definition';
import { KNOBS } from '../shared/config/knobs';
import { RECONCILE_VISIBILITY_TIMEOUT } from './function-timeouts';

export interface StatefulStackProps extends StackProps {
  /** Environment name (dev, prod): part of every resource name an operator types */
  readonly envName: string;
  /** Reference an existing secret `btcbot/<env>/btcturk` instead of creating one (context btcbot:secretExists) */
  readonly secretExists: boolean;
  /** Deliveries of one reconcile message before the DLQ (RECONCILE_MAX_RECEIVES); default the knob's default */
  readonly reconcileMaxReceives?: number;
}

export const killSwitchParameterName = (envName: string) => `/btcbot/${envName}/kill-switch`;
export const credentialsSecretName = (envName: string) => `btcbot/${envName}/btcturk`;
/** Deliveries of one reconcile message before it moves to the DLQ, unless RECONCILE_MAX_RECEIVES is set */
export const RECONCILE_MAX_RECEIVE_COUNT = Number(KNOBS.RECONCILE_MAX_RECEIVES.default);

export class StatefulStack extends Stack {
  readonly envName: string;
  readonly table: Table;
  readonly killSwitch: StringParameter;
  readonly reconcileQueue: Queue;
  readonly reconcileDlq: Queue;
  /** The queue's maxReceiveCount: the reconcile function gets it as RECONCILE_MAX_RECEIVES */
  readonly reconcileMaxReceives: number;
  readonly credentials: ISecret;
  /** The name the functions pass to GetSecretValue (BTCTURK_SECRET_ID) */
  readonly credentialsSecretName: string;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.envName = props.envName;
    this.reconcileMaxReceives = props.reconcileMaxReceives ?? RECONCILE_MAX_RECEIVE_COUNT;
    const { partitionKey, sortKey, ttlAttribute, statusIndex } = STATE_TABLE;
    this.table = new Table(this, 'StateTable', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: statusIndex.name,
      partitionKey: { name: statusIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: statusIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.killSwitch = new StringParameter(this, 'KillSwitch', {
      parameterName: killSwitchParameterName(props.envName),
      stringValue: 'on',
      description:
        'btcbot kill switch: "off" allows live orders (with every other gate armed); anything else blocks them',
    });
    this.reconcileDlq = new Queue(this, 'ReconcileDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.reconcileQueue = new Queue(this, 'ReconcileQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: RECONCILE_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.reconcileDlq, maxReceiveCount: this.reconcileMaxReceives },
    });
    this.credentialsSecretName = credentialsSecretName(props.envName);
    // CloudFormation cannot create a secret without a value: when created here it holds a generated
    // placeholder (never in the template) until the operator puts {apiKey, apiSecret} into it
    this.credentials = props.secretExists
      ? Secret.fromSecretNameV2(this, 'BtcturkCredentials', this.credentialsSecretName)
      : this.createCredentialsSecret();
    // what operators type into `btcbot status`, `doctor` and `invoke` (cdk deploy prints them)
    new CfnOutput(this, 'StateTableName', { value: this.table.tableName });
    new CfnOutput(this, 'ReconcileQueueUrl', { value: this.reconcileQueue.queueUrl });
    new CfnOutput(this, 'ReconcileDlqUrl', { value: this.reconcileDlq.queueUrl });
    new CfnOutput(this, 'KillSwitchParameterName', { value: this.killSwitch.parameterName });
    new CfnOutput(this, 'CredentialsSecretName', { value: this.credentialsSecretName });
  }

  private createCredentialsSecret(): Secret {
    const secret = new Secret(this, 'BtcturkCredentials', {
      secretName: this.credentialsSecretName,
      description: 'btcbot BTCTurk API credentials as JSON {"apiKey": "...", "apiSecret": "..."}',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'BTCTurk API keys are issued on the venue website, so rotation is manual (an operator rotates the key there and updates the secret)',
    });
    return secret;
  }
}

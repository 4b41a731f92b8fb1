// Data we must not lose: the state table (RETAIN, point-in-time recovery, TTL), the reconcile queue and
// its DLQ, the BTCTurk credentials secret, the kill-switch parameter, created "on" so that a fresh
// deployment can never trade by accident, and the alarm topic, whose subscriptions survive a redeploy of
// the stateless stack.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
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
  /** Subscribed to the alarm topic when given (context btcbot:alarmEmail) */
  readonly alarmEmail?: string;
}

export const killSwitchParameterName = (envName: string) => `/btcbot/${envName}/kill-switch`;
export const credentialsSecretName = (envName: string) => `btcbot/${envName}/btcturk`;
/** Every alarm of the environment is named with this prefix; the topic accepts alarms so named only */
export const alarmNamePrefix = (envName: string) => `btcbot-${envName}-`;
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
  /** Every alarm's action: what pages the operator */
  readonly alarmTopic: Topic;

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
    this.alarmTopic = this.createAlarmTopic(props.alarmEmail);
    // what operators type into `btcbot status`, `doctor` and `invoke` (cdk deploy prints them)
    new CfnOutput(this, 'StateTableName', { value: this.table.tableName });
    new CfnOutput(this, 'ReconcileQueueUrl', { value: this.reconcileQueue.queueUrl });
    new CfnOutput(this, 'ReconcileDlqUrl', { value: this.reconcileDlq.queueUrl });
    new CfnOutput(this, 'KillSwitchParameterName', { value: this.killSwitch.parameterName });
    new CfnOutput(this, 'CredentialsSecretName', { value: this.credentialsSecretName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /**
   * The topic every alarm notifies, encrypted with a key of its own: CloudWatch must encrypt what it publishes,
   * and the AWS-managed SNS key does not let it, so alarms on a topic under that key would notify nobody.
   */
  private createAlarmTopic(email: string | undefined): Topic {
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const alarms = `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:${alarmNamePrefix(this.envName)}*`;
    const key = new Key(this, 'AlarmTopicKey', {
      description: `btcbot ${this.envName}: encrypts the alarm topic`,
      enableKeyRotation: true,
      // it protects notifications in flight only: nothing stored needs it once the topic is gone
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // as CloudWatch documents it, without conditions: SNS makes the KMS call, and the request it makes
    // carries no alarm ARN to match; the topic policy below restricts which alarms may publish
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `btcbot ${this.envName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // the topic policy CDK writes (for enforceSSL) replaces the default one that let the account's services publish
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account }, ArnLike: { 'aws:SourceArn': alarms } },
      }),
    );
    if (email) topic.addSubscription(new EmailSubscription(email));
    return topic;
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

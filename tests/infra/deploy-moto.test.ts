// `cdk bootstrap` and `cdk deploy` of both stacks with the real aws-cdk CLI against moto_server (the path the
// README's deploy section shows, through local/aws/moto-deploy.ts), then the deployed resources read back with
// the real AWS SDK. moto's CloudFormation skips some resource types; each one is named and printed below and
// covered by the template tests instead, never assumed to exist.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackNames } from '../../lib/app';
import { RECONCILE_VISIBILITY_TIMEOUT } from '../../lib/function-timeouts';
import { credentialsSecretName, killSwitchParameterName, RECONCILE_MAX_RECEIVE_COUNT } from '../../lib/stateful-stack';
import { CYCLES } from '../../lib/stateless-stack';
import { deployToMoto } from '../../local/aws/moto-deploy';
import { STATE_TABLE } from '../../shared/adapters/dynamodb/table-definition';
import { emulator, emulatorClientConfig, motoEndpoint } from '../support/aws';

/**
 * The resource types moto's CloudFormation accepts but does not create, and where each is checked instead.
 * A type that moto starts skipping fails the test until it is listed here.
 */
const IGNORED_BY_MOTO: Record<string, string> = {
  'AWS::CloudWatch::Alarm': 'tests/infra/monitoring.test.ts (actions, metrics, dimensions, thresholds)',
  'AWS::Scheduler::Schedule': 'tests/infra/stateless-stack.test.ts (state, rate, target, retries)',
  'AWS::Lambda::EventInvokeConfig': 'tests/infra/stateless-stack.test.ts (no retries, 60 s event age)',
  'AWS::SQS::QueuePolicy': 'tests/infra/stateful-stack.test.ts (TLS only)',
  'AWS::SNS::TopicPolicy': 'tests/infra/monitoring.test.ts (TLS only, publications from our alarms)',
  'AWS::CDK::Metadata': 'nothing: CDK version reporting',
};

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

const endpoint = motoEndpoint();

describe.skipIf(endpoint === null)('cdk deploy of both stacks to moto_server', () => {
  // moto_server listens on 127.0.0.1; CloudFormation on moto needs the name localhost (local/aws/moto-deploy.ts)
  const local = (endpoint ?? '').replace('//127.0.0.1:', '//localhost:');
  const envName = `deploy-${randomUUID().slice(0, 8)}`;
  const names = stackNames(envName);
  let outdir = '';
  const config = emulatorClientConfig(local);
  const aws = emulator(local);
  const cloudformation = new CloudFormationClient(config);
  const lambda = new LambdaClient(config);
  const sns = new SNSClient(config);
  const cloudwatch = new CloudWatchClient(config);
  let outputs: Record<string, string> = {};
  const deployed: Record<string, StackResourceSummary[]> = {};

  const template = (stack: string): Record<string, TemplateResource> =>
    JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')).Resources;
  const physicalId = (stack: string, logicalId: string) =>
    deployed[stack]?.find((r) => r.LogicalResourceId === logicalId)?.PhysicalResourceId as string;
  const functionConfig = (logicalId: string): Promise<FunctionConfiguration> =>
    lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physicalId(names.stateless, logicalId) }));

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'btcbot-deploy-'));
    const started = performance.now();
    const printed: string[] = [];
    await deployToMoto({ endpoint: local, envName, outdir, onLine: (line) => printed.push(line) }).catch((e) => {
      console.log(printed.join('\n'));
      throw e;
    });
    console.log(
      `deploy-moto: cdk bootstrap + deploy of ${names.stateful} and ${names.stateless} took ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const stacks = await cloudformation.send(new DescribeStacksCommand({ StackName: names.stateful }));
    outputs = Object.fromEntries((stacks.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    for (const stack of [names.stateful, names.stateless]) {
      const listed = await cloudformation.send(new ListStackResourcesCommand({ StackName: stack }));
      deployed[stack] = listed.StackResourceSummaries ?? [];
    }
  }, 240_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('completes both stacks and prints the outputs the CLI reads', async () => {
    for (const stack of [names.stateful, names.stateless]) {
      const described = await cloudformation.send(new DescribeStacksCommand({ StackName: stack }));
      expect(described.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    }
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'StateTableName',
        'ReconcileQueueUrl',
        'ReconcileDlqUrl',
        'KillSwitchParameterName',
        'CredentialsSecretName',
        'AlarmTopicArn',
      ]),
    );
    expect(outputs.CredentialsSecretName).toBe(credentialsSecretName(envName));
  });

  it('creates the state table with the shared key schema and status index', async () => {
    const { Table } = await aws.dynamodb.send(new DescribeTableCommand({ TableName: outputs.StateTableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: STATE_TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual([STATE_TABLE.statusIndex.name]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const ttl = await aws.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: outputs.StateTableName }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') {
      expect(ttl.TimeToLiveDescription.AttributeName).toBe(STATE_TABLE.ttlAttribute);
    } else {
      // moto's CloudFormation does not apply it: the deployed template must carry it
      console.log(
        `deploy-moto: moto ignores the table's TimeToLiveSpecification (status ${ttl.TimeToLiveDescription?.TimeToLiveStatus}): checked in the template only`,
      );
      expect(
        template(names.stateful)[logicalIdOf(template(names.stateful), 'AWS::DynamoDB::Table')]?.Properties,
      ).toMatchObject({
        TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
      });
    }
  });

  it('sends reconcile messages to the DLQ after RECONCILE_MAX_RECEIVES receives, and keeps them 14 days', async () => {
    const attributes = async (QueueUrl: string | undefined) =>
      (await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
    const queue = await attributes(outputs.ReconcileQueueUrl);
    const dlq = await attributes(outputs.ReconcileDlqUrl);
    expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.QueueArn,
      maxReceiveCount: RECONCILE_MAX_RECEIVE_COUNT,
    });
    expect(queue.VisibilityTimeout).toBe(String(RECONCILE_VISIBILITY_TIMEOUT.toSeconds()));
    expect(dlq.MessageRetentionPeriod).toBe(String(14 * 24 * 3600));
  });

  it('creates the kill switch on', async () => {
    expect(outputs.KillSwitchParameterName).toBe(killSwitchParameterName(envName));
    const { Parameter } = await aws.ssm.send(new GetParameterCommand({ Name: outputs.KillSwitchParameterName }));
    expect(Parameter?.Value).toBe('on');
  });

  it('creates the alarm topic, encrypted, with no subscription unless btcbot:alarmEmail names one', async () => {
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: outputs.AlarmTopicArn }));
    expect(Attributes?.TopicArn).toBe(outputs.AlarmTopicArn);
    const key = physicalId(names.stateful, logicalIdOf(template(names.stateful), 'AWS::KMS::Key'));
    expect(key).toBeTruthy();
    expect(Attributes?.KmsMasterKeyId).toMatch(new RegExp(`:key/${key}$`));
    const subscriptions = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: outputs.AlarmTopicArn }));
    expect(subscriptions.Subscriptions).toEqual([]);
  });

  it.each([
    [CYCLES.stage3.id, true],
    [CYCLES.stage4.id, true],
    [CYCLES.stage7.id, false],
  ])('deploys the %s cycle function with its runtime, memory, timeout and environment', async (id, trades) => {
    const logicalId = `${id}CycleFunction`;
    const fn = await functionConfig(logicalId);
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', MemorySize: 512, Timeout: 120 });
    expectArm64(fn, template(names.stateless)[logicalId]);
    const variables = fn.Environment?.Variables ?? {};
    expect(variables).toMatchObject({
      BOT_ENV: envName,
      STATE_TABLE_NAME: outputs.StateTableName,
      FUNCTION_TIMEOUT_SECONDS: '120',
      NODE_OPTIONS: '--enable-source-maps',
    });
    if (trades)
      expect(variables).toMatchObject({
        KILL_SWITCH_PARAMETER: outputs.KillSwitchParameterName,
        BTCTURK_SECRET_ID: outputs.CredentialsSecretName,
        RECONCILE_QUEUE_URL: outputs.ReconcileQueueUrl,
      });
    else expect(Object.keys(variables)).not.toContain('BTCTURK_SECRET_ID');
  });

  it('deploys the reconcile function on the reconcile queue, 10 messages a batch, reporting partial failures', async () => {
    const fn = await functionConfig('ReconcileFunction');
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', MemorySize: 256, Timeout: 60 });
    expectArm64(fn, template(names.stateless).ReconcileFunction);
    expect(fn.Environment?.Variables).toMatchObject({
      BOT_ENV: envName,
      STATE_TABLE_NAME: outputs.StateTableName,
      RECONCILE_QUEUE_URL: outputs.ReconcileQueueUrl,
      RECONCILE_MAX_RECEIVES: String(RECONCILE_MAX_RECEIVE_COUNT),
      BTCTURK_SECRET_ID: outputs.CredentialsSecretName,
    });
    const mappings = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn.FunctionName }));
    const queueArn = (
      await aws.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: outputs.ReconcileQueueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn;
    expect(mappings.EventSourceMappings?.map((m) => [m.EventSourceArn, m.BatchSize, m.FunctionResponseTypes])).toEqual([
      [queueArn, 10, ['ReportBatchItemFailures']],
    ]);
  });

  it('says which resources moto did not create, each checked by a template test instead', async () => {
    const skipped = new Map<string, string[]>();
    for (const stack of [names.stateful, names.stateless]) {
      const created = new Set(deployed[stack]?.map((r) => r.LogicalResourceId));
      for (const [logicalId, resource] of Object.entries(template(stack)))
        if (!created.has(logicalId)) skipped.set(resource.Type, [...(skipped.get(resource.Type) ?? []), logicalId]);
    }
    for (const [type, ids] of skipped)
      console.log(
        `deploy-moto: moto ignores ${ids.length} ${type} (${ids.join(', ')}); checked in ${IGNORED_BY_MOTO[type] ?? 'NOWHERE'}`,
      );
    expect([...skipped.keys()].filter((type) => !(type in IGNORED_BY_MOTO))).toEqual([]);

    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `btcbot-${envName}-` }));
    if (skipped.has('AWS::CloudWatch::Alarm')) expect(alarms.MetricAlarms).toEqual([]);
    else for (const alarm of alarms.MetricAlarms ?? []) expect(alarm.AlarmActions).toEqual([outputs.AlarmTopicArn]);
  });
});

/** arm64 as deployed, or, where moto reports its default x86_64 whatever the template says, in the template */
function expectArm64(deployed: FunctionConfiguration, resource: TemplateResource | undefined): void {
  expect(resource?.Properties?.Architectures).toEqual(['arm64']);
  if (deployed.Architectures?.[0] === 'arm64') return;
  console.log(
    `deploy-moto: moto ignores a function's Architectures (reports ${deployed.Architectures}): arm64 checked in the template only`,
  );
  expect(deployed.Architectures).toEqual(['x86_64']);
}

/** The logical id of the one resource of a type in a template */
function logicalIdOf(resources: Record<string, TemplateResource>, type: string): string {
  const ids = Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0] as string;
}

// CDK template assertions for the stateful stack, named for the guarantee each one checks
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RECONCILE_TIMEOUT } from '../../lib/function-timeouts';
import { STATE_TABLE } from '../../shared/adapters/dynamodb/table-definition';
import { loadConfig } from '../../shared/config/load-config';
import { synthesize } from './synth';

const queueProps = (template: Template, withDlq: boolean) =>
  Object.values(template.findResources('AWS::SQS::Queue')).filter(
    (q) => 'RedrivePolicy' in (q.Properties ?? {}) === withDlq,
  );

describe('StatefulStack', () => {
  const template = Template.fromStack(synthesize().stateful);

  it('retains the state table and enables point-in-time recovery', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
    });
  });

  it('uses the shared table definition: pk/sk keys, TTL attribute and the status index', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: STATE_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: STATE_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: [{ IndexName: STATE_TABLE.statusIndex.name }],
    });
  });

  it('creates the kill switch "on" so a fresh deployment cannot trade', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/btcbot/dev/kill-switch', Value: 'on' });
    expect(Object.keys(template.findResources('AWS::SSM::Parameter'))).toHaveLength(1);
  });

  it('gives the reconcile queue a DLQ after RECONCILE_MAX_RECEIVES (8) receives and a visibility timeout >= 6x the function timeout', () => {
    const [main] = queueProps(template, true);
    expect(queueProps(template, true)).toHaveLength(1);
    expect(main?.Properties.RedrivePolicy.maxReceiveCount).toBe(loadConfig({}).RECONCILE_MAX_RECEIVES);
    expect(main?.Properties.RedrivePolicy.maxReceiveCount).toBe(8);
    expect(main?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * RECONCILE_TIMEOUT.toSeconds());
  });

  it('keeps DLQ messages 14 days', () => {
    const [dlq] = queueProps(template, false);
    expect(dlq?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('encrypts both queues with SQS-managed SSE and denies non-TLS access', () => {
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { SqsManagedSseEnabled: true }, 2);
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      2,
    );
  });

  it('creates the credentials secret btcbot/<env>/btcturk without a value in the template', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { Name: 'btcbot/dev/btcturk', SecretString: Match.absent() },
    });
  });

  it('references the existing secret instead of creating one when context btcbot:secretExists is true', () => {
    const existing = Template.fromStack(synthesize({ context: { 'btcbot:secretExists': true } }).stateful);
    existing.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('outputs the names an operator passes to the CLI: table, queues, kill switch and secret', () => {
    // the other outputs are CDK's cross-stack exports to the stateless stack
    expect(Object.keys(template.findOutputs('*'))).toEqual(
      expect.arrayContaining([
        'CredentialsSecretName',
        'KillSwitchParameterName',
        'ReconcileDlqUrl',
        'ReconcileQueueUrl',
        'StateTableName',
      ]),
    );
  });
});
